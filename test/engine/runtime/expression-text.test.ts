// A `=FEEL` correlation key that yields a context or a list is waited on as
// FEEL writes it (`{orderNo: "SO-1", line: 2}`), not as `[object Object]`,
// which every context printed the same and so matched every other order's
// message. A job type must be text, as Zeebe requires: a list there fails the
// step (job-type-failed, test/server/camunda/incident-reasons.test.ts).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { erp, openFixture, type Fixture } from '../../support/stratum-fixture.js';

const KEYED = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="D" targetNamespace="http://example.com/camunda8">
  <bpmn:message id="Confirmed" name="LineConfirmed"><bpmn:extensionElements><zeebe:subscription correlationKey="=line" /></bpmn:extensionElements></bpmn:message>
  <bpmn:process id="keyed-line" name="Keyed line" isExecutable="true">
    <bpmn:startEvent id="Start" name="Start"><bpmn:outgoing>In</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="In" sourceRef="Start" targetRef="Confirm" />
    <bpmn:intermediateCatchEvent id="Confirm" name="Line confirmed"><bpmn:incoming>In</bpmn:incoming><bpmn:outgoing>Next</bpmn:outgoing><bpmn:messageEventDefinition messageRef="Confirmed" /></bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="Next" sourceRef="Confirm" targetRef="Route" />
    <bpmn:serviceTask id="Route" name="Route"><bpmn:extensionElements><zeebe:taskDefinition type="=route" /></bpmn:extensionElements><bpmn:incoming>Next</bpmn:incoming><bpmn:outgoing>Out</bpmn:outgoing></bpmn:serviceTask>
    <bpmn:sequenceFlow id="Out" sourceRef="Route" targetRef="End" />
    <bpmn:endEvent id="End" name="End"><bpmn:incoming>Out</bpmn:incoming></bpmn:endEvent>
  </bpmn:process>
</bpmn:definitions>`;

let fixture: Fixture;
beforeEach(async () => {
  fixture = await openFixture({ deployShipped: false });
  await fixture.stratum.library.deploy([{ name: 'keyed-line.bpmn', xml: KEYED }], { user: 'designer' });
});
afterEach(async () => { await fixture?.dispose(); });
const runtime = () => fixture.stratum.runtime;

describe('a =FEEL correlation key with a context or list value', () => {
  it('waits on the context as FEEL writes it, so another order\'s context does not reach it', async () => {
    const start = (line: Record<string, unknown>) => runtime().start('keyed-line', { variables: { line, route: 'dhl' } });
    const first = (await start({ orderNo: 'SO-1', line: 2 })).instance;
    const second = (await start({ orderNo: 'SO-2', line: 1 })).instance;
    const result = await runtime().correlateMessage({ name: 'LineConfirmed', businessKey: '{orderNo: "SO-1", line: 2}', actor: erp.name });
    expect(result.reached.map((view) => view.id)).toEqual([first.id]);
    const [moved] = result.reached;
    expect(moved.waiting.map((wait) => wait.jobType)).toEqual(['dhl']);
    expect((await runtime().getInstance(second.id)).waiting.map((wait) => wait.elementId)).toEqual(['Confirm']);
  });
});

describe('a =FEEL job type with a list value', () => {
  it('fails the step with job-type-failed instead of a job no worker subscribes to', async () => {
    const { instance } = await runtime().start('keyed-line', { variables: { line: { orderNo: 'SO-3', line: 1 }, route: ['dhl', 'ups'] } });
    const result = await runtime().correlateMessage({ name: 'LineConfirmed', businessKey: '{orderNo: "SO-3", line: 1}', actor: erp.name });
    expect(result.reached.map((view) => view.id)).toEqual([instance.id]);
    const failed = await runtime().getInstance(instance.id);
    expect(failed.status).toBe('failed');
    expect(failed.incident).toMatchObject({ elementId: 'Route', reason: { kind: 'job-type-failed' } });
    expect(failed.waiting).toEqual([]);
  });
});
