// What a call activity hands the process it calls when it starts, and hands
// back when the child ends, read as runtime/call-variables.ts passes them: the
// caller's variables with the call activity's inputs over them, or with Camunda 7
// camunda:in elements only what they pass; every child variable back, or with
// camunda:out (Camunda 7) or propagateAllChildVariables="false" (Camunda 8) only
// the outputs. Camunda 8's propagateAllParentVariables="false" is read too, though
// the runtime does not apply it. Browser-safe; variable-supply.ts builds on it.
import type { ModdleElement } from 'bpmn-moddle';
import { camunda7CallVariables } from '../bpmn/camunda7-call-variables.js';
import { extensionValues, readsCamundaInputOutput } from '../bpmn/process-model.js';
import { elementLabel } from './element-label.js';
import { is } from './rule-api.js';

/** What the call activities of a process to one called process hand it at the start. */
export interface CallInputs {
  key: string;
  /**
   * Variables they create in it, whatever the caller has: their inputs (zeebe:input, Camunda 7 input
   * parameters passed on) and the targets of camunda:in sourceExpression.
   */
  creates: string[];
  /**
   * Variables of the caller they pass under a name (camunda:in source/target; the target is null in the
   * callee when the caller lacks the source), each with the call activity that passes it. Absent: none.
   */
  passes?: PassedVariable[];
  /**
   * Absent: one of them hands it every variable of the caller, at run time. Otherwise what narrows them, and
   * where: 'camunda:in', Camunda 7 camunda:in elements without variables="all", which pass only their targets
   * (at run time too); 'propagateAllParentVariables', Camunda 8's propagateAllParentVariables="false", which
   * passes only the inputs on Camunda 8 but every variable at Stratum's run time (call-variables.ts does not read it).
   */
  narrowedBy?: { rule: NarrowingRule; callActivities: string[] };
}

type NarrowingRule = 'camunda:in' | 'propagateAllParentVariables';

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
 * As runtime/call-variables.ts starts a child: the caller's variables with the call activity's inputs over
 * them (zeebe:input; Camunda 7 input parameters, local-inputs.ts); with camunda:in elements, only what they
 * pass (a source variable or an expression under its target; everything with variables="all"). Camunda 8
 * passes only the inputs with propagateAllParentVariables="false", which the runtime does not read.
 */
export function callInputsOf(call: ModdleElement, process: ModdleElement): CallInputsOfOne {
  const label = `${elementLabel(call)} of process "${process.id}"`;
  const inputs = [
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

/**
 * The call activities of one caller to one callee together: what any creates; narrowed only when each is,
 * by Camunda 8's rule when any uses it (the runtime hands every variable through it).
 */
export function joinedCallInputs(key: string, calls: CallInputsOfOne[]): CallInputs {
  const creates = [...new Set(calls.flatMap((call) => call.creates))].sort();
  const passes = calls.flatMap((call) => call.passes);
  const joined = { key, creates, ...(passes.length && { passes }) };
  if (calls.some((call) => !call.narrowedBy)) return joined;
  const rule = calls.some((call) => call.narrowedBy === 'propagateAllParentVariables') ? 'propagateAllParentVariables' : 'camunda:in';
  return { ...joined, narrowedBy: { rule, callActivities: calls.filter((call) => call.narrowedBy === rule).map((call) => call.label) } };
}

/** The key of the process a call activity names; none for an expression (`=…`), which only the run decides. */
export function calledProcessOf(element: ModdleElement): string | undefined {
  if (!is(element, 'bpmn:CallActivity')) return undefined;
  const called = extensionValues(element, 'zeebe:CalledElement')[0];
  const key = String(called?.processId || element.calledElement || '').trim();
  return key && !key.startsWith('=') ? key : undefined;
}
