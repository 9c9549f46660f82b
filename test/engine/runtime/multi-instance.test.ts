// Multi-instance over a collection, parallel and sequential, with the instance
// stored and recovered (a fresh Stratum on the same store) between every step:
// bpmn-elements' loop goes on from its stored state, each iteration sees its
// element and loopCounter, and Camunda 8's outputCollection is gathered.
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { erp, openFixture, type Fixture } from '../../support/stratum-fixture.js';

const fixtureXml = (name: string) => readFileSync(new URL(`../../fixtures/engine/${name}`, import.meta.url), 'utf8');

let fixture: Fixture;
beforeEach(async () => { fixture = await openFixture({ deployShipped: false }); });
afterEach(async () => { await fixture?.dispose(); });

const runtime = () => fixture.stratum.runtime;
const user = (name: string) => ({ name, groups: ['staff'] });

describe('multi-instance over a collection', () => {
  it('parallel user tasks: one per approver, each assigned by its element, outputs gathered, across save and recover', async () => {
    await fixture.stratum.library.deploy([{ name: 'multi-instance-approvals.bpmn', xml: fixtureXml('multi-instance-approvals.bpmn') }], { user: 'designer' });
    const approvers = ['ann', 'bob', 'cy'];
    const { instance } = await runtime().start('mi-approvals', { variables: { approvers } });
    expect(instance.waiting.map((wait) => wait.elementId)).toEqual(['Approve', 'Approve', 'Approve']);

    // completed out of order, the instance stored and recovered by a fresh Stratum before each completion
    for (const [name, approved] of [['bob', true], ['cy', false], ['ann', true]] as const) {
      await fixture.reopen();
      const tasks = await runtime().findTasks({ instanceId: instance.id });
      expect(tasks.map((task) => task.assignee).sort()).toEqual(approvers.filter((who) => tasks.some((task) => task.assignee === who)).sort());
      const task = tasks.find((candidate) => candidate.assignee === name);
      expect(task, `${name}'s task`).toBeDefined();
      const after = await runtime().completeTask(task!.id, { approved }, user(name));
      expect(after.status).toBe('running');
    }
    await fixture.reopen();
    const view = await runtime().getInstance(instance.id);
    // in collection order, whatever the order of completion
    expect(view!.variables.decisions).toEqual([
      { by: 'ann', approved: true }, { by: 'bob', approved: true }, { by: 'cy', approved: false },
    ]);
    expect(await runtime().findTasks({ instanceId: instance.id })).toEqual([]);

    // then a sequential job per decision: one at a time, in order, each with its element and loopCounter
    const seen: unknown[] = [];
    for (let round = 0; round < 3; round++) {
      await fixture.reopen();
      const jobs = await runtime().fetchAndLockJobs({ type: 'notify', workerId: 'notifier', max: 10 });
      expect(jobs).toHaveLength(1);
      seen.push([jobs[0].variables.loopCounter, jobs[0].variables.decision]);
      const after = await runtime().completeJob(jobs[0].id, {}, erp, 'notifier');
      expect(after.status).toBe(round === 2 ? 'completed' : 'running');
    }
    expect(seen).toEqual([
      [1, { by: 'ann', approved: true }], [2, { by: 'bob', approved: true }], [3, { by: 'cy', approved: false }],
    ]);
  });

  it('an empty collection: the activity completes without an iteration, the output collection empty', async () => {
    await fixture.stratum.library.deploy([{ name: 'multi-instance-approvals.bpmn', xml: fixtureXml('multi-instance-approvals.bpmn') }], { user: 'designer' });
    const { instance } = await runtime().start('mi-approvals', { variables: { approvers: [] } });
    expect(instance.status).toBe('completed');
    expect(instance.variables.decisions).toEqual([]);
  });

  it('a collection that is not a list fails the instance with an incident naming the activity', async () => {
    await fixture.stratum.library.deploy([{ name: 'multi-instance-approvals.bpmn', xml: fixtureXml('multi-instance-approvals.bpmn') }], { user: 'designer' });
    const { instance } = await runtime().start('mi-approvals', { variables: { approvers: 'ann' } });
    expect(instance.status).toBe('failed');
    expect(instance.incident).toMatchObject({ elementId: 'Approve' });
    expect(instance.incident!.message).toContain('not a list');
  });

  it('Camunda 7 sequential: camunda:collection and elementVariable, ended by the completion condition after two', async () => {
    await fixture.stratum.library.deploy([{ name: 'multi-instance-camunda7.bpmn', xml: fixtureXml('multi-instance-camunda7.bpmn') }], { user: 'designer' });
    const { instance } = await runtime().start('mi-reviews', { variables: { reviewers: ['ann', 'bob', 'cy'] } });
    const order: (string | null)[] = [];
    let status = instance.status;
    while (status === 'running') {
      await fixture.reopen();
      const tasks = await runtime().findTasks({ instanceId: instance.id });
      expect(tasks).toHaveLength(1);
      order.push(tasks[0].assignee);
      status = (await runtime().completeTask(tasks[0].id, { accepted: true }, user(tasks[0].assignee!))).status;
    }
    expect(status).toBe('completed');
    expect(order).toEqual(['ann', 'bob']);
  });

  it('parallel with a completion condition: two of three sign, the third task is withdrawn', async () => {
    await fixture.stratum.library.deploy([{ name: 'multi-instance-quorum.bpmn', xml: fixtureXml('multi-instance-quorum.bpmn') }], { user: 'designer' });
    const { instance } = await runtime().start('mi-quorum', { variables: { signers: ['ann', 'bob', 'cy'] } });
    for (const name of ['cy', 'ann']) {
      await fixture.reopen();
      const task = (await runtime().findTasks({ instanceId: instance.id })).find((candidate) => candidate.assignee === name);
      await runtime().completeTask(task!.id, {}, user(name));
    }
    await fixture.reopen();
    expect(await runtime().findTasks({ instanceId: instance.id })).toEqual([]);
    const view = await runtime().getInstance(instance.id);
    expect(view!.waiting).toEqual([expect.objectContaining({ elementId: 'File', type: 'job' })]);
  });
});
