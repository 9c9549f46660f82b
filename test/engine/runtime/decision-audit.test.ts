// An auditor reads from the history why a decision table chose an approval tier: the decision and the deployed
// version the business rule task ran, its hit policy, the rules that matched, the input values they were tested
// against and the tier written, so a later deployment of the table does not hide what decided the order.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { approvalTierDmn, decidedTiers } from '../impact/candidates.js';
import { enter, openFixture, order, type Fixture } from '../../support/stratum-fixture.js';

let fixture: Fixture;
beforeEach(async () => { fixture = await openFixture(); });
afterEach(async () => { await fixture.dispose(); });

const runtime = () => fixture.stratum.runtime;
const lowerTier = (xml: string) => xml.replace('&gt; 500000', '&gt; 400000');

async function historyOf(orderNo: string) {
  const approval = await runtime().findInstances({ businessKey: orderNo, processKey: 'credit-order-approval' });
  return (await runtime().getInstance(approval.items[0].id))!.history;
}

describe('business rule task decisions are in the history', () => {
  it('records the decision, its version, hit policy, matched rules, inputs and result that chose the tier', async () => {
    await fixture.stratum.library.deploy([decidedTiers(), approvalTierDmn()], { user: 'designer' });
    await fixture.stratum.library.deploy([approvalTierDmn(lowerTier)], { user: 'designer', note: 'vice-president from 400,000' });
    await enter(runtime(), order('DT-1', 450_000));

    const history = await historyOf('DT-1');
    const entries = history.filter((row) => row.event === 'decision.evaluated');
    expect(entries).toEqual([expect.objectContaining({
      actor: 'erp', elementId: 'BusinessRuleTask_DecideTier', elementType: 'bpmn:BusinessRuleTask',
      data: {
        decisionId: 'approval-tier', decisionName: 'Approval tier', version: 2, hitPolicy: 'FIRST',
        matchedRules: ['vice-president', 'automatic'], inputs: { reportingAmount: 450_000 },
        resultVariable: 'approvalTier', result: 'vice-president', required: [],
      },
    })]);
    // between the task's entry and its end, before the gateway that reads the tier
    const events = history.map((row) => `${row.event} ${row.elementId}`);
    expect(events.indexOf('decision.evaluated BusinessRuleTask_DecideTier')).toBeGreaterThan(events.indexOf('element.entered BusinessRuleTask_DecideTier'));
    expect(events.indexOf('decision.evaluated BusinessRuleTask_DecideTier')).toBeLessThan(events.indexOf('flow.taken Gateway_AmountTier'));
  });
});
