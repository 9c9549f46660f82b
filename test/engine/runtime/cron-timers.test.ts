// Cron timer cycles as Camunda 7 and 8 write them, due by the runtime's clock (UTC).
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openFixture, type Fixture } from '../../support/stratum-fixture.js';

const fixtureFile = (name: string) => ({ name, xml: readFileSync(new URL(`../../fixtures/engine/${name}`, import.meta.url), 'utf8') });
const HOUR = 60 * 60 * 1000;

let fixture: Fixture;
beforeEach(async () => { fixture = await openFixture(); }); // the clock starts on Monday 2026-01-05 09:00 UTC
afterEach(async () => { await fixture.dispose(); });

const timerDue = async (instanceId: string) =>
  (await fixture.stratum.runtime.getInstance(instanceId))!.waiting.find((wait) => wait.type === 'timer')?.dueAt;
const reminders = async (instanceId: string) =>
  (await fixture.stratum.runtime.getInstance(instanceId))!.history.filter((entry) => entry.elementId === 'Reminded' && entry.event === 'element.completed').length;

describe('cron timer cycles', () => {
  it('Camunda 8 "0 0 12 * * MON-FRI" reminds at noon UTC each weekday until the task is done', async () => {
    await fixture.stratum.library.deploy([fixtureFile('cron-reminder-camunda8.bpmn')], { user: 'test' });
    const { instance } = await fixture.stratum.runtime.start('cron-reminder', {});
    expect(await timerDue(instance.id)).toBe('2026-01-05T12:00:00.000Z');

    fixture.clock.advance(2 * HOUR);
    expect(await fixture.stratum.runtime.fireDueTimers()).toBe(0);
    fixture.clock.advance(1 * HOUR);
    expect(await fixture.stratum.runtime.fireDueTimers()).toBe(1);
    expect(await reminders(instance.id)).toBe(1);
    expect(await timerDue(instance.id)).toBe('2026-01-06T12:00:00.000Z');

    fixture.clock.advance(4 * 24 * HOUR); // Friday 12:00: Tuesday's timer is overdue and fires once
    expect(await fixture.stratum.runtime.fireDueTimers()).toBe(1);
    expect(await timerDue(instance.id)).toBe('2026-01-12T12:00:00.000Z'); // after Friday noon comes Monday

    const [task] = await fixture.stratum.runtime.findTasks({ instanceId: instance.id });
    expect((await fixture.stratum.runtime.completeTask(task.id, {}, { name: 'otto', groups: ['ops'] })).status).toBe('completed');
    fixture.clock.advance(7 * 24 * HOUR);
    expect(await fixture.stratum.runtime.fireDueTimers()).toBe(0);
  });

  it('Camunda 7 (Quartz) "0 0 12 ? * 1" counts weekday 1 as Sunday', async () => {
    await fixture.stratum.library.deploy([fixtureFile('cron-reminder-camunda7.bpmn')], { user: 'test' });
    const { instance } = await fixture.stratum.runtime.start('cron-reminder-c7', {});
    expect(await timerDue(instance.id)).toBe('2026-01-11T12:00:00.000Z');
    fixture.clock.advance(6 * 24 * HOUR + 3 * HOUR);
    expect(await fixture.stratum.runtime.fireDueTimers()).toBe(1);
    expect(await reminders(instance.id)).toBe(1);
    expect(await timerDue(instance.id)).toBe('2026-01-18T12:00:00.000Z');
  });
});
