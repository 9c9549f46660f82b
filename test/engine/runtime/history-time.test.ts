// The history reads as it happened: a step's entries (what the caller did,
// what the engine moved, how the instance ended) carry one instant, so no entry
// is stamped later than one written after it, even when the engine's part of
// the step was worked out ahead of its transaction.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { enter, erp, openFixture, order, director, vicePresident, type Fixture } from '../../support/stratum-fixture.js';

let fixture: Fixture;
beforeEach(async () => {
  fixture = await openFixture();
  // every reading of the clock a millisecond later, as a real clock moves while a step runs
  const { clock } = fixture;
  const read = clock.now;
  clock.now = () => {
    clock.advance(1);
    return read();
  };
});
afterEach(async () => { await fixture.dispose(); });

const runtime = () => fixture.stratum.runtime;

describe('the order of the history', () => {
  it('never stamps an entry later than one written after it, through approvals and jobs', async () => {
    await enter(runtime(), order('T-1', 1_200_000), 'erp');
    for (const approver of [director, vicePresident]) {
      const [task] = await runtime().findTasks({ businessKey: 'T-1' });
      await runtime().completeTask(task.id, { approved: true }, approver);
    }
    for (const type of ['procurement-planning', 'production-planning', 'shipping']) {
      const [job] = await runtime().fetchAndLockJobs({ type, workerId: 'w' });
      await runtime().completeJob(job.id, {}, erp, 'w');
    }
    const { items: [root] } = await runtime().findInstances({ businessKey: 'T-1', processKey: 'order-to-cash' });
    const history = (await runtime().getInstance(root.id))!.history;
    const backwards = history.flatMap((row, index) => (index > 0 && row.at < history[index - 1].at ? [`${history[index - 1].event} ${history[index - 1].at} > ${row.event} ${row.at}`] : []));
    expect(backwards).toEqual([]);
  });

  it('stamps a change\'s status with the step that settled it, not after what that step went on to start', async () => {
    await enter(runtime(), order('T-2', 400_000));
    await runtime().changeOrder('T-2', { description: 'more units', amount: 800_000, changeId: 'C-1' }, { user: 'erp' });
    for (const group of ['procurement', 'production', 'inspection']) {
      const [task] = (await runtime().findTasks({ businessKey: 'T-2' })).filter((one) => one.candidateGroups.includes(group));
      await runtime().completeTask(task.id, { acknowledged: true }, { name: group, groups: [group] });
    }
    const [review] = await runtime().findTasks({ businessKey: 'T-2', candidateGroup: 'vice-president' });
    await runtime().completeTask(review.id, { approved: true }, vicePresident);
    const { items: [root] } = await runtime().findInstances({ businessKey: 'T-2', processKey: 'order-to-cash' });
    const history = (await runtime().getInstance(root.id))!.history;
    expect(history.map((row) => row.event)).toEqual(expect.arrayContaining(['order.change-acknowledged', 'order.change-approved']));
    const backwards = history.flatMap((row, index) => (index > 0 && row.at < history[index - 1].at ? [`${history[index - 1].event} ${history[index - 1].at} > ${row.event} ${row.at}`] : []));
    expect(backwards).toEqual([]);
  });
});
