// A user task's Camunda 8 form, read from the diagram as Camunda Modeler writes it.
import { describe, expect, it } from 'vitest';
import { parseBpmn } from '../../../engine/bpmn/moddle.js';
import { compileProcessModels } from '../../../engine/bpmn/process-model.js';

const FORM = { id: 'Decide', type: 'default', components: [{ type: 'checkbox', key: 'approved', label: 'Approve' }] };

function diagram(taskExtensions: string, processExtensions = ''): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="d" targetNamespace="t">
  <bpmn:process id="p" name="P" isExecutable="true">
    <bpmn:documentation>The process.</bpmn:documentation>
    <bpmn:extensionElements>${processExtensions}</bpmn:extensionElements>
    <bpmn:userTask id="Task" name="Decide">
      <bpmn:documentation>Why this step exists.</bpmn:documentation>
      <bpmn:extensionElements>${taskExtensions}</bpmn:extensionElements>
    </bpmn:userTask>
  </bpmn:process>
</bpmn:definitions>`;
}

async function taskInfo(xml: string) {
  const [model] = compileProcessModels((await parseBpmn(xml)).definitions);
  return model?.elements.get('Task');
}

describe('user task forms', () => {
  it('reads a form embedded in the process (formKey camunda-forms:bpmn:<id>) as its form-js schema', async () => {
    const info = await taskInfo(diagram(
      '<zeebe:formDefinition formKey="camunda-forms:bpmn:Form_1" />',
      `<zeebe:userTaskForm id="Form_1">${JSON.stringify(FORM)}</zeebe:userTaskForm>`,
    ));
    expect(info?.form).toEqual({ kind: 'embedded', schema: FORM });
    expect(info?.documentation).toBe('Why this step exists.');
  });

  it('names a form deployed on its own by its formId', async () => {
    expect((await taskInfo(diagram('<zeebe:formDefinition formId="approval-form" />')))?.form).toEqual({ kind: 'linked', formId: 'approval-form' });
  });

  it('has no form when the embedded one is missing or is not a JSON object, so a generic form stands in', async () => {
    expect((await taskInfo(diagram('<zeebe:formDefinition formKey="camunda-forms:bpmn:Missing" />')))?.form).toBeUndefined();
    expect((await taskInfo(diagram(
      '<zeebe:formDefinition formKey="camunda-forms:bpmn:Form_1" />',
      '<zeebe:userTaskForm id="Form_1">{not json</zeebe:userTaskForm>',
    )))?.form).toBeUndefined();
    expect((await taskInfo(diagram('')))?.form).toBeUndefined();
  });
});
