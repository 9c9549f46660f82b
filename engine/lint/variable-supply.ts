// Which variables a process can have, by the shared modelling convention: the
// outside world hands variables in only through an element's declared outputs.
// A process supplies the output targets of its own elements (start event,
// tasks, jobs, message catches, throw events, call activities …), Camunda 7
// output parameters and form fields, the result variable of a business rule
// task that calls a DMN decision, which the runtime sets itself (decision-call.ts),
// and the outputCollection of a Camunda 8 multi-instance activity, which the
// runtime gathers (runtime/multi-instance.ts). A call copies every parent
// variable into the child; every child variable comes back into the parent,
// unless each call activity calling it hands back only its outputs
// (runtime/call-variables.ts): Camunda 8 propagateAllChildVariables="false",
// Camunda 7 camunda:out without variables="all". Flow-insensitive: what an
// element anywhere in the call tree writes counts as available everywhere the
// runtime passes it. Browser-safe; the condition-variables-supplied rule reads it.
import type { ModdleElement } from 'bpmn-moddle';
import { camunda7CallVariables } from '../bpmn/camunda7-call-variables.js';
import { allFlowElements, extensionValues } from '../bpmn/process-model.js';
import { declaredDecisionCall } from './business-rule-task.js';
import { is } from './rule-api.js';

/** What one process itself supplies, without its callers and callees. */
export interface ProcessSupply {
  key: string;
  /** Variables its own elements write (declared outputs, decision results). */
  supplies: string[];
  /** Its none start event declares the start variables; then it accepts no others. */
  declaresStart: boolean;
  /** Keys of the processes it calls. */
  calls: string[];
  /**
   * Of `calls`, those whose every call activity hands back only its outputs (which are among `supplies`),
   * so their variables do not come back. Absent: every callee hands back all its variables.
   */
  callsHandingBackOutputsOnly?: string[];
}

/** The supply of every process of a document (moddle definitions). */
export function processSuppliesOf(definitions: ModdleElement): ProcessSupply[] {
  return (definitions?.rootElements ?? []).filter((element) => is(element, 'bpmn:Process')).map(processSupplyOf);
}

function processSupplyOf(process: ModdleElement): ProcessSupply {
  const supplies = new Set<string>();
  const calls = new Set<string>();
  const handingBackAll = new Set<string>();
  let declaresStart = false;
  for (const element of allFlowElements(process)) {
    const written = declaredOutputsOf(element);
    for (const name of written) supplies.add(name);
    if (written.length && isNoneStartOf(element, process)) declaresStart = true;
    for (const name of decisionResultOf(element)) supplies.add(name);
    const gathered = outputCollectionOf(element);
    if (gathered) supplies.add(gathered);
    const called = calledProcessOf(element);
    if (called) calls.add(called);
    if (called && handsBackAllChildVariables(element)) handingBackAll.add(called);
  }
  const outputsOnly = [...calls].filter((key) => !handingBackAll.has(key));
  return {
    key: process.id, supplies: [...supplies].sort(), declaresStart, calls: [...calls],
    ...(outputsOnly.length && { callsHandingBackOutputsOnly: outputsOnly }),
  };
}

/**
 * The library as the rule sees it: `library` (deployed latest versions, or what
 * the modeler knows), with the processes of `overrides` (the documents at hand)
 * in place of deployed versions of the same key.
 */
export function mergeSupplies(library: ProcessSupply[], overrides: ProcessSupply[]): ProcessSupply[] {
  const byKey = new Map(library.map((process) => [process.key, process]));
  for (const process of overrides) byKey.set(process.key, process);
  return [...byKey.values()];
}

export interface SupplyAtProcess {
  /** Every variable that can be present in the process. */
  variables: Set<string>;
  /**
   * Variables a process of its call tree writes that do not reach it, each with the processes that
   * write it: their call activities hand back only their outputs.
   */
  withheld: Map<string, string[]>;
  /**
   * Why no other variable can be: the process declares its start variables
   * ('declares'), or it is called only from processes that accept no others
   * ('callers'). Undefined when it accepts any start variables (a root, or a
   * process called from one, whose start event declares nothing).
   */
  closed?: 'declares' | 'callers';
  /** The processes (at any depth) that call it and are called by none: where its variables enter. Empty for a root. */
  entries: string[];
}

/** What is available in each process of `processes`, following the call graph both ways. */
export function supplyAtEachProcess(processes: ProcessSupply[]): Map<string, SupplyAtProcess> {
  const byKey = new Map(processes.map((process) => [process.key, process]));
  const callers = new Map<string, string[]>(processes.map((process) => [process.key, []]));
  for (const process of processes) {
    for (const callee of process.calls) callers.get(callee)?.push(process.key);
  }
  const open = openProcesses(processes, callers);
  const allCalls = (key: string) => byKey.get(key)?.calls ?? [];
  const handingBackAll = (key: string) => {
    const outputsOnly = byKey.get(key)?.callsHandingBackOutputsOnly ?? [];
    return allCalls(key).filter((callee) => !outputsOnly.includes(callee));
  };
  const result = new Map<string, SupplyAtProcess>();
  for (const process of processes) {
    const variables = new Set<string>();
    const ancestors = reachable(process.key, (key) => callers.get(key) ?? []);
    // Everything a caller (at any depth) has at the call is copied in; what a
    // callee (at any depth) writes is copied back out, unless a call on the way hands back only its outputs.
    for (const ancestor of ancestors) {
      for (const key of reachable(ancestor, handingBackAll)) {
        for (const name of byKey.get(key)?.supplies ?? []) variables.add(name);
      }
    }
    const withheld = new Map<string, string[]>();
    for (const ancestor of ancestors) {
      for (const key of reachable(ancestor, allCalls)) {
        for (const name of byKey.get(key)?.supplies ?? []) {
          if (variables.has(name)) continue;
          const writers = withheld.get(name) ?? [];
          if (!writers.includes(key)) withheld.set(name, [...writers, key].sort());
        }
      }
    }
    const closed = open.has(process.key) ? undefined : process.declaresStart ? 'declares' : 'callers';
    const entries = [...ancestors].filter((key) => key !== process.key && (callers.get(key) ?? []).length === 0).sort();
    result.set(process.key, { variables, withheld, entries, ...(closed && { closed }) });
  }
  return result;
}

// helpers

/**
 * A process accepts any start variables unless it declares them, or every
 * process that calls it accepts none. Processes only reachable through a call
 * cycle count as open (nothing proves otherwise).
 */
function openProcesses(processes: ProcessSupply[], callers: Map<string, string[]>): Set<string> {
  const open = new Set(processes.filter((process) => !process.declaresStart).map((process) => process.key));
  for (let changed = true; changed; ) {
    changed = false;
    for (const key of open) {
      const calledBy = callers.get(key) ?? [];
      if (calledBy.length > 0 && !calledBy.some((caller) => open.has(caller))) {
        open.delete(key);
        changed = true;
      }
    }
  }
  return open;
}

/** `start` and every key reachable from it through `next`. */
function reachable(start: string, next: (key: string) => string[]): Set<string> {
  const seen = new Set([start]);
  const queue = [start];
  while (queue.length) {
    for (const key of next(queue.pop()!)) {
      if (!seen.has(key)) {
        seen.add(key);
        queue.push(key);
      }
    }
  }
  return seen;
}

/** The variables an element writes when it completes. */
function declaredOutputsOf(element: ModdleElement): string[] {
  const names: string[] = [];
  for (const mapping of extensionValues(element, 'zeebe:IoMapping')) {
    for (const output of mapping.outputParameters ?? []) if (output.target) names.push(String(output.target).trim());
  }
  for (const inputOutput of extensionValues(element, 'camunda:InputOutput')) {
    for (const output of inputOutput.outputParameters ?? []) if (output.name) names.push(String(output.name).trim());
  }
  for (const form of extensionValues(element, 'camunda:FormData')) {
    for (const field of form.fields ?? []) if (field.id) names.push(String(field.id).trim());
  }
  for (const out of extensionValues(element, 'camunda:Out')) if (out.target) names.push(String(out.target).trim());
  return names.filter(Boolean);
}

/**
 * What a business rule task's decision writes, read as the runtime reads it
 * (runtime/decision-task.ts): its result variable. Camunda 7 without
 * camunda:resultVariable drops the result, and a mapDecisionResult Camunda 7
 * does not know fails the task: then it writes nothing. Its output mappings
 * are declared outputs like any element's.
 */
function decisionResultOf(element: ModdleElement): string[] {
  const call = declaredDecisionCall(element);
  return call?.resultVariable && call.unknownMapping === undefined ? [call.resultVariable] : [];
}

/**
 * The variable a Camunda 8 multi-instance activity gathers its iterations' outputElement in, set in the
 * activity's scope once the loop starts (runtime/multi-instance.ts). Camunda 7 has no output collection.
 */
function outputCollectionOf(element: ModdleElement): string | undefined {
  const loop = element.loopCharacteristics;
  if (!loop || !is(loop, 'bpmn:MultiInstanceLoopCharacteristics')) return undefined;
  const gathered: unknown = extensionValues(loop, 'zeebe:LoopCharacteristics')[0]?.outputCollection;
  return typeof gathered === 'string' && gathered ? gathered : undefined;
}

/** The process's own none start event (not one of a sub-process). */
function isNoneStartOf(element: ModdleElement, process: ModdleElement): boolean {
  return is(element, 'bpmn:StartEvent') && element.$parent === process && (element.eventDefinitions ?? []).length === 0;
}

/**
 * Whether completing the call activity hands every child variable back, as runtime/call-variables.ts does:
 * not with camunda:out elements none of which passes variables="all" (Camunda 7), nor with
 * propagateAllChildVariables="false" (Camunda 8); then only its outputs come back.
 */
function handsBackAllChildVariables(call: ModdleElement): boolean {
  const outs = camunda7CallVariables(call).mappings?.outs;
  if (outs) return outs.some((out) => 'all' in out);
  return extensionValues(call, 'zeebe:CalledElement')[0]?.propagateAllChildVariables !== false;
}

function calledProcessOf(element: ModdleElement): string | undefined {
  if (!is(element, 'bpmn:CallActivity')) return undefined;
  const called = extensionValues(element, 'zeebe:CalledElement')[0];
  const key = String(called?.processId || element.calledElement || '').trim();
  return key && !key.startsWith('=') ? key : undefined;
}
