// The audit trail names the route a caller's action came by beside who they were: on the entry their action
// wrote and on what the engine wrote because of it in the same step, and in the order events their step wrote.
// The runtime API called in-process names itself `runtime`; the history entries of a step nobody called (a timer,
// a message expiring) name `engine`, its order events no one. No entry written now is without a route.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, openStratum, type Stratum } from '../../../engine/index.js';
import { enter, erp, ManualClock, openFixture, order, SAMPLE_RATES, shippedDiagrams, vicePresident, type Fixture } from '../../support/stratum-fixture.js';

const routes = (history: { event: string; via?: string }[]) => history.map((entry) => [entry.event, entry.via]);

/** An order process whose approval ends by itself after an hour: the timer's step has no caller. */
const TIMED_ORDER = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="D_timed_order" targetNamespace="http://stratum.dev/test">
  <bpmn:process id="timed-order" isExecutable="true">
    <bpmn:extensionElements><zeebe:properties><zeebe:property name="takesOrders" value="true" /></zeebe:properties></bpmn:extensionElements>
    <bpmn:startEvent id="Entered" />
    <bpmn:sequenceFlow id="F1" sourceRef="Entered" targetRef="Approve" />
    <bpmn:userTask id="Approve" name="Approve">
      <bpmn:extensionElements><zeebe:assignmentDefinition candidateGroups="vice-president" /></bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:boundaryEvent id="Expired" attachedToRef="Approve">
      <bpmn:timerEventDefinition><bpmn:timeDuration xsi:type="bpmn:tFormalExpression">PT1H</bpmn:timeDuration></bpmn:timerEventDefinition>
    </bpmn:boundaryEvent>
    <bpmn:sequenceFlow id="F2" sourceRef="Approve" targetRef="Done" />
    <bpmn:sequenceFlow id="F3" sourceRef="Expired" targetRef="Lapsed" />
    <bpmn:endEvent id="Done" />
    <bpmn:endEvent id="Lapsed" />
  </bpmn:process>
</bpmn:definitions>`;

describe('the route of a caller\'s action in the history', () => {
  let fixture: Fixture;
  beforeEach(async () => { fixture = await openFixture(); });
  afterEach(async () => { await fixture.dispose(); });
  const runtime = () => fixture.stratum.runtime;

  it('names the route given on the caller\'s entry and on what the engine wrote in their step, and `runtime` for an in-process call that names none', async () => {
    const { instance } = await enter(runtime(), order('RT-1', 750_000));
    expect(instance.history.length).toBeGreaterThan(1);
    expect(new Set(instance.history.map((entry) => entry.via))).toEqual(new Set(['runtime']));
    const [task] = await runtime().findTasks({ businessKey: 'RT-1' });
    const after = await runtime().completeTask(task.id, { approved: true }, { ...vicePresident, via: 'camunda8' });
    const victors = after.history.filter((entry) => entry.actor === 'victor');
    // the engine's entries of the VP's step (the gateway's decision, the approval's end …) name the VP's route
    expect(victors.length).toBeGreaterThan(1);
    expect(victors.map((entry) => entry.event)).toContain('flow.taken');
    expect(new Set(victors.map((entry) => entry.via))).toEqual(new Set(['camunda8']));
    expect(after.history.every((entry) => entry.via !== undefined)).toBe(true);
  });

  it('names the failure\'s route on the instance.failed and incident its last retry caused, and the retry\'s on what the retry moved', async () => {
    await enter(runtime(), order('RT-3', 1_000));
    const [job] = await runtime().fetchAndLockJobs({ type: 'procurement-planning', workerId: 'w1' });
    const failed = await runtime().failJob(job.id, { message: 'ERP down', retries: 0, workerId: 'w1' }, { ...erp, via: 'camunda7' });
    const failure = failed.history.filter((entry) => entry.event === 'job.failed' || entry.event === 'instance.failed');
    // the job's instance fails, and with it the order that called it: both name the route the failure came by
    expect(routes(failure)).toEqual([['job.failed', 'camunda7'], ['instance.failed', 'camunda7'], ['instance.failed', 'camunda7']]);
    const [incident] = (await runtime().findIncidents({ status: 'open' })).items;
    const retried = await runtime().retryIncident(incident.id, {}, { name: 'olga', groups: ['operations'], via: 'camunda8' });
    const olgas = retried.history.filter((entry) => entry.actor === 'olga');
    expect(olgas.map((entry) => entry.event)).toContain('incident.resolved');
    expect(new Set(olgas.map((entry) => entry.via))).toEqual(new Set(['camunda8']));
  });

  it('names the change request\'s route on the engine\'s OrderChanged, delivered at once or later from the buffer', async () => {
    await enter(runtime(), order('RT-4', 300_000));
    await runtime().changeOrder('RT-4', { description: 'blue paint' }, { user: 'sam', via: 'api' });
    await runtime().changeOrder('RT-4', { description: 'red paint' }, { user: 'sam', via: 'camunda8' });
    for (const group of ['procurement', 'production', 'inspection']) {
      const [task] = await runtime().findTasks({ businessKey: 'RT-4', candidateGroup: group });
      await runtime().completeTask(task.id, { acknowledged: true }, { name: `${group}-lead`, groups: [group], via: 'api' });
    }
    const [root] = (await runtime().findInstances({ businessKey: 'RT-4' })).items.filter((one) => !one.parentId);
    const view = await runtime().getInstance(root.id);
    const correlated = view!.history.filter((entry) => entry.event === 'message.correlated');
    expect(correlated.map((entry) => [entry.actor, entry.via, entry.data?.buffered ?? false])).toEqual([
      ['sam', 'api', false],
      ['sam', 'camunda8', true],
    ]);
  });

  it('names it on a refused attempt and on the cancel of each instance of the order', async () => {
    await enter(runtime(), order('RT-2', 750_000));
    const [task] = await runtime().findTasks({ businessKey: 'RT-2' });
    await expect(runtime().completeTask(task.id, { approved: true }, { name: 'mallory', groups: ['procurement'], via: 'api' })).rejects.toThrow();
    const [root] = (await runtime().findInstances({ businessKey: 'RT-2' })).items.filter((one) => !one.parentId);
    const cancelled = await runtime().cancel(root.id, { ...erp, via: 'api' });
    const callers = cancelled.history.filter((entry) => ['instance.started', 'task.refused', 'instance.cancelled'].includes(entry.event));
    expect(callers.map((entry) => [entry.event, entry.actor, entry.via])).toEqual([
      // the order and the two processes it called, all started in erp's step
      ['instance.started', 'erp', 'runtime'],
      ['instance.started', 'erp', 'runtime'],
      ['instance.started', 'erp', 'runtime'],
      ['task.refused', 'mallory', 'api'],
      ['instance.cancelled', 'erp', 'api'],
      ['instance.cancelled', 'erp', 'api'],
      ['instance.cancelled', 'erp', 'api'],
    ]);
  });
});

describe('who caused an order event', () => {
  const dirs: string[] = [];
  const opened: Stratum[] = [];
  afterEach(async () => {
    for (const stratum of opened.splice(0)) await stratum.close();
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  async function open(processKey: string | undefined, xml?: string) {
    const dir = mkdtempSync(join(tmpdir(), 'stratum-caller-'));
    dirs.push(dir);
    const clock = new ManualClock();
    const stratum = await openStratum({ store: await openStore({ dataDir: dir }), clock, orderEntry: { rates: SAMPLE_RATES, ...(processKey && { processKey }) } });
    opened.push(stratum);
    if (xml) await stratum.library.deploy([{ name: `${processKey}.bpmn`, xml }], { user: 'test' });
    return { stratum, clock };
  }

  it('names the step\'s actor and route in the event data', async () => {
    const { stratum } = await open(undefined);
    await stratum.library.deploy(shippedDiagrams(), { user: 'test' });
    await stratum.runtime.enterOrder(order('EV-A', 750_000).entry, { user: 'erp', via: 'api' });
    const [task] = await stratum.runtime.findTasks({ businessKey: 'EV-A' });
    await stratum.runtime.completeTask(task.id, { approved: true }, { ...vicePresident, via: 'camunda7' });
    const { items } = await stratum.outbox.events({ after: 0, limit: 10 });
    expect(items.map((event) => [event.type, event.data.actor, event.data.via])).toEqual([
      ['stratum.order.waiting-for-approval', 'erp', 'api'],
      ['stratum.order.in-planning', 'victor', 'camunda7'],
    ]);
  });

  it('names nobody for a timer\'s step; its history entries name the engine', async () => {
    const { stratum, clock } = await open('timed-order', TIMED_ORDER);
    await stratum.runtime.enterOrder(order('EV-T', 100).entry, { user: 'erp' });
    clock.advance(2 * 3_600_000);
    expect(await stratum.runtime.fireDueTimers()).toBe(1);
    const { items } = await stratum.outbox.events({ after: 0, limit: 10 });
    expect(items.map((event) => [event.type, event.data.actor, event.data.via])).toEqual([
      ['stratum.order.waiting-for-approval', 'erp', 'runtime'],
      ['stratum.order.fulfilled', null, null],
    ]);
    const [root] = (await stratum.runtime.findInstances({ businessKey: 'EV-T' })).items;
    const view = await stratum.runtime.getInstance(root.id);
    const fired = view!.history.filter((entry) => entry.actor === null);
    expect(fired.map((entry) => entry.event)).toContain('instance.completed');
    expect(new Set(fired.map((entry) => entry.via))).toEqual(new Set(['engine']));
  });
});
