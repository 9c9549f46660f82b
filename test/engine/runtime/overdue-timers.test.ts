// A timer fires when the scheduler fires it, also when no warm engine holds its instance (another server process,
// a restart, an evicted engine) and the wall clock has passed its due time: bpmn-elements completes an expired timer
// by itself when the stored state is recovered, and the step that recovered it then failed the instance.
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openFixture, type Fixture } from '../../support/stratum-fixture.js';

const fixtureFile = (name: string) => ({ name, xml: readFileSync(new URL(`../../fixtures/engine/${name}`, import.meta.url), 'utf8') });
const ops = { name: 'otto', groups: ['ops'] };
const HOUR = 60 * 60 * 1000;

let fixture: Fixture;
beforeEach(async () => {
  fixture = await openFixture({ deployShipped: false });
  // bpmn-elements reads the wall clock: it moves with the runtime's clock here
  vi.useFakeTimers({ toFake: ['Date'], now: fixture.clock.now() });
});
afterEach(async () => {
  vi.useRealTimers();
  await fixture.dispose();
});

/** Time passes, for the runtime and for the wall clock alike. */
function pass(ms: number) {
  fixture.clock.advance(ms);
  vi.setSystemTime(fixture.clock.now());
}

describe('a timer overdue when its instance is recovered', () => {
  it('fires once, by the scheduler, and the instance goes on', async () => {
    await fixture.stratum.library.deploy([fixtureFile('overdue-timer.bpmn')], { user: 'test' });
    const { instance } = await fixture.stratum.runtime.start('overdue-timer', { businessKey: 'OT-1' });
    const runtime = (await fixture.reopen()).runtime;
    pass(2 * HOUR);

    expect(await runtime.fireDueTimers()).toBe(1);
    const after = await runtime.getInstance(instance.id);
    expect(after).toMatchObject({ status: 'running', incident: null });
    expect(after!.waiting.map((wait) => wait.elementId)).toEqual(['FollowUp']);
    expect(after!.history.filter((entry) => entry.elementId === 'AnHour' && entry.event === 'element.completed')).toHaveLength(1);
  });

  it('leaves a boundary timer to the scheduler: the task completed first completes the instance', async () => {
    await fixture.stratum.library.deploy([fixtureFile('long-wait.bpmn')], { user: 'test' });
    const { instance } = await fixture.stratum.runtime.start('long-wait', { businessKey: 'OT-2' });
    const runtime = (await fixture.reopen()).runtime;
    pass(41 * 24 * HOUR);

    const [task] = await runtime.findTasks({ instanceId: instance.id });
    const after = await runtime.completeTask(task.id, {}, ops);
    expect(after).toMatchObject({ status: 'completed', incident: null });
    expect(after.history.map((entry) => entry.elementId)).toContain('Done');
    expect(after.history.map((entry) => entry.elementId)).not.toContain('Escalated');
    expect(await runtime.fireDueTimers()).toBe(0);
  });
});

describe('a boundary timer due as its task is completed (SQLite)', () => {
  it('leaves exactly one winner whichever of the two is asked for first: the decision or the escalation', async () => {
    await fixture.stratum.library.deploy([fixtureFile('escalated-separated-review.bpmn')], { user: 'test' });
    const reviewer = { name: 'rita', groups: ['reviewers'] };
    for (const first of ['completion', 'timer'] as const) {
      const businessKey = `ESCALATE-${first}`;
      await fixture.stratum.runtime.start('escalated-review', { businessKey, user: 'test' });
      const checkB = (await fixture.stratum.runtime.findTasks({ businessKey })).find((task) => task.elementId === 'CheckB')!;
      pass(61 * 60_000); // the escalation is due
      const complete = () => fixture.stratum.runtime.completeTask(checkB.id, { ok: true }, reviewer).then(() => 'completed', (error: { code?: string }) => error.code);
      const fire = () => fixture.stratum.runtime.fireDueTimers();
      const [completion, fired] = first === 'completion' ? await Promise.all([complete(), fire()]) : (await Promise.all([fire(), complete()])).reverse() as [string | undefined, number];
      const { history } = (await fixture.stratum.runtime.getInstance(checkB.instanceId))!;
      const decided = history.filter((entry) => entry.event === 'task.completed' && entry.elementId === 'CheckB').length;
      const escalated = history.filter((entry) => entry.event === 'timer.fired').length;
      expect(decided + escalated, first).toBe(1);
      expect([completion === 'completed', fired === 1], first).toEqual([decided === 1, escalated === 1]);
    }
  });
});

describe('a cron cycle whose years have passed', () => {
  // its re-arm found no next time and failed the order with a timer-failed incident after its last reminder
  it('stops reminding after its last time and the task goes on: Quartz "0 0 12 ? * * 2026" on the last day of 2026', async () => {
    const xml = fixtureFile('cron-reminder-camunda7.bpmn').xml.replace('0 0 12 ? * 1', '0 0 12 ? * * 2026');
    await fixture.stratum.library.deploy([{ name: 'cron-reminder-camunda7.bpmn', xml }], { user: 'test' });
    pass(Date.parse('2026-12-31T11:00:00.000Z') - fixture.clock.now().getTime());
    const { instance } = await fixture.stratum.runtime.start('cron-reminder-c7', {});
    const due = async () => (await fixture.stratum.runtime.getInstance(instance.id))!.waiting.find((wait) => wait.type === 'timer')?.dueAt;
    expect(await due()).toBe('2026-12-31T12:00:00.000Z');
    pass(2 * HOUR);
    expect(await fixture.stratum.runtime.fireDueTimers()).toBe(1);
    const after = (await fixture.stratum.runtime.getInstance(instance.id))!;
    expect([after.status, after.incident ?? null]).toEqual(['running', null]);
    expect(await due()).toBe('9999-12-31T23:59:59.999Z');
    pass(24 * HOUR);
    expect(await fixture.stratum.runtime.fireDueTimers()).toBe(0);
    const [task] = await fixture.stratum.runtime.findTasks({ instanceId: instance.id });
    expect((await fixture.stratum.runtime.completeTask(task.id, {}, ops)).status).toBe('completed');
  });
});
