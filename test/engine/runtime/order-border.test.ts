// Orders enter only through order entry, at run time too: a call activity deployed before order-entry-only
// existed (or written by another tool, past the deploy checks) never starts a process that takes orders, nor,
// outside an order, one that runs inside orders. The call fails with an incident and nothing of the child starts.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, openStratum, type Store, type Stratum } from '../../../engine/index.js';
import { objectWith, textContaining } from '../../support/matchers.js';
import { enter, erp, ManualClock, order, SAMPLE_RATES, shippedDiagrams, vicePresident } from '../../support/stratum-fixture.js';

const ops = { name: 'otto', groups: ['operations'] };

let dataDir: string;
let store: Store;
let stratum: Stratum;

beforeEach(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'stratum-order-border-'));
  store = await openStore({ dataDir });
  stratum = await openStratum({ store, clock: new ManualClock(), orderEntry: { rates: SAMPLE_RATES } });
  await stratum.library.deploy(shippedDiagrams(), { user: 'test' });
});
afterEach(async () => {
  await stratum.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const runtime = () => stratum.runtime;
/** What an order's process would hold: enough for the library to approve it at once and release it to planning. */
const orderLike = order('FAKE-1', 1).variables;

describe('a deployed caller outside orders', () => {
  it('fails at its call of sales-order-management with an incident, starts nothing of it and releases no planning job', async () => {
    await stored('fast-lane', caller('fast-lane', 'sales-order-management'));
    const { instance } = await runtime().start('fast-lane', { businessKey: 'FAKE-1', variables: orderLike, user: 'erp' });

    expect(instance.status).toBe('failed');
    expect(instance.children).toEqual([]);
    const reason = { kind: 'order-entry-only', calledElement: 'sales-order-management', border: 'runs-inside-orders' };
    expect(instance.incident).toMatchObject({ elementId: 'Call', reason });
    const { items: [incident] } = await runtime().findIncidents({ processKey: 'fast-lane' });
    expect(incident).toMatchObject({ kind: 'step', elementId: 'Call', reason });
    expect(incident.message).toContain('call activity Call of fast-lane calls sales-order-management, which runs inside orders (called from order-to-cash), ' +
      'from an instance that belongs to no order (its root fast-lane does not take orders)');
    expect(instance.history).toContainEqual(objectWith({ event: 'instance.failed', elementId: 'Call', data: { incident: objectWith({ reason }) } }));
    await expectNothingOfTheOrderLibrary();
  });

  it('stays refused on a retry while the library is unchanged, and the incident stays open', async () => {
    await stored('fast-lane', caller('fast-lane', 'credit-order-approval'));
    await runtime().start('fast-lane', { businessKey: 'FAKE-1', variables: orderLike });
    const { items: [incident] } = await runtime().findIncidents({ processKey: 'fast-lane' });
    await expect(runtime().retryIncident(incident.id, {}, ops)).rejects.toMatchObject({
      code: 'invalid', message: textContaining('calls credit-order-approval, which runs inside orders'),
    });
    expect((await runtime().findIncidents({})).items.map((open) => open.id)).toEqual([incident.id]);
    await expectNothingOfTheOrderLibrary();
  });

  it('is refused at any depth: a helper of its own that calls into orders fails the same way', async () => {
    await stored('outer', caller('outer', 'helper'));
    await stored('helper', caller('helper', 'credit-order-approval'));
    const { instance } = await runtime().start('outer', { variables: orderLike });
    const { items: [incident] } = await runtime().findIncidents({ processKey: 'helper' });
    expect(incident).toMatchObject({ elementId: 'Call', reason: { kind: 'order-entry-only', calledElement: 'credit-order-approval', border: 'runs-inside-orders' } });
    expect(incident.message).toContain('its root outer does not take orders');
    expect((await runtime().getInstance(instance.id))!.status).toBe('failed');
    await expectNothingOfTheOrderLibrary();
  });

  it('fails the same way when a message starts it', async () => {
    await stored('bulk-intake', caller('bulk-intake', 'sales-order-management', { messageStart: 'BulkOrder' }));
    await runtime().correlateMessage({ name: 'BulkOrder', businessKey: 'FAKE-1', variables: orderLike });
    const { items: [incident] } = await runtime().findIncidents({ processKey: 'bulk-intake' });
    expect(incident).toMatchObject({ elementId: 'Call', reason: { kind: 'order-entry-only', calledElement: 'sales-order-management' } });
    await expectNothingOfTheOrderLibrary();
  });

  it('fails the same way through Camunda 7\'s calledElement attribute', async () => {
    await stored('legacy-lane', camunda7Caller('legacy-lane', 'sales-order-management'));
    const { instance } = await runtime().start('legacy-lane', { variables: orderLike });
    expect(instance.incident).toMatchObject({ elementId: 'Call', reason: { kind: 'order-entry-only', calledElement: 'sales-order-management' } });
    await expectNothingOfTheOrderLibrary();
  });

  it('fails with an incident even where an error boundary event on the call would catch any error: the refusal is no BPMN error', async () => {
    await stored('catching-lane', caller('catching-lane', 'sales-order-management', { catchAll: true }));
    const { instance } = await runtime().start('catching-lane', { variables: orderLike });
    expect(instance.status).toBe('failed');
    expect(instance.incident).toMatchObject({ elementId: 'Call', reason: { kind: 'order-entry-only', calledElement: 'sales-order-management' } });
    // (a boundary event is entered, armed, with its activity; it never completed)
    expect(instance.history.filter((entry) => entry.event === 'element.completed').map((entry) => entry.elementId)).toEqual(['Start']);
    await expectNothingOfTheOrderLibrary();
  });

  it('fails the same way through a multi-instance call, starting no iteration\'s child', async () => {
    await stored('fan-out', caller('fan-out', 'sales-order-management', { multiInstance: true }));
    const { instance } = await runtime().start('fan-out', { variables: orderLike });
    expect(instance.status).toBe('failed');
    expect(instance.incident).toMatchObject({ elementId: 'Call', reason: { kind: 'order-entry-only', calledElement: 'sales-order-management' } });
    await expectNothingOfTheOrderLibrary();
  });
});

describe('a call to a process that takes orders', () => {
  it('fails with an incident, from outside orders, and order-to-cash never starts as a child', async () => {
    await stored('re-entry', caller('re-entry', 'order-to-cash'));
    const { instance } = await runtime().start('re-entry', { businessKey: 'FAKE-1', variables: orderLike });
    expect(instance.incident).toMatchObject({ elementId: 'Call', reason: { kind: 'order-entry-only', calledElement: 'order-to-cash', border: 'takes-orders' } });
    expect(instance.incident!.message).toBe('call activity Call of re-entry calls order-to-cash, which takes orders: orders enter only through order entry ' +
      '(POST /api/orders), which checks and converts them, so a process that takes orders never starts from a call activity');
    await expectNothingOfTheOrderLibrary();
  });

  it('fails with an incident inside an order too, which its callers\' incidents follow from', async () => {
    // a version of the special-change notification written past the deploy checks, calling a process that takes orders
    await stored('intake', leaf('intake', { takesOrders: true }));
    await stored('special-change-notification', caller('special-change-notification', 'intake'));
    const { instance } = await enter(runtime(), order('ORD-SC', 100, 'credit', { description: 'blue paint' }));
    const { items } = await runtime().findIncidents({ businessKey: 'ORD-SC' });
    const refused = items.find((incident) => incident.processKey === 'special-change-notification')!;
    expect(refused).toMatchObject({ elementId: 'Call', reason: { kind: 'order-entry-only', calledElement: 'intake', border: 'takes-orders' }, causeIncidentId: null });
    expect(items.filter((incident) => incident.causeIncidentId !== null).map((incident) => incident.processKey).sort()).toEqual(['order-to-cash', 'sales-order-management']);
    expect((await runtime().getInstance(instance.id))!.status).toBe('failed');
    expect((await runtime().findInstances({ processKey: 'intake' })).items).toEqual([]);
  });

  it('starts the child on a retry once a new version of it no longer takes orders', async () => {
    await stored('re-entry', caller('re-entry', 'intake'));
    await stored('intake', leaf('intake', { takesOrders: true }));
    const { instance } = await runtime().start('re-entry', {});
    const { items: [incident] } = await runtime().findIncidents({ processKey: 're-entry' });
    expect(incident.reason).toEqual({ kind: 'order-entry-only', calledElement: 'intake', border: 'takes-orders' });
    expect(instance.children).toEqual([]);

    await stratum.library.deploy([{ name: 'intake.bpmn', xml: leaf('intake') }], { user: 'designer', note: 'intake takes no orders' });
    const resumed = await runtime().retryIncident(incident.id, {}, ops);
    expect(resumed.status).toBe('running');
    expect(resumed.children.map((child) => [child.processKey, child.version])).toEqual([['intake', 2]]);
    expect((await runtime().findIncidents({})).items).toEqual([]);
    expect(resumed.history).toContainEqual(objectWith({ event: 'incident.resolved', actor: 'otto', data: objectWith({ incidentId: incident.id }) }));
  });

  it('starts every iteration\'s child of a multi-instance call on that retry', async () => {
    await stored('fan-out', caller('fan-out', 'intake', { multiInstance: true }));
    await stored('intake', leaf('intake', { takesOrders: true }));
    const { instance } = await runtime().start('fan-out', {});
    expect(instance.status).toBe('failed');
    expect(instance.children).toEqual([]);
    const { items: [incident] } = await runtime().findIncidents({ processKey: 'fan-out' });

    await stratum.library.deploy([{ name: 'intake.bpmn', xml: leaf('intake') }], { user: 'designer', note: 'intake takes no orders' });
    const resumed = await runtime().retryIncident(incident.id, {}, ops);
    expect(resumed.children.map((child) => [child.processKey, child.status])).toEqual([['intake', 'running'], ['intake', 'running']]);
    expect((await runtime().findTasks({})).map((task) => task.elementId)).toEqual(['Check', 'Check']);
  });
});

describe('the shipped library inside an order', () => {
  it('still runs an order through its called processes to its end', async () => {
    const placed = order('ORD-1', 700_000);
    const { instance } = await enter(runtime(), placed);
    expect(instance.children.map((child) => child.processKey)).toEqual(['sales-order-management']);
    const [task] = await runtime().findTasks({ businessKey: 'ORD-1' });
    await runtime().completeTask(task.id, { approved: true }, vicePresident);
    for (const type of ['procurement-planning', 'production-planning', 'shipping']) {
      const jobs = await runtime().fetchAndLockJobs({ type, workerId: 'erp' });
      expect(jobs.map((job) => job.businessKey)).toEqual(['ORD-1']);
      await runtime().completeJob(jobs[0].id, {}, erp, 'erp');
    }
    expect((await runtime().getInstance(instance.id))!.status).toBe('completed');
    expect((await runtime().findIncidents({})).items).toEqual([]);
  });
});

// helpers

/** No instance of the order library started, and no job of it waits for a worker. */
async function expectNothingOfTheOrderLibrary() {
  for (const processKey of ['order-to-cash', 'sales-order-management', 'credit-order-approval']) {
    expect((await runtime().findInstances({ processKey })).items, processKey).toEqual([]);
  }
  for (const type of ['procurement-planning', 'production-planning', 'shipping']) {
    expect(await runtime().fetchAndLockJobs({ type, workerId: 'erp' }), type).toEqual([]);
  }
}

/** Writes a version into the store as a tool that skips Stratum's deploy checks would (or a Stratum before them). */
async function stored(key: string, xml: string) {
  const calls = [...xml.matchAll(/(?:processId|calledElement)="([^"]+)"/g)].map((match) => match[1]);
  const version = ((await store.read((tx) => tx.latestVersionNumber(key))) ?? 0) + 1;
  await store.transaction((tx) => tx.insertVersion({
    key, version, name: key, xml, hash: createHash('sha256').update(xml).digest('hex'), calls,
    deploymentId: `legacy-${key}-${version}`, deployedBy: 'legacy-tool', deployedAt: new Date().toISOString(), note: null,
  }));
}

const ZEEBE = 'xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0"';

/** A level-1 process whose one call activity `Call` calls `called`. */
function caller(key: string, called: string, options: { messageStart?: string; multiInstance?: boolean; catchAll?: boolean } = {}) {
  const message = options.messageStart ? `<bpmn:message id="Msg" name="${options.messageStart}" />` : '';
  const trigger = options.messageStart ? '<bpmn:messageEventDefinition messageRef="Msg" />' : '';
  const loop = options.multiInstance
    ? '<bpmn:multiInstanceLoopCharacteristics><bpmn:extensionElements><zeebe:loopCharacteristics inputCollection="=[1, 2]" inputElement="n" /></bpmn:extensionElements></bpmn:multiInstanceLoopCharacteristics>'
    : '';
  // an error boundary event without an error reference catches every error the call activity throws
  const catchAll = options.catchAll
    ? '<bpmn:boundaryEvent id="Caught" attachedToRef="Call"><bpmn:errorEventDefinition /></bpmn:boundaryEvent>' +
      '<bpmn:sequenceFlow id="F3" sourceRef="Caught" targetRef="Elsewhere" /><bpmn:endEvent id="Elsewhere" />'
    : '';
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions ${ZEEBE} id="Defs_${key}" targetNamespace="http://example.com/other-tool">
  ${message}
  <bpmn:process id="${key}" isExecutable="true">
    <bpmn:startEvent id="Start">${trigger}</bpmn:startEvent>
    <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="Call" />
    <bpmn:callActivity id="Call" name="Run it"><bpmn:extensionElements><zeebe:calledElement processId="${called}" /></bpmn:extensionElements>${loop}</bpmn:callActivity>
    <bpmn:sequenceFlow id="F2" sourceRef="Call" targetRef="End" />
    <bpmn:endEvent id="End" />${catchAll}
  </bpmn:process>
</bpmn:definitions>`;
}

/** The same caller as Camunda 7 writes it: the plain calledElement attribute. */
function camunda7Caller(key: string, called: string) {
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="Defs_${key}" targetNamespace="http://example.com/camunda7">
  <bpmn:process id="${key}" isExecutable="true">
    <bpmn:startEvent id="Start" />
    <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="Call" />
    <bpmn:callActivity id="Call" name="Run it" calledElement="${called}"><bpmn:extensionElements><camunda:in variables="all" /></bpmn:extensionElements></bpmn:callActivity>
    <bpmn:sequenceFlow id="F2" sourceRef="Call" targetRef="End" />
    <bpmn:endEvent id="End" />
  </bpmn:process>
</bpmn:definitions>`;
}

/** A process with one user task; with `takesOrders`, one that declares it takes orders. */
function leaf(key: string, options: { takesOrders?: boolean } = {}) {
  const property = options.takesOrders
    ? '<bpmn:extensionElements><zeebe:properties><zeebe:property name="takesOrders" value="true" /></zeebe:properties></bpmn:extensionElements>'
    : '';
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions ${ZEEBE} id="Defs_${key}" targetNamespace="http://example.com/other-tool">
  <bpmn:process id="${key}" isExecutable="true">${property}
    <bpmn:startEvent id="Start" />
    <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="Check" />
    <bpmn:userTask id="Check" name="Check"><bpmn:extensionElements><zeebe:assignmentDefinition candidateGroups="operations" /></bpmn:extensionElements></bpmn:userTask>
    <bpmn:sequenceFlow id="F2" sourceRef="Check" targetRef="End" />
    <bpmn:endEvent id="End" />
  </bpmn:process>
</bpmn:definitions>`;
}
