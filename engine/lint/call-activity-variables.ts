// What a call activity hands the process it calls when it starts, and hands
// back when the child ends, read as runtime/call-variables.ts passes them: the
// caller's variables with the call activity's inputs over them, or only its own
// variables (its inputs, a multi-instance iteration's element and loopCounter)
// with Camunda 8's propagateAllParentVariables="false", or with Camunda 7
// camunda:in elements only what they pass; every child variable back, or with
// camunda:out (Camunda 7) or propagateAllChildVariables="false" (Camunda 8) only
// the outputs. Browser-safe; variable-supply.ts builds on it.
import type { ModdleElement } from 'bpmn-moddle';
import { camunda7CallVariables } from '../bpmn/camunda7-call-variables.js';
import { extensionValues, iterationVariablesOf, readsCamundaInputOutput } from '../bpmn/process-model.js';
import { elementLabel } from './element-label.js';
import { is } from './rule-api.js';

/** What the call activities of a process to one called process hand it at the start. */
export interface CallInputs {
  key: string;
  /**
   * Variables they create in it, whatever the caller has: their inputs (zeebe:input, Camunda 7 input
   * parameters passed on), a multi-instance iteration's element and loopCounter, and the targets of
   * camunda:in sourceExpression.
   */
  creates: string[];
  /**
   * Variables of the caller they pass under a name (camunda:in source/target; the target is null in the
   * callee when the caller lacks the source), each with the call activity that passes it. Absent: none.
   */
  passes?: PassedVariable[];
  /**
   * Absent: one of them hands it every variable of the caller. Otherwise each of them passes only what it
   * names, at run time as in Camunda: they are listed by what narrows them (Narrowing).
   */
  narrowedBy?: Narrowing;
}

/**
 * What makes a call activity pass only what it names: Camunda 7 camunda:in elements without
 * variables="all" (only their targets), Camunda 8 propagateAllParentVariables="false" (only its inputs).
 */
type NarrowingRule = 'camunda:in' | 'propagateAllParentVariables';

/** Call activities that pass only what they name, labelled with their process, by what narrows them. */
export type Narrowing = Partial<Record<NarrowingRule, string[]>>;

interface PassedVariable {
  source: string;
  target: string;
  /** The call activity, labelled with its process. */
  by: string;
}

/**
 * Whether completing the call activity hands every child variable back, as runtime/call-variables.ts does:
 * not with camunda:out elements none of which passes variables="all" (Camunda 7), nor with
 * propagateAllChildVariables="false" (Camunda 8); then only its outputs come back.
 */
export function handsBackAllChildVariables(call: ModdleElement): boolean {
  const outs = camunda7CallVariables(call).mappings?.outs;
  if (outs) return outs.some((out) => 'all' in out);
  return extensionValues(call, 'zeebe:CalledElement')[0]?.propagateAllChildVariables !== false;
}

/** What one call activity hands the called process at the start. */
export type CallInputsOfOne = Omit<CallInputs, 'key' | 'narrowedBy' | 'passes'> & { passes: PassedVariable[]; narrowedBy?: NarrowingRule; label: string };

/**
 * As runtime/call-variables.ts starts a child: the caller's variables with the call activity's own over
 * them (zeebe:input; Camunda 7 input parameters, local-inputs.ts; a multi-instance iteration's element and
 * loopCounter); only its own with propagateAllParentVariables="false"; with camunda:in elements, only what
 * they pass (a source variable or an expression under its target; everything with variables="all").
 */
export function callInputsOf(call: ModdleElement, process: ModdleElement): CallInputsOfOne {
  const label = `${elementLabel(call)} of process "${process.id}"`;
  const inputs = [
    ...iterationVariablesOf(call),
    ...extensionValues(call, 'zeebe:IoMapping').flatMap((mapping) => mapping.inputParameters ?? []).map((input) => input.target),
    ...(readsCamundaInputOutput(call) ? extensionValues(call, 'camunda:InputOutput').flatMap((io) => io.inputParameters ?? []).map((input) => input.name) : []),
  ].map((name) => String(name ?? '').trim()).filter(Boolean);
  const ins = camunda7CallVariables(call).mappings?.ins;
  if (ins) {
    const computed = ins.flatMap((mapping) => ('feel' in mapping ? [mapping.target] : []));
    const passes = ins.flatMap((mapping) => ('variable' in mapping ? [{ source: mapping.variable, target: mapping.target, by: label }] : []));
    return ins.some((mapping) => 'all' in mapping)
      ? { creates: [...inputs, ...computed], passes, label }
      : { creates: computed, passes, narrowedBy: 'camunda:in', label };
  }
  const narrowed = extensionValues(call, 'zeebe:CalledElement')[0]?.propagateAllParentVariables === false;
  return { creates: inputs, passes: [], label, ...(narrowed && { narrowedBy: 'propagateAllParentVariables' as const }) };
}

/** The call activities of one caller to one callee together: what any creates; narrowed only when each is. */
export function joinedCallInputs(key: string, calls: CallInputsOfOne[]): CallInputs {
  const creates = [...new Set(calls.flatMap((call) => call.creates))].sort();
  const passes = calls.flatMap((call) => call.passes);
  const joined = { key, creates, ...(passes.length && { passes }) };
  if (calls.some((call) => !call.narrowedBy)) return joined;
  const narrowedBy: Narrowing = {};
  for (const { narrowedBy: rule, label } of calls) if (rule) narrowedBy[rule] = [...(narrowedBy[rule] ?? []), label];
  return { ...joined, narrowedBy };
}

/** The key of the process a call activity names; none for an expression (`=…`), which only the run decides. */
export function calledProcessOf(element: ModdleElement): string | undefined {
  const key = calledElementOf(element);
  return key && !key.startsWith('=') ? key : undefined;
}

/** Whether a call activity names the process it calls by an expression (`=…`): then it may call any process. */
export function callsComputedProcess(element: ModdleElement): boolean {
  return calledElementOf(element).startsWith('=');
}

/** What a call activity names as the process it calls, as written; empty for any other element. */
function calledElementOf(element: ModdleElement): string {
  if (!is(element, 'bpmn:CallActivity')) return '';
  const called = extensionValues(element, 'zeebe:CalledElement')[0];
  return String(called?.processId || element.calledElement || '').trim();
}
