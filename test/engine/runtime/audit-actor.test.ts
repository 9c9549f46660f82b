// The audit trail records who was authenticated, never who the client says it is:
// a worker's workerId is kept beside the actor as a label.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { enter, erp, openFixture, order, vicePresident, type Fixture } from '../../support/stratum-fixture.js';

let fixture: Fixture;
beforeEach(async () => { fixture = await openFixture(); });
afterEach(async () => { await fixture.dispose(); });

const runtime = () => fixture.stratum.runtime;

async function lockJob(type: string, workerId: string) {
  const [job] = await runtime().fetchAndLockJobs({ type, workerId });
  expect(job, `a ${type} job`).toBeDefined();
  return job;
}

describe('who did it is who was authenticated', () => {
  it('records the authenticated user as the actor of a job completion and keeps the workerId as a label', async () => {
    await enter(runtime(), order('A-1', 1_000), 'erp');
    const job = await lockJob('procurement-planning', 'director');
    const after = await runtime().completeJob(job.id, {}, erp, 'director');
    const entry = after.history.find((row) => row.event === 'job.completed');
    expect(entry).toMatchObject({ actor: 'erp', data: { workerId: 'director' } });
    expect(after.history.filter((row) => row.actor === 'director')).toEqual([]);
  });

  it('records the authenticated user for job failures and BPMN errors', async () => {
    await enter(runtime(), order('A-2', 1_000));
    const job = await lockJob('procurement-planning', 'w1');
    const failed = await runtime().failJob(job.id, { message: 'ERP down', retries: 1, workerId: 'w1' }, erp);
    expect(failed.history.find((row) => row.event === 'job.failed')).toMatchObject({ actor: 'erp', data: { workerId: 'w1' } });
    const again = await lockJob('procurement-planning', 'w2');
    const thrown = await runtime().throwJobError(again.id, { errorCode: 'BLOCKED', workerId: 'w2' }, erp);
    expect(thrown.history.find((row) => row.event === 'job.error-thrown')).toMatchObject({ actor: 'erp', data: { workerId: 'w2' } });
  });

  it('records the actor of a task, a message, a cancel and a start, and of what each step moved', async () => {
    const { instance } = await enter(runtime(), order('A-3', 750_000), 'erp');
    const [task] = await runtime().findTasks({ businessKey: 'A-3' });
    const after = await runtime().completeTask(task.id, { approved: true }, vicePresident);
    const byEvent = (event: string) => after.history.filter((row) => row.event === event);
    expect(byEvent('instance.started').map((row) => row.actor)).toEqual(['erp', 'erp', 'erp']);
    expect(byEvent('task.completed').map((row) => row.actor)).toEqual(['victor']);
    // The approval instance ended in the VP's step: its end is the VP's doing.
    expect(byEvent('instance.completed').map((row) => row.actor)).toEqual(['victor']);
    const cancelled = await runtime().cancel(instance.id, { name: 'ops', groups: ['integration'] });
    expect(cancelled.history.find((row) => row.event === 'instance.cancelled')).toMatchObject({ actor: 'ops' });
  });

  it('records the sender of a message', async () => {
    await enter(runtime(), order('A-4', 1_000, 'prepaid-at-entry'));
    const { reached } = await runtime().correlateMessage({ name: 'PaymentReceived', businessKey: 'A-4', actor: 'bank' });
    expect(reached[0].history.find((row) => row.event === 'message.correlated')).toMatchObject({ actor: 'bank' });
  });
});
