// An error end event whose error nothing catches, in its process or up the calls, fails every instance reaching it
// with the unhandled-error incident (docs/interop.md): the designer is warned while drawing and at deploy.
import { afterEach, describe, expect, it } from 'vitest';
import type { Finding } from '../../../../engine/errors.js';
import { lintFiles, lintXml } from '../../../../engine/lint/lint-bpmn.js';
import { objectWith } from '../../../support/matchers.js';
import { openFixture, shippedDiagrams, type Fixture } from '../../../support/stratum-fixture.js';

const RULE = 'error-end-caught';

/** A document of its own for each process, with the errors they name. */
const document = (process: string) => ({
  name: `${/id="([^"]+)"/.exec(process)![1]}.bpmn`,
  xml: `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="Definitions" targetNamespace="http://example.com/errors">
  <bpmn:error id="Error_Rejected" name="Credit rejected" errorCode="CREDIT_REJECTED" />
  <bpmn:error id="Error_Timeout" name="Timed out" errorCode="TIMEOUT" />
  <bpmn:error id="Error_Uncoded" name="No code" />
  ${process}
</bpmn:definitions>`,
});

// The rule reads what each element is and where it sits, not the flow: the elements below stay unconnected.
const process = (key: string, ...elements: string[]) => `<bpmn:process id="${key}" isExecutable="true"><bpmn:startEvent id="${key}_Start" />${elements.join('')}</bpmn:process>`;
/** An error event definition naming `errorRef`, or no error (a catch-all; an error end event naming none). */
const errorDefinition = (errorRef?: string) => (errorRef ? `<bpmn:errorEventDefinition errorRef="${errorRef}" />` : '<bpmn:errorEventDefinition />');
const errorEnd = (errorRef?: string, id = 'Refuse', name = 'Credit refused') => `<bpmn:endEvent id="${id}" name="${name}">${errorDefinition(errorRef)}</bpmn:endEvent>`;
const boundary = (on: string, errorRef?: string) => `<bpmn:boundaryEvent id="${on}_Caught" attachedToRef="${on}">${errorDefinition(errorRef)}</bpmn:boundaryEvent>`;
const subProcess = (id: string, ...elements: string[]) => `<bpmn:subProcess id="${id}" name="${id}"><bpmn:startEvent id="${id}_Start" />${elements.join('')}</bpmn:subProcess>`;
const eventSubProcess = (id: string, errorRef?: string, ...elements: string[]) =>
  `<bpmn:subProcess id="${id}" triggeredByEvent="true"><bpmn:startEvent id="${id}_Start">${errorDefinition(errorRef)}</bpmn:startEvent>${elements.join('')}</bpmn:subProcess>`;
const call = (id: string, name: string, key: string) =>
  `<bpmn:callActivity id="${id}" name="${name}"><bpmn:extensionElements><zeebe:calledElement processId="${key}" /></bpmn:extensionElements></bpmn:callActivity>`;

/** credit-check throwing CREDIT_REJECTED at its error end event "Credit refused", caught nowhere in it. */
const creditCheck = process('credit-check', errorEnd('Error_Rejected'));
/** order-to-cash calling credit-check from "Check credit", with `more` beside it. */
const orderToCash = (...more: string[]) => process('order-to-cash', call('CallCheck', 'Check credit', 'credit-check'), ...more);

/** This rule's findings for the processes linted together, each in its own file (the deployment is the library). */
async function findings(...processes: string[]): Promise<Finding[]> {
  return (await lintFiles(processes.map(document))).filter((finding) => finding.rule === RULE);
}

const at = (found: Finding[]) => found.map((finding) => [finding.file, finding.elementId, finding.severity]);
const WARNED = [['credit-check.bpmn', 'Refuse', 'warning']];

describe(RULE, () => {
  it('warns at an error end event no call of its process catches, naming it, the code, the calls and the fix', async () => {
    expect(await findings(creditCheck, orderToCash())).toEqual([objectWith({
      file: 'credit-check.bpmn', elementId: 'Refuse', severity: 'warning',
      message: 'Error end event "Credit refused" throws CREDIT_REJECTED, which nothing catches: not this process, and no call of "credit-check" in the library ' +
        '(order-to-cash › "Check credit") — an instance reaching it stops with the unhandled-error incident there; catch the code with an error boundary ' +
        'event on the call activity, or an error event sub-process',
    })]);
  });

  it('warns at an error end event of a process nothing calls: the error of a root process goes nowhere', async () => {
    expect(await findings(creditCheck)).toEqual([objectWith({
      file: 'credit-check.bpmn', elementId: 'Refuse', severity: 'warning',
      message: 'Error end event "Credit refused" throws CREDIT_REJECTED, which nothing catches: not this process, and no process of the library calls ' +
        '"credit-check" — an instance reaching it stops with the unhandled-error incident there; catch the code with an error event sub-process, or an ' +
        'error boundary event on a sub-process around it',
    })]);
  });

  it('is caught by an error boundary event naming the code, or naming no error, on a sub-process around the end event, at any depth', async () => {
    expect(await findings(process('credit-check', subProcess('Check', errorEnd('Error_Rejected')), boundary('Check', 'Error_Rejected')))).toEqual([]);
    expect(await findings(process('credit-check', subProcess('Check', subProcess('Inner', errorEnd('Error_Rejected'))), boundary('Check')))).toEqual([]);
    expect(at(await findings(process('credit-check', subProcess('Check', errorEnd('Error_Rejected')), boundary('Check', 'Error_Timeout'))))).toEqual(WARNED);
  });

  it('is caught by an error event sub-process naming the code or naming no error, of the process or of a sub-process around the end event', async () => {
    expect(await findings(process('credit-check', errorEnd('Error_Rejected'), eventSubProcess('OnRejected', 'Error_Rejected')))).toEqual([]);
    expect(await findings(process('credit-check', errorEnd('Error_Rejected'), eventSubProcess('OnAnyError')))).toEqual([]);
    expect(await findings(process('credit-check', subProcess('Check', errorEnd('Error_Rejected'), eventSubProcess('OnRejected', 'Error_Rejected'))))).toEqual([]);
    expect(at(await findings(process('credit-check', errorEnd('Error_Rejected'), eventSubProcess('OnTimeout', 'Error_Timeout'))))).toEqual(WARNED);
    // an error without errorCode catches no coded error, as the runtime compares codes
    expect(at(await findings(process('credit-check', errorEnd('Error_Rejected'), eventSubProcess('OnUncoded', 'Error_Uncoded'))))).toEqual(WARNED);
  });

  it('is not caught by the error event sub-process the end event is in, which does not start again, nor by the others of its scope', async () => {
    const inEventSubProcess = (...beside: string[]) => process('credit-check', eventSubProcess('OnRejected', 'Error_Rejected', errorEnd('Error_Rejected')), ...beside);
    expect(at(await findings(inEventSubProcess()))).toEqual(WARNED);
    expect(at(await findings(inEventSubProcess(eventSubProcess('OnAnyError'))))).toEqual(WARNED);
    expect(await findings(inEventSubProcess(), orderToCash(boundary('CallCheck')))).toEqual([]);
  });

  it('is caught by an error boundary event of the caller\'s call activity, naming the code or naming no error', async () => {
    expect(await findings(creditCheck, orderToCash(boundary('CallCheck', 'Error_Rejected')))).toEqual([]);
    expect(await findings(creditCheck, orderToCash(boundary('CallCheck')))).toEqual([]);
    expect(at(await findings(creditCheck, orderToCash(boundary('CallCheck', 'Error_Timeout'))))).toEqual(WARNED);
  });

  it('is caught by an error event sub-process of the caller around its call activity', async () => {
    expect(await findings(creditCheck, orderToCash(eventSubProcess('OnRejected', 'Error_Rejected')))).toEqual([]);
    expect(await findings(creditCheck, process('order-to-cash', subProcess('Sell', call('CallCheck', 'Check credit', 'credit-check'), eventSubProcess('OnAnyError'))))).toEqual([]);
    expect(at(await findings(creditCheck, orderToCash(eventSubProcess('OnTimeout', 'Error_Timeout'))))).toEqual(WARNED);
  });

  it('follows the error up the callers of the callers, and names every call it went through', async () => {
    const sales = (...more: string[]) => process('sales', call('CallOrderToCash', 'Run order to cash', 'order-to-cash'), ...more);
    expect(await findings(creditCheck, orderToCash(), sales(boundary('CallOrderToCash', 'Error_Rejected')))).toEqual([]);
    expect(await findings(creditCheck, orderToCash(), sales(), process('returns', call('CallSales', 'Sell again', 'sales'), boundary('CallSales')))).toEqual([]);
    expect((await findings(creditCheck, orderToCash(), sales())).map((finding) => finding.message)).toEqual([
      'Error end event "Credit refused" throws CREDIT_REJECTED, which nothing catches: not this process, and no call of "credit-check" in the library nor ' +
        'further up the calls (order-to-cash › "Check credit", sales › "Run order to cash") — an instance reaching it stops with the unhandled-error ' +
        'incident there; catch the code with an error boundary event on the call activity, or an error event sub-process',
    ]);
  });

  it('counts a call activity naming its process by an expression as a call of every process', async () => {
    const dispatch = (...more: string[]) => process('dispatch', `<bpmn:callActivity id="CallAny" name="Run the check"><bpmn:extensionElements>` +
      '<zeebe:calledElement processId="=checkToRun" /></bpmn:extensionElements></bpmn:callActivity>', ...more);
    expect(await findings(creditCheck, dispatch(boundary('CallAny')))).toEqual([]);
    expect((await findings(creditCheck, dispatch())).map((finding) => finding.message)).toEqual([expect.stringContaining('(dispatch › "Run the check")')]);
  });

  it('says nothing of an error end event naming no error or an error without errorCode, whose path just ends', async () => {
    expect(await findings(process('credit-check', errorEnd()))).toEqual([]);
    expect(await findings(process('credit-check', errorEnd('Error_Uncoded')))).toEqual([]);
    expect(at(await findings(process('credit-check', errorEnd('Error_Timeout'))))).toEqual(WARNED);
  });

  it('says nothing without the library (no processes in the rule\'s configuration): a caller it cannot see may catch the error', async () => {
    const alone = document(creditCheck).xml;
    expect((await lintXml(alone)).filter((finding) => finding.rule === RULE)).toEqual([]);
    expect((await lintXml(alone, { processSupplies: [] })).map((finding) => [finding.rule, finding.elementId])).toContainEqual([RULE, 'Refuse']);
  });

  it('says nothing of a process marked isExecutable="false": it is documentation and never runs', async () => {
    expect(at(await findings(creditCheck))).toEqual(WARNED);
    expect(await findings(creditCheck.replace('isExecutable="true"', 'isExecutable="false"'))).toEqual([]);
  });
});

describe(`${RULE} in the shipped library`, () => {
  const shipped = shippedDiagrams();
  /** `files` with the file `name` edited (checked to change it). */
  const edited = (files: typeof shipped, name: string, edit: (xml: string) => string) => files.map((file) => {
    if (file.name !== name) return file;
    const xml = edit(file.xml);
    expect(xml, `the edit of ${name} applies`).not.toBe(file.xml);
    return { ...file, xml };
  });
  /** credit-order-approval with the vice-president's rejection ending in the error CREDIT_REJECTED. */
  const throwing = edited(shipped, 'credit-order-approval.bpmn', (xml) => xml
    .replace('<bpmn:incoming>Flow_VicePresidentApproved_No</bpmn:incoming>\n    </bpmn:endEvent>',
      '<bpmn:incoming>Flow_VicePresidentApproved_No</bpmn:incoming>\n      <bpmn:errorEventDefinition errorRef="Error_CreditRejected" />\n    </bpmn:endEvent>')
    .replace('  </bpmn:process>', '  </bpmn:process>\n  <bpmn:error id="Error_CreditRejected" name="Credit rejected" errorCode="CREDIT_REJECTED" />'));
  const ofRule = async (files: { name: string; xml: string }[]) => (await lintFiles(files)).filter((finding) => finding.rule === RULE);

  it('gives no warning for the shipped diagrams, and warns once the approval throws an error no call of it catches', async () => {
    expect(await ofRule(shipped)).toEqual([]);
    const [finding] = await ofRule(throwing);
    expect(finding).toEqual(objectWith({ file: 'credit-order-approval.bpmn', elementId: 'EndEvent_RejectedByVicePresident', severity: 'warning' }));
    for (const met of ['sales-order-management › "Approve credit order"', 'sales-order-management › "Approve changed amount"', 'order-to-cash › "Manage sales order"']) {
      expect(finding.message).toContain(met);
    }
  });

  /** `files` with a catch-all error boundary event on the call activity `on` of the process in `name`. */
  const catching = (files: typeof shipped, name: string, on: string) => edited(files, name, (xml) => xml.replace('  </bpmn:process>',
    `    <bpmn:boundaryEvent id="Boundary_AnyError" attachedToRef="${on}"><bpmn:errorEventDefinition /></bpmn:boundaryEvent>\n  </bpmn:process>`));

  it('gives none when sales order management catches the error on its call of the approval, or order to cash on its call of sales order management', async () => {
    expect(await ofRule(catching(throwing, 'sales-order-management.bpmn', 'CallActivity_ApproveCreditOrder'))).toEqual([]);
    expect(await ofRule(catching(throwing, 'order-to-cash.bpmn', 'CallActivity_ManageSalesOrder'))).toEqual([]);
    // a catch on the call of another process is no catch of this error
    expect(at(await ofRule(catching(throwing, 'sales-order-management.bpmn', 'CallActivity_AcknowledgeChange'))))
      .toEqual([['credit-order-approval.bpmn', 'EndEvent_RejectedByVicePresident', 'warning']]);
  });
});

describe(`${RULE} at deploy`, () => {
  const fixtures: Fixture[] = [];
  afterEach(async () => {
    for (const fixture of fixtures.splice(0)) await fixture.dispose();
  });

  const file = (name: string, body: string, errors = '') => ({
    name,
    xml: `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="Definitions" targetNamespace="http://example.com/errors">
  ${body}
  ${errors}
</bpmn:definitions>`,
  });
  /** credit-check ending normally, or (`throws`) in the error CREDIT_REJECTED. */
  const creditCheckFile = (throws: boolean) => file('credit-check.bpmn', `<bpmn:process id="credit-check" name="Credit check" isExecutable="true">
    <bpmn:startEvent id="Start" name="Check requested" />
    <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="End" />
    <bpmn:endEvent id="End" name="Credit refused">${throws ? '<bpmn:errorEventDefinition errorRef="Error_Rejected" />' : ''}</bpmn:endEvent>
  </bpmn:process>`, throws ? '<bpmn:error id="Error_Rejected" name="Credit rejected" errorCode="CREDIT_REJECTED" />' : '');
  /** order-to-cash calling credit-check, catching every error on the call (`catches`) or none. */
  const orderToCashFile = (catches: boolean) => file('order-to-cash.bpmn', `<bpmn:process id="order-to-cash" name="Order to cash" isExecutable="true">
    <bpmn:startEvent id="Start" name="Order received" />
    <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="CallCheck" />
    <bpmn:callActivity id="CallCheck" name="Check credit"><bpmn:extensionElements><zeebe:calledElement processId="credit-check" /></bpmn:extensionElements></bpmn:callActivity>
    <bpmn:sequenceFlow id="F2" sourceRef="CallCheck" targetRef="End" />
    <bpmn:endEvent id="End" name="Order done" />${catches ? `
    <bpmn:boundaryEvent id="Refused" name="Refused" attachedToRef="CallCheck"><bpmn:errorEventDefinition /></bpmn:boundaryEvent>
    <bpmn:sequenceFlow id="F3" sourceRef="Refused" targetRef="Stopped" />
    <bpmn:endEvent id="Stopped" name="Order stopped" />` : ''}
  </bpmn:process>`);

  /** The warnings of this rule when credit-check starts throwing, deployed alone into a library where order-to-cash calls it. */
  async function warningsOfThrowingCheck(callerCatches: boolean): Promise<Finding[]> {
    const fixture = await openFixture({ deployShipped: false });
    fixtures.push(fixture);
    const { library } = fixture.stratum;
    await library.deploy([creditCheckFile(false), orderToCashFile(callerCatches)], { user: 'ann' });
    const result = await library.deploy([creditCheckFile(true)], { user: 'ann' });
    expect(result.deployed).toEqual([{ key: 'credit-check', version: 2, changed: true }]);
    return result.warnings.filter((finding) => finding.rule === RULE);
  }

  it('deploys an error end event no deployed caller catches, with the warning among the deployment\'s findings, and reads a deployed caller\'s catch', async () => {
    expect(at(await warningsOfThrowingCheck(false))).toEqual([['credit-check.bpmn', 'End', 'warning']]);
    expect(await warningsOfThrowingCheck(true)).toEqual([]);
  });
});
