// The semantic diff of two versions of one process: which elements were added,
// removed or changed, with what decides the route or a task (conditions, candidate
// groups, assignee, form, called processes and their propagation of variables, job
// types, retries and headers, timers, the message an event catches and its
// correlation key, errors, escalations, signals, declared outputs …) before and
// after as text, in a designer's words (element-words.ts). A change to what several
// elements share — a message renamed, its correlation key — is named on every element
// that refers to it. Layout (DI) and ids of unchanged elements never show up. Browser-safe.
import { allFlowElements, describeElement, extensionValues, type ElementInfo } from '../bpmn/process-model.js';
import { declaredDecisionCallOf } from '../dmn/decision-call.js';
import { eventReferences, formWords, otherExtensions, propagationWords, timerWords } from './element-words.js';
import type { ModdleElement } from 'bpmn-moddle';
import type { ElementChange, ProcessDiff, PropertyChange } from './impact-report.js';

/** Diff of process `key` between two moddle `bpmn:Process` elements; `before` is undefined for a new process. */
export function diffProcesses(key: string, before: ModdleElement | undefined, after: ModdleElement | undefined): ProcessDiff {
  const beforeProps = before ? processProperties(before) : {};
  const afterProps = after ? processProperties(after) : {};
  const beforeElements = before ? elementProperties(before) : new Map<string, Described>();
  const afterElements = after ? elementProperties(after) : new Map<string, Described>();
  const elements: ElementChange[] = [];
  for (const [id, old] of beforeElements) {
    const now = afterElements.get(id);
    if (!now) {
      elements.push(describedChange(old, 'removed', changes(old.properties, {})));
      continue;
    }
    const differing = changes(old.properties, now.properties);
    if (differing.length) elements.push(describedChange(now, 'changed', differing));
  }
  for (const [id, now] of afterElements) {
    if (!beforeElements.has(id)) elements.push(describedChange(now, 'added', changes({}, now.properties)));
  }
  const process = changes(beforeProps, afterProps);
  return { key, process, elements, unchanged: process.length === 0 && elements.length === 0 };
}

/** The moddle `bpmn:Process` with this id in parsed definitions. */
export function processOf(definitions: ModdleElement | undefined, key: string): ModdleElement | undefined {
  return (definitions?.rootElements ?? []).find((element) => element.$type === 'bpmn:Process' && element.id === key);
}

/** One line per change, e.g. `changed Flow_X (sequence flow "yes"): condition =a > 1 → =a > 2`. */
export function diffLines(diff: ProcessDiff): string[] {
  const lines = diff.process.map((change) => `process ${change.property}: ${show(change.before)} → ${show(change.after)}`);
  for (const element of diff.elements) {
    const label = `${element.elementId} (${typeLabel(element.type)}${element.name ? ` "${element.name}"` : ''})`;
    const details = element.properties.map((change) =>
      element.change === 'changed' ? `${change.property} ${show(change.before)} → ${show(change.after)}` : `${change.property} ${show(element.change === 'added' ? change.after : change.before)}`);
    lines.push(`${element.change} ${label}${details.length ? `: ${details.join('; ')}` : ''}`);
  }
  return lines;
}

// helpers

interface Described {
  id: string;
  type: string;
  name: string | null;
  properties: Record<string, string>;
}

function describedChange(element: Described, change: ElementChange['change'], properties: PropertyChange[]): ElementChange {
  return { elementId: element.id, type: element.type, name: element.name, change, properties };
}

function changes(before: Record<string, string>, after: Record<string, string>): PropertyChange[] {
  const names = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  return names
    .filter((name) => before[name] !== after[name])
    .map((name) => ({ property: name, before: before[name] ?? null, after: after[name] ?? null }));
}

function processProperties(process: ModdleElement): Record<string, string> {
  const properties: Record<string, string> = {};
  if (process.name) properties.name = process.name;
  properties.executable = String(process.isExecutable !== false);
  for (const property of (process.extensionElements?.values ?? []).filter((value) => value.$type === 'zeebe:Properties')) {
    for (const entry of property.properties ?? []) properties[`property ${entry.name}`] = String(entry.value ?? '');
  }
  const versionTag = (process.extensionElements?.values ?? []).find((value) => value.$type === 'zeebe:VersionTag')?.value
    ?? process.$attrs?.['camunda:versionTag'] ?? process.versionTag;
  if (versionTag) properties.versionTag = String(versionTag);
  return properties;
}

function elementProperties(process: ModdleElement): Map<string, Described> {
  const described = new Map<string, Described>();
  for (const element of allFlowElements(process)) {
    const info = describeElement(element);
    described.set(info.id, { id: info.id, type: info.type, name: info.name ?? null, properties: propertiesOf(element, info, process) });
  }
  return described;
}

function propertiesOf(element: ModdleElement, info: ElementInfo, process: ModdleElement): Record<string, string> {
  const properties: Record<string, string> = { type: typeLabel(info.type) };
  if (info.name) properties.name = info.name;
  if (element.$type === 'bpmn:SequenceFlow') {
    properties.from = element.sourceRef?.id ?? '';
    properties.to = element.targetRef?.id ?? '';
    const condition = element.conditionExpression?.body;
    if (condition) properties.condition = condition.trim();
    if (element.sourceRef?.default === element) properties.default = 'true';
  }
  if (element.attachedToRef) properties['attached to'] = element.attachedToRef.id;
  if (info.candidateGroups) properties['candidate groups'] = info.candidateGroups.join(', ');
  if (info.candidateUsers) properties['candidate users'] = info.candidateUsers.join(', ');
  if (info.assignee) properties.assignee = info.assignee;
  const form = formWords(element, process);
  if (form) properties.form = form;
  if (info.calledProcess) properties['called process'] = info.calledProcess;
  const binding = calledElementBinding(element);
  if (binding) properties.binding = binding;
  if (info.calledProcess) Object.assign(properties, propagationWords(element, info.camunda7Call));
  const decision = element.$type === 'bpmn:BusinessRuleTask' ? declaredDecisionCallOf(element as unknown as Parameters<typeof declaredDecisionCallOf>[0]) : undefined;
  if (decision) properties.decision = decision.decisionRef;
  if (decision?.resultVariable) properties['result variable'] = decision.resultVariable;
  if (info.jobType) properties['job type'] = info.jobType;
  // as written: a retries expression (`=…`) is no number yet
  const retries = extensionValues(element, 'zeebe:TaskDefinition')[0]?.retries as unknown;
  if (info.jobType && (typeof retries === 'string' || typeof retries === 'number') && String(retries).trim()) properties.retries = String(retries).trim();
  if (info.jobHeaders && Object.keys(info.jobHeaders).length) {
    properties.headers = Object.entries(info.jobHeaders).map(([key, value]) => `${key} = ${value}`).join(', ');
  }
  if (info.message) properties.message = info.message.name;
  if (info.message?.correlationKey) properties['correlation key'] = info.message.correlationKey;
  if (info.messagesReceivedSince) properties['messages received since'] = info.messagesReceivedSince;
  const timer = timerWords(element);
  if (timer) properties.timer = timer;
  Object.assign(properties, eventReferences(element));
  if (info.inputs) properties.inputs = info.inputs.map(({ source, target }) => `${target} ← ${source}`).join(', ');
  if (info.outputs) properties.outputs = info.outputs.map(({ source, target }) => `${target} ← ${source}`).join(', ');
  if (info.outcome) properties.outcome = info.outcome;
  Object.assign(properties, otherExtensions(element));
  return properties;
}

function calledElementBinding(element: ModdleElement): string | undefined {
  const called = (element.extensionElements?.values ?? []).find((value) => value.$type === 'zeebe:CalledElement');
  const bindingType = called?.bindingType ?? called?.$attrs?.bindingType;
  if (!bindingType) return undefined;
  const versionTag = called?.versionTag ?? called?.$attrs?.versionTag;
  return versionTag ? `${bindingType} ${versionTag}` : String(bindingType);
}

function typeLabel(type: string): string {
  return type.replace(/^bpmn:/, '').replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

function show(value: string | null): string {
  return value === null ? '(none)' : value;
}
