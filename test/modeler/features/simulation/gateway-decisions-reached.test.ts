// Simulating an order of 450,000 in credit-order-approval, "Gateways decide" listed "Director approved? → yes" beside
// the gateways the token passed, as if the director were involved. The panel lists the gateways the token reached, as
// it reaches them, and marks the others as not reached (yet).
import { describe, expect, it } from 'vitest';
import { decisionsByReach as byReach } from '../../../../modeler/src/features/simulation/gateway-decisions-reached.js';

interface Decision { gateway: { id: string }; flow: null; reason: 'condition' | 'default' | 'only-way' | 'manual' | 'stuck'; errors: string[] }
// diagram-js's Element type is the modeler build's, not this test's: the shape the split reads
const decisionsByReach = byReach as unknown as (decisions: Iterable<Decision>, reached: readonly string[]) => { reached: Decision[]; notReached: Decision[] };
const decision = (id: string, reason: Decision['reason'] = 'condition'): Decision => ({ gateway: { id }, flow: null, reason, errors: [] });

const amountTier = decision('Gateway_AmountTier');
const directorApproved = decision('Gateway_DirectorApproved');
const vicePresidentApproved = decision('Gateway_VicePresidentApproved');
const merge = decision('Gateway_Merge', 'only-way');
const all = [amountTier, directorApproved, vicePresidentApproved, merge];
const ids = (decisions: Decision[]) => decisions.map((d) => d.gateway.id);

describe('the gateways the simulation panel lists as deciding', () => {
  it('marks every gateway as not reached before the token runs, leaving out those with one way out', () => {
    const { reached, notReached } = decisionsByReach(all, []);
    expect(reached).toEqual([]);
    expect(ids(notReached)).toEqual(['Gateway_AmountTier', 'Gateway_DirectorApproved', 'Gateway_VicePresidentApproved']);
  });

  it('lists an order of 450,000 as deciding at the amount tier only: the approvals\' gateways are not reached', () => {
    const { reached, notReached } = decisionsByReach(all, ['Gateway_AmountTier']);
    expect(ids(reached)).toEqual(['Gateway_AmountTier']);
    expect(ids(notReached)).toEqual(['Gateway_DirectorApproved', 'Gateway_VicePresidentApproved']);
  });

  it('follows the token: the gateways it reached in the order it reached them, a decision set by hand among them', () => {
    const byHand = decision('Gateway_VicePresidentApproved', 'manual');
    const { reached, notReached } = decisionsByReach([amountTier, directorApproved, byHand], ['Gateway_AmountTier', 'Gateway_VicePresidentApproved', 'Gateway_Merge']);
    expect(reached).toEqual([amountTier, byHand]);
    expect(notReached).toEqual([directorApproved]);
  });
});
