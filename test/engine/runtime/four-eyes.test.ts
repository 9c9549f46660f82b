// Four eyes: within one order a person decides at most one of the tasks a
// process declares as separated (credit-order-approval separates both of its
// approval tasks). Who decided comes from the audit trail.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { enter, director, openFixture, order, vicePresident, type Fixture } from '../../support/stratum-fixture.js';
import { textContaining } from '../../support/matchers.js';
import { refusalOf } from '../../support/refusal.js';

let fixture: Fixture;
beforeEach(async () => { fixture = await openFixture(); });
afterEach(async () => { await fixture.dispose(); });

const runtime = () => fixture.stratum.runtime;
/** In both approval groups: may see both tasks, but must not decide both. */
const both = { name: 'bo', groups: ['sales-director', 'vice-president'] };
const admin = { name: 'root', groups: ['admin', 'designer', 'integration', 'sales-director', 'vice-president'] };

async function openTask(businessKey: string, group: string) {
  const task = (await runtime().findTasks({ businessKey })).find((candidate) => candidate.candidateGroups.includes(group));
  expect(task, `an open task for ${group}`).toBeDefined();
  return task!;
}

describe('four eyes on credit approval', () => {
  it('refuses the vice-president review by the person who approved as sales director, naming the earlier task', async () => {
    await enter(runtime(), order('F-1', 3_000_000));
    await runtime().completeTask((await openTask('F-1', 'sales-director')).id, { approved: true }, both);
    const review = await openTask('F-1', 'vice-president');
    const error = await refusalOf(runtime().completeTask(review.id, { approved: true }, both));
    expect(error).toMatchObject({ code: 'forbidden', message: textContaining('already decided "Approve order (sales director)"') });
    expect(await runtime().findTasks({ businessKey: 'F-1' })).toHaveLength(1);
  });

  it('lets another person in the same groups decide the second step', async () => {
    await enter(runtime(), order('F-2', 3_000_000));
    await runtime().completeTask((await openTask('F-2', 'sales-director')).id, { approved: true }, both);
    const after = await runtime().completeTask((await openTask('F-2', 'vice-president')).id, { approved: true }, vicePresident);
    expect(after.waiting.filter((wait) => wait.type === 'job').map((wait) => wait.jobType).sort()).toEqual(['procurement-planning', 'production-planning']);
  });

  it('makes no exception for an administrator', async () => {
    await enter(runtime(), order('F-3', 3_000_000));
    await runtime().completeTask((await openTask('F-3', 'sales-director')).id, { approved: true }, admin);
    await expect(runtime().completeTask((await openTask('F-3', 'vice-president')).id, { approved: true }, admin))
      .rejects.toMatchObject({ code: 'forbidden' });
  });

  it('cannot be walked around with a second approval instance of the same order: no route starts one', async () => {
    await enter(runtime(), order('F-4', 3_000_000));
    await runtime().completeTask((await openTask('F-4', 'sales-director')).id, { approved: true }, both);
    // The approval process is called, so it never starts directly; and the order number is taken.
    await expect(runtime().start('credit-order-approval', order('F-4', 800_000))).rejects.toMatchObject({ code: 'conflict' });
    const reviews = (await runtime().findTasks({ businessKey: 'F-4' })).filter((task) => task.candidateGroups.includes('vice-president'));
    expect(reviews).toHaveLength(1);
    await expect(runtime().completeTask(reviews[0].id, { approved: true }, both)).rejects.toMatchObject({ code: 'forbidden' });
  });

  it('does not count a refused completion as a decision', async () => {
    await enter(runtime(), order('F-5', 3_000_000));
    const approval = await openTask('F-5', 'sales-director');
    await expect(runtime().completeTask(approval.id, { approved: 'yes' }, both)).rejects.toMatchObject({ code: 'invalid' });
    await runtime().completeTask(approval.id, { approved: true }, director);
    await expect(runtime().completeTask((await openTask('F-5', 'vice-president')).id, { approved: true }, both)).resolves.toBeDefined();
  });

  it('keeps orders apart: the same person may decide a different order\'s other step', async () => {
    await enter(runtime(), order('F-6', 3_000_000));
    await enter(runtime(), order('F-7', 800_000));
    await runtime().completeTask((await openTask('F-6', 'sales-director')).id, { approved: true }, both);
    await expect(runtime().completeTask((await openTask('F-7', 'vice-president')).id, { approved: true }, both)).resolves.toBeDefined();
  });
});
