// A diagram never writes an order field: what the approval tiers compare changes only through an order change.
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../../../engine/errors.js';
import { lintFiles } from '../../../../engine/lint/lint-bpmn.js';
import { arrayWith, objectWith } from '../../../support/matchers.js';
import { director, enter, openFixture, order, shippedDiagrams } from '../../../support/stratum-fixture.js';

const RULE = 'order-fields-read-only';
const shipped = shippedDiagrams();
const xmlOf = (name: string) => shipped.find((file) => file.name === name)!.xml;
const COA = 'credit-order-approval.bpmn';
const SOM = 'sales-order-management.bpmn';

/** The shipped library with one file's text replaced, linted together as a deployment. */
async function findingsWith(name: string, edit: (xml: string) => string): Promise<Finding[]> {
  const files = shipped.map((file) => (file.name === name ? { name, xml: edit(file.xml) } : file));
  expect(files.find((file) => file.name === name)!.xml, 'the edit applies').not.toBe(xmlOf(name));
  return (await lintFiles(files)).filter((finding) => finding.rule === RULE);
}

const asPairs = (findings: Finding[]) => findings.map((finding) => [finding.elementId, finding.severity]);

const startOutput = (source: string, target: string) => (xml: string) => xml.replace(
  '<bpmn:startEvent id="StartEvent_CreditOrderToApprove" name="Credit order to approve">',
  `<bpmn:startEvent id="StartEvent_CreditOrderToApprove" name="Credit order to approve"><bpmn:extensionElements><zeebe:ioMapping><zeebe:output source="${source}" target="${target}" /></zeebe:ioMapping></bpmn:extensionElements>`,
);

const APPROVE_CALL = '<zeebe:calledElement processId="credit-order-approval" propagateAllChildVariables="true" bindingType="latest" />';
const approvalCall = (propagate: boolean, mapping: string) => (xml: string) => xml.replace(
  APPROVE_CALL,
  `<zeebe:calledElement processId="credit-order-approval" propagateAllChildVariables="${propagate}" bindingType="latest" /><zeebe:ioMapping>${mapping}</zeebe:ioMapping>`,
);

describe(RULE, () => {
  it('finds nothing in the shipped library (the start variables declared as they arrive, the re-approval of a changed amount)', async () => {
    expect((await lintFiles(shipped)).filter((finding) => finding.rule === RULE)).toEqual([]);
  });

  it('refuses an output mapping that shadows reportingAmount, naming the element, the field and what it would do', async () => {
    const findings = await findingsWith(COA, startOutput('=1', 'reportingAmount'));
    expect(findings).toEqual([expect.objectContaining({
      elementId: 'StartEvent_CreditOrderToApprove', severity: 'error', file: COA,
      message: 'Start event "Credit order to approve" has an output mapping to reportingAmount, an order field: the order\'s reportingAmount, which ' +
        'the approval tiers compare, would change without an order change, so an order could skip an approval it needs ' +
        'or be planned on other terms. The order as entered changes only through an order change (POST /api/orders/{orderNo}/changes); ' +
        'give the value another name (e.g. reviewReportingAmount)',
    })]);
  });

  it('speaks of the approval tiers only for the fields they compare: a write of another field names that field alone', async () => {
    const [customer] = await findingsWith(COA, startOutput('=string(orderNo)', 'customer'));
    expect(customer).toMatchObject({ elementId: 'StartEvent_CreditOrderToApprove', severity: 'error' });
    expect(customer.message).toContain('has an output mapping to customer, an order field: the order\'s customer, which the order\'s gateways and tasks read, would change');
    expect(customer.message).not.toMatch(/amount|tiers/i);
    const [terms] = await findingsWith(SOM, approvalCall(false, '<zeebe:input source="=string(paymentTerms)" target="paymentTerms" /><zeebe:output source="=approved" target="approved" />'));
    expect(terms).toMatchObject({ elementId: 'CallActivity_ApproveCreditOrder', severity: 'warning' });
    expect(terms.message).toContain('passes the called process paymentTerms computed here, not the order\'s: the called process decides on this value, while the order ' +
      'keeps its own. If that is meant, pass a variable that holds it (=changePaymentTerms)');
    expect(terms.message).not.toMatch(/amount|tiers/i);
  });

  it('refuses a call activity that hands a child another amount and takes every child variable back', async () => {
    const findings = await findingsWith(SOM, approvalCall(true, '<zeebe:input source="=1" target="reportingAmount" />'));
    expect(asPairs(findings)).toEqual([['CallActivity_ApproveCreditOrder', 'error']]);
    expect(findings[0].message).toMatch(/passes the called process reportingAmount, an order field: .*hands every variable of the called process back/);
  });

  it('flags, without refusing, a call that hands back only its outputs and passes a computed amount; passes a variable as it is silently', async () => {
    const literal = await findingsWith(SOM, approvalCall(false, '<zeebe:input source="=amount / 100" target="amount" /><zeebe:output source="=approved" target="approved" />'));
    expect(asPairs(literal)).toEqual([['CallActivity_ApproveCreditOrder', 'warning']]);
    expect(literal[0].message).toMatch(/passes the called process amount computed here, not the order's/);
    const variable = await findingsWith(SOM, approvalCall(false, '<zeebe:input source="=changeAmount" target="amount" /><zeebe:output source="=approved" target="approved" />'));
    expect(variable).toEqual([]);
  });

  it('refuses every other way of writing an order field: outputs, local inputs and multi-instance variables', async () => {
    const findings = await findingsWith(SOM, (xml) => xml
      // a call activity's output into the caller
      .replace(APPROVE_CALL, `${APPROVE_CALL}<zeebe:ioMapping><zeebe:output source="=0" target="amount" /></zeebe:ioMapping>`)
      // a job's output, which its worker's variables fill, and a local input every element inside reads
      .replace('<zeebe:taskDefinition type="procurement-planning" />',
        '<zeebe:taskDefinition type="procurement-planning" /><zeebe:ioMapping><zeebe:input source="=0" target="currency" /><zeebe:output source="=terms" target="paymentTerms" /></zeebe:ioMapping>')
      // a multi-instance job gathering into an order field, and one whose element is named like one
      .replace('<zeebe:taskDefinition type="production-planning" />\n      </bpmn:extensionElements>',
        '<zeebe:taskDefinition type="production-planning" />\n      </bpmn:extensionElements><bpmn:multiInstanceLoopCharacteristics><bpmn:extensionElements>' +
        '<zeebe:loopCharacteristics inputCollection="=[1, 2]" inputElement="customer" outputCollection="orderNo" outputElement="=1" />' +
        '</bpmn:extensionElements></bpmn:multiInstanceLoopCharacteristics>'));
    expect(findings.map((finding) => [finding.elementId, finding.severity, / (\w+), an order field/.exec(finding.message)?.[1]])).toEqual([
      ['CallActivity_ApproveCreditOrder', 'error', 'amount'],
      ['ServiceTask_PlanProcurement', 'error', 'paymentTerms'],
      ['ServiceTask_PlanProcurement', 'error', 'currency'],
      ['ServiceTask_PlanProduction', 'error', 'orderNo'],
      ['ServiceTask_PlanProduction', 'error', 'customer'],
    ]);
  });

  it('refuses Camunda 7 form fields, camunda:out and decision and delegate result variables that name an order field; flags a computed camunda:in', async () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="Defs" targetNamespace="http://stratum.example/bpmn/order-library">
  <bpmn:process id="c7-order-variant" isExecutable="true">
    <bpmn:startEvent id="Start"><bpmn:outgoing>F1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="Review" name="Review" camunda:candidateGroups="vice-president">
      <bpmn:extensionElements><camunda:formData><camunda:formField id="amount" type="long" /></camunda:formData></bpmn:extensionElements>
      <bpmn:incoming>F1</bpmn:incoming><bpmn:outgoing>F2</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:callActivity id="Call" name="Call" calledElement="c7-order-variant">
      <bpmn:extensionElements>
        <camunda:in sourceExpression="\${1}" target="reportingAmount" />
        <camunda:out source="x" target="currency" />
        <camunda:inputOutput><camunda:outputParameter name="prepaid">\${true}</camunda:outputParameter></camunda:inputOutput>
      </bpmn:extensionElements>
      <bpmn:incoming>F2</bpmn:incoming><bpmn:outgoing>F3</bpmn:outgoing>
    </bpmn:callActivity>
    <bpmn:businessRuleTask id="Terms" name="Terms" camunda:decisionRef="terms" camunda:resultVariable="paymentTerms" camunda:mapDecisionResult="singleEntry">
      <bpmn:incoming>F3</bpmn:incoming><bpmn:outgoing>F4</bpmn:outgoing>
    </bpmn:businessRuleTask>
    <bpmn:endEvent id="End"><bpmn:incoming>F4</bpmn:incoming></bpmn:endEvent>
    <bpmn:serviceTask id="Rate" name="Rate" camunda:expression="\${1}" camunda:resultVariable="exchangeRate" />
    <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="Review" />
    <bpmn:sequenceFlow id="F2" sourceRef="Review" targetRef="Call" />
    <bpmn:sequenceFlow id="F3" sourceRef="Call" targetRef="Terms" />
    <bpmn:sequenceFlow id="F4" sourceRef="Terms" targetRef="End" />
  </bpmn:process>
</bpmn:definitions>`;
    const findings = (await lintFiles([{ name: 'c7.bpmn', xml }])).filter((finding) => finding.rule === RULE);
    expect(findings.map((finding) => [finding.elementId, finding.severity, / (\w+)(?:, an order field| computed here)/.exec(finding.message)?.[1]])).toEqual([
      ['Review', 'error', 'amount'],
      ['Call', 'error', 'currency'],
      ['Terms', 'error', 'paymentTerms'],
      ['Rate', 'error', 'exchangeRate'],
      // camunda:out without variables="all" hands back only what it names: the child decides on 1, the order keeps its own
      ['Call', 'warning', 'reportingAmount'],
    ]);
  });

  it('refuses a script\'s result variable that names an order field (the list of writers call-outcome-kept judges too)', async () => {
    const findings = await findingsWith(SOM, (xml) => xml.replace('  </bpmn:process>',
      '<bpmn:scriptTask id="Script" name="Script"><bpmn:extensionElements><zeebe:script expression="=1" resultVariable="reportingAmount" /></bpmn:extensionElements></bpmn:scriptTask>\n  </bpmn:process>'));
    expect(asPairs(findings)).toEqual([['Script', 'error']]);
    expect(findings[0].message).toMatch(/names as its result variable, which its script or worker sets, reportingAmount, an order field/);
  });

  it('refuses a decision whose result variable is an order field', async () => {
    const findings = await findingsWith(SOM, (xml) => xml
      .replace('<bpmn:serviceTask id="ServiceTask_PlanProcurement" name="Plan procurement">\n      <bpmn:extensionElements>\n        <zeebe:taskDefinition type="procurement-planning" />',
        '<bpmn:businessRuleTask id="ServiceTask_PlanProcurement" name="Plan procurement">\n      <bpmn:extensionElements>\n        <zeebe:calledDecision decisionId="terms" resultVariable="paymentTerms" />')
      .replace('<bpmn:outgoing>Flow_PlanProcurement_Complete</bpmn:outgoing>\n    </bpmn:serviceTask>', '<bpmn:outgoing>Flow_PlanProcurement_Complete</bpmn:outgoing>\n    </bpmn:businessRuleTask>'));
    expect(findings.map((finding) => [finding.elementId, finding.severity, finding.message.split(',')[0]])).toEqual([
      ['ServiceTask_PlanProcurement', 'error', 'Business rule task "Plan procurement" sets its decision\'s result variable paymentTerms'],
    ]);
  });

  it('only warns in a new file from another tool, whose amount is its own, and refuses one that replaces a library process', async () => {
    const foreign = startOutput('=1', 'reportingAmount')(xmlOf(COA)).replace('http://stratum.example/bpmn/order-library', 'http://bpmn.io/schema/bpmn');
    const alone = (await lintFiles([{ name: COA, xml: foreign }])).filter((finding) => finding.rule === RULE);
    expect(asPairs(alone)).toEqual([['StartEvent_CreditOrderToApprove', 'warning']]);
    const replacing = (await lintFiles([{ name: COA, xml: foreign }], { libraryProcessKeys: ['credit-order-approval'] })).filter((finding) => finding.rule === RULE);
    expect(asPairs(replacing)).toEqual([['StartEvent_CreditOrderToApprove', 'error']]);
  });

  // a process from another tool (its own namespace, no takesOrders) that the credit approval calls before its tiers
  const HELPER = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="Defs" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="enrich-order" isExecutable="true">
    <bpmn:startEvent id="Start"><bpmn:outgoing>F1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:intermediateThrowEvent id="Normalise" name="Normalise amount">
      <bpmn:extensionElements><zeebe:ioMapping><zeebe:output source="=1" target="reportingAmount" /></zeebe:ioMapping></bpmn:extensionElements>
      <bpmn:incoming>F1</bpmn:incoming><bpmn:outgoing>F2</bpmn:outgoing>
    </bpmn:intermediateThrowEvent>
    <bpmn:endEvent id="End"><bpmn:incoming>F2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="Normalise" />
    <bpmn:sequenceFlow id="F2" sourceRef="Normalise" targetRef="End" />
  </bpmn:process>
</bpmn:definitions>`;
  const callingHelper = (xml: string) => xml
    .replace('<bpmn:outgoing>Flow_Start_AmountTier</bpmn:outgoing>\n    </bpmn:startEvent>',
      '<bpmn:outgoing>Flow_Start_Enrich</bpmn:outgoing>\n    </bpmn:startEvent><bpmn:callActivity id="CallActivity_Enrich" name="Enrich order"><bpmn:extensionElements>' +
      '<zeebe:calledElement processId="enrich-order" propagateAllChildVariables="true" /></bpmn:extensionElements><bpmn:incoming>Flow_Start_Enrich</bpmn:incoming>' +
      '<bpmn:outgoing>Flow_Start_AmountTier</bpmn:outgoing></bpmn:callActivity>' +
      '<bpmn:sequenceFlow id="Flow_Start_Enrich" sourceRef="StartEvent_CreditOrderToApprove" targetRef="CallActivity_Enrich" />')
    .replace('sourceRef="StartEvent_CreditOrderToApprove" targetRef="Gateway_AmountTier"', 'sourceRef="CallActivity_Enrich" targetRef="Gateway_AmountTier"');

  it('refuses the write in a file from another tool once an order process calls it', async () => {
    expect(asPairs((await lintFiles([{ name: 'enrich.bpmn', xml: HELPER }])).filter((finding) => finding.rule === RULE))).toEqual([['Normalise', 'warning']]);
    const files = [{ name: 'enrich.bpmn', xml: HELPER }, ...shipped.map((file) => (file.name === COA ? { name: COA, xml: callingHelper(file.xml) } : file))];
    const findings = (await lintFiles(files)).filter((finding) => finding.rule === RULE);
    expect(findings.map((finding) => [finding.file, finding.elementId, finding.severity])).toEqual([['enrich.bpmn', 'Normalise', 'error']]);
  });

  it('refuses a deployment that makes a deployed file from another tool part of an order, naming its deployed version', async () => {
    const fixture = await openFixture();
    try {
      await fixture.stratum.library.deploy([{ name: 'enrich.bpmn', xml: HELPER }], { user: 'designer', note: 'a helper nothing calls' });
      await expect(fixture.stratum.library.deploy([{ name: COA, xml: callingHelper(xmlOf(COA)) }], { user: 'designer', note: 'enrich first' })).rejects.toMatchObject({
        details: { findings: arrayWith([objectWith({ rule: RULE, file: 'enrich-order (version 1, deployed)', elementId: 'Normalise', severity: 'error' })]) },
      });
      await enter(fixture.stratum.runtime, order('SO-2000001', 2_000_000));
      expect((await fixture.stratum.runtime.findTasks({ businessKey: 'SO-2000001' })).map((task) => task.candidateGroups)).toEqual([director.groups]);
    } finally {
      await fixture.dispose();
    }
  });

  it('keeps the deployed approval: the deploy is refused and a 2,000,000 order still waits for the sales director', async () => {
    const fixture = await openFixture();
    try {
      const attack = { name: COA, xml: startOutput('=1', 'reportingAmount')(xmlOf(COA)) };
      await expect(fixture.stratum.library.deploy([attack], { user: 'designer', note: 'faster approvals' })).rejects.toMatchObject({
        details: { findings: [expect.objectContaining({ rule: RULE, elementId: 'StartEvent_CreditOrderToApprove' })] },
      });
      expect((await fixture.stratum.library.get('credit-order-approval'))?.latestVersion).toBe(1);
      await enter(fixture.stratum.runtime, order('SO-2000000', 2_000_000));
      const tasks = await fixture.stratum.runtime.findTasks({ businessKey: 'SO-2000000' });
      expect(tasks.map((task) => task.candidateGroups)).toEqual([director.groups]);
    } finally {
      await fixture.dispose();
    }
  });
});
