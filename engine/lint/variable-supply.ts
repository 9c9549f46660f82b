// Which variables a process can have, by the shared modelling convention: the
// outside world hands variables in only through an element's declared outputs.
// A process supplies the output targets of its own elements (start event,
// tasks, jobs, message catches, throw events, call activities …), Camunda 7
// output parameters and form fields, the result variable of a business rule
// task that calls a DMN decision, which the runtime sets itself (decision-call.ts),
// and the outputCollection of a Camunda 8 multi-instance activity, which the
// runtime gathers (runtime/multi-instance.ts). A call copies every parent
// variable into the child, with the call activity's own (its inputs, a
// multi-instance iteration's element and loopCounter) over them, unless each
// call activity calling it passes only what it names: Camunda 8
// propagateAllParentVariables="false" (only its own), Camunda 7 camunda:in
// elements without variables="all" (a source arrives under its target where the
// caller has it, or may come with a start variable of a caller that accepts
// any); every child variable comes back into the parent, unless each call
// activity calling it hands back only its outputs (runtime/call-variables.ts):
// Camunda 8 propagateAllChildVariables="false", Camunda 7 camunda:out without
// variables="all". The model follows the runtime, which passes variables as
// Camunda 8 does; a Camunda 7 call activity without camunda:in passes every
// variable there (Camunda 7 passes none). Flow-insensitive: what an element
// anywhere in the call tree writes counts as available everywhere the runtime
// passes it. Browser-safe; the condition-variables-supplied rule reads it.
import type { ModdleElement } from 'bpmn-moddle';
import { allFlowElements, extensionValues, propertyOf, TAKES_ORDERS_PROPERTY } from '../bpmn/process-model.js';
import { declaredDecisionCall } from './business-rule-task.js';
import { callCatchesOf, type CallCatches } from './error-catches.js';
import { callInputsOf, calledProcessOf, handsBackAllChildVariables, joinedCallInputs, type CallInputs, type CallInputsOfOne, type Narrowing } from './call-activity-variables.js';
import { is } from './rule-api.js';
import { writesOf, type Write } from './variable-writes.js';

/** What one process itself supplies, without its callers and callees. */
export interface ProcessSupply {
  key: string;
  /** Variables its own elements write (declared outputs, decision results). */
  supplies: string[];
  /**
   * Variables its elements and completers also set in its own scope, which a caller handing back every child
   * variable gets (variable-writes.ts): a script's or Camunda 7 delegate's result variable, the decision a user
   * task declaring nothing takes from the gateway after it (inferred-decision.ts), what a call activity passes
   * a process handing every variable back. Not supplies: a condition-variables-supplied finding on those stays
   * as it is. call-outcome-kept counts both as what the process decides. Absent when there are none.
   */
  alsoDecides?: string[];
  /** Its none start event declares the start variables; then it accepts no others. */
  declaresStart: boolean;
  /** Keys of the processes it calls. */
  calls: string[];
  /** It takes orders (zeebe:property takesOrders): it starts only through order entry. */
  takesOrders?: boolean;
  /**
   * Of `calls`, those whose every call activity hands back only its outputs (which are among `supplies`),
   * so their variables do not come back. Absent: every callee hands back all its variables.
   */
  callsHandingBackOutputsOnly?: string[];
  /**
   * Of `calls`, those whose call activities create variables in them (inputs) or do not hand them every
   * variable of the caller. Absent, or a callee not listed: it gets every variable and nothing else.
   */
  callInputs?: CallInputs[];
  /**
   * Its call activities, each with the BPMN errors it catches of the process it calls (error-catches.ts), so
   * error-end-caught follows an error nothing in a process catches up the calls. Absent when it has none.
   */
  callCatches?: CallCatches[];
}


/** The supply of every process of a document (moddle definitions). */
export function processSuppliesOf(definitions: ModdleElement): ProcessSupply[] {
  return (definitions?.rootElements ?? []).filter((element) => is(element, 'bpmn:Process')).map(processSupplyOf);
}

function processSupplyOf(process: ModdleElement): ProcessSupply {
  const supplies = new Set<string>();
  const calls = new Set<string>();
  const handingBackAll = new Set<string>();
  const inputs = new Map<string, CallInputsOfOne[]>();
  const decides = new Set<string>();
  let declaresStart = false;
  for (const element of allFlowElements(process)) {
    for (const name of namesSetInScope(element)) decides.add(name);
    const written = declaredOutputsOf(element);
    for (const name of written) supplies.add(name);
    if (written.length && isNoneStartOf(element, process)) declaresStart = true;
    for (const name of decisionResultOf(element)) supplies.add(name);
    const gathered = outputCollectionOf(element);
    if (gathered) supplies.add(gathered);
    const called = calledProcessOf(element);
    if (called) calls.add(called);
    if (called && handsBackAllChildVariables(element)) handingBackAll.add(called);
    if (called) inputs.set(called, [...(inputs.get(called) ?? []), callInputsOf(element, process)]);
  }
  const outputsOnly = [...calls].filter((key) => !handingBackAll.has(key));
  const callInputs = [...inputs].map(([key, ofEach]) => joinedCallInputs(key, ofEach)).filter((call) => call.creates.length || call.passes || call.narrowedBy);
  const alsoDecides = [...decides].filter((name) => !supplies.has(name)).sort();
  const callCatches = callCatchesOf(process);
  return {
    key: process.id, supplies: [...supplies].sort(), declaresStart, calls: [...calls],
    ...(alsoDecides.length && { alsoDecides }),
    ...(propertyOf(process, TAKES_ORDERS_PROPERTY)?.trim() === 'true' && { takesOrders: true }),
    ...(outputsOnly.length && { callsHandingBackOutputsOnly: outputsOnly }),
    ...(callInputs.length && { callInputs }),
    ...(callCatches.length && { callCatches }),
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
  /** Every variable that can be present in the process, at Stratum's run time. */
  variables: Set<string>;
  /**
   * Variables a process of its call tree writes that do not reach it, each with the processes that
   * write it: their call activities hand back only their outputs.
   */
  withheld: Map<string, string[]>;
  /**
   * Variables a caller (at any depth) has that do not reach it, each with the call activities on the way
   * that do not pass it (Camunda 7 camunda:in without variables="all", Camunda 8
   * propagateAllParentVariables="false" without a zeebe:input for it).
   */
  notPassed: Map<string, Narrowing>;
  /**
   * Why no other variable can be: the process declares its start variables
   * ('declares'), it is called only from processes that accept no others
   * ('callers'), or the call activities from processes that do pass only what they
   * name ('narrowed', those in `narrowedBy`). Undefined when it accepts any start variables (a root, or a
   * process called from one with every variable, whose start event declares nothing).
   */
  closed?: 'declares' | 'callers' | 'narrowed';
  /** With closed 'narrowed': the call activities from processes accepting any start variables, which pass only what they name. */
  narrowedBy?: Narrowing;
  /** With closed 'callers': the processes calling it, sorted (each closed itself), where what it reads would have to come from. */
  closedCallers?: string[];
  /** The processes (at any depth) that hand it every variable and are called by none: where its variables enter. Empty for a root. */
  entries: string[];
  /**
   * Variables nothing supplies that a process accepting any start variables may still bring in, passed
   * through Camunda 7 camunda:in source/target (so only where it is `closed` for other variables).
   */
  fromStart: Map<string, StartOrigin[]>;
}

/** Where a variable may enter as a start variable, before call activities pass it on. */
export interface StartOrigin {
  /** Its name at the start event. */
  name: string;
  /** The processes at whose start event it enters. */
  entries: string[];
  /** The call activities on the way that pass it under another name; empty when it keeps its name. */
  renamedBy: string[];
}

/** One caller-to-callee edge of the call graph, as the supply follows it. */
interface CallEdge extends Omit<CallInputs, 'key'> {
  caller: string;
  callee: string;
  handsBackAll: boolean;
}

/** What is available in each process of `processes`, following the call graph both ways. */
export function supplyAtEachProcess(processes: ProcessSupply[]): Map<string, SupplyAtProcess> {
  const byKey = new Map(processes.map((process) => [process.key, process]));
  const edges = callEdgesOf(processes);
  const incoming = (key: string) => edges.filter((edge) => edge.callee === key);
  const callers = (key: string) => incoming(key).map((edge) => edge.caller);
  const open = openProcesses(processes, incoming);
  const allCalls = (key: string) => byKey.get(key)?.calls ?? [];
  const available = variablesAt(processes, edges);
  const passingAll = (key: string) => incoming(key).filter(passesAll).map((edge) => edge.caller);
  const entries = new Map(processes.map((process) => [
    process.key, [...reachable(process.key, passingAll)].filter((key) => key !== process.key && callers(key).length === 0).sort(),
  ]));
  const fromStart = startVariablesAt(processes, edges, available, open, (key) => (entries.get(key)!.length ? entries.get(key)! : [key]));
  const result = new Map<string, SupplyAtProcess>();
  for (const process of processes) {
    const variables = available.get(process.key)!;
    const ancestors = reachable(process.key, callers);
    const withheld = new Map<string, string[]>();
    for (const ancestor of ancestors) {
      for (const key of reachable(ancestor, allCalls)) {
        for (const name of byKey.get(key)?.supplies ?? []) {
          if (!variables.has(name)) addTo(withheld, name, key);
        }
      }
    }
    // an edge into the process or one of its callers where a variable of the caller stops
    const notPassed = new Map<string, Narrowing>();
    for (const edge of edges.filter((candidate) => candidate.narrowedBy && ancestors.has(candidate.callee))) {
      for (const name of available.get(edge.caller) ?? []) {
        if (!variables.has(name) && !available.get(edge.callee)?.has(name)) notPassed.set(name, joinNarrowing(notPassed.get(name), edge.narrowedBy!));
      }
    }
    const calls = incoming(process.key);
    const closed = open.has(process.key) ? undefined : closedBecause(process, calls, open);
    const narrowedBy = closed === 'narrowed'
      ? calls.filter((edge) => open.has(edge.caller)).reduce<Narrowing>((joined, edge) => joinNarrowing(joined, edge.narrowedBy ?? {}), {})
      : undefined;
    const closedCallers = closed === 'callers' ? [...new Set(calls.map((edge) => edge.caller))].sort() : undefined;
    result.set(process.key, {
      variables, withheld, notPassed, entries: entries.get(process.key)!, fromStart: fromStart.get(process.key)!, ...(closed && { closed }), ...(narrowedBy && { narrowedBy }),
      ...(closedCallers && { closedCallers }),
    });
  }
  return result;
}

// helpers

/**
 * The variables each process can have: what it and the processes it calls (handing back every variable)
 * write, its own supply, and what its call activities create in a callee and it gets back; then, into a
 * callee, what its call activities create and, through those handing it every variable, all the caller has.
 */
function variablesAt(processes: ProcessSupply[], edges: CallEdge[]): Map<string, Set<string>> {
  const own = new Map(processes.map((process) => [process.key, new Set(process.supplies)]));
  untilStable(() => {
    let changed = false;
    for (const edge of edges.filter((candidate) => candidate.handsBackAll)) {
      changed = addAll(own.get(edge.caller)!, [...own.get(edge.callee) ?? [], ...edge.creates]) || changed;
    }
    return changed;
  });
  const variables = new Map([...own].map(([key, names]) => [key, new Set(names)]));
  untilStable(() => {
    let changed = false;
    for (const edge of edges) {
      const callerHas = variables.get(edge.caller)!;
      // a camunda:in source the caller has arrives under its target, and comes back with every child variable
      const renamed = (edge.passes ?? []).filter(({ source }) => callerHas.has(source)).map(({ target }) => target);
      if (edge.handsBackAll) changed = addAll(callerHas, renamed) || changed;
      const into = variables.get(edge.callee);
      if (into) changed = addAll(into, [...edge.creates, ...renamed, ...(passesAll(edge) ? callerHas : [])]) || changed;
    }
    return changed;
  });
  return variables;
}

/**
 * What may come from the start variables of processes accepting any, into the processes that do not:
 * a camunda:in source the caller lacks, from such a process or passed on to it, and then on down through
 * calls handing every variable. A process declaring its start variables takes in none of them.
 */
function startVariablesAt(processes: ProcessSupply[], edges: CallEdge[], variables: Map<string, Set<string>>, open: Set<string>,
  entriesOf: (key: string) => string[]): Map<string, Map<string, StartOrigin[]>> {
  const declaring = new Set(processes.filter((process) => process.declaresStart).map((process) => process.key));
  const result = new Map(processes.map((process) => [process.key, new Map<string, StartOrigin[]>()]));
  untilStable(() => {
    let changed = false;
    for (const edge of edges.filter((candidate) => result.has(candidate.callee) && !declaring.has(candidate.callee))) {
      const into = result.get(edge.callee)!;
      const known = result.get(edge.caller)!;
      const add = (name: string, origins: StartOrigin[]) => {
        if (variables.get(edge.callee)!.has(name)) return;
        for (const origin of origins) changed = addOrigin(into, name, origin) || changed;
      };
      for (const { source, target, by } of edge.passes ?? []) {
        if (variables.get(edge.caller)!.has(source)) continue;
        const origins = open.has(edge.caller) ? [{ name: source, entries: entriesOf(edge.caller), renamedBy: [] }] : known.get(source) ?? [];
        add(target, origins.map((origin) => (source === target || origin.renamedBy.includes(by) ? origin : { ...origin, renamedBy: [...origin.renamedBy, by] })));
      }
      if (passesAll(edge) && !open.has(edge.caller)) for (const [name, origins] of known) add(name, origins);
    }
    return changed;
  });
  return result;
}

function callEdgesOf(processes: ProcessSupply[]): CallEdge[] {
  return processes.flatMap((process) => process.calls.map((callee): CallEdge => {
    const inputs = process.callInputs?.find((call) => call.key === callee);
    return {
      caller: process.key, callee, creates: inputs?.creates ?? [],
      handsBackAll: !(process.callsHandingBackOutputsOnly ?? []).includes(callee),
      ...(inputs?.passes && { passes: inputs.passes }),
      ...(inputs?.narrowedBy && { narrowedBy: inputs.narrowedBy }),
    };
  }));
}

/** Whether a call hands the callee every variable of the caller: unless camunda:in or propagateAllParentVariables="false" narrows it. */
function passesAll(edge: CallEdge): boolean {
  return !edge.narrowedBy;
}

/**
 * A process accepts any start variables unless it declares them, or every
 * call to it comes from a process that accepts none or passes only what it names.
 * Processes only reachable through a call cycle count as open (nothing proves otherwise).
 */
function openProcesses(processes: ProcessSupply[], incoming: (key: string) => CallEdge[]): Set<string> {
  const open = new Set(processes.filter((process) => !process.declaresStart).map((process) => process.key));
  untilStable(() => {
    let changed = false;
    for (const key of open) {
      const calls = incoming(key);
      if (calls.length > 0 && !calls.some((edge) => passesAll(edge) && open.has(edge.caller))) changed = open.delete(key);
    }
    return changed;
  });
  return open;
}

/** Why a process that does not accept any start variables accepts none (see SupplyAtProcess.closed). */
function closedBecause(process: ProcessSupply, calls: CallEdge[], open: Set<string>): SupplyAtProcess['closed'] {
  if (process.declaresStart) return 'declares';
  return calls.some((edge) => open.has(edge.caller)) ? 'narrowed' : 'callers';
}

/** Repeats `step` while it changes something (the call graph may have cycles). */
function untilStable(step: () => boolean): void {
  while (step());
}

/** Adds `names` to `set`; whether any was new. */
function addAll(set: Set<string>, names: Iterable<string>): boolean {
  const size = set.size;
  for (const name of names) set.add(name);
  return set.size > size;
}

/** Adds `origin` to those of `name`; whether it was new. */
function addOrigin(map: Map<string, StartOrigin[]>, name: string, origin: StartOrigin): boolean {
  const origins = map.get(name) ?? [];
  if (origins.some((known) => JSON.stringify(known) === JSON.stringify(origin))) return false;
  map.set(name, [...origins, origin]);
  return true;
}

/** Adds `values` to the sorted list of `key`, without duplicates. */
function addTo(map: Map<string, string[]>, key: string, ...values: string[]): void {
  map.set(key, [...new Set([...(map.get(key) ?? []), ...values])].sort());
}

/** The call activities of both, by rule, each list sorted and without duplicates. */
function joinNarrowing(known: Narrowing | undefined, more: Narrowing): Narrowing {
  const joined: Narrowing = { ...known };
  for (const [rule, labels] of Object.entries(more) as [keyof Narrowing, string[]][]) joined[rule] = [...new Set([...(joined[rule] ?? []), ...labels])].sort();
  return joined;
}

/** `start` (one key or several) and every key reachable from it through `next`. */
export function reachable(start: string | Iterable<string>, next: (key: string) => readonly string[]): Set<string> {
  const seen = new Set(typeof start === 'string' ? [start] : start);
  const queue = [...seen];
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

/**
 * What an element sets in the process's scope, as the runtime hands it back to a caller: its outputs and what
 * the runtime, a completer or a worker sets under a declared name, and what a call activity passes a process
 * that hands every variable back. A local input stays in the element's scope and is not handed back.
 */
function namesSetInScope(element: ModdleElement): string[] {
  const comesBack = (write: Write) => write.kind !== 'input' || (write.callInput === true && handsBackAllChildVariables(element));
  return writesOf(element).filter(comesBack).map((write) => write.target);
}

/** The process's own none start event (not one of a sub-process). */
function isNoneStartOf(element: ModdleElement, process: ModdleElement): boolean {
  return is(element, 'bpmn:StartEvent') && element.$parent === process && (element.eventDefinitions ?? []).length === 0;
}
