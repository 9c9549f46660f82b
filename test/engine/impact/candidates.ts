// Candidate libraries the impact tests analyse: a shipped diagram changed in place, and a new
// control process (export control) a changed caller may call.
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import type { BpmnFile } from '../../../engine/index.js';
import type { RecordedOrder } from '../../../engine/impact/recorded-orders.js';
import { DIAGRAMS_DIR } from '../../support/stratum-fixture.js';

export const EXPORT_CONTROL = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="Definitions_export" targetNamespace="http://stratum.example/bpmn">
  <bpmn:process id="export-control" name="Export control" isExecutable="true">
    <bpmn:startEvent id="StartEvent_Export" />
    <bpmn:userTask id="UserTask_CheckExport" name="Check export">
      <bpmn:extensionElements>
        <zeebe:assignmentDefinition candidateGroups="export-officer" />
        <zeebe:ioMapping><zeebe:output source="=cleared" target="exportCleared" /></zeebe:ioMapping>
      </bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:endEvent id="EndEvent_Export" />
    <bpmn:sequenceFlow id="Flow_Export_1" sourceRef="StartEvent_Export" targetRef="UserTask_CheckExport" />
    <bpmn:sequenceFlow id="Flow_Export_2" sourceRef="UserTask_CheckExport" targetRef="EndEvent_Export" />
  </bpmn:process>
</bpmn:definitions>`;

/** ACME's credit orders above 500,000 need the sales director (before: only those above 1,000,000). */
export const acmeToDirector = () => candidate('credit-order-approval', (xml) => xml.replace(
  '>=reportingAmount &gt; 1000000<', '>=reportingAmount &gt; 1000000 or (customer.name = "ACME" and reportingAmount &gt; 500000)<',
));

/** The export control (EXPORT_CONTROL), called from sales-order-management before the credit approval. */
export const exportControlBeforeApproval = (): BpmnFile[] => [
  candidate('sales-order-management', (xml) => xml
    .replace('targetRef="CallActivity_ApproveCreditOrder" />', 'targetRef="CallActivity_CheckExport" />')
    .replace('<bpmn:callActivity id="CallActivity_ApproveCreditOrder"', `<bpmn:callActivity id="CallActivity_CheckExport" name="Check export">
      <bpmn:extensionElements><zeebe:calledElement processId="export-control" propagateAllChildVariables="true" /></bpmn:extensionElements>
    </bpmn:callActivity>
    <bpmn:sequenceFlow id="Flow_CheckExport_Approve" sourceRef="CallActivity_CheckExport" targetRef="CallActivity_ApproveCreditOrder" />
    <bpmn:callActivity id="CallActivity_ApproveCreditOrder"`)),
  { name: 'export-control.bpmn', xml: EXPORT_CONTROL },
];

/** A shipped diagram changed by `change`, which must change it. */
export function candidate(key: string, change: (xml: string) => string): BpmnFile {
  const xml = readFileSync(`${DIAGRAMS_DIR}${key}.bpmn`, 'utf8');
  const changed = change(xml);
  expect(changed).not.toBe(xml);
  return { name: `${key}.bpmn`, xml: changed };
}

/** The approval decision table (its tiers: more than 1,000,000, more than 500,000, else automatic), `change`d when given. */
export function approvalTierDmn(change: (xml: string) => string = (xml) => xml): BpmnFile {
  const xml = readFileSync(new URL('../../fixtures/dmn/approval-tier.dmn', import.meta.url), 'utf8');
  return { name: 'approval-tier.dmn', xml: change(xml) };
}

/**
 * Credit order approval with its amount tier decided by a business rule task calling `decisionId`
 * (approval-tier.dmn's by default): the gateway routes on the decision's result instead of the amount.
 */
export function decidedTiers(decisionId = 'approval-tier'): BpmnFile {
  return candidate('credit-order-approval', (xml) => xml
    .replace('<bpmn:exclusiveGateway id="Gateway_AmountTier"', `<bpmn:businessRuleTask id="BusinessRuleTask_DecideTier" name="Decide approval tier">
      <bpmn:extensionElements>
        <zeebe:calledDecision decisionId="${decisionId}" resultVariable="approvalTier" />
      </bpmn:extensionElements>
      <bpmn:incoming>Flow_Start_AmountTier</bpmn:incoming>
      <bpmn:outgoing>Flow_DecideTier_AmountTier</bpmn:outgoing>
    </bpmn:businessRuleTask>
    <bpmn:sequenceFlow id="Flow_DecideTier_AmountTier" sourceRef="BusinessRuleTask_DecideTier" targetRef="Gateway_AmountTier" />
    <bpmn:exclusiveGateway id="Gateway_AmountTier"`)
    .replace('<bpmn:incoming>Flow_Start_AmountTier</bpmn:incoming>\n      <bpmn:outgoing>Flow_AmountTier_Above1000000', '<bpmn:incoming>Flow_DecideTier_AmountTier</bpmn:incoming>\n      <bpmn:outgoing>Flow_AmountTier_Above1000000')
    .replace('sourceRef="StartEvent_CreditOrderToApprove" targetRef="Gateway_AmountTier"', 'sourceRef="StartEvent_CreditOrderToApprove" targetRef="BusinessRuleTask_DecideTier"')
    .replace('=reportingAmount &gt; 1000000', '=approvalTier = "sales-director"')
    .replace('=reportingAmount &gt; 500000 and reportingAmount &lt;= 1000000', '=approvalTier = "vice-president"'));
}

/**
 * A recorded order replayed as if entered now, as an ended order is: a designer's what-if on its recorded inputs.
 * Replayed as it is, an open order keeps the versions its instances started on (running-order-versions.test.ts).
 */
export function asEnteredNow(order: RecordedOrder): RecordedOrder {
  const { startedVersions: _, ...entered } = order;
  return entered;
}
