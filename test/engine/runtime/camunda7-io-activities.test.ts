// Camunda 7 input/output parameters beyond user tasks and jobs, as Camunda 7 maps
// them: each input a local variable of the activity (seen by what runs inside an
// embedded sub-process, by a called child, by a business rule task's decision),
// each output evaluated in that local scope, so it reads the inputs, and written
// to the process; the inputs themselves never reach the process.
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { erp, openFixture, type Fixture } from '../../support/stratum-fixture.js';
import { objectWith } from '../../support/matchers.js';

const file = (name: string, dir = 'engine') => ({ name, xml: readFileSync(new URL(`../../fixtures/${dir}/${name}`, import.meta.url), 'utf8') });
const ACTIVITIES = file('camunda7-io-activities.bpmn');
const SHIPPING = file('camunda7-io-shipping.bpmn');
const DISCOUNT = file('first-discount.dmn', 'dmn');
const order = { amount: 150, size: 12, item: 'bolts' };

let fixture: Fixture;
beforeEach(async () => { fixture = await openFixture({ deployShipped: false }); });
afterEach(async () => { await fixture?.dispose(); });
const runtime = () => fixture.stratum.runtime;
const deploy = (...files: { name: string; xml: string }[]) => fixture.stratum.library.deploy(files, { user: 'designer' });

async function serve(type: string, variables: Record<string, unknown> = {}) {
  const [job] = await runtime().fetchAndLockJobs({ type, workerId: 'worker' });
  expect(job, `a ${type} job`).toBeDefined();
  await runtime().completeJob(job.id, variables, erp, 'worker');
  return job;
}

describe('camunda:inputOutput on sub-processes, business rule tasks, call activities and events', () => {
  it('maps inputs into each activity\'s local scope and its outputs, which read them, to the process', async () => {
    await deploy(ACTIVITIES, SHIPPING, DISCOUNT);
    const { instance } = await runtime().start('camunda7-io-activities', { businessKey: 'IO-1', variables: { order } });
    // the embedded sub-process's input is a variable of its scope: its job's worker sees it
    const price = await serve('price');
    expect(price.variables).toMatchObject({ order, discount: 15 });
    // the called child starts with the call activity's input
    await fixture.reopen();
    const label = await serve('label', { tracking: 'T-7' });
    expect(label.variables).toMatchObject({ parcel: 'bolts' });

    const waiting = (await runtime().getInstance(instance.id))!;
    expect(waiting.waiting).toEqual([objectWith({ elementId: 'Payment', type: 'message' })]);
    expect(waiting.variables).toMatchObject({
      net: 135, // the sub-process's output reads its input (150 - 15)
      discountRate: 0.15, decidedFor: 'Business', // the decision read the task's inputs; an output reads one
      shippedParcel: 'bolts', trackingNo: 'T-7', // the call activity's outputs: its input, the child's variable
      note: 'shipped', // the throw event's output reads its input
    });
    // kept across the wait (stored, recovered): the catch event's input, read by its output when the message comes
    await fixture.reopen();
    const { reached } = await runtime().correlateMessage({ name: 'Paid', businessKey: 'IO-1', variables: { paid: 135 } });
    const done = reached[0];
    expect(done).toMatchObject({ id: instance.id, status: 'completed' });
    expect(done.variables).toMatchObject({ paidInFull: true, status: 'closed' });
    // the inputs are local: none reaches the process
    for (const local of ['discount', 'customerType', 'orderSize', 'noteText', 'expected', 'closing']) expect(done.variables, local).not.toHaveProperty(local);
    expect(Object.keys(done.variables).filter((name) => name.includes(':'))).toEqual([]);
  });

  it('a receive task keeps its inputs while it waits; its output reads one beside the message\'s variables', async () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
      <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="D" targetNamespace="http://example.com/camunda7">
        <bpmn:message id="M" name="Counted" />
        <bpmn:process id="receive-io" name="Receive with inputs" isExecutable="true">
          <bpmn:startEvent id="S" name="Start" /><bpmn:sequenceFlow id="F1" sourceRef="S" targetRef="Count" />
          <bpmn:receiveTask id="Count" name="Await the count" messageRef="M">
            <bpmn:extensionElements><camunda:inputOutput>
              <camunda:inputParameter name="expected">\${order.size}</camunda:inputParameter>
              <camunda:outputParameter name="complete">\${counted == expected}</camunda:outputParameter>
            </camunda:inputOutput></bpmn:extensionElements>
          </bpmn:receiveTask>
          <bpmn:sequenceFlow id="F2" sourceRef="Count" targetRef="E" /><bpmn:endEvent id="E" name="Counted" />
        </bpmn:process>
      </bpmn:definitions>`;
    await deploy({ name: 'receive-io.bpmn', xml });
    const { instance } = await runtime().start('receive-io', { businessKey: 'IO-4', variables: { order } });
    await fixture.reopen();
    const { reached } = await runtime().correlateMessage({ name: 'Counted', businessKey: 'IO-4', variables: { counted: 12 } });
    expect(reached[0]).toMatchObject({ id: instance.id, status: 'completed', variables: { order, counted: 12, complete: true } });
    expect(reached[0].variables).not.toHaveProperty('expected');
  });

  it('an output that fails in the local scope is an incident naming the activity', async () => {
    await deploy({ ...ACTIVITIES, xml: ACTIVITIES.xml.replace('${order.amount - discount}', '${order.amount - rebate}') }, SHIPPING, DISCOUNT);
    const { instance } = await runtime().start('camunda7-io-activities', { businessKey: 'IO-2', variables: { order } });
    await serve('price');
    const failed = (await runtime().getInstance(instance.id))!;
    expect(failed.status).toBe('failed');
    expect(failed.incident).toMatchObject({ elementId: 'Prepare' });
    expect(failed.incident!.message).toMatch(/rebate/);
  });

  it('an input that fails when the activity is entered is an incident naming it', async () => {
    await deploy(ACTIVITIES, SHIPPING, DISCOUNT);
    const { instance } = await runtime().start('camunda7-io-activities', { businessKey: 'IO-3', variables: { order: { size: 1, item: 'nuts' } } });
    expect(instance.status).toBe('failed');
    expect(instance.incident).toMatchObject({ elementId: 'Prepare' });
    expect(instance.incident!.message).toMatch(/input mapping of Prepare: .*amount/);
  });
});

describe('camunda:inputOutput where it is not applied', () => {
  const unmappedPlaces = ACTIVITIES.xml
    .replace('<bpmn:startEvent id="Start" name="Order placed">',
      '<bpmn:startEvent id="Start" name="Order placed"><bpmn:extensionElements><camunda:inputOutput><camunda:inputParameter name="a">x</camunda:inputParameter></camunda:inputOutput></bpmn:extensionElements>')
    .replace('<bpmn:subProcess id="Prepare" name="Prepare the offer">',
      '<bpmn:subProcess id="Prepare" name="Prepare the offer"><bpmn:multiInstanceLoopCharacteristics camunda:collection="${order.lines}" camunda:elementVariable="line" />');

  it('deploys with a warning naming element and construct: start events (as in Camunda 7), multi-instance sub-processes', async () => {
    const { warnings } = await deploy({ ...ACTIVITIES, xml: unmappedPlaces }, SHIPPING, DISCOUNT);
    const unmapped = warnings.filter((warning) => warning.rule === 'supported-elements');
    expect(unmapped.map((warning) => warning.elementId).sort()).toEqual(['Prepare', 'Start']);
    expect(unmapped.find((warning) => warning.elementId === 'Start')!.message)
      .toMatch(/Start event "Order placed" has camunda:inputOutput, which is not applied: Camunda 7 maps no variables on start and boundary events either/);
    expect(unmapped.find((warning) => warning.elementId === 'Prepare')!.message).toMatch(/multi-instance/);
  });
});
