// A worker holding a job, or an approver holding a task, when its order is cancelled reports back later: the call is
// refused (the job or task is gone) and kept in the cancelled instance's history, so the order's audit shows the
// work the cancel cut off; so is one about a job or task of a called instance its caller left (abandoned-calls.ts).
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

/** A caller that gives its called packing an hour, then leaves the call by an interrupting timer. */
const TIMED_PACKING = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="D_timed_packing" targetNamespace="http://stratum.dev/test">
  <bpmn:process id="timed-dispatch" isExecutable="true">
    <bpmn:startEvent id="Start" />
    <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="CallPacking" />
    <bpmn:callActivity id="CallPacking" name="Pack">
      <bpmn:extensionElements><zeebe:calledElement processId="packing" /></bpmn:extensionElements>
    </bpmn:callActivity>
    <bpmn:boundaryEvent id="TooSlow" attachedToRef="CallPacking">
      <bpmn:timerEventDefinition><bpmn:timeDuration xsi:type="bpmn:tFormalExpression">PT1H</bpmn:timeDuration></bpmn:timerEventDefinition>
    </bpmn:boundaryEvent>
    <bpmn:sequenceFlow id="F2" sourceRef="CallPacking" targetRef="Packed" />
    <bpmn:sequenceFlow id="F3" sourceRef="TooSlow" targetRef="GivenUp" />
    <bpmn:endEvent id="Packed" />
    <bpmn:endEvent id="GivenUp" />
  </bpmn:process>
  <bpmn:process id="packing" isExecutable="true">
    <bpmn:startEvent id="PackingStart" />
    <bpmn:sequenceFlow id="P1" sourceRef="PackingStart" targetRef="Pack" />
    <bpmn:serviceTask id="Pack" name="Pack">
      <bpmn:extensionElements><zeebe:taskDefinition type="packing" /></bpmn:extensionElements>
    </bpmn:serviceTask>
    <bpmn:sequenceFlow id="P2" sourceRef="Pack" targetRef="PackingEnd" />
    <bpmn:endEvent id="PackingEnd" />
  </bpmn:process>
</bpmn:definitions>`;

describe('a worker reporting on a job of a called instance its caller left', () => {
  it('is answered 404, and its completion is kept in the ended instance\'s history, which names the job closed and its worker', async () => {
    await fixture.stratum.library.deploy([{ name: 'timed-packing.bpmn', xml: TIMED_PACKING }], { user: 'test' });
    const { instance: caller } = await runtime().start('timed-dispatch', { businessKey: 'LATE-CALL-1', user: 'test' });
    const [job] = await runtime().fetchAndLockJobs({ type: 'packing', workerId: 'packer-1', lockMs: 3 * 3_600_000 });
    fixture.clock.advance(2 * 3_600_000);
    expect(await runtime().fireDueTimers()).toBe(1);
    expect((await runtime().getInstance(caller.id))!.status).toBe('completed');
    const ended = (await runtime().getInstance(job.instanceId))!;
    expect(ended.status).toBe('cancelled');
    expect(ended.history.find((entry) => entry.event === 'instance.cancelled')?.data).toEqual({
      reason: null, callerEnded: objectWith({ instanceId: caller.id, elementId: 'CallPacking' }),
      closedJobs: [{ jobId: job.id, elementId: 'Pack', jobType: 'packing', lockedBy: 'packer-1' }],
    });

    await expect(runtime().completeJob(job.id, { packed: true }, erp, 'packer-1')).rejects.toMatchObject({ code: 'not-found' });
    expect(await refusedAt(job.instanceId)).toEqual([objectWith({
      actor: 'erp', elementId: 'Pack',
      data: objectWith({ attempted: 'complete', variables: { packed: true }, workerId: 'packer-1', lockedBy: 'packer-1', reason: 'instance-cancelled', cancelledBy: null }),
    })]);
  });
});
