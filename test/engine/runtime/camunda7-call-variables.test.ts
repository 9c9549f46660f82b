// Camunda 7's camunda:in / camunda:out on a call activity: the child starts with
// only what the ins pass (a variable, an expression, or all), and the caller
// gets back only what the outs pass; a call activity without them passes
// everything both ways (Camunda 8's way, which the shipped library uses).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { erp, openFixture, type Fixture } from '../../support/stratum-fixture.js';

const NS = 'xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn"';

const parent = (mappings: string) => ({
  name: 'c7-parent.bpmn',
  xml: `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions ${NS} id="Parent" targetNamespace="http://example.com/c7">
  <bpmn:process id="c7-parent" isExecutable="true">
    <bpmn:startEvent id="Start"><bpmn:outgoing>F1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="Call" />
    <bpmn:callActivity id="Call" name="Pack it" calledElement="c7-child">
      <bpmn:extensionElements>${mappings}</bpmn:extensionElements>
      <bpmn:incoming>F1</bpmn:incoming><bpmn:outgoing>F2</bpmn:outgoing>
    </bpmn:callActivity>
    <bpmn:sequenceFlow id="F2" sourceRef="Call" targetRef="After" />
    <bpmn:serviceTask id="After" name="Look after" camunda:type="external" camunda:topic="after"><bpmn:incoming>F2</bpmn:incoming><bpmn:outgoing>F3</bpmn:outgoing></bpmn:serviceTask>
    <bpmn:sequenceFlow id="F3" sourceRef="After" targetRef="End" />
    <bpmn:endEvent id="End"><bpmn:incoming>F3</bpmn:incoming></bpmn:endEvent>
  </bpmn:process>
</bpmn:definitions>`,
});

const CHILD = {
  name: 'c7-child.bpmn',
  xml: `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions ${NS} id="Child" targetNamespace="http://example.com/c7">
  <bpmn:process id="c7-child" isExecutable="true">
    <bpmn:startEvent id="Start"><bpmn:outgoing>F1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="Pack" />
    <bpmn:serviceTask id="Pack" name="Pack" camunda:type="external" camunda:topic="pack"><bpmn:incoming>F1</bpmn:incoming><bpmn:outgoing>F2</bpmn:outgoing></bpmn:serviceTask>
    <bpmn:sequenceFlow id="F2" sourceRef="Pack" targetRef="End" />
    <bpmn:endEvent id="End"><bpmn:incoming>F2</bpmn:incoming></bpmn:endEvent>
  </bpmn:process>
</bpmn:definitions>`,
};

let fixture: Fixture;
beforeEach(async () => { fixture = await openFixture({ deployShipped: false }); });
afterEach(async () => { await fixture?.dispose(); });
const runtime = () => fixture.stratum.runtime;

async function serve(type: string, variables: Record<string, unknown> = {}) {
  const [job] = await runtime().fetchAndLockJobs({ type, workerId: 'worker' });
  expect(job, `a ${type} job`).toBeDefined();
  await runtime().completeJob(job.id, variables, erp, 'worker');
  return job;
}

/** Runs the parent with `mappings` on its call activity: what the child's worker saw, and the caller's variables after it. */
async function run(mappings: string) {
  await fixture.stratum.library.deploy([parent(mappings), CHILD], { user: 'designer' });
  const { instance } = await runtime().start('c7-parent', { variables: { amount: 40, secret: 'only the caller', shared: 'caller' } });
  const packed = await serve('pack', { result: 'packed', leak: 'child only', shared: 'child' });
  const after = await serve('after');
  return { child: packed.variables, caller: after.variables, instanceId: instance.id };
}

describe('camunda:in and camunda:out on a call activity', () => {
  it('starts the child with only what the ins pass, and hands back only what the outs pass', async () => {
    const { child, caller } = await run(`
      <camunda:in source="amount" target="orderAmount" />
      <camunda:in sourceExpression="\${amount * 2}" target="doubled" />
      <camunda:in source="missing" target="nothing" />
      <camunda:in businessKey="\${execution.processBusinessKey}" />
      <camunda:out source="result" target="childResult" />`);
    expect(child).toEqual({ orderAmount: 40, doubled: 80, nothing: null });
    expect(caller).toEqual({ amount: 40, secret: 'only the caller', shared: 'caller', childResult: 'packed' });
  });

  it('passes every variable with variables="all", each way on its own', async () => {
    const { child, caller } = await run(`
      <camunda:in variables="all" />
      <camunda:out source="result" target="childResult" />`);
    expect(child).toEqual({ amount: 40, secret: 'only the caller', shared: 'caller' });
    expect(caller).toEqual({ amount: 40, secret: 'only the caller', shared: 'caller', childResult: 'packed' });
    const outs = await run('<camunda:in source="amount" target="amount" /><camunda:out variables="all" />');
    expect(outs.child).toEqual({ amount: 40 });
    expect(outs.caller).toEqual({ amount: 40, secret: 'only the caller', shared: 'child', result: 'packed', leak: 'child only' });
  });

  it('passes everything both ways without them, as Camunda 8 does', async () => {
    const { child, caller } = await run('');
    expect(child).toEqual({ amount: 40, secret: 'only the caller', shared: 'caller' });
    expect(caller).toEqual({ amount: 40, secret: 'only the caller', shared: 'child', result: 'packed', leak: 'child only' });
  });

  it('lets no worker of the caller set what the called process handed back through a camunda:out', async () => {
    await fixture.stratum.library.deploy([parent('<camunda:out source="result" target="childResult" />'), CHILD], { user: 'designer' });
    const { instance } = await runtime().start('c7-parent', { variables: { amount: 40 } });
    await serve('pack', { result: 'packed' });
    const [job] = await runtime().fetchAndLockJobs({ type: 'after', workerId: 'worker' });
    await expect(runtime().completeJob(job.id, { childResult: 'forged' }, erp, 'worker')).rejects.toThrow(/may not set childResult/);
    expect((await runtime().getInstance(instance.id))?.variables).toMatchObject({ childResult: 'packed' });
  });

  it('refuses at deploy a sourceExpression that does not translate, naming the call activity', async () => {
    await expect(fixture.stratum.library.deploy([parent('<camunda:in sourceExpression="amount * 2" target="doubled" />'), CHILD], { user: 'designer' }))
      .rejects.toMatchObject({ code: 'invalid', message: expect.stringMatching(/camunda:in #1 of .*Pack it.* cannot be passed/) as string });
  });
});
