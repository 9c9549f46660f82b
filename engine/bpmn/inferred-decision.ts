// "A decision is made where it is asked for", for diagrams from other tools.
// A Camunda user task often declares nothing (no form fields, no outputs)
// while the gateway after it reads what its completer sends (`#{approved}`).
// Outside the shipped library such a task takes the variables its following
// gateways read as its decision: they become its required outputs, so
// completing it must send each of them (completion-variables.ts refuses a
// completion without one) and no value set earlier, by an earlier round of a
// rework loop say, can stand in for the decision. The shipped library keeps
// the stricter rule: a task declares its decision (decision-reads-own-output).
// The order fields are never inferred: nobody writes them after entry. Browser-safe.
import type { ModdleElement } from 'bpmn-moddle';
import { tryCompileExpression } from '../expressions/compile-expression.js';
import { ORDER_VARIABLES } from '../orders/order-entry.js';

const DECIDING_GATEWAYS = new Set(['bpmn:ExclusiveGateway', 'bpmn:InclusiveGateway']);
const ORDER_FIELDS = new Set<string>(ORDER_VARIABLES);

/**
 * The variables the conditions of the exclusive and inclusive gateways directly
 * after a user task read (in document order), for a task that declares no outputs.
 */
export function inferredDecisionVariables(task: ModdleElement): string[] {
  if (task.$type !== 'bpmn:UserTask') return [];
  const names = new Set<string>();
  for (const gateway of followingGateways(task)) {
    for (const flow of flowsOf(gateway.$parent).filter((candidate) => candidate.sourceRef === gateway)) {
      const body = flow.conditionExpression?.body;
      if (typeof body !== 'string') continue;
      const compiled = tryCompileExpression(body);
      // (a condition that does not compile is feel-condition-syntax's finding)
      if (!compiled.ok) continue;
      for (const name of compiled.expression.reads) if (!ORDER_FIELDS.has(name)) names.add(name);
    }
  }
  return [...names];
}

// helpers

// from the sequence flows rather than <outgoing>, which some tools omit
function followingGateways(task: ModdleElement): ModdleElement[] {
  return flowsOf(task.$parent)
    .filter((flow) => flow.sourceRef === task && DECIDING_GATEWAYS.has(flow.targetRef?.$type ?? ''))
    .map((flow) => flow.targetRef as ModdleElement);
}

function flowsOf(container: ModdleElement | undefined): ModdleElement[] {
  return (container?.flowElements ?? []).filter((element: ModdleElement) => element.$type === 'bpmn:SequenceFlow');
}
