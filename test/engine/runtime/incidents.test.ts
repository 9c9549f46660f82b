// Incidents through the engine API: a step that failed is re-run on the state
// before it once the cause is fixed, and the buffer's time-to-live follows the runtime's clock.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, openStratum, type Store, type Stratum } from '../../../engine/index.js';
import { enter, ManualClock, order, SAMPLE_RATES, shippedDiagrams } from '../../support/stratum-fixture.js';
import { objectWith, textContaining } from '../../support/matchers.js';

const ops = { name: 'otto', groups: ['operations'] };

let dataDir: string;
let store: Store;
let stratum: Stratum;
let clock: ManualClock;

beforeEach(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'stratum-incidents-'));
  clock = new ManualClock();
  store = await openStore({ dataDir });
  stratum = await openStratum({ store, clock, messageTimeToLiveMs: 60_000, orderEntry: { rates: SAMPLE_RATES } });
});
afterEach(async () => {
  await stratum.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('a call activity whose called process was not deployed', () => {
  it('fails the caller with an incident; a retry after the deployment starts the child on the state before the failure', async () => {
    // Deploy-time checks refuse such a caller; a library written by another tool (or an older Stratum) may hold one.
    await store.transaction((tx) => tx.insertVersion(versionOf('caller', CALLER)));
    const { instance } = await stratum.runtime.start('caller', { businessKey: 'C-1' });
    expect(instance.status).toBe('failed');
    const { items: [incident] } = await stratum.runtime.findIncidents({ processKey: 'caller' });
    expect(incident).toMatchObject({ kind: 'step', elementId: 'CallReview', message: textContaining('review, which is not deployed') });

    await expect(stratum.runtime.retryIncident(incident.id, {}, ops)).rejects.toMatchObject({ code: 'invalid' });
    expect((await stratum.runtime.findIncidents({})).items.map((open) => open.id)).toEqual([incident.id]);

    await stratum.library.deploy([{ name: 'review.bpmn', xml: REVIEW }], { user: 'dora' });
    const resumed = await stratum.runtime.retryIncident(incident.id, { variables: { region: 'EMEA' } }, ops);
    expect(resumed.status).toBe('running');
    expect(resumed.children.map((child) => child.processKey)).toEqual(['review']);
    expect(resumed.waiting.map((wait) => [wait.processKey, wait.type]).sort()).toEqual([['caller', 'call'], ['review', 'task']]);
    expect(resumed.variables).toMatchObject({ region: 'EMEA' });
    expect((await stratum.runtime.findIncidents({})).items).toEqual([]);
    expect(resumed.history).toContainEqual(objectWith({ event: 'incident.resolved', actor: 'otto', data: objectWith({ incidentId: incident.id }) }));
  });

  it('fails a multi-instance caller with one incident, and its retry starts every iteration\'s child', async () => {
    const fanOut = CALLER.replace('</bpmn:callActivity>',
      '<bpmn:multiInstanceLoopCharacteristics><bpmn:extensionElements><zeebe:loopCharacteristics inputCollection="=[1, 2, 3]" inputElement="n" />' +
      '</bpmn:extensionElements></bpmn:multiInstanceLoopCharacteristics></bpmn:callActivity>');
    await store.transaction((tx) => tx.insertVersion(versionOf('caller', fanOut)));
    const { instance } = await stratum.runtime.start('caller', { businessKey: 'C-2' });
    expect(instance.status).toBe('failed');
    const { items } = await stratum.runtime.findIncidents({ processKey: 'caller' });
    expect(items.map((incident) => incident.elementId)).toEqual(['CallReview']);

    await stratum.library.deploy([{ name: 'review.bpmn', xml: REVIEW }], { user: 'dora' });
    const resumed = await stratum.runtime.retryIncident(items[0].id, {}, ops);
    expect(resumed.children.map((child) => child.processKey)).toEqual(['review', 'review', 'review']);
    expect((await stratum.runtime.findTasks({ businessKey: 'C-2' })).map((task) => task.elementId)).toEqual(['Check', 'Check', 'Check']);
  });

  it('fails the caller at a call that cannot start, which its error boundary event does not catch (an incident, not a BPMN error), and the retry starts both calls once deployed', async () => {
    await store.transaction((tx) => tx.insertVersion({ ...versionOf('split', SPLIT), calls: ['nowhere', 'elsewhere'] }));
    const { instance } = await stratum.runtime.start('split', { businessKey: 'C-3' });
    expect(instance.status).toBe('failed');
    expect(instance.incident).toMatchObject({ elementId: 'CallNowhere', reason: { kind: 'called-element-failed', calledElement: 'nowhere' } });
    expect(instance.history.filter((entry) => entry.event === 'element.completed').map((entry) => entry.elementId)).not.toContain('Caught');

    const reviewAs = (key: string) => ({ name: `${key}.bpmn`, xml: REVIEW.replace('id="review" name="Review"', `id="${key}" name="${key}"`) });
    await stratum.library.deploy([reviewAs('nowhere'), reviewAs('elsewhere')], { user: 'dora' });
    const { items: [incident] } = await stratum.runtime.findIncidents({ processKey: 'split' });
    const resumed = await stratum.runtime.retryIncident(incident.id, {}, ops);
    expect(resumed.status).toBe('running');
    expect(resumed.children.map((child) => child.processKey).sort()).toEqual(['elsewhere', 'nowhere']);
  });
});

describe('buffered messages and the clock', () => {
  it('keeps a message for its time-to-live by the runtime clock; the purge drops it afterwards and says so in the order', async () => {
    await stratum.library.deploy(shippedDiagrams(), { user: 'dora' });
    const { instance } = await enter(stratum.runtime, order('B-1', 10_000, 'prepaid-at-entry', { description: 'blue paint' }));
    const buffered = await stratum.runtime.correlateMessage({ name: 'PaymentReceived', businessKey: 'B-1', actor: 'erp' });
    expect(buffered).toMatchObject({ outcome: 'buffered', expiresAt: new Date(clock.now().getTime() + 60_000).toISOString() });
    clock.advance(59_999);
    expect(await stratum.runtime.purgeExpiredMessages()).toBe(0);
    clock.advance(1);
    expect(await stratum.runtime.purgeExpiredMessages()).toBe(1);
    const events = (await stratum.runtime.getInstance(instance.id))!.history.map((entry) => entry.event);
    expect(events.filter((event) => event.startsWith('message.'))).toEqual(['message.buffered', 'message.expired']);
  });

  it('remembers a messageId only while its message is kept: after its time-to-live the same id is a new message', async () => {
    await stratum.library.deploy(shippedDiagrams(), { user: 'dora' });
    await enter(stratum.runtime, order('B-2', 10_000, 'prepaid-at-entry', { description: 'blue paint' }));
    const message = { name: 'PaymentReceived', businessKey: 'B-2', messageId: 'bank-9', timeToLive: 'PT1S' };
    expect((await stratum.runtime.correlateMessage(message)).outcome).toBe('buffered');
    await expect(stratum.runtime.correlateMessage(message)).rejects.toMatchObject({ code: 'conflict', details: { problem: 'duplicate-message' } });
    clock.advance(1000);
    // not purged yet: an expired message no longer holds its id
    expect((await stratum.runtime.correlateMessage(message)).outcome).toBe('buffered');
  });
});

// helpers

function versionOf(key: string, xml: string) {
  return {
    key, version: 1, name: key, xml, hash: createHash('sha256').update(xml).digest('hex'), calls: ['review'],
    deploymentId: 'legacy', deployedBy: 'legacy-tool', deployedAt: new Date().toISOString(), note: null,
  };
}

const CALLER = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="Definitions_caller" targetNamespace="http://stratum.dev/test">
  <bpmn:process id="caller" name="Caller" isExecutable="true">
    <bpmn:startEvent id="Start" />
    <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="CallReview" />
    <bpmn:callActivity id="CallReview" name="Review">
      <bpmn:extensionElements><zeebe:calledElement processId="review" /></bpmn:extensionElements>
    </bpmn:callActivity>
    <bpmn:sequenceFlow id="F2" sourceRef="CallReview" targetRef="Done" />
    <bpmn:endEvent id="Done" />
  </bpmn:process>
</bpmn:definitions>`;

/** A parallel split into two calls of processes nobody deployed; an error boundary event waits on the first. */
const SPLIT = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="Definitions_split" targetNamespace="http://stratum.dev/test">
  <bpmn:process id="split" name="Split" isExecutable="true">
    <bpmn:startEvent id="Start" />
    <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="Fork" />
    <bpmn:parallelGateway id="Fork" />
    <bpmn:sequenceFlow id="F2" sourceRef="Fork" targetRef="CallNowhere" />
    <bpmn:sequenceFlow id="F3" sourceRef="Fork" targetRef="CallElsewhere" />
    <bpmn:callActivity id="CallNowhere"><bpmn:extensionElements><zeebe:calledElement processId="nowhere" /></bpmn:extensionElements></bpmn:callActivity>
    <bpmn:boundaryEvent id="Caught" attachedToRef="CallNowhere"><bpmn:errorEventDefinition /></bpmn:boundaryEvent>
    <bpmn:sequenceFlow id="F4" sourceRef="Caught" targetRef="Handled" />
    <bpmn:endEvent id="Handled" />
    <bpmn:callActivity id="CallElsewhere"><bpmn:extensionElements><zeebe:calledElement processId="elsewhere" /></bpmn:extensionElements></bpmn:callActivity>
    <bpmn:sequenceFlow id="F5" sourceRef="CallNowhere" targetRef="Done" />
    <bpmn:sequenceFlow id="F6" sourceRef="CallElsewhere" targetRef="Done" />
    <bpmn:endEvent id="Done" />
  </bpmn:process>
</bpmn:definitions>`;

const REVIEW = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="Definitions_review" targetNamespace="http://stratum.dev/test">
  <bpmn:process id="review" name="Review" isExecutable="true">
    <bpmn:startEvent id="Start" />
    <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="Check" />
    <bpmn:userTask id="Check" name="Check">
      <bpmn:extensionElements><zeebe:assignmentDefinition candidateGroups="ops" /></bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="F2" sourceRef="Check" targetRef="Done" />
    <bpmn:endEvent id="Done" />
  </bpmn:process>
</bpmn:definitions>`;
