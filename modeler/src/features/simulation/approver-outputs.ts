import { tryCompileExpression } from '../../../../engine/expressions/compile-expression.js';

interface OutputMapping {
  source?: string;
  target?: string;
}

/** A user task as bpmn-moddle reads it: its extension elements (zeebe:IoMapping among them). */
export interface TaskLike {
  extensionElements?: { values?: { $type: string; outputParameters?: OutputMapping[] }[] };
}

/**
 * What the user tasks of a diagram write when the simulated approvers decide: each task's output mappings
 * (`zeebe:output source="=approved" target="directorApproved"`) evaluated on the simulated order, whose
 * `approved` and `comment` are the approvers' answer. The gateways after an approval read the task's own
 * output (docs/modelling.md), never `approved` itself, so without these every approval reads as a rejection.
 * An output whose source cannot be evaluated for the order is left out: the gateway reading it says so.
 */
export function approverOutputs(tasks: TaskLike[], variables: Record<string, unknown>): Record<string, unknown> {
  const outputs: Record<string, unknown> = {};
  for (const task of tasks) {
    for (const { source, target } of outputMappingsOf(task)) {
      if (!source || !target?.trim()) continue;
      const compiled = tryCompileExpression(source);
      if (!compiled.ok) continue;
      try {
        outputs[target.trim()] = compiled.expression.evaluate(variables);
      } catch {
        // a variable the simulated order does not have
      }
    }
  }
  return outputs;
}

// helpers

function outputMappingsOf(task: TaskLike): OutputMapping[] {
  return (task.extensionElements?.values ?? [])
    .filter((value) => value.$type === 'zeebe:IoMapping')
    .flatMap((mapping) => mapping.outputParameters ?? []);
}
