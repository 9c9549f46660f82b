// Simulating an order of 450,000 in credit-order-approval, "Gateways decide" listed "Director approved? → yes" beside
// the gateways the token passed, as if the director were involved. The panel lists the gateways the token reached, as
// it reaches them, and marks the others as not reached (yet). Changing the amount after the run, a reached gateway
// showed the decision for the new amount, which the token did not take: it shows the flow the token took.
import { describe, expect, it } from 'vitest';
import { decisionsByReach as byReach } from '../../../../modeler/src/features/simulation/gateway-decisions-reached.js';

interface Decision { gateway: { id: string }; flow: { id: string } | null; reason: 'condition' | 'default' | 'only-way' | 'manual' | 'stuck'; errors: string[] }
interface Reached { taken: Decision; now: Decision | null }
// diagram-js's Element type is the modeler build's, not this test's: the shape the split reads
const decisionsByReach = byReach as unknown as (decisions: Iterable<Decision>, taken: ReadonlyMap<string, Decision>) => { reached: Reached[]; notReached: Decision[] };
const decision = (id: string, reason: Decision['reason'] = 'condition', flow: { id: string } | null = null): Decision => ({ gateway: { id }, flow, reason, errors: [] });
const takenAt = (...decisions: Decision[]) => new Map(decisions.map((d) => [d.gateway.id, d]));

const upTo500000 = { id: 'Flow_AmountTier_UpTo500000' };
const above1000000 = { id: 'Flow_AmountTier_Above1000000' };
const amountTier = decision('Gateway_AmountTier', 'default', upTo500000);
const directorApproved = decision('Gateway_DirectorApproved');
const vicePresidentApproved = decision('Gateway_VicePresidentApproved');
const merge = decision('Gateway_Merge', 'only-way');
const all = [amountTier, directorApproved, vicePresidentApproved, merge];
const ids = (decisions: Decision[]) => decisions.map((d) => d.gateway.id);

describe('the gateways the simulation panel lists as deciding', () => {
  it('marks every gateway as not reached before the token runs, leaving out those with one way out', () => {
    const { reached, notReached } = decisionsByReach(all, new Map());
    expect(reached).toEqual([]);
    expect(ids(notReached)).toEqual(['Gateway_AmountTier', 'Gateway_DirectorApproved', 'Gateway_VicePresidentApproved']);
  });

  it('lists an order of 450,000 as deciding at the amount tier only: the approvals\' gateways are not reached', () => {
    const { reached, notReached } = decisionsByReach(all, takenAt(amountTier));
    expect(reached).toEqual([{ taken: amountTier, now: null }]);
    expect(ids(notReached)).toEqual(['Gateway_DirectorApproved', 'Gateway_VicePresidentApproved']);
  });

  it('follows the token: the gateways it reached in the order it reached them, a decision set by hand among them', () => {
    const byHand = decision('Gateway_VicePresidentApproved', 'manual');
    const { reached, notReached } = decisionsByReach([amountTier, directorApproved, byHand], takenAt(amountTier, byHand, merge));
    expect(reached.map((r) => r.taken)).toEqual([amountTier, byHand]);
    expect(notReached).toEqual([directorApproved]);
  });

  it('keeps the flow the token took at a reached gateway once the order is changed to 1,200,000, beside where the changed order would go', () => {
    const forChangedOrder = decision('Gateway_AmountTier', 'condition', above1000000);
    const { reached, notReached } = decisionsByReach([forChangedOrder, directorApproved, vicePresidentApproved], takenAt(amountTier));
    expect(reached).toEqual([{ taken: amountTier, now: forChangedOrder }]);
    expect(reached[0].taken.flow).toBe(upTo500000);
    // the director's gateway is not reached: it shows what the changed order would do there
    expect(ids(notReached)).toEqual(['Gateway_DirectorApproved', 'Gateway_VicePresidentApproved']);
  });
});
