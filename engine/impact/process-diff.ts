// The semantic diff of two versions of one process: which elements were added,
// removed or changed, with what decides the route (conditions, candidate
// groups, called processes, timers, declared outputs …) before and after as
// text. Layout (DI) and ids of unchanged elements never show up. Browser-safe.
import { allFlowElements, describeElement, type ElementInfo } from '../bpmn/process-model.js';
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
    described.set(info.id, { id: info.id, type: info.type, name: info.name ?? null, properties: propertiesOf(element, info) });
  }
  return described;
}

function propertiesOf(element: ModdleElement, info: ElementInfo): Record<string, string> {
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
  if (info.calledProcess) properties['called process'] = info.calledProcess;
  const binding = calledElementBinding(element);
  if (binding) properties.binding = binding;
  if (info.jobType) properties['job type'] = info.jobType;
  if (info.message) properties.message = info.message.name;
  const timer = timerText(element);
  if (timer) properties.timer = timer;
  const errorCode = (element.eventDefinitions ?? []).find((definition) => definition.$type === 'bpmn:ErrorEventDefinition')?.errorRef?.errorCode;
  if (errorCode) properties.error = errorCode;
  if (info.inputs) properties.inputs = info.inputs.map(({ source, target }) => `${target} ← ${source}`).join(', ');
  if (info.outputs) properties.outputs = info.outputs.map(({ source, target }) => `${target} ← ${source}`).join(', ');
  if (info.outcome) properties.outcome = info.outcome;
  return properties;
}

function calledElementBinding(element: ModdleElement): string | undefined {
  const called = (element.extensionElements?.values ?? []).find((value) => value.$type === 'zeebe:CalledElement');
  const bindingType = called?.bindingType ?? called?.$attrs?.bindingType;
  if (!bindingType) return undefined;
  const versionTag = called?.versionTag ?? called?.$attrs?.versionTag;
  return versionTag ? `${bindingType} ${versionTag}` : String(bindingType);
}

function timerText(element: ModdleElement): string | undefined {
  const timer = (element.eventDefinitions ?? []).find((definition) => definition.$type === 'bpmn:TimerEventDefinition');
  if (!timer) return undefined;
  for (const kind of ['timeDate', 'timeDuration', 'timeCycle'] as const) {
    if (timer[kind]?.body) return `${kind} ${timer[kind].body.trim()}`;
  }
  return 'timer';
}

function typeLabel(type: string): string {
  return type.replace(/^bpmn:/, '').replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

function show(value: string | null): string {
  return value === null ? '(none)' : value;
}
