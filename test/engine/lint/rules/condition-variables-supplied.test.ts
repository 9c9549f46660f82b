import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { lintFiles, lintXml } from '../../../../engine/lint/lint-bpmn.js';
import type { ProcessSupply } from '../../../../engine/lint/variable-supply.js';
import { expectNoErrors, FIXTURES, fixtureFiles, lintFixture, ofRule } from '../lint-fixture.js';
import { objectWith, textContaining } from '../../../support/matchers.js';

const RULE = 'condition-variables-supplied';
const ofSeverity = async (file: string, options = {}) =>
  (await lintFixture(RULE, file, options)).filter((finding) => finding.rule === RULE).map((finding) => [finding.elementId, finding.severity, finding.message]);

describe(RULE, () => {
  it.each(fixtureFiles(RULE, 'valid-'))('accepts %s without a finding', async (file) => {
    await expectNoErrors(RULE, file);
    expect(ofRule(await lintFixture(RULE, file), RULE)).toEqual([]);
  });

  it('where the start variables are declared, refuses a condition on a variable nothing supplies, naming flow and variable', async () => {
    const findings = await ofSeverity('invalid-declared-start.bpmn');
    expect(findings.map(([id, severity, message]) => [id, severity, /reads "(\w+)"/.exec(message as string)![1]])).toEqual([
      ['Flow_Yes', 'error', 'approved'],
      ['Flow_Rush', 'error', 'rush'],
    ]);
    expect(findings[0][2]).toBe(
      'The condition of sequence flow "Approved" reads "approved", which nothing supplies: process "declared-start" declares its start variables without it, ' +
        'and no task, job, message or other element of it, its callers or the processes it calls writes it as an output. ' +
        'Declare it as an output of the element that sets it, e.g. <zeebe:output source="=approved" target="approved" />',
    );
  });

  it('checks what a user task\'s assignment expressions read: a group name written after "=" by mistake is named as a subtraction', async () => {
    const task = (assignment: string, start = '<bpmn:startEvent id="Start" name="Start" />') => `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="D" targetNamespace="http://example.com/review">
  <bpmn:process id="review" isExecutable="true">
    ${start}
    <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="Review" />
    <bpmn:userTask id="Review" name="Review" ${assignment} />
    <bpmn:sequenceFlow id="F2" sourceRef="Review" targetRef="End" />
    <bpmn:endEvent id="End" name="End" />
  </bpmn:process>
</bpmn:definitions>`;
    const zeebe = (attributes: string) => task('', '<bpmn:startEvent id="Start" name="Start" />').replace('<bpmn:userTask id="Review" name="Review"  />',
      `<bpmn:userTask id="Review" name="Review"><bpmn:extensionElements><zeebe:assignmentDefinition ${attributes} /></bpmn:extensionElements></bpmn:userTask>`);
    const findings = async (xml: string) => (await lintXml(xml)).filter((finding) => finding.rule === RULE).map((finding) => [finding.severity, finding.message]);

    expect(await findings(zeebe('candidateGroups="=vice-president"'))).toEqual([
      ['warning', textContaining('The candidate groups of user task "Review" (FEEL reads vice-president as a subtraction; a name is written without "=") reads "vice"')],
      ['warning', textContaining('reads "president"')],
    ]);
    expect(await findings(zeebe('assignee="=approver" candidateUsers="=reviewers"'))).toEqual([
      ['warning', textContaining('The candidate users of user task "Review" reads "reviewers"')],
      ['warning', textContaining('The assignee of user task "Review" reads "approver"')],
    ]);
    // names, a static list and a supplied variable read nothing unsupplied
    expect(await findings(zeebe('candidateGroups="vice-president, sales-director"'))).toEqual([]);
    expect(await findings(zeebe('candidateGroups="=[&quot;vice-president&quot;]"'))).toEqual([]);
    const supplied = zeebe('candidateGroups="=approverGroup"').replace('<bpmn:startEvent id="Start" name="Start" />',
      '<bpmn:startEvent id="Start" name="Start"><bpmn:extensionElements><zeebe:ioMapping><zeebe:output source="=approverGroup" target="approverGroup" /></zeebe:ioMapping></bpmn:extensionElements></bpmn:startEvent>');
    expect(await findings(supplied)).toEqual([]);
    // a process that declares its start variables refuses it; Camunda 7's ${…} is read too
    expect(await findings(supplied.replace('candidateGroups="=approverGroup"', 'candidateGroups="=approverGroups"'))).toEqual([['error', textContaining('reads "approverGroups", which nothing supplies')]]);
    expect(await findings(task('camunda:candidateGroups="${groupOf}"'))).toEqual([['warning', textContaining('The candidate groups of user task "Review" reads "groupOf"')]]);
  });

  it('where the start event declares nothing (any start variables), only warns and says to declare it on the start event', async () => {
    const findings = await ofSeverity('invalid-undeclared-start.bpmn');
    expect(findings).toEqual([
      ['Flow_Large', 'warning', textContaining('reads "amount", but nothing in the process supplies "amount"; declare it as a start variable on the start event')],
    ]);
  });

  it('in a Camunda 7 file, gives a Camunda 7 declaration as the example', async () => {
    const xml = readFileSync(`${FIXTURES}${RULE}/valid-camunda.bpmn`, 'utf8').replace('discount &gt; 5', 'rebate &gt; 5');
    const findings = (await lintXml(xml)).filter((finding) => finding.rule === RULE);
    expect(findings).toEqual([
      objectWith({ elementId: 'Flow_Yes', severity: 'error', message: textContaining('reads "rebate", which nothing supplies') }),
    ]);
    expect(findings[0].message).toContain('e.g. <camunda:formField id="rebate" />');
  });

  describe('a message catch\'s messagesReceivedSince (evaluated as strictly when the catch opens)', () => {
    const fixture = readFileSync(`${FIXTURES}${RULE}/invalid-received-since.bpmn`, 'utf8');
    const changed = (from: string, to: string, xml = fixture) => {
      expect(xml).toContain(from);
      return xml.replace(from, to);
    };
    const reads = async (xml: string, options = {}) =>
      (await lintXml(xml, options)).filter((finding) => finding.rule === RULE).map((finding) => [finding.elementId, finding.severity, finding.message]);

    it('refuses a misspelt variable nothing supplies, naming the catch, the property and the variable; the supplied one of the receive task passes', async () => {
      expect(await reads(fixture)).toEqual([[
        'Catch_RaisePaid', 'error',
        'The messagesReceivedSince of intermediate catch event "Payment for the raise received" reads "changeRequestdAt", which nothing supplies: ' +
          'process "received-since" declares its start variables without it, and no task, job, message or other element of it, its callers or the processes it calls ' +
          'writes it as an output. Declare it as an output of the element that sets it, e.g. <zeebe:output source="=changeRequestdAt" target="changeRequestdAt" />',
      ]]);
    });

    it('accepts the variable an earlier catch\'s output supplies', async () => {
      expect(await reads(changed('value="=changeRequestdAt"', 'value="=changeRequestedAt"'))).toEqual([]);
    });

    it('on a boundary event too', async () => {
      const boundary = changed('<bpmn:endEvent id="End" name="Raise paid"><bpmn:incoming>Flow_3</bpmn:incoming></bpmn:endEvent>',
        '<bpmn:endEvent id="End" name="Raise paid"><bpmn:incoming>Flow_3</bpmn:incoming></bpmn:endEvent>' +
          '<bpmn:boundaryEvent id="Boundary_Paid" name="Paid meanwhile" attachedToRef="Receive_Confirmed"><bpmn:extensionElements><zeebe:properties>' +
          '<zeebe:property name="messagesReceivedSince" value="=requestedAt" /></zeebe:properties></bpmn:extensionElements>' +
          '<bpmn:outgoing>Flow_Paid</bpmn:outgoing><bpmn:messageEventDefinition messageRef="Message_Paid" /></bpmn:boundaryEvent>' +
          '<bpmn:sequenceFlow id="Flow_Paid" sourceRef="Boundary_Paid" targetRef="End_Paid" /><bpmn:endEvent id="End_Paid" name="Paid"><bpmn:incoming>Flow_Paid</bpmn:incoming></bpmn:endEvent>');
      expect((await reads(boundary)).map(([id, severity]) => [id, severity])).toEqual([['Catch_RaisePaid', 'error'], ['Boundary_Paid', 'error']]);
    });

    it('checks what a user task\'s assignment expressions read: a group name written after "=" by mistake is named as a subtraction', async () => {
    const task = (assignment: string, start = '<bpmn:startEvent id="Start" name="Start" />') => `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="D" targetNamespace="http://example.com/review">
  <bpmn:process id="review" isExecutable="true">
    ${start}
    <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="Review" />
    <bpmn:userTask id="Review" name="Review" ${assignment} />
    <bpmn:sequenceFlow id="F2" sourceRef="Review" targetRef="End" />
    <bpmn:endEvent id="End" name="End" />
  </bpmn:process>
</bpmn:definitions>`;
    const zeebe = (attributes: string) => task('', '<bpmn:startEvent id="Start" name="Start" />').replace('<bpmn:userTask id="Review" name="Review"  />',
      `<bpmn:userTask id="Review" name="Review"><bpmn:extensionElements><zeebe:assignmentDefinition ${attributes} /></bpmn:extensionElements></bpmn:userTask>`);
    const findings = async (xml: string) => (await lintXml(xml)).filter((finding) => finding.rule === RULE).map((finding) => [finding.severity, finding.message]);

    expect(await findings(zeebe('candidateGroups="=vice-president"'))).toEqual([
      ['warning', textContaining('The candidate groups of user task "Review" (FEEL reads vice-president as a subtraction; a name is written without "=") reads "vice"')],
      ['warning', textContaining('reads "president"')],
    ]);
    expect(await findings(zeebe('assignee="=approver" candidateUsers="=reviewers"'))).toEqual([
      ['warning', textContaining('The candidate users of user task "Review" reads "reviewers"')],
      ['warning', textContaining('The assignee of user task "Review" reads "approver"')],
    ]);
    // names, a static list and a supplied variable read nothing unsupplied
    expect(await findings(zeebe('candidateGroups="vice-president, sales-director"'))).toEqual([]);
    expect(await findings(zeebe('candidateGroups="=[&quot;vice-president&quot;]"'))).toEqual([]);
    const supplied = zeebe('candidateGroups="=approverGroup"').replace('<bpmn:startEvent id="Start" name="Start" />',
      '<bpmn:startEvent id="Start" name="Start"><bpmn:extensionElements><zeebe:ioMapping><zeebe:output source="=approverGroup" target="approverGroup" /></zeebe:ioMapping></bpmn:extensionElements></bpmn:startEvent>');
    expect(await findings(supplied)).toEqual([]);
    // a process that declares its start variables refuses it; Camunda 7's ${…} is read too
    expect(await findings(supplied.replace('candidateGroups="=approverGroup"', 'candidateGroups="=approverGroups"'))).toEqual([['error', textContaining('reads "approverGroups", which nothing supplies')]]);
    expect(await findings(task('camunda:candidateGroups="${groupOf}"'))).toEqual([['warning', textContaining('The candidate groups of user task "Review" reads "groupOf"')]]);
  });

  it('where the start event declares nothing (any start variables), only warns and says to declare it on the start event', async () => {
      const open = changed('<bpmn:extensionElements><zeebe:ioMapping><zeebe:output source="=orderNo" target="orderNo" /></zeebe:ioMapping></bpmn:extensionElements>', '');
      expect(await reads(open)).toEqual([[
        'Catch_RaisePaid', 'warning',
        'The messagesReceivedSince of intermediate catch event "Payment for the raise received" reads "changeRequestdAt", but nothing in the process supplies "changeRequestdAt"; ' +
          'declare it as a start variable on the start event, with <zeebe:output source="=changeRequestdAt" target="changeRequestdAt" />, or as an output of the task, job or message that sets it',
      ]]);
    });

    it('in a called process, counts what its caller has at the call', async () => {
      const caller: ProcessSupply = { key: 'parent', supplies: ['changeRequestdAt'], declaresStart: true, calls: ['received-since'] };
      expect(await reads(fixture, { processSupplies: [caller] })).toEqual([]);
    });

    it('leaves a value that is not FEEL, or the property on an element that catches no message, to feel-condition-syntax (the runtime does not read those)', async () => {
      const notFeel = changed('value="=changeRequestdAt"', 'value="changeRequestdAt"');
      expect(await reads(notFeel)).toEqual([]);
      expect((await lintXml(notFeel)).map((finding) => [finding.elementId, finding.rule])).toContainEqual(['Catch_RaisePaid', 'feel-condition-syntax']);
      const onEnd = changed('<bpmn:endEvent id="End" name="Raise paid">',
        '<bpmn:endEvent id="End" name="Raise paid"><bpmn:extensionElements><zeebe:properties><zeebe:property name="messagesReceivedSince" value="=sinceWhen" /></zeebe:properties></bpmn:extensionElements>',
        changed('value="=changeRequestdAt"', 'value="=changeRequestedAt"'));
      expect(await reads(onEnd)).toEqual([]);
      expect((await lintXml(onEnd)).map((finding) => [finding.elementId, finding.rule])).toContainEqual(['End', 'feel-condition-syntax']);
    });
  });

  describe('the result of a business rule task that calls a decision (the runtime sets its result variable)', () => {
    const lintChanged = async (file: string, change: (xml: string) => string) => {
      const xml = readFileSync(`${FIXTURES}${RULE}/${file}`, 'utf8');
      const changed = change(xml);
      expect(changed).not.toBe(xml);
      return (await lintXml(changed)).filter((finding) => finding.rule === RULE).map((finding) => [finding.elementId, finding.severity, /reads "(\w+)"/.exec(finding.message)![1]]);
    };

    it('Camunda 8: supplies the resultVariable a gateway routes on, but no other variable', async () => {
      expect(await ofSeverity('valid-decision-result.bpmn')).toEqual([]);
      expect(await lintChanged('valid-decision-result.bpmn', (xml) => xml.replace('=tier = "vice-president"', '=level = "vice-president"'))).toEqual([
        ['Flow_VicePresident', 'error', 'level'],
      ]);
    });

    it('Camunda 7: supplies camunda:resultVariable, but no other variable', async () => {
      expect(await ofSeverity('valid-decision-result-camunda.bpmn')).toEqual([]);
      expect(await lintChanged('valid-decision-result-camunda.bpmn', (xml) => xml.replace('${tier == "vice-president"}', '${level == "vice-president"}'))).toEqual([
        ['Flow_VicePresident', 'error', 'level'],
      ]);
    });

    it('Camunda 7: supplies nothing without camunda:resultVariable (the runtime drops the result)', async () => {
      expect(await ofSeverity('valid-decision-result-camunda.bpmn')).toEqual([]);
      expect(await lintChanged('valid-decision-result-camunda.bpmn', (xml) => xml.replace(' camunda:resultVariable="tier"', ''))).toEqual([
        ['Flow_Director', 'error', 'tier'],
        ['Flow_VicePresident', 'error', 'tier'],
      ]);
    });

    it('Camunda 7: supplies nothing when mapDecisionResult is one Camunda 7 does not know (the runtime fails the task)', async () => {
      expect(await ofSeverity('valid-decision-result-camunda.bpmn')).toEqual([]);
      expect(await lintChanged('valid-decision-result-camunda.bpmn', (xml) => xml.replace('camunda:mapDecisionResult="singleEntry"', 'camunda:mapDecisionResult="firstEntry"'))).toEqual([
        ['Flow_Director', 'error', 'tier'],
        ['Flow_VicePresident', 'error', 'tier'],
      ]);
    });

    it('counts a result variable set only on a branch that never reaches the gateway, as it counts an output set there (flow-insensitive)', async () => {
      expect(await ofSeverity('valid-decision-result-other-branch.bpmn')).toEqual([]);
      const asOutput = await lintChanged('valid-decision-result-other-branch.bpmn', (xml) => xml.replace(
        '<zeebe:calledDecision decisionId="approval-tier" resultVariable="tier" />',
        '<zeebe:calledDecision decisionId="approval-tier" resultVariable="decided" /><zeebe:ioMapping><zeebe:output source="=decided" target="tier" /></zeebe:ioMapping>',
      ));
      expect(asOutput).toEqual([]);
    });
  });

  describe('a multi-instance activity\'s outputCollection (the runtime gathers the iterations\' outputElement in it)', () => {
    it('Camunda 8: supplies the outputCollection a gateway after the loop reads, but not another name', async () => {
      expect(await ofSeverity('valid-output-collection.bpmn')).toEqual([]);
      const xml = readFileSync(`${FIXTURES}${RULE}/valid-output-collection.bpmn`, 'utf8').replace('outputCollection="stockChecks"', 'outputCollection="checks"');
      expect((await lintXml(xml)).filter((finding) => finding.rule === RULE).map((finding) => [finding.elementId, finding.severity, finding.message]))
        .toEqual([['Flow_Ship', 'error', textContaining('reads "stockChecks", which nothing supplies')]]);
    });
  });

  describe('a call activity that hands back only its outputs', () => {
    const reads = async (xml: string) => (await lintXml(xml)).filter((finding) => finding.rule === RULE).map((finding) => [finding.elementId, finding.severity, finding.message]);
    const fixture = (file: string) => readFileSync(`${FIXTURES}${RULE}/${file}`, 'utf8');

    it('Camunda 8 propagateAllChildVariables="false": the parent reads the call activity\'s outputs, not the child\'s other variables', async () => {
      expect(await reads(fixture('invalid-outputs-only-call.bpmn'))).toEqual([[
        'Change_Flow_Report', 'error',
        'The condition of sequence flow "Reported" reads "reportingAmount", which nothing supplies: process "change" declares its start variables without it, ' +
          'and process "approval" writes it, but the call activities that call it hand back only their outputs (propagateAllChildVariables="false"). ' +
          'Declare it as an output of the call activity, e.g. <zeebe:output source="=reportingAmount" target="reportingAmount" />',
      ]]);
    });

    it('Camunda 8: every child variable comes back with propagateAllChildVariables="true", or when another call activity to the child propagates them', async () => {
      const xml = fixture('invalid-outputs-only-call.bpmn');
      const call = '<zeebe:calledElement processId="approval" propagateAllChildVariables="false" />';
      expect(xml).toContain(call);
      expect(await reads(xml.replace(call, '<zeebe:calledElement processId="approval" propagateAllChildVariables="true" />'))).toEqual([]);
      expect(await reads(xml.replace(call, '<zeebe:calledElement processId="approval" />'))).toEqual([]); // true is Camunda 8's default
      const second = xml.replace('<bpmn:sequenceFlow id="Change_Flow_0" sourceRef="Change_Start" targetRef="Call_Approval" />', `
        <bpmn:sequenceFlow id="Change_Flow_0" sourceRef="Change_Start" targetRef="Call_Again" />
        <bpmn:callActivity id="Call_Again" name="Approve once more"><bpmn:extensionElements><zeebe:calledElement processId="approval" /></bpmn:extensionElements></bpmn:callActivity>
        <bpmn:sequenceFlow id="Change_Flow_Again" sourceRef="Call_Again" targetRef="Call_Approval" />`);
      expect(await reads(second)).toEqual([]);
    });

    it('Camunda 8: a process that accepts any start variables gets a warning saying where the variable stops', async () => {
      const xml = fixture('invalid-outputs-only-call.bpmn').replace('<bpmn:extensionElements><zeebe:ioMapping><zeebe:output source="=amount" target="amount" /></zeebe:ioMapping></bpmn:extensionElements>', '');
      expect(await reads(xml)).toEqual([[
        'Change_Flow_Report', 'warning',
        'The condition of sequence flow "Reported" reads "reportingAmount", but nothing in the process, its callers or the processes it calls supplies "reportingAmount": ' +
          'process "approval" writes it, but the call activities that call it hand back only their outputs (propagateAllChildVariables="false"); ' +
          'declare it as an output of the call activity, e.g. <zeebe:output source="=reportingAmount" target="reportingAmount" />, or as a start variable on the start event',
      ]]);
    });

    it('Camunda 7 camunda:out: only what it names comes back, unless one passes variables="all"', async () => {
      const xml = fixture('invalid-outputs-only-call-camunda.bpmn');
      expect(await reads(xml)).toEqual([['Change_Flow_Report', 'error', textContaining(
        'process "approval-camunda" writes it, but the call activities that call it hand back only their outputs (camunda:out without variables="all"). ' +
          'Declare it as an output of the call activity, e.g. <camunda:out source="reportingAmount" target="reportingAmount" />',
      )]]);
      expect(await reads(xml.replace('<camunda:out source="approved" target="changeApproved" />', '<camunda:out source="approved" target="changeApproved" /><camunda:out variables="all" />'))).toEqual([]);
    });

    it('a called process still reads every variable of its caller', async () => {
      const xml = fixture('invalid-outputs-only-call.bpmn').replace('<bpmn:sequenceFlow id="Approval_Flow_2" sourceRef="Approval_Task" targetRef="Approval_End" />',
          '<bpmn:sequenceFlow id="Approval_Flow_2" sourceRef="Approval_Task" targetRef="Approval_End"><bpmn:conditionExpression>=amount &gt; 0</bpmn:conditionExpression></bpmn:sequenceFlow>');
      expect((await reads(xml)).map(([id]) => id)).toEqual(['Change_Flow_Report']);
    });
  });

  describe('a call activity that passes the called process only some variables', () => {
    const reads = async (xml: string) => (await lintXml(xml)).filter((finding) => finding.rule === RULE).map((finding) => [finding.elementId, finding.severity, finding.message]);
    const fixture = (file: string) => readFileSync(`${FIXTURES}${RULE}/${file}`, 'utf8');
    const changed = (xml: string, from: string, to: string) => {
      expect(xml).toContain(from);
      return xml.replace(from, to);
    };
    const camunda7 = fixture('invalid-narrowed-call-camunda.bpmn');
    const ins = '<camunda:in source="invoiceNumber" target="invoiceNumber" /><camunda:in source="amount" target="reviewAmount" />';

    it('Camunda 7 camunda:in: the called process gets only what they name, under their targets; the finding names the call activity', async () => {
      expect(await reads(camunda7)).toEqual([[
        'Review_Flow_Large', 'error',
        'The condition of sequence flow "Large" reads "amount", which does not reach process "review-camunda": call activity "Review invoice" of process "invoice-camunda" ' +
          'passes only what its camunda:in elements name, not "amount". Pass it in on the call activity, e.g. <camunda:in source="amount" target="amount" />',
      ]]);
    });

    it('Camunda 7 camunda:in variables="all": every variable of the caller, besides the targets', async () => {
      expect(await reads(changed(camunda7, ins, '<camunda:in variables="all" /><camunda:in source="amount" target="reviewAmount" />'))).toEqual([]);
    });

    it('Camunda 7 without any camunda:in: every variable of the caller and the call activity\'s input parameters, as Stratum\'s runtime passes them (Camunda 7 would pass none)', async () => {
      const io = '<camunda:inputOutput><camunda:inputParameter name="reviewAmount">${amount}</camunda:inputParameter></camunda:inputOutput>';
      expect(await reads(changed(camunda7, ins, io))).toEqual([]);
    });

    it('Camunda 7 camunda:in from a caller that accepts any start variables: an error for what they do not name, a warning for what they pass from a start variable', async () => {
      const open = changed(camunda7, '<camunda:formData><camunda:formField id="amount" type="long" /><camunda:formField id="invoiceNumber" type="string" /></camunda:formData>', '');
      expect(await reads(open)).toEqual([
        ['Review_Flow_Large', 'error', textContaining(
          'process "review-camunda" gets from its callers only what their call activities\' camunda:in elements name, and none of them passes it, and no task, job, message or other element ' +
            'of it, its callers or the processes it calls writes it as an output. Pass it in on the call activity, e.g. <camunda:in source="amount" target="amount" />, or declare',
        )],
        ['Review_Flow_Renamed', 'warning',
          'The condition of sequence flow "Very large" reads "reviewAmount", but nothing in the process, its callers or the processes it calls supplies "reviewAmount": ' +
            'call activity "Review invoice" of process "invoice-camunda" passes it from "amount", which nothing supplies either; declare "amount" as a start variable on ' +
            'the start event of "invoice-camunda", where its variables enter, with <camunda:formField id="amount" />, or "reviewAmount" as an output of the task, job or message that sets it'],
      ]);
    });

    const camunda8 = fixture('invalid-parent-narrowed-call.bpmn');
    const parentNarrowed = '<zeebe:calledElement processId="order-approval" propagateAllParentVariables="false" />';

    it('Camunda 8 propagateAllParentVariables="false": the called process gets only the inputs, as at run time; the finding names the call activity', async () => {
      expect(await reads(camunda8)).toEqual([[
        'Approval_Flow_Large', 'error',
        'The condition of sequence flow "Large" reads "amount", which does not reach process "order-approval": call activity "Approve order" of process "order" ' +
          'passes only its zeebe:input mappings (propagateAllParentVariables="false"), not "amount". Pass it in on the call activity, e.g. <zeebe:input source="=amount" target="amount" />',
      ]]);
    });

    it('Camunda 8 propagateAllParentVariables="false" from a caller that accepts any start variables: an error, for nothing but the inputs gets past the call activity', async () => {
      const open = changed(camunda8, '<bpmn:extensionElements><zeebe:ioMapping><zeebe:output source="=amount" target="amount" /></zeebe:ioMapping></bpmn:extensionElements>', '');
      expect(await reads(open)).toEqual([['Approval_Flow_Large', 'error', textContaining(
        'reads "amount", which nothing supplies: process "order-approval" gets from its callers only what their call activities\' zeebe:input mappings pass ' +
          '(propagateAllParentVariables="false"), and none of them passes it, and no task, job, message or other element of it, its callers or the processes it calls ' +
          'writes it as an output. Pass it in on the call activity, e.g. <zeebe:input source="=amount" target="amount" />, or declare',
      )]]);
    });

    it('Camunda 8 propagateAllParentVariables="false" on a multi-instance call activity: each called process gets its element and loopCounter too', async () => {
      const loop = '<bpmn:multiInstanceLoopCharacteristics><bpmn:extensionElements><zeebe:loopCharacteristics inputCollection="=[amount]" inputElement="share" /></bpmn:extensionElements></bpmn:multiInstanceLoopCharacteristics>';
      const iterated = changed(changed(camunda8, '<bpmn:incoming>Order_Flow_0</bpmn:incoming><bpmn:outgoing>Order_Flow_1</bpmn:outgoing>', `${loop}<bpmn:incoming>Order_Flow_0</bpmn:incoming><bpmn:outgoing>Order_Flow_1</bpmn:outgoing>`),
        '=amount &gt; 1000', '=share &gt; 1000 and loopCounter = 1');
      expect(await reads(iterated)).toEqual([]);
    });

    it('Camunda 8 propagateAllParentVariables="false" with a zeebe:input for every variable the called process reads: no finding', async () => {
      const mapped = changed(camunda8, '<zeebe:input source="=amount" target="approvalAmount" />', '<zeebe:input source="=amount" target="approvalAmount" /><zeebe:input source="=amount" target="amount" />');
      expect(await reads(mapped)).toEqual([]);
    });

    it.each([
      ['propagateAllParentVariables="true"', '<zeebe:calledElement processId="order-approval" propagateAllParentVariables="true" />'],
      ['no propagateAllParentVariables (Camunda 8\'s default is true)', '<zeebe:calledElement processId="order-approval" />'],
    ])('Camunda 8 %s: every variable of the caller, besides the inputs', async (_case, calledElement) => {
      expect(await reads(changed(camunda8, parentNarrowed, calledElement))).toEqual([]);
    });
  });

  describe('across the call graph (the library given as processSupplies)', () => {
    const caller = (supplies: string[], declaresStart = true): ProcessSupply => ({ key: 'parent', supplies, declaresStart, calls: ['child'] });

    it('a called process may read what its caller has at the call', async () => {
      expect(await ofSeverity('invalid-called-child.bpmn', { processSupplies: [caller(['amount'])] })).toEqual([]);
    });

    it('and what its caller\'s own caller has', async () => {
      const root: ProcessSupply = { key: 'root', supplies: ['amount'], declaresStart: true, calls: ['parent'] };
      expect(await ofSeverity('invalid-called-child.bpmn', { processSupplies: [root, caller([], false)] })).toEqual([]);
    });

    it('is an error when it is called only from processes that declare their start variables and none supplies it, naming those callers', async () => {
      const findings = await ofSeverity('invalid-called-child.bpmn', { processSupplies: [caller(['orderNo'])] });
      expect(findings).toEqual([
        ['Child_Flow_Large', 'error', textContaining('process "child" is only called from processes that declare their start variables ("parent"), none of which supplies it')],
      ]);
      // only the processes calling it, not another closed process of the library
      const other: ProcessSupply = { key: 'other', supplies: [], declaresStart: true, calls: ['elsewhere'] };
      const second: ProcessSupply = { key: 'second-parent', supplies: [], declaresStart: true, calls: ['child'] };
      expect(await ofSeverity('invalid-called-child.bpmn', { processSupplies: [caller(['orderNo']), second, other] })).toEqual([
        ['Child_Flow_Large', 'error', textContaining('only called from processes that declare their start variables ("parent", "second-parent"), none of which')],
      ]);
    });

    it('is a warning when a caller accepts any start variables', async () => {
      const findings = await ofSeverity('invalid-called-child.bpmn', { processSupplies: [caller(['orderNo'], false)] });
      expect(findings.map(([id, severity]) => [id, severity])).toEqual([['Child_Flow_Large', 'warning']]);
      expect(findings[0][2]).toContain('declare it as a start variable on the start event of "parent", where its variables enter');
    });

    it('a deployment checks its files together: the caller in another file supplies the variable', async () => {
      const parent = readFileSync(`${FIXTURES}${RULE}/valid-call-graph.bpmn`, 'utf8').replace(/<bpmn:process id="child"[\s\S]*?<\/bpmn:process>/, '');
      const child = readFileSync(`${FIXTURES}${RULE}/invalid-called-child.bpmn`, 'utf8');
      const findings = await lintFiles([{ name: 'parent.bpmn', xml: parent }, { name: 'child.bpmn', xml: child }]);
      // the child supplies no "checked" now, and the parent declares its start variables: the parent's condition is refused
      expect(findings.filter((finding) => finding.rule === RULE).map((finding) => [finding.file, finding.elementId, finding.severity])).toEqual([
        ['parent.bpmn', 'Parent_Flow_Yes', 'error'],
      ]);
    });
  });
});
