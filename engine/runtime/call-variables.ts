// Variables across a call activity, as Camunda 8 passes them: the child starts
// with the caller's variables and the call activity's inputs over them, or, with
// propagateAllParentVariables="false", with only the call activity's own
// variables: its inputs, and a multi-instance iteration's element and
// loopCounter. It hands back all of its variables, or, with
// propagateAllChildVariables="false", only what the call activity's outputs read
// from them. The order-change loop of sales-order-management re-approves a
// changed amount this way without the child's `reportingAmount` ever reaching
// the order (docs/modelling.md). A Camunda 7 call activity's
// `camunda:in`/`camunda:out` pass only what they name (camunda7-call-variables.ts).
import { passCallVariables } from '../bpmn/camunda7-call-variables.js';
import type { ElementInfo } from '../bpmn/process-model.js';
import { evaluateFeel, feelBody, isFeel } from '../feel/feel-expression.js';

/**
 * The variables a called child starts with. `callScope`: the variables the call activity sees, a
 * multi-instance iteration's element and loopCounter over the caller's (the call's wait row has them).
 */
export function childStartVariables(call: ElementInfo | undefined, callScope: Record<string, unknown>): Record<string, unknown> {
  const local: Record<string, unknown> = {};
  for (const { source, target } of call?.inputs ?? []) {
    local[target] = isFeel(source) ? evaluateFeel(feelBody(source), { ...callScope, ...local }) ?? null : source;
  }
  const scope = Object.keys(local).length ? { ...callScope, ...local } : callScope;
  // camunda:in reads the call activity's scope, its inputs included
  const ins = call?.camunda7Call?.ins;
  if (ins) return passCallVariables(ins, scope);
  // Camunda 8 then copies the call activity's local variables: an iteration's own, and the inputs over them
  if (call?.propagatesParentVariables === false) return { ...iterationVariablesIn(call, callScope), ...local };
  return scope;
}

/**
 * What completing the call activity hands to the caller. `outputsApplied`: the
 * variables are already the call activity's outputs (not evaluated again).
 */
export function childReturnVariables(call: ElementInfo | undefined, childVariables: Record<string, unknown>): { variables: Record<string, unknown>; outputsApplied?: true } {
  const outs = call?.camunda7Call?.outs;
  if (outs) return { variables: passCallVariables(outs, childVariables) };
  if (call?.propagatesChildVariables !== false) return { variables: childVariables };
  const outputs: Record<string, unknown> = {};
  for (const { source, target } of call.outputs ?? []) {
    outputs[target] = isFeel(source) ? evaluateFeel(feelBody(source), childVariables) ?? null : source;
  }
  return { variables: outputs, outputsApplied: true };
}

/** A multi-instance call activity's iteration variables, as its scope has them (none for another call). */
function iterationVariablesIn(call: ElementInfo, callScope: Record<string, unknown>): Record<string, unknown> {
  const names = (call.iterationVariables ?? []).filter((name) => name in callScope);
  return Object.fromEntries(names.map((name) => [name, callScope[name]]));
}
