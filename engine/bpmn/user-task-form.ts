// The form a user task carries, as Camunda 8 models it: `zeebe:formDefinition`
// on the task, either naming a form embedded in the process
// (`formKey="camunda-forms:bpmn:<id>"` and a process-level `zeebe:userTaskForm`
// holding the form-js JSON) or a form deployed on its own (`formId`).

/** What a task list renders: the form-js schema itself, or the id of a form deployed beside the diagram. */
export type UserTaskForm =
  | { kind: 'embedded'; schema: Record<string, unknown> }
  | { kind: 'linked'; formId: string };

/** The moddle elements read here (zeebe-bpmn-moddle's UserTaskForm and FormDefinition). */
interface ExtensionValue {
  $type: string;
  id?: string;
  body?: string;
  formKey?: string;
  formId?: string;
}

interface WithExtensions {
  extensionElements?: { values?: ExtensionValue[] };
}

const EMBEDDED_PREFIX = 'camunda-forms:bpmn:';

/** The process's embedded forms by id (`zeebe:userTaskForm`); a body that is not a JSON object is left out. */
export function embeddedFormsOf(process: WithExtensions): Map<string, Record<string, unknown>> {
  const forms = new Map<string, Record<string, unknown>>();
  for (const form of extensionValues(process, 'zeebe:UserTaskForm')) {
    const schema = parseSchema(form.body);
    if (form.id && schema) forms.set(form.id, schema);
  }
  return forms;
}

/** The form of one user task, if it declares one that can be found. */
export function userTaskFormOf(element: WithExtensions, embedded: Map<string, Record<string, unknown>>): UserTaskForm | undefined {
  const definition = extensionValues(element, 'zeebe:FormDefinition')[0];
  if (!definition) return undefined;
  const formKey = definition.formKey ?? '';
  if (formKey.startsWith(EMBEDDED_PREFIX)) {
    const schema = embedded.get(formKey.slice(EMBEDDED_PREFIX.length));
    return schema ? { kind: 'embedded', schema } : undefined;
  }
  if (definition.formId) return { kind: 'linked', formId: definition.formId };
  return undefined;
}

// helpers

function parseSchema(body: string | undefined): Record<string, unknown> | undefined {
  if (!body?.trim()) return undefined;
  try {
    const parsed = JSON.parse(body) as unknown;
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function extensionValues(element: WithExtensions, type: string): ExtensionValue[] {
  return (element.extensionElements?.values ?? []).filter((value) => value.$type === type);
}
