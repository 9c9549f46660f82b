// A caller that failed drops what its called instance hands back, so nothing
// moves inside its call tree until its incident is retried (wait-locks.ts):
// a due timer there waits too, and fires once the caller runs again.
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { erp, openFixture, type Fixture } from '../../support/stratum-fixture.js';

const XML = readFileSync(new URL('../../fixtures/engine/timer-under-caller.bpmn', import.meta.url), 'utf8');
const HOUR = 3_600_000;
const operator = { name: 'otto', groups: ['operations'] };

let fixture: Fixture;
beforeEach(async () => {
  fixture = await openFixture();
  await fixture.stratum.library.deploy([{ name: 'timer-under-caller.bpmn', xml: XML }], { user: 'test' });
});
afterEach(async () => { await fixture.dispose(); });

it('holds a timer whose caller has failed, and fires it after the retry, so the caller still gets its return', async () => {
  const runtime = fixture.stratum.runtime;
  const { instance: order } = await runtime.start('reminder-order', { businessKey: 'HT-1', user: 'test' });
  const [job] = await runtime.fetchAndLockJobs({ type: 'booking', workerId: 'w1' });
  await runtime.failJob(job.id, { message: 'booking system down', retries: 0, workerId: 'w1' }, erp);
  expect((await runtime.getInstance(order.id))!.status).toBe('failed');

  fixture.clock.advance(2 * HOUR);
  expect(await runtime.fireDueTimers()).toBe(0);
  const reminder = (await runtime.findInstances({ businessKey: 'HT-1', processKey: 'reminder' })).items[0];
  expect(reminder.status).toBe('running');

  const [incident] = (await runtime.findIncidents({ businessKey: 'HT-1' })).items;
  await runtime.retryIncident(incident.id, { retries: 1 }, operator);
  expect(await runtime.fireDueTimers()).toBe(1);
  const [again] = await runtime.fetchAndLockJobs({ type: 'booking', workerId: 'w1' });
  const done = await runtime.completeJob(again.id, {}, erp, 'w1');
  expect(done.status).toBe('completed');
});

it('fires the other due timers while more are held than one batch holds', async () => {
  const runtime = fixture.stratum.runtime;
  for (let index = 0; index < 55; index++) {
    await runtime.start('reminder-order', { businessKey: `HT-HELD-${index}`, user: 'test' });
    const [job] = await runtime.fetchAndLockJobs({ type: 'booking', workerId: 'w1' });
    await runtime.failJob(job.id, { message: 'booking system down', retries: 0, workerId: 'w1' }, erp);
  }
  fixture.clock.advance(HOUR / 2);
  await runtime.start('reminder-order', { businessKey: 'HT-FREE', user: 'test' });
  fixture.clock.advance(2 * HOUR);
  expect(await runtime.fireDueTimers()).toBe(1);
  expect((await runtime.findInstances({ businessKey: 'HT-FREE', processKey: 'reminder' })).items[0].status).toBe('completed');
});
