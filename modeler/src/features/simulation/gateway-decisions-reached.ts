import type { GatewayDecision } from './ConditionalGatewaySettings';

/**
 * The gateway decisions the simulation panel lists, split by whether the token has reached the gateway: those it
 * reached in the order it reached them, then those it has not (yet), which the panel marks as such. Listed alike, a
 * decision on a gateway the order never gets to ("Director approved? → yes" for an order of 450,000) read as if that
 * step took part. Gateways with one way out decide nothing and are left out.
 */
export function decisionsByReach(decisions: Iterable<GatewayDecision>, reachedGateways: readonly string[]): { reached: GatewayDecision[]; notReached: GatewayDecision[] } {
  const deciding = [...decisions].filter((decision) => decision.reason !== 'only-way');
  const reached = reachedGateways
    .map((id) => deciding.find((decision) => decision.gateway.id === id))
    .filter((decision): decision is GatewayDecision => !!decision);
  return { reached, notReached: deciding.filter((decision) => !reached.includes(decision)) };
}
