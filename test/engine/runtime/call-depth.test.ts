// A process that calls itself, directly or through the processes it calls, would start children without end in
// one step (each call starts its child in the caller's transaction): a start held the thread and filled memory
// (4 GB within a minute). Calls nest at most MAX_CALL_DEPTH deep; the call that would go deeper fails its caller
// with an incident, as a call with nothing to start does, and the start answers.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Stratum } from '../../../engine/index.js';
import { MAX_CALL_DEPTH } from '../../../engine/runtime/call-activities.js';
import { textMatching } from '../../support/matchers.js';
import { openFixture, type Fixture } from '../../support/stratum-fixture.js';

let fixture: Fixture;
let stratum: Stratum;

beforeEach(async () => {
  fixture = await openFixture({ deployShipped: false });
  stratum = fixture.stratum;
});
afterEach(async () => {
  await fixture.dispose();
});

describe('calls nest at most MAX_CALL_DEPTH deep', () => {
  it('a process calling itself fails the call that would go deeper, with an incident naming the depth, and every caller with it', async () => {
    await stratum.library.deploy([caller('again', 'again')], { user: 'test' });
    const { instance } = await stratum.runtime.start('again', { variables: {} });
    expect(instance.status).toBe('failed');
    // the root and MAX_CALL_DEPTH calls below it, each started once
    expect((await stratum.runtime.findInstances({ processKey: 'again', limit: 1 })).total).toBe(MAX_CALL_DEPTH + 1);
    const { items } = await stratum.runtime.findIncidents({ limit: 100 });
    const rootCause = items.filter((incident) => incident.causeIncidentId === null);
    expect(rootCause).toHaveLength(1);
    expect(rootCause[0]).toMatchObject({
      processKey: 'again', elementId: 'Call',
      message: textMatching(new RegExp(`would start again ${MAX_CALL_DEPTH + 1} calls deep; calls nest at most ${MAX_CALL_DEPTH} deep`)),
      reason: { kind: 'called-element-failed', calledElement: 'again' },
    });
  });

  it('two processes calling each other are held to the same depth', async () => {
    await stratum.library.deploy([caller('entry', 'ping'), caller('ping', 'pong'), caller('pong', 'ping')], { user: 'test' });
    const { instance } = await stratum.runtime.start('entry', { variables: {} });
    expect(instance.status).toBe('failed');
    const started = async (key: string) => (await stratum.runtime.findInstances({ processKey: key, limit: 1 })).total;
    // entry, then MAX_CALL_DEPTH calls of ping and pong by turns
    expect([await started('ping'), await started('pong')]).toEqual([MAX_CALL_DEPTH / 2, MAX_CALL_DEPTH / 2]);
  });

  it('a call MAX_CALL_DEPTH deep still starts its child', async () => {
    // a chain of processes each calling the next, the last one ending: MAX_CALL_DEPTH calls, no recursion
    const chain = Array.from({ length: MAX_CALL_DEPTH + 1 }, (_, index) => `level-${index}`);
    await stratum.library.deploy(chain.map((key, index) => index < MAX_CALL_DEPTH ? caller(key, chain[index + 1]) : leaf(key)), { user: 'test' });
    const { instance } = await stratum.runtime.start('level-0', { variables: {} });
    expect(instance.status).toBe('completed');
  });
});

// helpers

function caller(key: string, calls: string): { name: string; xml: string } {
  return {
    name: `${key}.bpmn`,
    xml: `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="Definitions_${key}" targetNamespace="http://stratum.dev/test">
  <bpmn:process id="${key}" name="Calls ${calls}" isExecutable="true">
    <bpmn:startEvent id="Start" />
    <bpmn:sequenceFlow id="Flow_1" sourceRef="Start" targetRef="Call" />
    <bpmn:callActivity id="Call" name="Call ${calls}">
      <bpmn:extensionElements><zeebe:calledElement processId="${calls}" propagateAllChildVariables="false" /></bpmn:extensionElements>
    </bpmn:callActivity>
    <bpmn:sequenceFlow id="Flow_2" sourceRef="Call" targetRef="End" />
    <bpmn:endEvent id="End" />
  </bpmn:process>
</bpmn:definitions>`,
  };
}

function leaf(key: string): { name: string; xml: string } {
  return {
    name: `${key}.bpmn`,
    xml: `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="Definitions_${key}" targetNamespace="http://stratum.dev/test">
  <bpmn:process id="${key}" name="Ends" isExecutable="true">
    <bpmn:startEvent id="Start" />
    <bpmn:sequenceFlow id="Flow_1" sourceRef="Start" targetRef="End" />
    <bpmn:endEvent id="End" />
  </bpmn:process>
</bpmn:definitions>`,
  };
}
