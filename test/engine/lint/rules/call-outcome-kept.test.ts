// Inside orders, what a called process decides reaches its caller as decided: only the call activity's identity
// mapping (or propagation) may hand it on, and nothing else in a process that calls it may write that name.
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../../../engine/errors.js';
import { lintFiles, lintXml } from '../../../../engine/lint/lint-bpmn.js';
import { processSuppliesOf } from '../../../../engine/lint/variable-supply.js';
import { parseBpmn } from '../../../../engine/bpmn/moddle.js';
import { arrayWith, objectWith, textContaining } from '../../../support/matchers.js';
import { enter, openFixture, order, shippedDiagrams, vicePresident } from '../../../support/stratum-fixture.js';

const RULE = 'call-outcome-kept';
const shipped = shippedDiagrams();
const SOM = 'sales-order-management.bpmn';
const somXml = shipped.find((file) => file.name === SOM)!.xml;
const CALL = '<zeebe:calledElement processId="credit-order-approval" propagateAllChildVariables="true" bindingType="latest" />';
const PROCESS_END = '  </bpmn:process>';

/** The shipped sales order management with `edit` applied (checked to change it). */
function somWith(edit: (xml: string) => string): string {
  const xml = edit(somXml);
  expect(xml, 'the edit applies').not.toBe(somXml);
  return xml;
}

const withOutput = (source: string, target = 'approved') =>
  somWith((xml) => xml.replace(CALL, `${CALL}<zeebe:ioMapping><zeebe:output source="${source}" target="${target}" /></zeebe:ioMapping>`));
/** Another element added to sales-order-management (unconnected: the rule reads every element of the process). */
const withElement = (element: string) => somWith((xml) => xml.replace(PROCESS_END, `    ${element}\n${PROCESS_END}`));

/** The findings of this rule for the shipped library with sales-order-management replaced (and other files added). */
async function findingsWith(som: string, others: { name: string; xml: string }[] = []): Promise<Finding[]> {
  const files = [...shipped.map((file) => (file.name === SOM ? { name: SOM, xml: som } : file)), ...others];
  return (await lintFiles(files)).filter((finding) => finding.rule === RULE);
}

const pairs = (findings: Finding[]) => findings.map((finding) => [finding.elementId, finding.severity]);

describe(RULE, () => {
  it('refuses an output of the approval call that sets approved to a value of its own, naming the call, the variable, the decider and the fix', async () => {
    expect(await findingsWith(withOutput('=true'))).toEqual([objectWith({
      file: SOM, elementId: 'CallActivity_ApproveCreditOrder', severity: 'error',
      message: 'Call activity "Approve credit order" has an output mapping to approved from =true, which "credit-order-approval" decides: this process ' +
        'would go on with its own approved in place of the called process\'s decision, a rejection included. Let the call activity hand approved back ' +
        'as it is (no output mapping, or source "=approved" on the call activity; Camunda 7: camunda:out source="approved"), and give this value another name',
    })]);
  });

  it('refuses outputs that read approved but are not approved as it is: or true, if … then true else true, not(not(true))', async () => {
    for (const source of ['=approved or true', '=if approved then true else true', '=not(not(true))', '=approved = approved', '=[approved, true][2]']) {
      expect(pairs(await findingsWith(withOutput(source))), source).toEqual([['CallActivity_ApproveCreditOrder', 'error']]);
    }
  });

  it('accepts the called process\'s value handed on as it is (whitespace aside), and finds nothing in the shipped library', async () => {
    expect(await findingsWith(withOutput('=approved'))).toEqual([]);
    expect(await findingsWith(withOutput('=  approved '))).toEqual([]);
    expect((await lintFiles(shipped)).filter((finding) => finding.rule === RULE)).toEqual([]);
  });

  it('refuses every later writer of approved in the caller: a service task\'s output, a script\'s or decision\'s result, a multi-instance collection, a timer\'s or message\'s output, a user task\'s output or the decision it takes from the gateway after it', async () => {
    const procurementOutput = somWith((xml) => xml.replace('<zeebe:taskDefinition type="procurement-planning" />',
      '<zeebe:taskDefinition type="procurement-planning" /><zeebe:ioMapping><zeebe:output source="=true" target="approved" /></zeebe:ioMapping>'));
    expect(await findingsWith(procurementOutput)).toEqual([objectWith({
      elementId: 'ServiceTask_PlanProcurement', severity: 'error',
      message: 'Service task "Plan procurement" has an output mapping to approved from =true, which "credit-order-approval" (called by call activity "Approve credit order") decides: ' +
        'this process would go on with its own approved in place of the called process\'s decision, a rejection included. Let the call activity hand approved back as it is ' +
        '(no output mapping, or source "=approved" on the call activity; Camunda 7: camunda:out source="approved"), and give this value another name',
    })]);
    const elements = {
      Script: '<bpmn:scriptTask id="Script" name="Script"><bpmn:extensionElements><zeebe:script expression="=true" resultVariable="approved" /></bpmn:extensionElements></bpmn:scriptTask>',
      Decide: '<bpmn:businessRuleTask id="Decide" name="Decide"><bpmn:extensionElements><zeebe:calledDecision decisionId="credit-check" resultVariable="approved" /></bpmn:extensionElements></bpmn:businessRuleTask>',
      Gather: '<bpmn:serviceTask id="Gather" name="Gather"><bpmn:extensionElements><zeebe:taskDefinition type="gather" /></bpmn:extensionElements>' +
        '<bpmn:multiInstanceLoopCharacteristics><bpmn:extensionElements><zeebe:loopCharacteristics inputCollection="=[1, 2]" outputCollection="approved" outputElement="=true" /></bpmn:extensionElements></bpmn:multiInstanceLoopCharacteristics></bpmn:serviceTask>',
      Wait: '<bpmn:intermediateCatchEvent id="Wait" name="Wait"><bpmn:extensionElements><zeebe:ioMapping><zeebe:output source="=true" target="approved" /></zeebe:ioMapping></bpmn:extensionElements>' +
        '<bpmn:timerEventDefinition><bpmn:timeDuration>PT1M</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>',
      Heard: '<bpmn:intermediateCatchEvent id="Heard" name="Heard"><bpmn:extensionElements><zeebe:ioMapping><zeebe:output source="=approved" target="approved" /></zeebe:ioMapping></bpmn:extensionElements>' +
        '<bpmn:messageEventDefinition messageRef="Message_PaymentReceived" /></bpmn:intermediateCatchEvent>',
      Confirm: '<bpmn:userTask id="Confirm" name="Confirm"><bpmn:extensionElements><zeebe:assignmentDefinition candidateGroups="sales-director" />' +
        '<zeebe:ioMapping><zeebe:output source="=approved" target="approved" /></zeebe:ioMapping></bpmn:extensionElements></bpmn:userTask>',
      Recheck: '<bpmn:userTask id="Recheck" name="Recheck"><bpmn:extensionElements><zeebe:assignmentDefinition candidateGroups="sales-director" /></bpmn:extensionElements>' +
        '<bpmn:outgoing>Flow_Recheck</bpmn:outgoing></bpmn:userTask><bpmn:sequenceFlow id="Flow_Recheck" sourceRef="Recheck" targetRef="Gateway_Recheck" />' +
        '<bpmn:exclusiveGateway id="Gateway_Recheck" name="Still approved?"><bpmn:incoming>Flow_Recheck</bpmn:incoming><bpmn:outgoing>Flow_Again</bpmn:outgoing></bpmn:exclusiveGateway>' +
        '<bpmn:sequenceFlow id="Flow_Again" sourceRef="Gateway_Recheck" targetRef="Recheck"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">=approved</bpmn:conditionExpression></bpmn:sequenceFlow>',
      Local: '<bpmn:subProcess id="Local" name="Local"><bpmn:extensionElements><zeebe:ioMapping><zeebe:input source="=true" target="approved" /></zeebe:ioMapping></bpmn:extensionElements></bpmn:subProcess>',
    };
    for (const [id, element] of Object.entries(elements)) {
      const findings = await findingsWith(withElement(element));
      expect(pairs(findings), id).toEqual([[id, 'error']]);
      expect(findings[0].message, id).toMatch(/ approved\b.*which "credit-order-approval" \(called by call activity "Approve credit order"\) decides/);
    }
  });

  it('names the call activity that hands the decision back, not another call of the deciding process that hands back only other names', async () => {
    // the credit approval hands approved back by its identity output; the re-approval (earlier in the file) hands it back as changeApproved
    const handingBack = somWith((xml) => xml
      .replace(CALL, '<zeebe:calledElement processId="credit-order-approval" propagateAllChildVariables="false" bindingType="latest" />' +
        '<zeebe:ioMapping><zeebe:output source="=approved" target="approved" /></zeebe:ioMapping>')
      .replace('<zeebe:taskDefinition type="procurement-planning" />',
        '<zeebe:taskDefinition type="procurement-planning" /><zeebe:ioMapping><zeebe:output source="=true" target="approved" /></zeebe:ioMapping>'));
    expect(await findingsWith(handingBack)).toEqual([objectWith({
      elementId: 'ServiceTask_PlanProcurement', severity: 'error',
      message: textContaining('which "credit-order-approval" (called by call activity "Approve credit order") decides'),
    })]);
  });

  it('refuses a value passed in to the approval under the name it decides, which a path deciding nothing would hand back', async () => {
    const seeded = somWith((xml) => xml.replace(CALL, `${CALL}<zeebe:ioMapping><zeebe:input source="=true" target="approved" /></zeebe:ioMapping>`));
    expect(pairs(await findingsWith(seeded))).toEqual([['CallActivity_ApproveCreditOrder', 'error']]);
  });

  it('refuses two called processes that both hand back approved: whichever ends last would stand for the other\'s decision', async () => {
    const SCN = 'special-change-notification.bpmn';
    const notifying = shipped.find((file) => file.name === SCN)!.xml;
    const deciding = notifying.replace('<zeebe:output source="=acknowledged" target="inspectionAcknowledged" />',
      '<zeebe:output source="=acknowledged" target="inspectionAcknowledged" /><zeebe:output source="=true" target="approved" />');
    expect(deciding).not.toBe(notifying);
    const files = shipped.map((file) => (file.name === SCN ? { name: SCN, xml: deciding } : file));
    const findings = (await lintFiles(files)).filter((finding) => finding.rule === RULE);
    expect(pairs(findings).sort()).toEqual([['CallActivity_AcknowledgeChange', 'error'], ['CallActivity_ApproveCreditOrder', 'error'], ['CallActivity_NotifySpecialChange', 'error']]);
    expect(findings.find((finding) => finding.elementId === 'CallActivity_AcknowledgeChange')?.message).toBe(
      'Call activity "Notify order change" hands back approved from "special-change-notification", while "credit-order-approval" (called by call activity ' +
      '"Approve credit order") decides approved too: whichever ends last would stand for the other\'s decision in this process, a rejection included. ' +
      'Let one called process decide approved: hand back from the other only what this process needs (propagateAllChildVariables="false" with outputs of ' +
      'other names; Camunda 7: camunda:out without variables="all")');
  });

  describe('Camunda 7 (a caller from another tool inside orders: sales-order-management calls it, it calls the approval)', () => {
    const som = somWith((xml) => xml.replace(CALL, '<zeebe:calledElement processId="approval-wrapper" propagateAllChildVariables="true" bindingType="latest" />'));
    const wrapper = (extensions: string, more = '') => ({
      name: 'approval-wrapper.bpmn',
      xml: `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="D" targetNamespace="http://example.com/c7">
  <bpmn:process id="approval-wrapper" name="Approval wrapper" isExecutable="true">
    <bpmn:startEvent id="Start" name="Start"><bpmn:outgoing>F1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="Call" />
    <bpmn:callActivity id="Call" name="Approve" calledElement="credit-order-approval"><bpmn:extensionElements><camunda:in variables="all" />${extensions}</bpmn:extensionElements><bpmn:incoming>F1</bpmn:incoming><bpmn:outgoing>F2</bpmn:outgoing></bpmn:callActivity>
    <bpmn:sequenceFlow id="F2" sourceRef="Call" targetRef="End" />
    <bpmn:endEvent id="End" name="End"><bpmn:incoming>F2</bpmn:incoming></bpmn:endEvent>
    ${more}
  </bpmn:process>
</bpmn:definitions>`,
    });

    it('refuses camunda:out from another variable or an expression, an output parameter and a local input of the call; accepts approved as it is', async () => {
      for (const extensions of [
        '<camunda:out source="vicePresidentApproved" target="approved" />',
        '<camunda:out sourceExpression="${true}" target="approved" />',
        '<camunda:out sourceExpression="${approved or true}" target="approved" />',
        '<camunda:out variables="all" /><camunda:inputOutput><camunda:outputParameter name="approved">${true}</camunda:outputParameter></camunda:inputOutput>',
        '<camunda:out variables="all" /><camunda:inputOutput><camunda:inputParameter name="approved">${true}</camunda:inputParameter></camunda:inputOutput>',
      ]) {
        expect(pairs(await findingsWith(som, [wrapper(extensions)])), extensions).toEqual([['Call', 'error']]);
      }
      for (const extensions of ['<camunda:out source="approved" target="approved" />', '<camunda:out sourceExpression="${approved}" target="approved" />', '<camunda:out variables="all" />', '']) {
        expect(await findingsWith(som, [wrapper(extensions)]), extensions).toEqual([]);
      }
    });

    it('refuses a form field keyed approved and a delegate\'s result variable in the caller', async () => {
      const field = '<bpmn:userTask id="Confirm" name="Confirm" camunda:candidateGroups="sales-director"><bpmn:extensionElements><camunda:formData>' +
        '<camunda:formField id="approved" type="boolean" /></camunda:formData></bpmn:extensionElements></bpmn:userTask>';
      expect(pairs(await findingsWith(som, [wrapper('', field)]))).toEqual([['Confirm', 'error']]);
      const delegate = '<bpmn:serviceTask id="Check" name="Check" camunda:expression="${true}" camunda:resultVariable="approved" />';
      expect(pairs(await findingsWith(som, [wrapper('', delegate)]))).toEqual([['Check', 'error']]);
    });

    it('refuses a caller\'s writer of what the called Camunda 7 process decides by a form field, a delegate\'s result or a task declaring nothing', async () => {
      const overwriting = somWith((xml) => xml.replace(CALL, '<zeebe:calledElement processId="approval-wrapper" propagateAllChildVariables="true" bindingType="latest" />')
        .replace(PROCESS_END, '    <bpmn:serviceTask id="Overwrite" name="Overwrite"><bpmn:extensionElements><zeebe:taskDefinition type="overwrite" />' +
          `<zeebe:ioMapping><zeebe:output source="=true" target="wrapperApproved" /></zeebe:ioMapping></bpmn:extensionElements></bpmn:serviceTask>\n${PROCESS_END}`));
      const deciders = {
        field: '<bpmn:userTask id="Review" name="Review" camunda:candidateGroups="vice-president"><bpmn:extensionElements><camunda:formData>' +
          '<camunda:formField id="wrapperApproved" type="boolean" /></camunda:formData></bpmn:extensionElements></bpmn:userTask>',
        delegate: '<bpmn:serviceTask id="Check" name="Check" camunda:expression="${true}" camunda:resultVariable="wrapperApproved" />',
        implicit: '<bpmn:userTask id="Review" name="Review" camunda:candidateGroups="vice-president"><bpmn:outgoing>RF</bpmn:outgoing></bpmn:userTask>' +
          '<bpmn:sequenceFlow id="RF" sourceRef="Review" targetRef="Reviewed" /><bpmn:exclusiveGateway id="Reviewed" name="Approved?"><bpmn:incoming>RF</bpmn:incoming>' +
          '<bpmn:outgoing>RY</bpmn:outgoing></bpmn:exclusiveGateway><bpmn:sequenceFlow id="RY" sourceRef="Reviewed" targetRef="Review">' +
          '<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">${wrapperApproved}</bpmn:conditionExpression></bpmn:sequenceFlow>',
      };
      for (const [kind, decider] of Object.entries(deciders)) {
        const called = wrapper('', decider);
        called.xml = called.xml.replace('xmlns:camunda=', 'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:camunda=');
        expect(pairs(await findingsWith(overwriting, [called])), kind).toEqual([['Overwrite', 'error']]);
      }
    });
  });

  describe('what the approval decides without an output mapping (sales-order-management sets vicePresidentApproved after the call)', () => {
    const CAO = 'credit-order-approval.bpmn';
    const approvalXml = shipped.find((file) => file.name === CAO)!.xml;
    const VP_OUTPUTS = '<zeebe:ioMapping>\n          <zeebe:output source="=approved" target="vicePresidentApproved" />\n' +
      '          <zeebe:output source="=comment" target="vicePresidentComment" />\n        </zeebe:ioMapping>';
    /** The shipped approval with the vice-president task's outputs replaced by `declaration`, and other elements added. */
    const approvalWith = (declaration: string, more = '') => {
      const xml = approvalXml.replace(VP_OUTPUTS, declaration).replace(PROCESS_END, `    ${more}\n${PROCESS_END}`);
      expect(xml, 'the edit applies').not.toContain(VP_OUTPUTS);
      return { name: CAO, xml };
    };
    const overwriting = withElement('<bpmn:serviceTask id="Overwrite" name="Overwrite"><bpmn:extensionElements><zeebe:taskDefinition type="overwrite" />' +
      '<zeebe:ioMapping><zeebe:output source="=true" target="vicePresidentApproved" /></zeebe:ioMapping></bpmn:extensionElements></bpmn:serviceTask>');
    const findingsWithApproval = async (approval: { name: string; xml: string }) => {
      const files = shipped.map((file) => (file.name === SOM ? { name: SOM, xml: overwriting } : file.name === CAO ? approval : file));
      return (await lintFiles(files)).filter((finding) => finding.rule === RULE);
    };

    it('refuses it where the vice-president task declares nothing and decides what the gateway after it reads', async () => {
      const findings = await findingsWithApproval(approvalWith(''));
      expect(pairs(findings)).toEqual([['Overwrite', 'error']]);
      expect(findings[0].message).toMatch(/ vicePresidentApproved from =true, which "credit-order-approval" \(called by call activity "Approve credit order"\) decides/);
    });

    it('refuses it where a script of the approval sets it as its result variable', async () => {
      const script = '<bpmn:scriptTask id="Recheck" name="Recheck"><bpmn:extensionElements><zeebe:script expression="=true" resultVariable="vicePresidentApproved" />' +
        '</bpmn:extensionElements></bpmn:scriptTask>';
      expect(pairs(await findingsWithApproval(approvalWith(VP_OUTPUTS.replace('vicePresidentApproved', 'vicePresidentSaid'), script)))).toEqual([['Overwrite', 'error']]);
    });

    it('refuses it where the approval passes it to a process it calls that hands every variable back, not where the call hands back only its outputs', async () => {
      const nested = (propagate: boolean) => '<bpmn:callActivity id="Nested" name="Nested"><bpmn:extensionElements>' +
        `<zeebe:calledElement processId="nested-check" propagateAllChildVariables="${propagate}" />` +
        '<zeebe:ioMapping><zeebe:input source="=true" target="vicePresidentApproved" /></zeebe:ioMapping></bpmn:extensionElements></bpmn:callActivity>';
      const nestedProcess = {
        name: 'nested-check.bpmn',
        xml: `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="N" targetNamespace="http://example.com/n">
  <bpmn:process id="nested-check" name="Nested check" isExecutable="true">
    <bpmn:startEvent id="NestedStart" name="Start"><bpmn:outgoing>NF</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="NF" sourceRef="NestedStart" targetRef="NestedEnd" />
    <bpmn:endEvent id="NestedEnd" name="End"><bpmn:incoming>NF</bpmn:incoming></bpmn:endEvent>
  </bpmn:process>
</bpmn:definitions>`,
      };
      const renamed = VP_OUTPUTS.replace('vicePresidentApproved', 'vicePresidentSaid');
      const files = (approval: { name: string; xml: string }) => [
        ...shipped.map((file) => (file.name === SOM ? { name: SOM, xml: overwriting } : file.name === CAO ? approval : file)), nestedProcess,
      ];
      const handingBack = (await lintFiles(files(approvalWith(renamed, nested(true))))).filter((finding) => finding.rule === RULE);
      expect(pairs(handingBack)).toEqual([['Overwrite', 'error']]);
      const outputsOnly = (await lintFiles(files(approvalWith(renamed, nested(false))))).filter((finding) => finding.rule === RULE);
      expect(outputsOnly).toEqual([]);
    });

    it('accepts the caller overwriting a name the approval only keeps as a local input of an element', async () => {
      const local = '<bpmn:subProcess id="Local" name="Local"><bpmn:extensionElements><zeebe:ioMapping><zeebe:input source="=true" target="vicePresidentApproved" />' +
        '</zeebe:ioMapping></bpmn:extensionElements></bpmn:subProcess>';
      expect(await findingsWithApproval(approvalWith(VP_OUTPUTS.replace('vicePresidentApproved', 'vicePresidentSaid'), local))).toEqual([]);
    });
  });

  it('is found in the modeler too: one document linted with what the deployed library supplies', async () => {
    const deployed = (await Promise.all(shipped.map(async (file) => processSuppliesOf((await parseBpmn(file.xml)).definitions)))).flat();
    const findings = (await lintXml(withOutput('=approved or true'), { processSupplies: deployed })).filter((finding) => finding.rule === RULE);
    expect(pairs(findings)).toEqual([['CallActivity_ApproveCreditOrder', 'error']]);
  });

  it('refuses a called process deployed alone that starts deciding what its deployed caller hands back from another, naming the deployed caller', async () => {
    const fixture = await openFixture();
    try {
      const SCN = 'special-change-notification.bpmn';
      const notifying = shipped.find((file) => file.name === SCN)!.xml;
      const deciding = notifying.replace('<zeebe:output source="=acknowledged" target="inspectionAcknowledged" />',
        '<zeebe:output source="=acknowledged" target="inspectionAcknowledged" /><zeebe:output source="=true" target="approved" />');
      const refusal = await fixture.stratum.library.deploy([{ name: SCN, xml: deciding }], { user: 'designer', note: 'acknowledge = approve' }).catch((error: unknown) => error);
      const findings = ((refusal as { details?: { findings?: Finding[] } }).details?.findings ?? []).filter((finding) => finding.rule === RULE);
      expect(findings.map((finding) => [finding.file, finding.elementId, finding.severity]).sort()).toEqual([
        ['sales-order-management (version 1, deployed)', 'CallActivity_AcknowledgeChange', 'error'],
        ['sales-order-management (version 1, deployed)', 'CallActivity_ApproveCreditOrder', 'error'],
        ['sales-order-management (version 1, deployed)', 'CallActivity_NotifySpecialChange', 'error'],
      ]);
      // a new version that decides nothing new deploys
      const changed = notifying.replace('name="Special change notification" isExecutable', 'name="Special change notification (v2)" isExecutable');
      expect(changed).not.toBe(notifying);
      await fixture.stratum.library.deploy([{ name: SCN, xml: changed }], { user: 'designer', note: 'wording' });
    } finally {
      await fixture.dispose();
    }
  });

  it('keeps a vice-president rejection: the deploy is refused and the order is rejected', async () => {
    const fixture = await openFixture();
    try {
      await expect(fixture.stratum.library.deploy([{ name: SOM, xml: withOutput('=approved or true') }], { user: 'designer', note: 'smoother' }))
        .rejects.toMatchObject({ details: { findings: arrayWith([objectWith({ rule: RULE, elementId: 'CallActivity_ApproveCreditOrder' })]) } });
      await enter(fixture.stratum.runtime, order('SO-700000', 700_000));
      const [task] = await fixture.stratum.runtime.findTasks({ businessKey: 'SO-700000' });
      await fixture.stratum.runtime.completeTask(task.id, { approved: false, comment: 'too risky' }, vicePresident);
      expect((await fixture.stratum.orders.get('SO-700000'))?.status).toBe('rejected');
    } finally {
      await fixture.dispose();
    }
  });
});
