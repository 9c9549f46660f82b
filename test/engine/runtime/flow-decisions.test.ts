// An auditor reads from the history what each gateway decided and why: the flow taken, its condition (or that it
// was the default), and the values its conditions compared — the amount that chose the approval tier.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { enter, openFixture, order, vicePresident, type Fixture } from '../../support/stratum-fixture.js';

let fixture: Fixture;
beforeEach(async () => { fixture = await openFixture(); });
afterEach(async () => { await fixture.dispose(); });

const runtime = () => fixture.stratum.runtime;

async function decisionsOf(instanceId: string, elementId: string) {
  const instance = await runtime().getInstance(instanceId);
  return instance!.history.filter((row) => row.event === 'flow.taken' && row.elementId === elementId);
}

describe('gateway decisions are in the history', () => {
  it('records the approval tier chosen for an order over 1,000,000 with the amount its conditions compared', async () => {
    await enter(runtime(), order('G-1', 3_000_000));
    const [task] = await runtime().findTasks({ businessKey: 'G-1' });
    const [decision] = await decisionsOf(task.instanceId, 'Gateway_AmountTier');
    expect(decision).toMatchObject({
      actor: 'erp', elementType: 'bpmn:ExclusiveGateway',
      data: { targetId: 'UserTask_ApproveBySalesDirector', default: false, condition: '=reportingAmount > 1000000', inputs: { reportingAmount: 3_000_000 } },
    });
  });

  it('records a default flow with the values the conditions that were false compared', async () => {
    await enter(runtime(), order('G-2', 1_000));
    const approval = await runtime().findInstances({ businessKey: 'G-2', processKey: 'credit-order-approval' });
    const [tier] = await decisionsOf(approval.items[0].id, 'Gateway_AmountTier');
    expect(tier.data).toEqual({
      flowId: 'Flow_AmountTier_UpTo500000', flowName: 'up to 500,000', targetId: 'IntermediateThrowEvent_ApproveAutomatically',
      default: true, condition: null, inputs: { reportingAmount: 1_000 },
    });
  });

  it('records the approver\'s decision as the next gateway read it, under the approver', async () => {
    await enter(runtime(), order('G-4', 750_000));
    const [task] = await runtime().findTasks({ businessKey: 'G-4' });
    const [tier] = await decisionsOf(task.instanceId, 'Gateway_AmountTier');
    expect(tier.data).toMatchObject({ flowId: 'Flow_AmountTier_Above500000', default: false, inputs: { reportingAmount: 750_000 } });
    await runtime().completeTask(task.id, { approved: false, comment: 'too risky' }, vicePresident);
    const [verdict] = await decisionsOf(task.instanceId, 'Gateway_VicePresidentApproved');
    expect(verdict).toMatchObject({ actor: 'victor', data: { flowId: 'Flow_VicePresidentApproved_No', default: true, inputs: { vicePresidentApproved: false } } });
  });

  it('records nothing for flows that decide nothing (a start event\'s, a parallel gateway\'s)', async () => {
    const { instance } = await enter(runtime(), order('G-3', 1_000));
    const view = await runtime().getInstance(instance.id);
    expect(view!.history.filter((row) => row.event === 'flow.taken' && row.elementId === 'StartEvent_OrderReceived')).toEqual([]);
  });
});
