// A worker holding a job, or an approver holding a task, when its order is cancelled reports back later: the call is
// refused (the job or task is gone) and kept in the cancelled instance's history, so the order's audit shows the
// work the cancel cut off.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { director, enter, erp, openFixture, order, type Fixture } from '../../support/stratum-fixture.js';
import { arrayWith, objectWith } from '../../support/matchers.js';

let fixture: Fixture;
beforeEach(async () => { fixture = await openFixture(); });
afterEach(async () => { await fixture.dispose(); });

const runtime = () => fixture.stratum.runtime;
const ops = { name: 'ops', groups: ['operations'] };

async function lockedPlanning(orderNo: string) {
  const { instance } = await enter(runtime(), order(orderNo, 100));
  const jobs = await runtime().fetchAndLockJobs({ type: 'procurement-planning', workerId: 'planner-1', max: 10 });
  return { order: instance, job: jobs.find((job) => job.businessKey === orderNo)! };
}

async function refusedAt(instanceId: string) {
  return (await runtime().getInstance(instanceId))!.history.filter((entry) => entry.event === 'job.refused');
}

describe('a worker reporting on a job its order\'s cancel closed', () => {
  it('is answered 404 as before, and its completion is kept in the cancelled instance\'s history with the worker that held the lock', async () => {
    const { order: placed, job } = await lockedPlanning('LATE-1');
    await runtime().cancel(placed.id, ops, { reason: 'customer withdrew' });
    const cancelled = (await runtime().getInstance(job.instanceId))!.history.find((entry) => entry.event === 'instance.cancelled');
    expect(cancelled?.data).toEqual({
      reason: 'customer withdrew',
      closedJobs: arrayWith([{ jobId: job.id, elementId: job.elementId, jobType: 'procurement-planning', lockedBy: 'planner-1' }]),
    });

    await expect(runtime().completeJob(job.id, { planned: true }, erp, 'planner-1')).rejects.toMatchObject({ code: 'not-found' });
    expect(await refusedAt(job.instanceId)).toEqual([objectWith({
      actor: 'erp', elementId: job.elementId,
      data: objectWith({
        attempted: 'complete', variables: { planned: true }, workerId: 'planner-1', jobType: 'procurement-planning', lockedBy: 'planner-1',
        reason: 'instance-cancelled', cancelledBy: 'ops',
      }),
    })]);
    expect((await runtime().getInstance(placed.id))!.status).toBe('cancelled');
  });

  it('keeps a late failure and BPMN error the same way', async () => {
    const { order: placed, job } = await lockedPlanning('LATE-2');
    await runtime().cancel(placed.id, ops, { reason: 'duplicate order' });
    await expect(runtime().failJob(job.id, { workerId: 'planner-1', message: 'no stock', retries: 0 }, erp)).rejects.toMatchObject({ code: 'not-found' });
    await expect(runtime().throwJobError(job.id, { workerId: 'planner-1', errorCode: 'NO_STOCK' }, erp)).rejects.toMatchObject({ code: 'not-found' });
    expect((await refusedAt(job.instanceId)).map((entry) => entry.data)).toEqual([
      objectWith({ attempted: 'failure', message: 'no stock', retries: 0, reason: 'instance-cancelled' }),
      objectWith({ attempted: 'bpmn-error', errorCode: 'NO_STOCK', reason: 'instance-cancelled' }),
    ]);
  });

  it('keeps nothing for an id the cancel did not close, nor for a job of an order that runs', async () => {
    const { order: placed, job } = await lockedPlanning('LATE-3');
    await expect(runtime().completeJob(`${job.instanceId}:ServiceTask_Made_Up_1`, {}, erp, 'planner-1')).rejects.toMatchObject({ code: 'not-found' });
    await runtime().cancel(placed.id, ops, { reason: 'withdrawn' });
    await expect(runtime().completeJob(`${job.instanceId}:ServiceTask_Made_Up_1`, {}, erp, 'planner-1')).rejects.toMatchObject({ code: 'not-found' });
    await expect(runtime().completeJob('no-such-job', {}, erp, 'planner-1')).rejects.toMatchObject({ code: 'not-found' });
    expect(await refusedAt(job.instanceId)).toEqual([]);
  });

  it('keeps one worker\'s late calls at one job up to the bound, the last saying so', async () => {
    const { order: placed, job } = await lockedPlanning('LATE-4');
    await runtime().cancel(placed.id, ops, { reason: 'withdrawn' });
    for (let attempt = 0; attempt < 12; attempt++) {
      await expect(runtime().completeJob(job.id, {}, erp, 'planner-1')).rejects.toMatchObject({ code: 'not-found' });
    }
    const kept = await refusedAt(job.instanceId);
    expect(kept).toHaveLength(10);
    expect(kept[9].data).toMatchObject({ lastKept: true });
  });

  it('keeps the sales director\'s approval of a claimed task sent after the cancel as task.refused; the order stays cancelled', async () => {
    const { instance: placed } = await enter(runtime(), order('LATE-5', 1_500_000));
    const [task] = await runtime().findTasks({ businessKey: 'LATE-5' });
    await runtime().claimTask(task.id, director);
    await runtime().cancel(placed.id, ops, { reason: 'withdrawn' });
    const cancelled = (await runtime().getInstance(task.instanceId))!.history.find((entry) => entry.event === 'instance.cancelled' && entry.instanceId === task.instanceId);
    expect(cancelled?.data).toEqual({ reason: 'withdrawn', closedTasks: [{ taskId: task.id, elementId: task.elementId, claimedBy: 'dora' }] });

    await expect(runtime().completeTask(task.id, { approved: true, comment: 'fine' }, director)).rejects.toMatchObject({ code: 'not-found' });
    const refused = (await runtime().getInstance(task.instanceId))!.history.filter((entry) => entry.event === 'task.refused');
    expect(refused).toEqual([objectWith({
      actor: 'dora', elementId: task.elementId,
      data: objectWith({ attempted: 'complete', variables: { approved: true, comment: 'fine' }, claimedBy: 'dora', reason: 'instance-cancelled', cancelledBy: 'ops' }),
    })]);
    expect((await fixture.stratum.orders.get('LATE-5'))?.status).toBe('cancelled');
    expect(await runtime().getTaskCompletion(task.id)).toBeUndefined();
  });
});
