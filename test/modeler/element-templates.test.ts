// The shipped element templates (modeler/element-templates/) are valid Camunda 8 templates, and
// each matches what the shipped diagrams declare: the job types of the workers, the approval task's
// candidate groups, outputs and form.
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { validateZeebe } from '@bpmn-io/element-templates-validator';
import { describe, expect, it } from 'vitest';

interface TemplateProperty {
  value?: string;
  choices?: { value: string }[];
  binding: { type: string; property?: string; source?: string };
}

interface Template {
  id: string;
  properties: TemplateProperty[];
  metadata?: { stratum?: { embeddedForm?: string } };
}

const ROOT = resolve(import.meta.dirname, '../..');
const DIR = join(ROOT, 'modeler/element-templates');
const templates = readdirSync(DIR).filter((file) => file.endsWith('.json'))
  .map((file) => ({ file, template: JSON.parse(readFileSync(join(DIR, file), 'utf8')) as Template }));
const diagrams = readdirSync(join(ROOT, 'diagrams')).filter((file) => file.endsWith('.bpmn'))
  .map((file) => readFileSync(join(ROOT, 'diagrams', file), 'utf8')).join('\n');

describe('element templates', () => {
  it.each(templates)('$file is a valid Camunda 8 element template', ({ template }) => {
    const result = validateZeebe(template);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(template.id).toMatch(/^stratum\./);
  });

  it('offers exactly the job types the shipped diagrams use', () => {
    const used = [...new Set([...diagrams.matchAll(/<zeebe:taskDefinition type="([^"]+)"/g)].map((m) => m[1]))].sort();
    const offered = templates.flatMap(({ template }) => template.properties
      .filter((p) => p.binding.type === 'zeebe:taskDefinition' && p.binding.property === 'type').map((p) => p.value)).sort();
    expect(offered).toEqual(used);
  });

  it('builds the approval task as the shipped approvals are: candidate groups, decision outputs, the embedded approval form', () => {
    const approval = templates.find(({ template }) => template.id === 'stratum.approval')!.template;
    const groups = approval.properties.find((p) => p.binding.type === 'zeebe:assignmentDefinition')!.choices!.map((c) => c.value);
    for (const group of groups) expect(diagrams).toContain(`candidateGroups="${group}"`);
    const sources = approval.properties.filter((p) => p.binding.type === 'zeebe:output').map((p) => p.binding.source);
    expect(sources).toEqual(['=approved', '=comment']);
    const formId = approval.metadata!.stratum!.embeddedForm!;
    expect(diagrams).toContain(`formKey="camunda-forms:bpmn:${formId}"`);
    const shipped: unknown = JSON.parse(diagrams.match(new RegExp(`<zeebe:userTaskForm id="${formId}">(.*?)</zeebe:userTaskForm>`))![1]);
    expect(JSON.parse(readFileSync(join(DIR, 'forms/approval-decision.form'), 'utf8'))).toEqual(shipped);
  });
});
