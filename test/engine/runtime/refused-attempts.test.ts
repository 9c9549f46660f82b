// An auditor of the approval controls sees the attempts they refused, not only the decisions that passed:
// a four-eyes refusal, a completion by someone the task is not offered to and a job completion held by an
// open order change each leave an entry (who, when, what they sent, why refused) in the order's history.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { enter, erp, openFixture, order, vicePresident, type Fixture } from '../../support/stratum-fixture.js';
import { refusalOf } from '../../support/refusal.js';

let fixture: Fixture;
beforeEach(async () => { fixture = await openFixture(); });
afterEach(async () => { await fixture.dispose(); });

const runtime = () => fixture.stratum.runtime;
/** In both approval groups: may see both tasks, but must not decide both. */
const both = { name: 'bo', groups: ['sales-director', 'vice-president'] };

async function openTask(businessKey: string, group: string) {
  const task = (await runtime().findTasks({ businessKey })).find((candidate) => candidate.candidateGroups.includes(group));
  expect(task, `an open task for ${group}`).toBeDefined();
  return task!;
}

async function historyOf(instanceId: string, event: string) {
  const instance = await runtime().getInstance(instanceId);
  return instance!.history.filter((row) => row.event === event);
}

describe('refused attempts at a control are in the history', () => {
  it('keeps a four-eyes refusal as task.refused with the user, what they sent and why, and it decides nothing', async () => {
    await enter(runtime(), order('R-1', 3_000_000));
    await runtime().completeTask((await openTask('R-1', 'sales-director')).id, { approved: true, comment: 'fine' }, both);
    const review = await openTask('R-1', 'vice-president');
    const error = await refusalOf(runtime().completeTask(review.id, { approved: true, comment: 'me again' }, both));
    expect(error.code).toBe('forbidden');

    const refused = await historyOf(review.instanceId, 'task.refused');
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatchObject({
      actor: 'bo', elementId: 'UserTask_ReviewByVicePresident', elementType: 'bpmn:UserTask',
      data: { variables: { approved: true, comment: 'me again' }, reason: 'four-eyes-other-task', refusal: error.message },
    });
    expect(typeof refused[0].at).toBe('string');
    // the task is still open and another person decides it; the refused attempt was no decision
    const after = await runtime().completeTask(review.id, { approved: true }, vicePresident);
    expect(after.history.filter((row) => row.event === 'task.completed').map((row) => row.actor)).toEqual(['bo', 'victor']);
  });

  it('keeps a completion by someone the task is not offered to as task.refused (not-offered)', async () => {
    await enter(runtime(), order('R-2', 3_000_000));
    const approval = await openTask('R-2', 'sales-director');
    await refusalOf(runtime().completeTask(approval.id, { approved: true }, vicePresident));
    expect(await historyOf(approval.instanceId, 'task.refused')).toMatchObject([
      { actor: 'victor', elementId: 'UserTask_ApproveBySalesDirector', data: { reason: 'not-offered', variables: { approved: true } } },
    ]);
  });

  it('keeps a job completion held by an open order change as job.refused, with the authenticated user beside the workerId', async () => {
    await enter(runtime(), order('R-3', 1_000));
    const [job] = await runtime().fetchAndLockJobs({ type: 'procurement-planning', workerId: 'planner-1' });
    await runtime().changeOrder('R-3', { description: 'blue paint' }, { user: 'erp' });
    const error = await refusalOf(runtime().completeJob(job.id, { planned: true }, erp, 'planner-1'));
    expect(error.details?.reason).toBe('order-change-open');
    expect(await historyOf(job.instanceId, 'job.refused')).toMatchObject([{
      actor: 'erp', elementId: job.elementId,
      data: { attempted: 'complete', jobType: 'procurement-planning', workerId: 'planner-1', reason: 'order-change-open', variables: { planned: true } },
    }]);
    expect(await historyOf(job.instanceId, 'job.completed')).toEqual([]);
  });

  it('keeps a refused claim as task.refused too: not offered, and four eyes; a claim the controls allow leaves none', async () => {
    await enter(runtime(), order('R-CLAIM', 3_000_000));
    await runtime().completeTask((await openTask('R-CLAIM', 'sales-director')).id, { approved: true, comment: 'fine' }, both);
    const review = await openTask('R-CLAIM', 'vice-president');
    expect((await refusalOf(runtime().claimTask(review.id, { name: 'dora', groups: ['sales-director'] }))).code).toBe('forbidden');
    expect((await refusalOf(runtime().claimTask(review.id, both))).code).toBe('forbidden');
    expect(await historyOf(review.instanceId, 'task.refused')).toMatchObject([
      { actor: 'dora', elementId: 'UserTask_ReviewByVicePresident', data: { attempted: 'claim', reason: 'not-offered' } },
      { actor: 'bo', data: { attempted: 'claim', reason: 'four-eyes-other-task' } },
    ]);
    await runtime().claimTask(review.id, vicePresident);
    expect(await historyOf(review.instanceId, 'task.refused')).toHaveLength(2);
    expect(await historyOf(review.instanceId, 'task.claimed')).toMatchObject([{ actor: vicePresident.name }]);
  });

  it('keeps the variables of a refused attempt only up to a small budget: a larger one is named with its size, in the order sent', async () => {
    await enter(runtime(), order('R-4', 3_000_000));
    const approval = await openTask('R-4', 'sales-director');
    const big = 'x'.repeat(200_000);
    const sent = { approved: true, notes: big, comment: 'c'.repeat(2_000), remark: 'plain', tail: big };
    await refusalOf(runtime().completeTask(approval.id, sent, vicePresident));
    const [refused] = await historyOf(approval.instanceId, 'task.refused');
    expect(refused.data).toMatchObject({ reason: 'not-offered' });
    expect(refused.data?.variables).toEqual({ approved: true, comment: sent.comment, remark: 'plain' });
    expect(refused.data?.omittedVariables).toEqual({ notes: big.length + 2, tail: big.length + 2 });
    expect(refused.data?.omittedVariableCount).toBe(2);
    expect(JSON.stringify(refused.data).length).toBeLessThan(5_000);
  });

  it('bounds a refused attempt of many variables, names included: 4 KB kept, 20 named, the rest counted', async () => {
    await enter(runtime(), order('R-6', 3_000_000));
    const approval = await openTask('R-6', 'sales-director');
    const name = (index: number) => `v${String(index).padStart(3, '0')}${'n'.repeat(60)}`;
    const sent = Object.fromEntries(Array.from({ length: 200 }, (_, index) => [name(index), index % 2 === 0 ? 1 : 'z'.repeat(20_000)]));
    await refusalOf(runtime().completeTask(approval.id, sent, vicePresident));
    const [refused] = await historyOf(approval.instanceId, 'task.refused');
    const kept = Object.keys(refused.data?.variables as object);
    expect(kept.length).toBeGreaterThan(0);
    expect(JSON.stringify(refused.data?.variables).length).toBeLessThanOrEqual(4096);
    expect(Object.keys(refused.data?.omittedVariables as object)).toHaveLength(20);
    expect(refused.data?.omittedVariableCount).toBe(200 - kept.length);
    expect(JSON.stringify(refused.data).length).toBeLessThan(8_000);
  });

  it('keeps a BPMN error held by an open order change with its large variables named, not stored', async () => {
    await enter(runtime(), order('R-5', 1_000));
    const [job] = await runtime().fetchAndLockJobs({ type: 'procurement-planning', workerId: 'planner-1' });
    await runtime().changeOrder('R-5', { description: 'blue paint' }, { user: 'erp' });
    await refusalOf(runtime().throwJobError(job.id, { errorCode: 'NO_STOCK', variables: { stock: 'y'.repeat(100_000) }, workerId: 'planner-1' }, erp));
    expect(await historyOf(job.instanceId, 'job.refused')).toMatchObject([{
      data: { attempted: 'bpmn-error', reason: 'order-change-open', variables: {}, omittedVariables: { stock: 100_002 } },
    }]);
  });
});
