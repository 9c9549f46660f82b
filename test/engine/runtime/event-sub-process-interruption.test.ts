// An interrupting event sub-process started by an error or escalation ends every other activity of its scope (the
// process, or the embedded sub-process it sits in), as in BPMN and Camunda 7 and 8: bpmn-elements 17.3 ignores
// isInterrupting, and the task `Pack` on another path stayed open and could still be completed while the event
// sub-process ran. The waits it ends are closed as an interrupting boundary event closes its task's (the task, job,
// message wait or timer is gone: completing it is refused; a called instance is cancelled), the path of the throw
// does not go on, and the scope completes when the event sub-process does. A non-interrupting one keeps the scope
// running beside it. On SQLite and PostgreSQL.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStratum, type Stratum } from '../../../engine/index.js';
import { refusalOf } from '../../support/refusal.js';
import { describePostgres } from '../../support/postgres.js';
import { reopenablePostgresStore, reopenableSqliteStore, type ReopenableStore } from '../../support/reopenable-stores.js';
import { erp, ManualClock } from '../../support/stratum-fixture.js';

const clerk = { name: 'otto', groups: ['task-users'] };

const definitions = (body: string, extra = '') => `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="Definitions_packing" targetNamespace="http://stratum.dev/test">
  <bpmn:error id="Err_missing" name="Stock missing" errorCode="STOCK_MISSING" />
  <bpmn:escalation id="Esc_late" name="Late" escalationCode="LATE" />
  <bpmn:message id="Msg_paid" name="payment-received"><bpmn:extensionElements><zeebe:subscription correlationKey="=orderNo" /></bpmn:extensionElements></bpmn:message>
  <bpmn:process id="packing" isExecutable="true">
${body}
  </bpmn:process>${extra}
</bpmn:definitions>`;

const TRIGGER = {
  error: '<bpmn:errorEventDefinition errorRef="Err_missing" />',
  escalation: '<bpmn:escalationEventDefinition escalationRef="Esc_late" />',
};

/** The path that throws: the task `Check`, then an error end event or an escalation throw followed by `AfterThrow`. */
const thrower = (kind: 'error' | 'escalation', prefix = '') => kind === 'error'
  ? `<bpmn:endEvent id="${prefix}Throw">${TRIGGER.error}</bpmn:endEvent>`
  : `<bpmn:intermediateThrowEvent id="${prefix}Throw">${TRIGGER.escalation}</bpmn:intermediateThrowEvent>
      <bpmn:sequenceFlow id="${prefix}T1" sourceRef="${prefix}Throw" targetRef="${prefix}AfterThrow" />
      <bpmn:userTask id="${prefix}AfterThrow" name="After the throw" />
      <bpmn:sequenceFlow id="${prefix}T2" sourceRef="${prefix}AfterThrow" targetRef="${prefix}ThrowDone" />
      <bpmn:endEvent id="${prefix}ThrowDone" />`;

const eventSubProcess = (kind: 'error' | 'escalation', interrupting: boolean | null, prefix = '') => `
      <bpmn:subProcess id="${prefix}Handling" triggeredByEvent="true">
        <bpmn:startEvent id="${prefix}HandlingStart"${interrupting === null ? '' : ` isInterrupting="${interrupting}"`}>${TRIGGER[kind]}</bpmn:startEvent>
        <bpmn:sequenceFlow id="${prefix}H1" sourceRef="${prefix}HandlingStart" targetRef="${prefix}Handle" />
        <bpmn:userTask id="${prefix}Handle" name="Handle" />
        <bpmn:sequenceFlow id="${prefix}H2" sourceRef="${prefix}Handle" targetRef="${prefix}Handled" />
        <bpmn:endEvent id="${prefix}Handled" />
      </bpmn:subProcess>`;

/** The parallel gateway `fork` to `Pack` (→ end) and to `Check` (→ the throw), its flows named `flow`1 to 4. */
const packAndCheck = (kind: 'error' | 'escalation', fork: string, flow: string) => `<bpmn:parallelGateway id="${fork}" />
    <bpmn:sequenceFlow id="${flow}1" sourceRef="${fork}" targetRef="Pack" />
    <bpmn:userTask id="Pack" name="Pack" />
    <bpmn:sequenceFlow id="${flow}2" sourceRef="Pack" targetRef="Packed" />
    <bpmn:endEvent id="Packed" />
    <bpmn:sequenceFlow id="${flow}3" sourceRef="${fork}" targetRef="Check" />
    <bpmn:userTask id="Check" name="Check stock" />
    <bpmn:sequenceFlow id="${flow}4" sourceRef="Check" targetRef="Throw" />
    ${thrower(kind)}`;

/** Start → fork → `Pack` (→ end) and `Check` (→ the throw), plus `more` on the fork and the event sub-process. */
const packing = (kind: 'error' | 'escalation', interrupting: boolean | null, more = '', moreFlows: string[] = []) => definitions(`
    <bpmn:startEvent id="Start" />
    <bpmn:sequenceFlow id="F0" sourceRef="Start" targetRef="Fork" />
    ${packAndCheck(kind, 'Fork', 'F')}
    ${moreFlows.map((target, index) => `<bpmn:sequenceFlow id="M${index}" sourceRef="Fork" targetRef="${target}" />`).join('\n    ')}
    ${more}
    ${eventSubProcess(kind, interrupting)}`);

/** Start → fork → `Invoice` and the embedded sub-process `Packing` (fork → `Pack`, `Check` → the throw, `inside`), `outside` beside it. */
const invoiceAndPacking = (kind: 'error' | 'escalation', inside: string, outside: string) => definitions(`
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
      ${packAndCheck(kind, 'SubFork', 'S')}
      ${inside}
    </bpmn:subProcess>
    <bpmn:sequenceFlow id="F4" sourceRef="Packing" targetRef="Shipped" />
    <bpmn:endEvent id="Shipped" />
    ${outside}`);

function describeInterruption(name: string, testStore: () => Promise<ReopenableStore>) {
  describe(name, () => {
    let stratum: Stratum;
    let opened: ReopenableStore;
    let dispose: () => void;
    const clock = new ManualClock();
    const open = async () => openStratum({ store: await opened.open(), clock });
    beforeEach(async () => {
      opened = await testStore();
      dispose = () => opened.dispose();
      stratum = await open();
    });
    afterEach(async () => {
      await stratum.close();
      dispose();
    });

    const deploy = async (...xmls: string[]) => stratum.library.deploy(xmls.map((xml, index) => ({ name: `p${index}.bpmn`, xml })), { user: 'designer' });
    const waitingAt = async (id: string) => (await stratum.runtime.getInstance(id))!.waiting.map((wait) => wait.elementId).sort();
    const taskAt = async (id: string, elementId: string) => (await stratum.runtime.findTasks({ instanceId: id })).find((task) => task.elementId === elementId)!;
    const complete = async (id: string, elementId: string) => stratum.runtime.completeTask((await taskAt(id, elementId)).id, {}, clerk);
    const historyOf = async (id: string, elementIds: string[]) => (await stratum.runtime.getInstance(id))!.history
      .filter((entry) => elementIds.includes(entry.elementId ?? '')).map((entry) => `${entry.event}:${entry.elementId}`);
    const completedElements = async (id: string) => (await stratum.runtime.getInstance(id))!.history
      .filter((entry) => entry.event === 'element.completed').map((entry) => entry.elementId);

    it('an error thrown on a parallel path closes the task Pack; the event sub-process runs and the instance completes after it', async () => {
      await deploy(packing('error', null));
      const { instance } = await stratum.runtime.start('packing', { businessKey: 'P-1' });
      expect(await waitingAt(instance.id)).toEqual(['Check', 'Pack']);
      const pack = await taskAt(instance.id, 'Pack');

      expect((await complete(instance.id, 'Check')).status).toBe('running');
      expect(await waitingAt(instance.id)).toEqual(['Handle']);
      expect(await stratum.runtime.findTasks({ instanceId: instance.id })).toEqual([expect.objectContaining({ elementId: 'Handle' })]);
      const refused = await refusalOf(stratum.runtime.completeTask(pack.id, {}, clerk));
      expect(refused.code).toBe('not-found');
      // the interrupted task is recorded as an interrupting boundary event's is: entered, never completed
      expect(await completedElements(instance.id)).not.toContain('Pack');

      const done = await complete(instance.id, 'Handle');
      expect(done.status).toBe('completed');
      expect(await completedElements(instance.id)).toEqual(expect.arrayContaining(['HandlingStart', 'Handle', 'Handled', 'Handling']));
      expect(await completedElements(instance.id)).not.toContain('Packed');
    });

    it('an error boundary event on Pack, on another path, does not catch the error thrown on Check\'s: the event sub-process does', async () => {
      await deploy(packing('error', null, `<bpmn:boundaryEvent id="PackFailed" attachedToRef="Pack">${TRIGGER.error}</bpmn:boundaryEvent>
    <bpmn:sequenceFlow id="B1" sourceRef="PackFailed" targetRef="Repack" />
    <bpmn:userTask id="Repack" name="Repack" />
    <bpmn:sequenceFlow id="B2" sourceRef="Repack" targetRef="Repacked" />
    <bpmn:endEvent id="Repacked" />`));
      const { instance } = await stratum.runtime.start('packing', { businessKey: 'P-11' });
      await complete(instance.id, 'Check');
      // bpmn-elements handed the throw to every element of the scope: PackFailed caught it, and Handling was discarded
      expect(await waitingAt(instance.id)).toEqual(['Handle']);
      expect((await complete(instance.id, 'Handle')).status).toBe('completed');
      expect(await completedElements(instance.id)).not.toContain('PackFailed');
    });

    it('an escalation boundary event on Pack, on another path, does not catch the escalation thrown on Check\'s: the event sub-process does', async () => {
      await deploy(packing('escalation', true, `<bpmn:boundaryEvent id="PackLate" attachedToRef="Pack">${TRIGGER.escalation}</bpmn:boundaryEvent>
    <bpmn:sequenceFlow id="B1" sourceRef="PackLate" targetRef="Hurry" />
    <bpmn:userTask id="Hurry" name="Hurry" />
    <bpmn:sequenceFlow id="B2" sourceRef="Hurry" targetRef="Hurried" />
    <bpmn:endEvent id="Hurried" />`));
      const { instance } = await stratum.runtime.start('packing', { businessKey: 'P-12' });
      await complete(instance.id, 'Check');
      // bpmn-elements handed the escalation to every element of the scope: PackLate caught it and Pack was left for Hurry
      expect(await waitingAt(instance.id)).toEqual(['Handle']);
      expect((await complete(instance.id, 'Handle')).status).toBe('completed');
      expect(await completedElements(instance.id)).not.toContain('PackLate');
    });

    it('an error event sub-process naming no error catches a named error end event, which passed it by before', async () => {
      await deploy(packing('error', null).replace(`<bpmn:startEvent id="HandlingStart">${TRIGGER.error}`, '<bpmn:startEvent id="HandlingStart"><bpmn:errorEventDefinition />'));
      const { instance } = await stratum.runtime.start('packing', { businessKey: 'P-13' });
      const pack = await taskAt(instance.id, 'Pack');
      await complete(instance.id, 'Check');
      // before: ['Pack'], the error end event's path ended as if nothing had been thrown
      expect(await waitingAt(instance.id)).toEqual(['Handle']);
      expect((await refusalOf(stratum.runtime.completeTask(pack.id, {}, clerk))).code).toBe('not-found');
      expect((await complete(instance.id, 'Handle')).status).toBe('completed');
    });

    it('an error event sub-process naming another error of the same code catches the error end event, as BPMN matches errors by code', async () => {
      // two bpmn:Error elements with one errorCode (a diagram's copy of an error, or one merged from another file)
      const twin = '\n  <bpmn:error id="Err_missing_twin" name="Stock missing" errorCode="STOCK_MISSING" />';
      await deploy(packing('error', null)
        .replace(`<bpmn:startEvent id="HandlingStart">${TRIGGER.error}`, '<bpmn:startEvent id="HandlingStart"><bpmn:errorEventDefinition errorRef="Err_missing_twin" />')
        .replace('<bpmn:escalation id="Esc_late"', `${twin.trim()}\n  <bpmn:escalation id="Esc_late"`));
      const { instance } = await stratum.runtime.start('packing', { businessKey: 'P-15' });
      const pack = await taskAt(instance.id, 'Pack');
      await complete(instance.id, 'Check');
      // before: ['Pack'], the path ended as if nothing had been thrown (bpmn-elements picked the start by the error's id)
      expect(await waitingAt(instance.id)).toEqual(['Handle']);
      expect((await refusalOf(stratum.runtime.completeTask(pack.id, {}, clerk))).code).toBe('not-found');
      expect((await complete(instance.id, 'Handle')).status).toBe('completed');
    });

    it('an error event sub-process naming another error of the same code comes before one naming none in the same scope', async () => {
      const twin = '<bpmn:error id="Err_missing_twin" name="Stock missing" errorCode="STOCK_MISSING" />';
      const catchAll = eventSubProcess('error', null, 'Any').replace(`<bpmn:startEvent id="AnyHandlingStart">${TRIGGER.error}`, '<bpmn:startEvent id="AnyHandlingStart"><bpmn:errorEventDefinition />');
      // the catch-all first in the document, so document order alone would pick it
      await deploy(packing('error', null, catchAll)
        .replace(`<bpmn:startEvent id="HandlingStart">${TRIGGER.error}`, '<bpmn:startEvent id="HandlingStart"><bpmn:errorEventDefinition errorRef="Err_missing_twin" />')
        .replace('<bpmn:escalation id="Esc_late"', `${twin}\n  <bpmn:escalation id="Esc_late"`));
      const { instance } = await stratum.runtime.start('packing', { businessKey: 'P-16' });
      await complete(instance.id, 'Check');
      expect(await waitingAt(instance.id)).toEqual(['Handle']);
      expect((await complete(instance.id, 'Handle')).status).toBe('completed');
      expect(await historyOf(instance.id, ['AnyHandling', 'AnyHandlingStart', 'AnyHandle'])).toEqual([]);
    });

    it('an error event sub-process naming the error comes before one naming none in the same scope', async () => {
      const catchAll = eventSubProcess('error', null, 'Any').replace(`<bpmn:startEvent id="AnyHandlingStart">${TRIGGER.error}`, '<bpmn:startEvent id="AnyHandlingStart"><bpmn:errorEventDefinition />');
      await deploy(packing('error', null, catchAll));
      const { instance } = await stratum.runtime.start('packing', { businessKey: 'P-14' });
      await complete(instance.id, 'Check');
      expect(await waitingAt(instance.id)).toEqual(['Handle']);
      expect((await complete(instance.id, 'Handle')).status).toBe('completed');
      expect(await historyOf(instance.id, ['AnyHandling', 'AnyHandlingStart', 'AnyHandle'])).toEqual([]);
    });

    it('an interrupting escalation closes Pack and ends the path of its throw', async () => {
      await deploy(packing('escalation', true));
      const { instance } = await stratum.runtime.start('packing', { businessKey: 'P-2' });
      const pack = await taskAt(instance.id, 'Pack');
      await complete(instance.id, 'Check');
      // the throw's path does not go on to AfterThrow, and Pack is gone
      expect(await waitingAt(instance.id)).toEqual(['Handle']);
      expect((await refusalOf(stratum.runtime.completeTask(pack.id, {}, clerk))).code).toBe('not-found');
      expect((await complete(instance.id, 'Handle')).status).toBe('completed');
    });

    it('a non-interrupting escalation keeps Pack and the path of its throw running beside it', async () => {
      await deploy(packing('escalation', false));
      const { instance } = await stratum.runtime.start('packing', { businessKey: 'P-3' });
      await complete(instance.id, 'Check');
      expect(await waitingAt(instance.id)).toEqual(['AfterThrow', 'Handle', 'Pack']);
      expect((await complete(instance.id, 'Pack')).status).toBe('running');
      expect((await complete(instance.id, 'Handle')).status).toBe('running');
      expect((await complete(instance.id, 'AfterThrow')).status).toBe('completed');
    });

    it('inside an embedded sub-process it ends that sub-process\'s activities only; the parent\'s task stays open', async () => {
      await deploy(invoiceAndPacking('error', eventSubProcess('error', true), ''));
      const { instance } = await stratum.runtime.start('packing', { businessKey: 'P-4' });
      expect(await waitingAt(instance.id)).toEqual(['Check', 'Invoice', 'Pack']);
      await complete(instance.id, 'Check');
      expect(await waitingAt(instance.id)).toEqual(['Handle', 'Invoice']);
      expect((await complete(instance.id, 'Handle')).status).toBe('running');
      // the sub-process completed with its event sub-process and went on; the parent's task is still open
      expect(await completedElements(instance.id)).toEqual(expect.arrayContaining(['Packing', 'Shipped']));
      expect(await waitingAt(instance.id)).toEqual(['Invoice']);
      expect((await complete(instance.id, 'Invoice')).status).toBe('completed');
    });

    it('an error thrown inside an embedded sub-process reaches the process\'s event sub-process, which ends the sub-process and the other path', async () => {
      await deploy(invoiceAndPacking('error', '', eventSubProcess('error', true)));
      const { instance } = await stratum.runtime.start('packing', { businessKey: 'P-9' });
      expect(await waitingAt(instance.id)).toEqual(['Check', 'Invoice', 'Pack']);
      await complete(instance.id, 'Check');
      expect(await waitingAt(instance.id)).toEqual(['Handle']);
      expect((await complete(instance.id, 'Handle')).status).toBe('completed');
      expect(await completedElements(instance.id)).not.toEqual(expect.arrayContaining(['Shipped']));
    });

    for (const [kind, interrupting] of [['error', true], ['escalation', true], ['escalation', false]] as const) {
      it(`an ${kind} caught by a boundary event of the embedded sub-process it was thrown in does not start the process's ${interrupting ? 'interrupting' : 'non-interrupting'} event sub-process`, async () => {
        await deploy(invoiceAndPacking(kind, '', `<bpmn:boundaryEvent id="Caught" attachedToRef="Packing">${TRIGGER[kind]}</bpmn:boundaryEvent>
        <bpmn:sequenceFlow id="B1" sourceRef="Caught" targetRef="Repair" />
        <bpmn:userTask id="Repair" name="Repair" />
        <bpmn:sequenceFlow id="B2" sourceRef="Repair" targetRef="Repaired" />
        <bpmn:endEvent id="Repaired" />
        ${eventSubProcess(kind, interrupting)}`));
        const { instance } = await stratum.runtime.start('packing', { businessKey: 'P-10' });
        await complete(instance.id, 'Check');
        // BPMN hands the throw to the innermost catch: the boundary's path runs and Invoice's goes on. bpmn-elements
        // started the event sub-process as well (Handle opened beside Repair); interrupting its scope would end both.
        expect(await waitingAt(instance.id)).toEqual(['Invoice', 'Repair']);
        // and the history keeps no entry of the event sub-process bpmn-elements started and Stratum discarded
        expect(await historyOf(instance.id, ['Handling', 'HandlingStart', 'Handle'])).toEqual([]);
        expect(await historyOf(instance.id, ['Caught', 'Repair'])).toEqual(['element.entered:Caught', 'element.completed:Caught', 'element.entered:Repair']);
        expect((await complete(instance.id, 'Repair')).status).toBe('running');
        expect((await complete(instance.id, 'Invoice')).status).toBe('completed');
        expect(await completedElements(instance.id)).not.toContain('Handling');
      });
    }

    it('inside a multi-instance sub-process it ends the activities of its own iteration only', async () => {
      await deploy(definitions(`
    <bpmn:startEvent id="Start" />
    <bpmn:sequenceFlow id="F0" sourceRef="Start" targetRef="Packing" />
    <bpmn:subProcess id="Packing">
      <bpmn:multiInstanceLoopCharacteristics><bpmn:extensionElements><zeebe:loopCharacteristics inputCollection="=parcels" inputElement="parcel" /></bpmn:extensionElements></bpmn:multiInstanceLoopCharacteristics>
      <bpmn:startEvent id="SubStart" />
      <bpmn:sequenceFlow id="S0" sourceRef="SubStart" targetRef="SubFork" />
      <bpmn:parallelGateway id="SubFork" />
      <bpmn:sequenceFlow id="S1" sourceRef="SubFork" targetRef="Pack" />
      <bpmn:userTask id="Pack" name="Pack" />
      <bpmn:sequenceFlow id="S2" sourceRef="Pack" targetRef="Packed" />
      <bpmn:endEvent id="Packed" />
      <bpmn:sequenceFlow id="S3" sourceRef="SubFork" targetRef="Check" />
      <bpmn:userTask id="Check" name="Check stock" />
      <bpmn:sequenceFlow id="S4" sourceRef="Check" targetRef="Throw" />
      ${thrower('error')}
      ${eventSubProcess('error', true)}
    </bpmn:subProcess>
    <bpmn:sequenceFlow id="F4" sourceRef="Packing" targetRef="Shipped" />
    <bpmn:endEvent id="Shipped" />`));
      const { instance } = await stratum.runtime.start('packing', { businessKey: 'P-7', variables: { parcels: ['a', 'b'] } });
      expect(await waitingAt(instance.id)).toEqual(['Check', 'Check', 'Pack', 'Pack']);
      const [first] = (await stratum.runtime.findTasks({ instanceId: instance.id })).filter((task) => task.elementId === 'Check');
      await stratum.runtime.completeTask(first.id, {}, clerk);
      expect(await waitingAt(instance.id)).toEqual(['Check', 'Handle', 'Pack']);
      expect((await complete(instance.id, 'Handle')).status).toBe('running');
      expect((await complete(instance.id, 'Pack')).status).toBe('running');
      expect((await complete(instance.id, 'Check')).status).toBe('running');
      expect((await complete(instance.id, 'Handle')).status).toBe('completed');
    });

    it('closes a job, a message wait, a timer and a called instance of the scope, and drops what a join held', async () => {
      const shipping = definitions('').replace('id="packing"', 'id="shipping"').replace('Definitions_packing', 'Definitions_shipping')
        .replace('</bpmn:process>', `<bpmn:startEvent id="ShipStart" /><bpmn:sequenceFlow id="Z1" sourceRef="ShipStart" targetRef="Ship" />
    <bpmn:userTask id="Ship" name="Ship" /><bpmn:sequenceFlow id="Z2" sourceRef="Ship" targetRef="Shipped" /><bpmn:endEvent id="Shipped" />
  </bpmn:process>`);
      const more = `
    <bpmn:serviceTask id="Label" name="Print label"><bpmn:extensionElements><zeebe:taskDefinition type="label" /></bpmn:extensionElements></bpmn:serviceTask>
    <bpmn:sequenceFlow id="L1" sourceRef="Label" targetRef="Labelled" /><bpmn:endEvent id="Labelled" />
    <bpmn:intermediateCatchEvent id="Paid"><bpmn:messageEventDefinition messageRef="Msg_paid" /></bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="P1" sourceRef="Paid" targetRef="PaidEnd" /><bpmn:endEvent id="PaidEnd" />
    <bpmn:intermediateCatchEvent id="Reminder"><bpmn:timerEventDefinition><bpmn:timeDuration>PT1H</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="R1" sourceRef="Reminder" targetRef="Reminded" /><bpmn:endEvent id="Reminded" />
    <bpmn:callActivity id="CallShipping"><bpmn:extensionElements><zeebe:calledElement processId="shipping" /></bpmn:extensionElements></bpmn:callActivity>
    <bpmn:sequenceFlow id="C1" sourceRef="CallShipping" targetRef="CallDone" /><bpmn:endEvent id="CallDone" />
    <bpmn:userTask id="Weigh" name="Weigh" /><bpmn:sequenceFlow id="W1" sourceRef="Weigh" targetRef="Join" />
    <bpmn:userTask id="Seal" name="Seal" /><bpmn:sequenceFlow id="W2" sourceRef="Seal" targetRef="Join" />
    <bpmn:parallelGateway id="Join" /><bpmn:sequenceFlow id="W3" sourceRef="Join" targetRef="Joined" /><bpmn:endEvent id="Joined" />`;
      await deploy(shipping, packing('error', true, more, ['Label', 'Paid', 'Reminder', 'CallShipping', 'Weigh', 'Seal']));
      const { instance } = await stratum.runtime.start('packing', { businessKey: 'P-5', variables: { orderNo: 'P-5' } });
      expect(await waitingAt(instance.id)).toEqual(['CallShipping', 'Check', 'Label', 'Pack', 'Paid', 'Reminder', 'Seal', 'Ship', 'Weigh']);
      const child = (await stratum.runtime.getInstance(instance.id))!.children[0];
      const [job] = await stratum.runtime.fetchAndLockJobs({ type: 'label', workerId: 'printer' });
      // Weigh reaches the join, which holds its token until Seal's comes
      await complete(instance.id, 'Weigh');

      await complete(instance.id, 'Check');
      expect(await waitingAt(instance.id)).toEqual(['Handle']);
      expect((await refusalOf(stratum.runtime.completeJob(job.id, {}, erp, 'printer'))).code).toBe('not-found');
      expect(await stratum.runtime.fetchAndLockJobs({ type: 'label', workerId: 'printer' })).toEqual([]);
      expect((await stratum.runtime.correlateMessage({ name: 'payment-received', businessKey: 'P-5' })).outcome).toBe('buffered');
      clock.advance(2 * 60 * 60 * 1000);
      expect(await stratum.runtime.fireDueTimers()).toBe(0);
      expect((await stratum.runtime.getInstance(child.id))!.status).toBe('cancelled');

      expect((await complete(instance.id, 'Handle')).status).toBe('completed');
      expect(await completedElements(instance.id)).not.toEqual(expect.arrayContaining(['Joined']));
    });

    it('a store reopened between the throw and the event sub-process\'s task completes as before', async () => {
      await deploy(packing('error', true));
      const { instance } = await stratum.runtime.start('packing', { businessKey: 'P-6' });
      const pack = await taskAt(instance.id, 'Pack');
      await complete(instance.id, 'Check');
      await stratum.close();
      stratum = await open();
      expect(await waitingAt(instance.id)).toEqual(['Handle']);
      expect((await refusalOf(stratum.runtime.completeTask(pack.id, {}, clerk))).code).toBe('not-found');
      expect((await complete(instance.id, 'Handle')).status).toBe('completed');
    });
  });
}

describeInterruption('an interrupting event sub-process on SQLite', () => reopenableSqliteStore('interrupt'));

describePostgres('an interrupting event sub-process on PostgreSQL', () => {
  describeInterruption('', reopenablePostgresStore);
});
