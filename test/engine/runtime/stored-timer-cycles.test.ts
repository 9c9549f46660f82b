// A library written before deployments refused them (or by another tool) may hold an ISO 8601 cycle whose next
// time @0dep/piso looks for without end: a period of zero (`R/PT0S`), or a short one counted from centuries ago.
// Reaching such a timer fails its element with a `timer-failed` incident naming the cycle; before, the step that
// reached it asked piso for the next time and never came back, holding its server (a hang fails this test).
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, openStratum, type Store, type Stratum } from '../../../engine/index.js';
import { ManualClock } from '../../support/stratum-fixture.js';
import { textContaining } from '../../support/matchers.js';

let dataDir: string;
let store: Store;
let stratum: Stratum;
let clock: ManualClock;

beforeEach(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'stratum-stored-cycles-'));
  store = await openStore({ dataDir });
  clock = new ManualClock();
  stratum = await openStratum({ store, clock });
});
afterEach(async () => {
  await stratum.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** A review task with a non-interrupting reminder on `cycle`, stored as an older Stratum stored it: never linted. */
function reminded(key: string, cycle: string, field = 'timeCycle'): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="Definitions_${key}" targetNamespace="http://stratum.dev/test">
  <bpmn:process id="${key}" isExecutable="true">
    <bpmn:startEvent id="Start" />
    <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="Review" />
    <bpmn:userTask id="Review" name="Review" />
    <bpmn:sequenceFlow id="F2" sourceRef="Review" targetRef="End" />
    <bpmn:endEvent id="End" />
    <bpmn:boundaryEvent id="Remind" attachedToRef="Review" cancelActivity="false">
      <bpmn:timerEventDefinition><bpmn:${field}>${cycle}</bpmn:${field}></bpmn:timerEventDefinition>
    </bpmn:boundaryEvent>
    <bpmn:sequenceFlow id="F3" sourceRef="Remind" targetRef="Reminded" />
    <bpmn:endEvent id="Reminded" />
  </bpmn:process>
</bpmn:definitions>`;
}

async function store_(key: string, xml: string): Promise<void> {
  await store.transaction((tx) => tx.insertVersion({
    key, version: 1, name: key, xml, hash: createHash('sha256').update(xml).digest('hex'), calls: [],
    deploymentId: 'legacy', deployedBy: 'legacy-tool', deployedAt: new Date().toISOString(), note: null,
  }));
}

describe('a stored ISO 8601 cycle whose next time piso would look for without end', () => {
  it.each([
    ['R/PT0S', 'repeats every 0 ms, so it has no next time'],
    ['R/2026-01-05T00:00:00Z/PT0S', 'repeats every 0 ms, so it has no next time'],
    ['R/1000-01-01T00:00:00Z/PT1S', 'counts more than 2147483647 repetitions from its start to now'],
  ])('%s fails the timer\'s element with a timer-failed incident naming it, in one step', async (cycle, why) => {
    await store_('remind', reminded('remind', cycle));
    const { instance } = await stratum.runtime.start('remind', {});
    expect(instance.status).toBe('failed');
    const { items: [incident, ...more] } = await stratum.runtime.findIncidents({ processKey: 'remind' });
    expect(more).toEqual([]);
    expect(incident).toMatchObject({ reason: { kind: 'timer-failed' }, message: textContaining(`the cycle "${cycle}" ${why}`) });
    expect(await stratum.runtime.fireDueTimers()).toBe(0);
  });

  it('leaves a cycle piso counts in bounded time as it was: R/PT1S arms its reminder', async () => {
    await store_('remind', reminded('remind', 'R/PT1S'));
    const { instance } = await stratum.runtime.start('remind', {});
    expect(instance.status).toBe('running');
    expect(instance.waiting.map((wait) => wait.type).sort()).toEqual(['task', 'timer']);
  });
});

// the stores keep times up to year 9999: the step that reached such a timer was refused with 422 about `dueAt`, so the
// order could not start (or its task could not be completed) at all
describe('a stored timer that falls due after the year 9999', () => {
  it.each([
    ['timeDuration', 'P100000Y'],
    ['timeCycle', 'R/9999-12-31T23:59:59Z/P1D'],
  ])('%s %s waits until the last instant a store keeps, and the task it watches is completed as any other', async (field, value) => {
    await store_('remind', reminded('remind', value, field));
    const { instance } = await stratum.runtime.start('remind', {});
    expect(instance.status).toBe('running');
    expect(instance.waiting.find((wait) => wait.type === 'timer')?.dueAt).toBe('9999-12-31T23:59:59.999Z');
    const [task] = await stratum.runtime.findTasks({ instanceId: instance.id });
    expect((await stratum.runtime.completeTask(task.id, {}, { name: 'otto', groups: ['task-users'] })).status).toBe('completed');
  });
});

// piso gives a cycle whose end has passed that end, in the past: the reminder fired and armed itself again within the
// step until the stack overflowed (RangeError: Maximum call stack size exceeded), so the order could not start
describe('an ISO 8601 cycle that has ended', () => {
  it.each([
    'R/PT1H/2020-01-01T00:00:00Z',
    'R/2020-01-01T00:00:00Z/2020-01-02T00:00:00Z',
  ])('%s (stored before deployments refused it) never fires: its reminder waits for ever, the task goes on', async (cycle) => {
    await store_('remind', reminded('remind', cycle));
    const { instance } = await stratum.runtime.start('remind', {});
    expect(instance.status).toBe('running');
    expect(instance.waiting.find((wait) => wait.type === 'timer')?.dueAt).toBe('9999-12-31T23:59:59.999Z');
    expect(await stratum.runtime.fireDueTimers()).toBe(0);
    const [task] = await stratum.runtime.findTasks({ instanceId: instance.id });
    expect((await stratum.runtime.completeTask(task.id, {}, { name: 'otto', groups: ['task-users'] })).status).toBe('completed');
  });

  it('stops reminding once a deployed cycle runs its course: R/PT1H up to 10:30 reminds at 09:30 and 10:30, then waits for ever', async () => {
    await store_('remind', reminded('remind', 'R/PT1H/2026-01-05T10:30:00Z')); // the clock starts at 09:00
    const { instance } = await stratum.runtime.start('remind', {});
    const due = async () => (await stratum.runtime.getInstance(instance.id))!.waiting.find((wait) => wait.type === 'timer')?.dueAt;
    expect(await due()).toBe('2026-01-05T09:30:00.000Z');
    clock.advance(31 * 60_000);
    expect(await stratum.runtime.fireDueTimers()).toBe(1);
    expect(await due()).toBe('2026-01-05T10:30:00.000Z');
    clock.advance(60 * 60_000);
    expect(await stratum.runtime.fireDueTimers()).toBe(1);
    expect(await due()).toBe('9999-12-31T23:59:59.999Z');
    clock.advance(24 * 60 * 60_000);
    expect(await stratum.runtime.fireDueTimers()).toBe(0);
    expect((await stratum.runtime.getInstance(instance.id))!.status).toBe('running');
  });
});
