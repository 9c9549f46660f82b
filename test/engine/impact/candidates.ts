// Candidate libraries the impact tests analyse: a shipped diagram changed in place, and a new
// control process (export control) a changed caller may call.
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import type { BpmnFile } from '../../../engine/index.js';
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

/** A shipped diagram changed by `change`, which must change it. */
export function candidate(key: string, change: (xml: string) => string): BpmnFile {
  const xml = readFileSync(`${DIAGRAMS_DIR}${key}.bpmn`, 'utf8');
  const changed = change(xml);
  expect(changed).not.toBe(xml);
  return { name: `${key}.bpmn`, xml: changed };
}
