// The form a user task carries, as Camunda 8 models it: `zeebe:formDefinition`
// on the task, either naming a form embedded in the process
// (`formKey="camunda-forms:bpmn:<id>"` and a process-level `zeebe:userTaskForm`
// holding the form-js JSON) or a form deployed on its own (`formId`).

/** What a task list renders: the form-js schema itself, or the id of a form deployed beside the diagram. */
export type UserTaskForm =
  | { kind: 'embedded'; schema: Record<string, unknown> }
  | { kind: 'linked'; formId: string };

const EMBEDDED_PREFIX = 'camunda-forms:bpmn:';

/** The process's embedded forms by id (`zeebe:userTaskForm`); a body that is not a JSON object is left out. */
export function embeddedFormsOf(process: any): Map<string, Record<string, unknown>> {
  const forms = new Map<string, Record<string, unknown>>();
  for (const form of extensionValues(process, 'zeebe:UserTaskForm')) {
    const schema = parseSchema(form.body);
    if (form.id && schema) forms.set(form.id, schema);
  }
  return forms;
}

/** The form of one user task, if it declares one that can be found. */
export function userTaskFormOf(element: any, embedded: Map<string, Record<string, unknown>>): UserTaskForm | undefined {
  const definition = extensionValues(element, 'zeebe:FormDefinition')[0];
  if (!definition) return undefined;
  const formKey = String(definition.formKey ?? '');
  if (formKey.startsWith(EMBEDDED_PREFIX)) {
    const schema = embedded.get(formKey.slice(EMBEDDED_PREFIX.length));
    return schema ? { kind: 'embedded', schema } : undefined;
  }
  if (definition.formId) return { kind: 'linked', formId: String(definition.formId) };
  return undefined;
}

// helpers

function parseSchema(body: unknown): Record<string, unknown> | undefined {
  if (typeof body !== 'string' || !body.trim()) return undefined;
  try {
    const parsed = JSON.parse(body) as unknown;
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function extensionValues(element: any, type: string): any[] {
  return (element.extensionElements?.values ?? []).filter((value: any) => value.$type === type);
}
