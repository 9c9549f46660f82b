// Variables across a call activity, as Camunda 8 passes them: the child starts
// with the caller's variables and the call activity's inputs over them; it hands
// back all of its variables, or, with propagateAllChildVariables="false", only
// what the call activity's outputs read from them. The order-change loop of
// sales-order-management re-approves a changed amount this way without the
// child's `reportingAmount` ever reaching the order (docs/modelling.md).
import type { ElementInfo } from '../bpmn/process-model.js';
import { evaluateFeel, feelBody, isFeel } from '../feel/feel-expression.js';

/** The variables a called child starts with. */
export function childStartVariables(call: ElementInfo | undefined, parentVariables: Record<string, unknown>): Record<string, unknown> {
  if (!call?.inputs?.length) return parentVariables;
  const local: Record<string, unknown> = {};
  for (const { source, target } of call.inputs) {
    local[target] = isFeel(source) ? evaluateFeel(feelBody(source), { ...parentVariables, ...local }) ?? null : source;
  }
  return { ...parentVariables, ...local };
}

/**
 * What completing the call activity hands to the caller. `outputsApplied`: the
 * variables are already the call activity's outputs (not evaluated again).
 */
export function childReturnVariables(call: ElementInfo | undefined, childVariables: Record<string, unknown>): { variables: Record<string, unknown>; outputsApplied?: true } {
  if (call?.propagatesChildVariables !== false) return { variables: childVariables };
  const outputs: Record<string, unknown> = {};
  for (const { source, target } of call.outputs ?? []) {
    outputs[target] = isFeel(source) ? evaluateFeel(feelBody(source), childVariables) ?? null : source;
  }
  return { variables: outputs, outputsApplied: true };
}
