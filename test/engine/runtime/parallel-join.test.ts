// A parallel join behind an exclusive merge fires once, when a token has come
// on each incoming flow: the path not chosen at the exclusive split is no token
// (bpmn-elements' own join counted its discard as arrived and fired early, or
// twice). The instance is stored and recovered between every step.
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { erp, openFixture, type Fixture } from '../../support/stratum-fixture.js';
import type { InstanceView } from '../../../engine/api.js';

// A fork and join inside the path an exclusive gateway may not choose: a wholly dead join passes its discards on.
const DEAD_BRANCH = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="D" targetNamespace="http://example.com/camunda8">
  <bpmn:process id="dead-branch" name="Dead branch" isExecutable="true">
    <bpmn:startEvent id="Start" name="Start"><bpmn:outgoing>In</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="In" sourceRef="Start" targetRef="Choice" />
    <bpmn:exclusiveGateway id="Choice" name="Checks?" default="Skip"><bpmn:incoming>In</bpmn:incoming><bpmn:outgoing>Check</bpmn:outgoing><bpmn:outgoing>Skip</bpmn:outgoing></bpmn:exclusiveGateway>
    <bpmn:sequenceFlow id="Check" name="yes" sourceRef="Choice" targetRef="Fork"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">=checks</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="Skip" name="no" sourceRef="Choice" targetRef="Merge" />
    <bpmn:parallelGateway id="Fork" name="Fork"><bpmn:incoming>Check</bpmn:incoming><bpmn:outgoing>A</bpmn:outgoing><bpmn:outgoing>B</bpmn:outgoing></bpmn:parallelGateway>
    <bpmn:sequenceFlow id="A" sourceRef="Fork" targetRef="CheckA" />
    <bpmn:sequenceFlow id="B" sourceRef="Fork" targetRef="CheckB" />
    <bpmn:serviceTask id="CheckA" name="Check A"><bpmn:extensionElements><zeebe:taskDefinition type="check-a" /></bpmn:extensionElements><bpmn:incoming>A</bpmn:incoming><bpmn:outgoing>AJ</bpmn:outgoing></bpmn:serviceTask>
    <bpmn:serviceTask id="CheckB" name="Check B"><bpmn:extensionElements><zeebe:taskDefinition type="check-b" /></bpmn:extensionElements><bpmn:incoming>B</bpmn:incoming><bpmn:outgoing>BJ</bpmn:outgoing></bpmn:serviceTask>
    <bpmn:sequenceFlow id="AJ" sourceRef="CheckA" targetRef="Join" />
    <bpmn:sequenceFlow id="BJ" sourceRef="CheckB" targetRef="Join" />
    <bpmn:parallelGateway id="Join" name="Join"><bpmn:incoming>AJ</bpmn:incoming><bpmn:incoming>BJ</bpmn:incoming><bpmn:outgoing>JM</bpmn:outgoing></bpmn:parallelGateway>
    <bpmn:sequenceFlow id="JM" sourceRef="Join" targetRef="Merge" />
    <bpmn:exclusiveGateway id="Merge" name="Merge"><bpmn:incoming>Skip</bpmn:incoming><bpmn:incoming>JM</bpmn:incoming><bpmn:outgoing>Out</bpmn:outgoing></bpmn:exclusiveGateway>
    <bpmn:sequenceFlow id="Out" sourceRef="Merge" targetRef="End" />
    <bpmn:endEvent id="End" name="End"><bpmn:incoming>Out</bpmn:incoming></bpmn:endEvent>
  </bpmn:process>
</bpmn:definitions>`;

const MERGE_JOIN = { name: 'exclusive-merge-join.bpmn', xml: readFileSync(new URL('../../fixtures/engine/exclusive-merge-join.bpmn', import.meta.url), 'utf8') };

let fixture: Fixture;
beforeEach(async () => {
  fixture = await openFixture({ deployShipped: false });
  await fixture.stratum.library.deploy([MERGE_JOIN, { name: 'dead-branch.bpmn', xml: DEAD_BRANCH }], { user: 'designer' });
});
afterEach(async () => { await fixture?.dispose(); });
const runtime = () => fixture.stratum.runtime;

/** Stores and recovers the instance, then lets a worker complete the one job of `type`. */
async function completeAfterReopen(type: string): Promise<InstanceView> {
  await fixture.reopen();
  const jobs = await runtime().fetchAndLockJobs({ type, workerId: 'worker', max: 10 });
  expect(jobs.map((job) => job.type), `one ${type} job`).toEqual([type]);
  return runtime().completeJob(jobs[0].id, {}, erp, 'worker');
}

const jobTypes = (view: InstanceView) => view.waiting.filter((wait) => wait.type === 'job').map((wait) => wait.jobType).sort();
const completions = (view: InstanceView, elementId: string) =>
  view.history.filter((entry) => entry.event === 'element.completed' && entry.elementId === elementId).length;

describe('a parallel join behind an exclusive merge', () => {
  it('express: waits for the courier although the invoice came first, then fires once', async () => {
    const { instance } = await runtime().start('merge-join', { variables: { express: true } });
    expect(jobTypes(instance)).toEqual(['book-courier', 'send-invoice']);
    const afterInvoice = await completeAfterReopen('send-invoice');
    // the discarded "no" path is no token: the join still waits for the courier
    expect(jobTypes(afterInvoice)).toEqual(['book-courier']);
    expect(completions(afterInvoice, 'Join')).toBe(0);
    const afterCourier = await completeAfterReopen('book-courier');
    expect(jobTypes(afterCourier)).toEqual(['ship']);
    const done = await completeAfterReopen('ship');
    expect(done.status).toBe('completed');
    expect(completions(done, 'Join')).toBe(1);
    expect(completions(done, 'Ship')).toBe(1);
    expect(completions(done, 'End')).toBe(1);
  });

  it('express: the courier first, then the invoice; the join fires once', async () => {
    await runtime().start('merge-join', { variables: { express: true } });
    const afterCourier = await completeAfterReopen('book-courier');
    expect(jobTypes(afterCourier)).toEqual(['send-invoice']);
    const afterInvoice = await completeAfterReopen('send-invoice');
    expect(jobTypes(afterInvoice)).toEqual(['ship']);
    const done = await completeAfterReopen('ship');
    expect(done.status).toBe('completed');
    expect(completions(done, 'Join')).toBe(1);
    expect(completions(done, 'End')).toBe(1);
  });

  it('standard: the merge passes the default path on at once; the join fires on the invoice, once', async () => {
    const { instance } = await runtime().start('merge-join', { variables: { express: false } });
    expect(jobTypes(instance)).toEqual(['send-invoice']);
    const afterInvoice = await completeAfterReopen('send-invoice');
    expect(jobTypes(afterInvoice)).toEqual(['ship']);
    const done = await completeAfterReopen('ship');
    expect(done.status).toBe('completed');
    expect(completions(done, 'Courier')).toBe(0);
    expect(completions(done, 'Join')).toBe(1);
    expect(completions(done, 'End')).toBe(1);
  });
});

describe('a parallel join on a path not chosen', () => {
  it('passes the discards on: the instance ends once, without the checks', async () => {
    const { instance } = await runtime().start('dead-branch', { variables: { checks: false } });
    expect(instance.status).toBe('completed');
    expect(completions(instance, 'Join')).toBe(0);
    expect(completions(instance, 'End')).toBe(1);
  });

  it('chosen, it joins both checks once', async () => {
    await runtime().start('dead-branch', { variables: { checks: true } });
    await completeAfterReopen('check-b');
    const done = await completeAfterReopen('check-a');
    expect(done.status).toBe('completed');
    expect(completions(done, 'Join')).toBe(1);
    expect(completions(done, 'End')).toBe(1);
  });
});
