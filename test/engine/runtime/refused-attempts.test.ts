// An auditor of the approval controls sees the attempts they refused, not only the decisions that passed:
// a four-eyes refusal, a completion by someone the task is not offered to, a job completion held by an
// open order change, a change of an order that has ended and a cancel of a called instance each leave an
// entry (who, when, what they sent, why refused) in the order's history.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KEPT_PER_PERSON } from '../../../engine/runtime/refused-attempts.js';
import { enter, erp, openFixture, order, vicePresident, type Fixture } from '../../support/stratum-fixture.js';
import { anyText, objectWith } from '../../support/matchers.js';
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

  it('keeps a claim of a task someone else holds (409 task-claimed) as task.refused, naming who holds it in its refusal', async () => {
    await enter(runtime(), order('R-CLAIMED', 3_000_000));
    const approval = await openTask('R-CLAIMED', 'sales-director');
    const dana = { name: 'dana', groups: ['sales-director'] };
    await runtime().claimTask(approval.id, both);
    const error = await refusalOf(runtime().claimTask(approval.id, dana));
    expect(error.details).toMatchObject({ problem: 'task-claimed', assignee: 'bo' });
    expect(await historyOf(approval.instanceId, 'task.refused')).toMatchObject([{
      actor: 'dana', elementId: 'UserTask_ApproveBySalesDirector', elementType: 'bpmn:UserTask',
      data: { attempted: 'claim', name: approval.name, reason: 'task-claimed', refusal: error.message },
    }]);
    // the claim stays with its claimant, and their own claim again is no refusal
    await runtime().claimTask(approval.id, both);
    expect((await runtime().getTask(approval.id))?.claimedBy).toBe('bo');
    expect(await historyOf(approval.instanceId, 'task.refused')).toHaveLength(1);
  });

  it('keeps a completion, failure, BPMN error, lock extension or lock of a job another worker holds as job.refused with what was attempted', async () => {
    await enter(runtime(), order('R-LOCKED', 1_000));
    const [job] = await runtime().fetchAndLockJobs({ type: 'procurement-planning', workerId: 'planner-1', lockMs: 60_000 });
    const { workers } = fixture.stratum;
    const refusals = [
      await refusalOf(runtime().completeJob(job.id, { planned: true }, erp, 'planner-2')),
      await refusalOf(runtime().failJob(job.id, { message: 'not mine', retries: 0, workerId: 'planner-2' }, erp)),
      await refusalOf(runtime().throwJobError(job.id, { errorCode: 'BLOCKED', workerId: 'planner-2' }, erp)),
      // Stratum's own routes name no worker and hold the job for the one holding it (holderOnly)
      await refusalOf(runtime().completeJob(job.id, {}, erp, undefined, { holderOnly: true })),
      await refusalOf(workers.extendLock(job.id, 'planner-2', 60_000, erp)),
      await refusalOf(workers.lock(job.id, 'planner-2', 60_000, erp)),
    ];
    expect(refusals.map((error) => error.details?.reason)).toEqual(Array(6).fill('not-locked-by-worker'));
    const refused = await historyOf(job.instanceId, 'job.refused');
    expect(refused.map((entry) => [entry.actor, entry.data?.attempted, entry.data?.workerId, entry.data?.reason])).toEqual([
      ['erp', 'complete', 'planner-2', 'not-locked-by-worker'],
      ['erp', 'failure', 'planner-2', 'not-locked-by-worker'],
      ['erp', 'bpmn-error', 'planner-2', 'not-locked-by-worker'],
      ['erp', 'complete', undefined, 'not-locked-by-worker'],
      ['erp', 'extend-lock', 'planner-2', 'not-locked-by-worker'],
      ['erp', 'lock', 'planner-2', 'not-locked-by-worker'],
    ]);
    expect(refused.map((entry) => entry.data?.refusal)).toEqual(refusals.map((error) => error.message));
    expect(refused[0]).toMatchObject({ elementId: job.elementId, data: { jobType: 'procurement-planning', variables: { planned: true } } });

    // a lock that ended is nobody's: extending it is the caller's mistake, not an attempt at another worker's job
    fixture.clock.advance(61_000);
    await refusalOf(workers.extendLock(job.id, 'planner-2', 60_000, erp));
    expect(await historyOf(job.instanceId, 'job.refused')).toHaveLength(6);
    await runtime().completeJob(job.id, {}, erp, 'planner-2');
    expect(await historyOf(job.instanceId, 'job.completed')).toHaveLength(1);
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

describe('refused changes and cancels of a whole order are in its history', () => {
  it('keeps a change of a cancelled order as change.refused with who sent what and why, on the order\'s root', async () => {
    const { id } = (await enter(runtime(), order('R-CH-1', 1_000))).instance;
    await runtime().cancel(id, erp, { reason: 'customer withdrew' });
    const error = await refusalOf(runtime().changeOrder('R-CH-1', { description: 'blue paint', amount: 1_200, changeId: 'crm-7' }, { user: 'erp' }));
    expect(error.details?.reason).toBe('order-finished');
    expect(await historyOf(id, 'change.refused')).toEqual([objectWith({
      instanceId: id, actor: 'erp', via: 'runtime', elementId: null,
      data: { changeId: 'crm-7', description: 'blue paint', amount: 1_200, reason: 'order-finished', refusal: error.message },
    })]);
    expect((await runtime().orderChanges('R-CH-1'))!.changes).toEqual([]);
  });

  it('keeps a change of a failed order as change.refused (order-failed), the order\'s incident still to retry', async () => {
    const { id } = (await enter(runtime(), order('R-CH-FAILED', 1_000))).instance;
    const [job] = await runtime().fetchAndLockJobs({ type: 'procurement-planning', workerId: 'planner-1' });
    await runtime().failJob(job.id, { message: 'ERP down', retries: 0, workerId: 'planner-1' }, erp);
    const error = await refusalOf(runtime().changeOrder('R-CH-FAILED', { description: 'blue paint' }, { user: 'erp' }));
    expect(error.details?.reason).toBe('order-failed');
    expect(await historyOf(id, 'change.refused')).toMatchObject([{ actor: 'erp', data: { description: 'blue paint', reason: 'order-failed', refusal: error.message } }]);
  });

  it('keeps a refused change\'s description only within the budget, named with its size when it does not fit', async () => {
    const { id } = (await enter(runtime(), order('R-CH-2', 1_000))).instance;
    await runtime().cancel(id, erp, { reason: 'customer withdrew' });
    const description = '改'.repeat(2_000); // 2,000 characters, 6,000 bytes
    await refusalOf(runtime().changeOrder('R-CH-2', { description }, { user: 'erp' }));
    const [refused] = await historyOf(id, 'change.refused');
    expect(refused.data).toEqual({ omittedFields: { description: 6_002 }, reason: 'order-finished', refusal: anyText() });
  });

  it('keeps nothing for a changeId reused with another body: an idempotency answer, not a control\'s refusal', async () => {
    const { id } = (await enter(runtime(), order('R-CH-3', 1_000))).instance;
    await runtime().changeOrder('R-CH-3', { description: 'blue paint', changeId: 'c-1' }, { user: 'erp' });
    expect((await refusalOf(runtime().changeOrder('R-CH-3', { description: 'red paint', changeId: 'c-1' }, { user: 'erp' }))).details?.reason).toBe('change-exists');
    expect(await historyOf(id, 'change.refused')).toEqual([]);
  });

  it('keeps a cancel of a called instance as cancel.refused on that instance, listed in the order\'s history', async () => {
    const root = (await enter(runtime(), order('R-CA-1', 3_000_000))).instance;
    const child = root.children[0];
    const error = await refusalOf(runtime().cancel(child.id, erp, { reason: 'wrong approver' }));
    expect(error.details?.problem).toBe('not-a-root');
    expect(await historyOf(root.id, 'cancel.refused')).toEqual([objectWith({
      instanceId: child.id, actor: 'erp', via: 'runtime',
      data: { cancelReason: 'wrong approver', reason: 'not-a-root', refusal: error.message },
    })]);
    expect((await runtime().getInstance(root.id))!.status).toBe('running');
  });

  it('keeps a cancel of an order that has ended as cancel.refused (instance-ended), one person\'s up to the bound', async () => {
    const { id } = (await enter(runtime(), order('R-CA-2', 1_000))).instance;
    await runtime().cancel(id, erp, { reason: 'customer withdrew' });
    for (let attempt = 0; attempt <= KEPT_PER_PERSON; attempt++) {
      expect((await refusalOf(runtime().cancel(id, erp, { reason: `again ${attempt}` }))).code).toBe('conflict');
    }
    const kept = await historyOf(id, 'cancel.refused');
    expect(kept.map((entry) => [entry.data?.cancelReason, entry.data?.reason, entry.data?.lastKept])).toEqual(
      Array.from({ length: KEPT_PER_PERSON }, (_, attempt) => [`again ${attempt}`, 'instance-ended', attempt === KEPT_PER_PERSON - 1 ? true : undefined]),
    );
    // another person's attempts are counted apart
    await refusalOf(runtime().cancel(id, { name: 'ops', groups: ['integration'] }, { reason: 'me too' }));
    expect(await historyOf(id, 'cancel.refused')).toHaveLength(KEPT_PER_PERSON + 1);
  });
});
