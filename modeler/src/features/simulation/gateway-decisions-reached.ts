import type { GatewayDecision } from './ConditionalGatewaySettings';

/** A gateway the token reached: the way it went then, and the way the order as it is now would go, when that differs. */
export interface ReachedDecision {
  /** The decision the token followed when it last passed the gateway. */
  taken: GatewayDecision;
  /** The decision for the simulated order as it is now (changed since, or the gateway clicked), when it takes another flow; else null. */
  now: GatewayDecision | null;
}

/**
 * The gateway decisions the simulation panel lists, split by whether the token has reached the gateway: those it
 * reached in the order it first reached them, each with the flow the token took, then those it has not (yet), which
 * the panel marks as such. Listed alike, a decision on a gateway the order never gets to ("Director approved? → yes"
 * for an order of 450,000) read as if that step took part; and a reached gateway showing the decision for an amount
 * changed after the run read as the way the token went. Gateways with one way out decide nothing and are left out.
 */
export function decisionsByReach(decisions: Iterable<GatewayDecision>, taken: ReadonlyMap<string, GatewayDecision>): { reached: ReachedDecision[]; notReached: GatewayDecision[] } {
  const deciding = [...decisions].filter((decision) => decision.reason !== 'only-way');
  const reached: ReachedDecision[] = [];
  for (const [id, decision] of taken) {
    const now = deciding.find((current) => current.gateway.id === id);
    if (now) reached.push({ taken: decision, now: now.flow === decision.flow ? null : now });
  }
  return { reached, notReached: deciding.filter((decision) => !taken.has(decision.gateway.id)) };
}
