// Pairs of versions of test/fixtures/diff/claim-handling.bpmn that change more than flow elements — a message, an
// error, an escalation, a signal, a timer, a call's called element or propagation, a job's or a user task's extension
// elements —, each with what a version diff must name: the property, in a designer's words, old → new, on every
// element it touches. The server's diff (test/engine/impact/process-diff.test.ts) and the modeler's History diff
// (test/modeler/features/diff/VersionDiff.test.ts) read the same pairs.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const CLAIM_HANDLING = readFileSync(join(import.meta.dirname, '../fixtures/diff/claim-handling.bpmn'), 'utf8');

export interface ExpectedProperty {
  elementId: string;
  property: string;
  before: string | null;
  after: string | null;
}

export interface DiffCase {
  label: string;
  before: string;
  after: string;
  /** Every element the change touches, with what changed; nothing else is listed as changed. */
  expected: ExpectedProperty[];
}

/** The fixture with the "Overdue review escalated" end event throwing signal `ReviewOverdue` instead of an escalation. */
const withSignal = (name: string) => CLAIM_HANDLING
  .replace('<bpmn:escalationEventDefinition id="EscalationEventDefinition_Overdue" escalationRef="Escalation_ReviewOverdue" />', '<bpmn:signalEventDefinition id="SignalEventDefinition_Overdue" signalRef="Signal_ReviewOverdue" />')
  .replace('<bpmn:escalation id="Escalation_ReviewOverdue" name="Review overdue" escalationCode="REVIEW_OVERDUE" />', `<bpmn:signal id="Signal_ReviewOverdue" name="${name}" />`);

const changed = (label: string, change: (xml: string) => string, expected: ExpectedProperty[]): DiffCase => {
  const after = change(CLAIM_HANDLING);
  if (after === CLAIM_HANDLING) throw new Error(`the case "${label}" changes nothing`);
  return { label, before: CLAIM_HANDLING, after, expected };
};

const BOTH_CATCHES = ['IntermediateCatchEvent_Documents', 'BoundaryEvent_DocumentsDuringReview'];

export const DIFF_CASES: DiffCase[] = [
  changed('a message renamed: every element catching it', (xml) => xml.replace('name="DocumentsReceived"', 'name="ClaimDocumentsReceived"'),
    BOTH_CATCHES.map((elementId) => ({ elementId, property: 'message', before: 'DocumentsReceived', after: 'ClaimDocumentsReceived' }))),
  changed('a message\'s correlation key (zeebe:subscription): every element catching it', (xml) => xml.replace('correlationKey="=claimNo"', 'correlationKey="=policyNo"'),
    BOTH_CATCHES.map((elementId) => ({ elementId, property: 'correlation key', before: '=claimNo', after: '=policyNo' }))),
  changed('a catch pointed at another message', (xml) => xml
    .replace('messageRef="Message_DocumentsReceived" />\n    </bpmn:boundaryEvent>', 'messageRef="Message_ExpertReport" />\n    </bpmn:boundaryEvent>')
    .replace('<bpmn:error ', '<bpmn:message id="Message_ExpertReport" name="ExpertReportReceived" />\n  <bpmn:error '), [
    { elementId: 'BoundaryEvent_DocumentsDuringReview', property: 'message', before: 'DocumentsReceived', after: 'ExpertReportReceived' },
    { elementId: 'BoundaryEvent_DocumentsDuringReview', property: 'correlation key', before: '=claimNo', after: null },
  ]),
  changed('an error code', (xml) => xml.replace('errorCode="FRAUD"', 'errorCode="FRAUD_SUSPECTED"'),
    [{ elementId: 'BoundaryEvent_Fraud', property: 'error', before: 'FRAUD', after: 'FRAUD_SUSPECTED' }]),
  changed('an escalation code', (xml) => xml.replace('escalationCode="PAYOUT_LATE"', 'escalationCode="PAYOUT_OVERDUE"'),
    [{ elementId: 'BoundaryEvent_PayoutLate', property: 'escalation', before: 'PAYOUT_LATE', after: 'PAYOUT_OVERDUE' }]),
  { label: 'a signal renamed', before: withSignal('ReviewOverdue'), after: withSignal('ClaimReviewOverdue'),
    expected: [{ elementId: 'EndEvent_OverdueEscalated', property: 'signal', before: 'ReviewOverdue', after: 'ClaimReviewOverdue' }] },
  changed('a timer\'s duration', (xml) => xml.replace('>PT48H<', '>P1DT12H<'),
    [{ elementId: 'BoundaryEvent_ReviewOverdue', property: 'timer', before: 'after 48 hours (PT48H)', after: 'after 1 day 12 hours (P1DT12H)' }]),
  changed('a call activity\'s called element', (xml) => xml.replace('processId="claim-payout"', 'processId="claim-payout-abroad"'),
    [{ elementId: 'CallActivity_Payout', property: 'called process', before: 'claim-payout', after: 'claim-payout-abroad' }]),
  changed('a call activity\'s propagation of the called process\'s variables', (xml) => xml.replace(' propagateAllChildVariables="false"', ''),
    [{ elementId: 'CallActivity_Payout', property: 'variables back from the called process', before: 'its outputs only', after: 'all' }]),
  changed('a call activity\'s propagation of its own variables', (xml) => xml.replace(' propagateAllChildVariables="false"', ' propagateAllChildVariables="false" propagateAllParentVariables="false"'),
    [{ elementId: 'CallActivity_Payout', property: 'variables passed to the called process', before: 'all', after: 'its inputs only' }]),
  changed('a job type (zeebe:taskDefinition)', (xml) => xml.replace('type="assess-claim"', 'type="assess-claim-v2"'),
    [{ elementId: 'ServiceTask_Assess', property: 'job type', before: 'assess-claim', after: 'assess-claim-v2' }]),
  changed('a job\'s retries', (xml) => xml.replace('retries="3"', 'retries="5"'),
    [{ elementId: 'ServiceTask_Assess', property: 'retries', before: '3', after: '5' }]),
  changed('a job\'s headers', (xml) => xml.replace('value="2024"', 'value="2025"'),
    [{ elementId: 'ServiceTask_Assess', property: 'headers', before: 'model = 2024', after: 'model = 2025' }]),
  changed('candidate groups', (xml) => xml.replace('candidateGroups="claims-office"', 'candidateGroups="claims-office, fraud-office"'),
    [{ elementId: 'UserTask_Review', property: 'candidate groups', before: 'claims-office', after: 'claims-office, fraud-office' }]),
  changed('an assignee', (xml) => xml.replace('assignee="=claimOwner"', 'assignee="=supervisor"'),
    [{ elementId: 'UserTask_Review', property: 'assignee', before: '=claimOwner', after: '=supervisor' }]),
  changed('candidate users', (xml) => xml.replace('assignee="=claimOwner"', 'assignee="=claimOwner" candidateUsers="anna, ben"'),
    [{ elementId: 'UserTask_Review', property: 'candidate users', before: null, after: 'anna, ben' }]),
  changed('a user task\'s due date (an extension element without words of its own)', (xml) => xml.replace('<zeebe:formDefinition formId="claim-review" />', '<zeebe:formDefinition formId="claim-review" />\n        <zeebe:taskSchedule dueDate="=now() + duration(&quot;P2D&quot;)" />'),
    [{ elementId: 'UserTask_Review', property: 'task schedule', before: null, after: 'dueDate: =now() + duration("P2D")' }]),
  changed('an execution listener', (xml) => xml.replace('<zeebe:taskDefinition type="assess-claim" retries="3" />', '<zeebe:taskDefinition type="assess-claim" retries="3" />\n        <zeebe:executionListeners><zeebe:executionListener eventType="start" type="audit" /></zeebe:executionListeners>'),
    [{ elementId: 'ServiceTask_Assess', property: 'execution listeners', before: null, after: 'executionListener(eventType: start, type: audit)' }]),
  changed('an element\'s extension property', (xml) => xml.replace('<zeebe:taskDefinition type="assess-claim" retries="3" />', '<zeebe:taskDefinition type="assess-claim" retries="3" />\n        <zeebe:properties><zeebe:property name="orderChange" value="settled" /></zeebe:properties>'),
    [{ elementId: 'ServiceTask_Assess', property: 'property orderChange', before: null, after: 'settled' }]),
  changed('a linked form', (xml) => xml.replace('formId="claim-review"', 'formId="claim-review-v2"'),
    [{ elementId: 'UserTask_Review', property: 'form', before: 'claim-review', after: 'claim-review-v2' }]),
  changed('an embedded form\'s fields', (xml) => xml
    .replace('<zeebe:formDefinition formId="claim-review" />', '<zeebe:formDefinition formKey="camunda-forms:bpmn:Form_Review" />')
    .replace('<bpmn:startEvent id="StartEvent_Claim"', `<bpmn:extensionElements><zeebe:userTaskForm id="Form_Review">{"components":[{"key":"approved","type":"checkbox","label":"Approve"},{"key":"comment","type":"textfield","label":"Comment"}]}</zeebe:userTaskForm></bpmn:extensionElements>
    <bpmn:startEvent id="StartEvent_Claim"`), [
    { elementId: 'UserTask_Review', property: 'form', before: 'claim-review', after: 'embedded: approved (Approve), comment (Comment)' },
  ]),
];
