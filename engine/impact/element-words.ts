// What a version diff says of an element's event definitions and extension elements, in a process designer's
// words: a timer as "after 48 hours (PT48H)", a form by its id or its fields, a call's propagation of variables,
// the message, error, escalation or signal an event refers to. Browser-safe: the modeler's History diff and
// deploy dialog read the same text (modeler/src/features/diff/VersionDiff.ts).
import type { ModdleElement } from 'bpmn-moddle';
import type { CallVariable, Camunda7CallVariables } from '../bpmn/camunda7-call-variables.js';
import { extensionValues } from '../bpmn/process-model.js';
import { embeddedFormsOf } from '../bpmn/user-task-form.js';

/**
 * A timer event's definition: `after 48 hours (PT48H)`, `at 2026-01-01T09:00:00Z`, `every 1 hour, 3 times (R3/PT1H)`,
 * `on the schedule 0 0 9 * * MON` (cron); an expression as written (`after =reminderDelay`).
 */
export function timerWords(element: ModdleElement): string | undefined {
  const timer = definitionOf(element, 'bpmn:TimerEventDefinition');
  if (!timer) return undefined;
  const duration = bodyOf(timer.timeDuration);
  if (duration) return `after ${withDuration(duration)}`;
  const date = bodyOf(timer.timeDate);
  if (date) return `at ${date}`;
  const cycle = bodyOf(timer.timeCycle);
  // Zeebe takes a cron expression (six fields, seconds first) for a cycle too
  if (cycle && /^\S+( \S+){4,5}$/.test(cycle) && !cycle.startsWith('=')) return `on the schedule ${cycle}`;
  if (cycle) return `every ${cycleWords(cycle)}`;
  return 'timer (no definition)';
}

/** The message, error, escalation and signal an element refers to, each as what decides what it catches or throws. */
export function eventReferences(element: ModdleElement): Record<string, string> {
  const properties: Record<string, string> = {};
  const error = definitionOf(element, 'bpmn:ErrorEventDefinition')?.errorRef;
  if (error) properties.error = String(error.errorCode || error.name || error.id);
  const escalation = definitionOf(element, 'bpmn:EscalationEventDefinition')?.escalationRef;
  if (escalation) properties.escalation = String((escalation as ModdleElement & { escalationCode?: string }).escalationCode || escalation.name || escalation.id);
  const signal = definitionOf(element, 'bpmn:SignalEventDefinition')?.signalRef;
  if (signal) properties.signal = String(signal.name || signal.id);
  return properties;
}

/**
 * A user task's form: a linked form's id (`zeebe:formDefinition formId`), an embedded one's fields
 * (`embedded: approved (Approve), comment`), another form key as written (Camunda 7's `camunda:formKey` too).
 */
export function formWords(element: ModdleElement, process: ModdleElement | undefined): string | undefined {
  if (element.$type !== 'bpmn:UserTask') return undefined;
  const definition = extensionValues(element, 'zeebe:FormDefinition')[0];
  if (definition?.formId) return String(definition.formId);
  const formKey = String(definition?.formKey ?? element.formKey ?? element.$attrs?.['camunda:formKey'] ?? '');
  if (!formKey) return undefined;
  const embedded = /^camunda-forms:bpmn:(.+)$/.exec(formKey);
  if (!embedded || !process) return formKey;
  const schema = embeddedFormsOf(process).get(embedded[1]);
  if (!schema) return `embedded ${embedded[1]} (not found)`;
  const fields = fieldsOf(schema.components);
  return fields.length ? `embedded: ${fields.join(', ')}` : 'embedded: no fields';
}

/**
 * A call activity's passing of variables, both ways: Camunda 8's `zeebe:calledElement propagateAll…Variables`
 * (`all`, or `its inputs only` / `its outputs only`), Camunda 7's `camunda:in` / `camunda:out` (`all`, or what
 * they pass: `orderNo ← orderNo`, `total ← =amount * 2`); a call without either passes everything both ways.
 */
export function propagationWords(element: ModdleElement, camunda7?: Camunda7CallVariables): Record<string, string> {
  if (element.$type !== 'bpmn:CallActivity') return {};
  if (camunda7) {
    return {
      'variables passed to the called process': camunda7.ins ? callVariablesWords(camunda7.ins) : 'all',
      'variables back from the called process': camunda7.outs ? callVariablesWords(camunda7.outs) : 'all',
    };
  }
  const called = extensionValues(element, 'zeebe:CalledElement')[0];
  return {
    'variables passed to the called process': called?.propagateAllParentVariables === false ? 'its inputs only' : 'all',
    'variables back from the called process': called?.propagateAllChildVariables === false ? 'its outputs only' : 'all',
  };
}

/** Extension elements the diff names in words of their own (process-diff.ts); any other is named by what it holds. */
const DESCRIBED = new Set([
  'zeebe:IoMapping', 'zeebe:TaskHeaders', 'zeebe:TaskDefinition', 'zeebe:CalledElement', 'zeebe:FormDefinition', 'zeebe:UserTask',
  'zeebe:CalledDecision', 'zeebe:AssignmentDefinition', 'zeebe:Properties',
  'camunda:InputOutput', 'camunda:In', 'camunda:Out', 'camunda:FormData', 'camunda:Connector',
]);
/** `zeebe:property` names the diff already words (`outcome`, `messages received since`). */
const WORDED_PROPERTIES = new Set(['outcome', 'messagesReceivedSince']);

/**
 * Every other extension element of the element, by its kind in words and what it holds, so that no change inside
 * one is listed as only "changed": `task schedule: dueDate: =now() + duration("P2D")`, `execution listeners:
 * executionListener(eventType: start, type: audit)`, and each `zeebe:property` as `property <name>`.
 */
export function otherExtensions(element: ModdleElement): Record<string, string> {
  const properties: Record<string, string> = {};
  for (const value of element.extensionElements?.values ?? []) {
    if (DESCRIBED.has(value.$type)) continue;
    const kind = kindWords(value.$type);
    const text = holds(value) || '(set)';
    properties[kind] = properties[kind] ? `${properties[kind]}; ${text}` : text;
  }
  for (const property of extensionValues(element, 'zeebe:Properties').flatMap((list) => list.properties ?? [])) {
    if (typeof property.name === 'string' && !WORDED_PROPERTIES.has(property.name)) properties[`property ${property.name}`] = String(property.value ?? '');
  }
  return properties;
}

// helpers

/** `zeebe:TaskSchedule` → `task schedule`. */
function kindWords(type: string): string {
  return type.replace(/^[a-z]+:/, '').replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

/** What a moddle element holds: its attributes as `name: value`, its child elements as `kind(…)`. */
function holds(value: ModdleElement): string {
  const parts: string[] = [];
  for (const key of Object.keys(value).filter((name) => !name.startsWith('$'))) {
    const held: unknown = (value as unknown as Record<string, unknown>)[key];
    if (held === undefined || held === null) continue;
    if (Array.isArray(held)) {
      const items = held.map((item: unknown) => (isElement(item) ? `${lowerFirst(item.$type.replace(/^[a-z]+:/, ''))}(${holds(item)})` : String(item)));
      if (items.length) parts.push(items.join(', '));
    } else if (isElement(held)) {
      parts.push(`${key}: ${lowerFirst(held.$type.replace(/^[a-z]+:/, ''))}(${holds(held)})`);
    } else if (typeof held === 'string' || typeof held === 'number' || typeof held === 'boolean') {
      parts.push(`${key}: ${String(held)}`);
    }
  }
  for (const [name, text] of Object.entries(value.$attrs ?? {})) {
    if (!name.startsWith('xmlns')) parts.push(`${name}: ${String(text)}`);
  }
  return parts.join(', ');
}

function isElement(value: unknown): value is ModdleElement {
  return typeof value === 'object' && value !== null && typeof (value as { $type?: unknown }).$type === 'string';
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

function callVariablesWords(variables: CallVariable[]): string {
  const words = variables.map((variable) => ('all' in variable ? 'all' : `${variable.target} ← ${'variable' in variable ? variable.variable : `=${variable.feel}`}`));
  return words.length ? words.join(', ') : 'none';
}

function definitionOf(element: ModdleElement, type: string): ModdleElement | undefined {
  return (element.eventDefinitions ?? []).find((definition) => definition.$type === type);
}

function bodyOf(expression: ModdleElement | undefined): string | undefined {
  const body = typeof expression?.body === 'string' ? expression.body.trim() : '';
  return body || undefined;
}

const DURATION = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:[.,]\d+)?)S)?)?$/;
const UNITS = ['year', 'month', 'week', 'day', 'hour', 'minute', 'second'];

/** An ISO 8601 duration in words with the text itself, `48 hours (PT48H)`; an expression or anything else as written. */
function withDuration(text: string): string {
  const words = durationWords(text);
  return words ? `${words} (${text})` : text;
}

function durationWords(text: string): string | undefined {
  const match = DURATION.exec(text);
  if (!match || text === 'P' || text.endsWith('T')) return undefined;
  const parts = UNITS.flatMap((unit, index) => {
    const amount = match[index + 1];
    if (amount === undefined) return [];
    return [`${amount} ${unit}${Number(amount.replace(',', '.')) === 1 ? '' : 's'}`];
  });
  return parts.length ? parts.join(' ') : undefined;
}

/** `R3/PT1H` → `1 hour, 3 times (R3/PT1H)`; a cron expression `on the schedule 0 0 9 * * MON`; an expression as written. */
function cycleWords(text: string): string {
  const repeated = /^R(\d*)\/(P[^/]+)$/.exec(text);
  const words = repeated ? durationWords(repeated[2]) : undefined;
  if (!repeated || !words) return text;
  const times = repeated[1] ? `, ${repeated[1]} time${repeated[1] === '1' ? '' : 's'}` : '';
  return `${words}${times} (${text})`;
}

function fieldsOf(components: unknown): string[] {
  if (!Array.isArray(components)) return [];
  return components.flatMap((component: unknown) => {
    if (!component || typeof component !== 'object') return [];
    const { key, label, components: inner } = component as { key?: unknown; label?: unknown; components?: unknown };
    const own = typeof key === 'string' && key ? [typeof label === 'string' && label.trim() && label.trim() !== key ? `${key} (${label.trim()})` : key] : [];
    return [...own, ...fieldsOf(inner)];
  });
}
