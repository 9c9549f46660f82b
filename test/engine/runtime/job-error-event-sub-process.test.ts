// A worker's BPMN error on a job is caught as BPMN and Camunda say: by an error boundary event of the job with the
// errorCode, else by an error event sub-process of the scope the job runs in (an embedded sub-process, then the
// process), a start event naming the code winning over a catch-all one, else, in a called process, by the caller's
// call activity and scopes (Camunda 8 propagates it up), else the instance fails with the `unhandled-error` incident.
// bpmn-elements raised the error as the job's own failure, which no event sub-process hears: the instance failed
// although an event sub-process caught the code. The event sub-process interrupts its
// scope as for an error end event: the job ends, and the task Pack on the other path closes. On SQLite and PostgreSQL.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStratum, type Stratum } from '../../../engine/index.js';
import { refusalOf } from '../../support/refusal.js';
import { describePostgres } from '../../support/postgres.js';
import { reopenablePostgresStore, reopenableSqliteStore, type ReopenableStore } from '../../support/reopenable-stores.js';
import { erp } from '../../support/stratum-fixture.js';

const clerk = { name: 'otto', groups: ['task-users'] };

const definitions = (body: string) => `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="Definitions_labels" targetNamespace="http://stratum.dev/test">
  <bpmn:error id="Err_missing" name="Stock missing" errorCode="STOCK_MISSING" />
  <bpmn:error id="Err_damaged" name="Damaged" errorCode="DAMAGED" />
  <bpmn:process id="labels" isExecutable="true">
${body}
  </bpmn:process>
</bpmn:definitions>`;

/** An error catch naming `error`, or a catch-all one. */
const catching = (error: 'Err_missing' | 'Err_damaged' | null) => `<bpmn:errorEventDefinition${error ? ` errorRef="${error}"` : ''} />`;

/** An error event sub-process whose start catches `error`, then the task `${prefix}Handle`. */
const eventSubProcess = (error: 'Err_missing' | 'Err_damaged' | null, prefix = '') => `
      <bpmn:subProcess id="${prefix}Handling" triggeredByEvent="true">
        <bpmn:startEvent id="${prefix}HandlingStart">${catching(error)}</bpmn:startEvent>
        <bpmn:sequenceFlow id="${prefix}H1" sourceRef="${prefix}HandlingStart" targetRef="${prefix}Handle" />
        <bpmn:userTask id="${prefix}Handle" name="Handle" />
        <bpmn:sequenceFlow id="${prefix}H2" sourceRef="${prefix}Handle" targetRef="${prefix}Handled" />
        <bpmn:endEvent id="${prefix}Handled" />
      </bpmn:subProcess>`;

/** A fork to the task `Pack` and to the job `Label` (type `label`), each to an end; `more` beside them. */
const packAndLabel = (fork: string, flow: string, more = '') => `<bpmn:parallelGateway id="${fork}" />
    <bpmn:sequenceFlow id="${flow}1" sourceRef="${fork}" targetRef="Pack" />
    <bpmn:userTask id="Pack" name="Pack" />
    <bpmn:sequenceFlow id="${flow}2" sourceRef="Pack" targetRef="Packed" />
    <bpmn:endEvent id="Packed" />
    <bpmn:sequenceFlow id="${flow}3" sourceRef="${fork}" targetRef="Label" />
    <bpmn:serviceTask id="Label" name="Print label"><bpmn:extensionElements><zeebe:taskDefinition type="label" /></bpmn:extensionElements></bpmn:serviceTask>
    <bpmn:sequenceFlow id="${flow}4" sourceRef="Label" targetRef="Labelled" />
    <bpmn:endEvent id="Labelled" />
    ${more}`;

/** Start → `Pack` and the job `Label` in the process, with `more` (event sub-processes, boundary events). */
const labels = (more: string) => definitions(`
    <bpmn:startEvent id="Start" />
    <bpmn:sequenceFlow id="F0" sourceRef="Start" targetRef="Fork" />
    ${packAndLabel('Fork', 'F', more)}`);

/** Start → `Invoice` and the embedded sub-process `Packing` (`Pack` and the job `Label`, `inside`), `outside` beside it. */
const invoiceAndPacking = (inside: string, outside: string) => definitions(`
    <bpmn:startEvent id="Start" />
    <bpmn:sequenceFlow id="F0" sourceRef="Start" targetRef="Fork" />
    <bpmn:parallelGateway id="Fork" />
    <bpmn:sequenceFlow id="F1" sourceRef="Fork" targetRef="Invoice" />
    <bpmn:userTask id="Invoice" name="Invoice" />
    <bpmn:sequenceFlow id="F2" sourceRef="Invoice" targetRef="Invoiced" />
    <bpmn:endEvent id="Invoiced" />
    <bpmn:sequenceFlow id="F3" sourceRef="Fork" targetRef="Packing" />
    <bpmn:subProcess id="Packing">
      <bpmn:startEvent id="SubStart" />
      <bpmn:sequenceFlow id="S0" sourceRef="SubStart" targetRef="SubFork" />
      ${packAndLabel('SubFork', 'S', inside)}
    </bpmn:subProcess>
    <bpmn:sequenceFlow id="F4" sourceRef="Packing" targetRef="Shipped" />
    <bpmn:endEvent id="Shipped" />
    ${outside}`);

/** An error boundary event catching `error` on `attachedTo`, then the task `Repair`. */
const repairOn = (attachedTo: string, error: 'Err_missing' | null) => `
    <bpmn:boundaryEvent id="Caught" attachedToRef="${attachedTo}">${catching(error)}</bpmn:boundaryEvent>
    <bpmn:sequenceFlow id="B1" sourceRef="Caught" targetRef="Repair" />
    <bpmn:userTask id="Repair" name="Repair" />
    <bpmn:sequenceFlow id="B2" sourceRef="Repair" targetRef="Repaired" />
    <bpmn:endEvent id="Repaired" />`;

function describeJobErrors(name: string, testStore: () => Promise<ReopenableStore>) {
  describe(name, () => {
    let stratum: Stratum;
    let opened: ReopenableStore;
    const open = async () => openStratum({ store: await opened.open() });
    beforeEach(async () => {
      opened = await testStore();
      stratum = await open();
    });
    afterEach(async () => {
      await stratum.close();
      opened.dispose();
    });

    const deploy = async (xml: string) => stratum.library.deploy([{ name: 'labels.bpmn', xml }], { user: 'designer' });
    const waitingAt = async (id: string) => (await stratum.runtime.getInstance(id))!.waiting.map((wait) => wait.elementId).sort();
    const taskAt = async (id: string, elementId: string) => (await stratum.runtime.findTasks({ instanceId: id })).find((task) => task.elementId === elementId)!;
    const complete = async (id: string, elementId: string) => stratum.runtime.completeTask((await taskAt(id, elementId)).id, {}, clerk);
    const completedElements = async (id: string) => (await stratum.runtime.getInstance(id))!.history
      .filter((entry) => entry.event === 'element.completed').map((entry) => entry.elementId);
    /** Starts an instance and has the worker throw `errorCode` on its job `Label`. */
    const labelFails = async (businessKey: string, errorCode: string) => {
      const { instance } = await stratum.runtime.start('labels', { businessKey });
      const [job] = await stratum.runtime.fetchAndLockJobs({ type: 'label', workerId: 'printer' });
      const view = await stratum.runtime.throwJobError(job.id, { errorCode, workerId: 'printer' }, erp);
      return { instance, job, view };
    };

    it('a job error caught by an error event sub-process of the process ends the job and closes Pack; the instance completes after it', async () => {
      await deploy(labels(eventSubProcess('Err_missing')));
      const { instance } = await stratum.runtime.start('labels', { businessKey: 'L-1' });
      expect(await waitingAt(instance.id)).toEqual(['Label', 'Pack']);
      const pack = await taskAt(instance.id, 'Pack');
      const [job] = await stratum.runtime.fetchAndLockJobs({ type: 'label', workerId: 'printer' });

      const view = await stratum.runtime.throwJobError(job.id, { errorCode: 'STOCK_MISSING', workerId: 'printer' }, erp);
      expect(view.status).toBe('running');
      expect(await waitingAt(instance.id)).toEqual(['Handle']);
      expect((await refusalOf(stratum.runtime.completeTask(pack.id, {}, clerk))).code).toBe('not-found');
      expect((await refusalOf(stratum.runtime.completeJob(job.id, {}, erp, 'printer'))).code).toBe('not-found');
      expect((await complete(instance.id, 'Handle')).status).toBe('completed');
      expect(await completedElements(instance.id)).not.toEqual(expect.arrayContaining(['Label']));
      expect(await completedElements(instance.id)).not.toEqual(expect.arrayContaining(['Packed']));
    });

    it('inside an embedded sub-process its own event sub-process catches it, not the process\'s; the parent\'s task stays open', async () => {
      await deploy(invoiceAndPacking(eventSubProcess('Err_missing', 'Sub'), eventSubProcess('Err_missing')));
      const { instance } = await labelFails('L-2', 'STOCK_MISSING');
      expect(await waitingAt(instance.id)).toEqual(['Invoice', 'SubHandle']);
      expect((await complete(instance.id, 'SubHandle')).status).toBe('running');
      expect(await completedElements(instance.id)).toEqual(expect.arrayContaining(['Packing', 'Shipped']));
      expect((await complete(instance.id, 'Invoice')).status).toBe('completed');
    });

    it('inside an embedded sub-process without one, the process\'s event sub-process catches it and ends the sub-process and Invoice', async () => {
      await deploy(invoiceAndPacking('', eventSubProcess('Err_missing')));
      const { instance } = await labelFails('L-3', 'STOCK_MISSING');
      expect(await waitingAt(instance.id)).toEqual(['Handle']);
      expect((await complete(instance.id, 'Handle')).status).toBe('completed');
      expect(await completedElements(instance.id)).not.toEqual(expect.arrayContaining(['Shipped']));
    });

    it('an event sub-process naming the code wins over a catch-all one; another code goes to the catch-all', async () => {
      await deploy(labels(`${eventSubProcess(null, 'Any')}${eventSubProcess('Err_missing')}`));
      const missing = await labelFails('L-4', 'STOCK_MISSING');
      expect(await waitingAt(missing.instance.id)).toEqual(['Handle']);
      const damaged = await labelFails('L-5', 'DAMAGED');
      expect(await waitingAt(damaged.instance.id)).toEqual(['AnyHandle']);
      expect((await complete(damaged.instance.id, 'AnyHandle')).status).toBe('completed');
    });

    it('an error no event sub-process catches fails the instance with the unhandled-error incident, as before', async () => {
      await deploy(labels(eventSubProcess('Err_missing')));
      const { instance, view } = await labelFails('L-6', 'DAMAGED');
      expect(view.status).toBe('failed');
      expect((await stratum.runtime.getInstance(instance.id))!.incident).toEqual(expect.objectContaining({
        elementId: 'Label', reason: { kind: 'unhandled-error', errorCode: 'DAMAGED' },
      }));
      expect(await completedElements(instance.id)).not.toContain('HandlingStart');
    });

    for (const error of ['Err_missing', null] as const) {
      it(`an error boundary event on the job (${error ? 'naming the code' : 'catch-all'}) still catches it before the event sub-process`, async () => {
        await deploy(labels(`${repairOn('Label', error)}${eventSubProcess('Err_missing')}`));
        const { instance } = await labelFails('L-7', 'STOCK_MISSING');
        expect(await waitingAt(instance.id)).toEqual(['Pack', 'Repair']);
        expect((await complete(instance.id, 'Repair')).status).toBe('running');
        expect((await complete(instance.id, 'Pack')).status).toBe('completed');
        expect(await completedElements(instance.id)).not.toContain('Handling');
      });
    }

    for (const error of ['Err_missing', null] as const) {
      it(`an error boundary event on Pack (${error ? 'naming the code' : 'catch-all'}) does not catch the job's error: the event sub-process does and Pack closes`, async () => {
        await deploy(labels(`${repairOn('Pack', error)}${eventSubProcess('Err_missing')}`));
        const { instance } = await labelFails('L-11', 'STOCK_MISSING');
        expect(await waitingAt(instance.id)).toEqual(['Handle']);
        expect((await complete(instance.id, 'Handle')).status).toBe('completed');
        expect(await completedElements(instance.id)).not.toContain('Caught');
      });
    }

    it('an error boundary event of the embedded sub-process catches it before the process\'s event sub-process', async () => {
      await deploy(invoiceAndPacking('', `${repairOn('Packing', 'Err_missing')}${eventSubProcess('Err_missing')}`));
      const { instance } = await labelFails('L-8', 'STOCK_MISSING');
      expect(await waitingAt(instance.id)).toEqual(['Invoice', 'Repair']);
      expect((await complete(instance.id, 'Repair')).status).toBe('running');
      expect((await complete(instance.id, 'Invoice')).status).toBe('completed');
      expect(await completedElements(instance.id)).not.toContain('Handling');
    });

    it('a job error of one iteration of a multi-instance job ends every iteration', async () => {
      await deploy(labels(eventSubProcess('Err_missing')).replace('</bpmn:extensionElements></bpmn:serviceTask>', `</bpmn:extensionElements>
      <bpmn:multiInstanceLoopCharacteristics><bpmn:extensionElements><zeebe:loopCharacteristics inputCollection="=parcels" inputElement="parcel" /></bpmn:extensionElements></bpmn:multiInstanceLoopCharacteristics>
    </bpmn:serviceTask>`));
      const { instance } = await stratum.runtime.start('labels', { businessKey: 'L-10', variables: { parcels: ['a', 'b'] } });
      const jobs = await stratum.runtime.fetchAndLockJobs({ type: 'label', workerId: 'printer', max: 2 });
      expect(jobs).toHaveLength(2);
      await stratum.runtime.throwJobError(jobs[0].id, { errorCode: 'STOCK_MISSING', workerId: 'printer' }, erp);
      expect(await waitingAt(instance.id)).toEqual(['Handle']);
      expect((await refusalOf(stratum.runtime.completeJob(jobs[1].id, {}, erp, 'printer'))).code).toBe('not-found');
      expect((await complete(instance.id, 'Handle')).status).toBe('completed');
    });

    describe('in a called process', () => {
      /** `shipping` calls `labels` (the job Label and Pack, `inside`) from `Call`, with `outside` beside it, and the task Invoice beside the call. */
      const shipping = (outside: string) => definitions(`
    <bpmn:startEvent id="ShipStart" />
    <bpmn:sequenceFlow id="C0" sourceRef="ShipStart" targetRef="ShipFork" />
    <bpmn:parallelGateway id="ShipFork" />
    <bpmn:sequenceFlow id="C1" sourceRef="ShipFork" targetRef="Call" />
    <bpmn:callActivity id="Call"><bpmn:extensionElements><zeebe:calledElement processId="labels" /></bpmn:extensionElements></bpmn:callActivity>
    <bpmn:sequenceFlow id="C2" sourceRef="Call" targetRef="Shipped" />
    <bpmn:endEvent id="Shipped" />
    <bpmn:sequenceFlow id="C3" sourceRef="ShipFork" targetRef="Invoice" />
    <bpmn:userTask id="Invoice" name="Invoice" />
    <bpmn:sequenceFlow id="C4" sourceRef="Invoice" targetRef="Invoiced" />
    <bpmn:endEvent id="Invoiced" />
    ${outside}`).replace('id="labels"', 'id="shipping"').replace('Definitions_labels', 'Definitions_shipping');
      const deployBoth = async (inside: string, outside: string) => stratum.library.deploy([
        { name: 'labels.bpmn', xml: labels(inside) }, { name: 'shipping.bpmn', xml: shipping(outside) },
      ], { user: 'designer' });
      /** Starts `shipping` and has the worker throw `errorCode` on the called instance's job. */
      const calledLabelFails = async (businessKey: string, errorCode: string) => {
        const { instance } = await stratum.runtime.start('shipping', { businessKey });
        const called = (await stratum.runtime.getInstance(instance.id))!.children[0];
        const [job] = await stratum.runtime.fetchAndLockJobs({ type: 'label', workerId: 'printer' });
        await stratum.runtime.throwJobError(job.id, { errorCode, workerId: 'printer', variables: { missing: 3 } }, erp);
        return { instance, called, job };
      };

      it('an error boundary event of the call activity catches what the called process does not; the called instance ends', async () => {
        await deployBoth('', repairOn('Call', 'Err_missing'));
        const { instance, called, job } = await calledLabelFails('L-12', 'STOCK_MISSING');
        expect(await waitingAt(instance.id)).toEqual(['Invoice', 'Repair']);
        expect((await stratum.runtime.getInstance(called.id))!.status).toBe('cancelled');
        expect((await refusalOf(stratum.runtime.completeJob(job.id, {}, erp, 'printer'))).code).toBe('not-found');
        expect((await stratum.runtime.getInstance(instance.id))!.variables).toEqual(expect.objectContaining({ missing: 3 }));
        expect((await complete(instance.id, 'Repair')).status).toBe('running');
        expect((await complete(instance.id, 'Invoice')).status).toBe('completed');
      });

      it('an error event sub-process of the caller catches it and ends the call and Invoice', async () => {
        await deployBoth('', eventSubProcess('Err_missing'));
        const { instance, called } = await calledLabelFails('L-13', 'STOCK_MISSING');
        expect(await waitingAt(instance.id)).toEqual(['Handle']);
        expect((await stratum.runtime.getInstance(called.id))!.status).toBe('cancelled');
        expect((await complete(instance.id, 'Handle')).status).toBe('completed');
      });

      it('the called process\'s own event sub-process catches it first; the caller goes on', async () => {
        await deployBoth(eventSubProcess('Err_missing', 'Own'), repairOn('Call', 'Err_missing'));
        const { instance, called } = await calledLabelFails('L-14', 'STOCK_MISSING');
        expect(await waitingAt(called.id)).toEqual(['OwnHandle']);
        expect(await waitingAt(instance.id)).toEqual(['Call', 'Invoice', 'OwnHandle']);
      });

      it('uncaught in the caller too, the called instance fails with unhandled-error as before', async () => {
        await deployBoth('', repairOn('Call', 'Err_missing'));
        const { instance, called } = await calledLabelFails('L-15', 'DAMAGED');
        expect((await stratum.runtime.getInstance(called.id))!.incident).toEqual(expect.objectContaining({ reason: { kind: 'unhandled-error', errorCode: 'DAMAGED' } }));
        expect((await stratum.runtime.getInstance(instance.id))!.status).toBe('failed');
      });
    });

    it('a job inside the event sub-process that caught an error does not start it again: its own error is unhandled', async () => {
      await deploy(labels(eventSubProcess('Err_missing').replace('<bpmn:userTask id="Handle" name="Handle" />',
        '<bpmn:serviceTask id="Handle" name="Reprint"><bpmn:extensionElements><zeebe:taskDefinition type="reprint" /></bpmn:extensionElements></bpmn:serviceTask>')));
      const { instance } = await labelFails('L-16', 'STOCK_MISSING');
      expect(await waitingAt(instance.id)).toEqual(['Handle']);
      const [reprint] = await stratum.runtime.fetchAndLockJobs({ type: 'reprint', workerId: 'printer' });
      const view = await stratum.runtime.throwJobError(reprint.id, { errorCode: 'STOCK_MISSING', workerId: 'printer' }, erp);
      expect(view.status).toBe('failed');
      expect((await stratum.runtime.getInstance(instance.id))!.incident).toEqual(expect.objectContaining({
        elementId: 'Handle', reason: { kind: 'unhandled-error', errorCode: 'STOCK_MISSING' },
      }));
    });

    it('a store reopened between the job error and the event sub-process\'s task completes as before', async () => {
      await deploy(labels(eventSubProcess('Err_missing')));
      const { instance } = await stratum.runtime.start('labels', { businessKey: 'L-9' });
      const pack = await taskAt(instance.id, 'Pack');
      const [job] = await stratum.runtime.fetchAndLockJobs({ type: 'label', workerId: 'printer' });
      await stratum.runtime.throwJobError(job.id, { errorCode: 'STOCK_MISSING', workerId: 'printer' }, erp);
      await stratum.close();
      stratum = await open();
      expect(await waitingAt(instance.id)).toEqual(['Handle']);
      expect((await refusalOf(stratum.runtime.completeTask(pack.id, {}, clerk))).code).toBe('not-found');
      expect((await refusalOf(stratum.runtime.completeJob(job.id, {}, erp, 'printer'))).code).toBe('not-found');
      expect((await complete(instance.id, 'Handle')).status).toBe('completed');
    });
  });
}

describeJobErrors('a job error caught by an event sub-process on SQLite', () => reopenableSqliteStore('job-error'));

describePostgres('a job error caught by an event sub-process on PostgreSQL', () => {
  describeJobErrors('', reopenablePostgresStore);
});
