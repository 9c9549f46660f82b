import { declaredCompletionVariables } from '../../../../engine/bpmn/completion-declaration.js';
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
 * As in the runtime (completion-variables.ts), a completion variable the answer lacks is null: an
 * acknowledgement's `=acknowledged` writes null, which its gateway takes as acknowledged, and an approval without
 * `approved` leaves its gateway a null to say so. An output whose source cannot be evaluated is left out.
 */
export function approverOutputs(tasks: TaskLike[], variables: Record<string, unknown>): Record<string, unknown> {
  const outputs: Record<string, unknown> = {};
  for (const task of tasks) {
    const mappings = outputMappingsOf(task);
    const completion = Object.fromEntries(declaredCompletionVariables(mappings).map((name) => [name, null]));
    const scope = { ...completion, ...variables };
    for (const { source, target } of mappings) {
      const compiled = source && target?.trim() ? tryCompileExpression(source) : undefined;
      if (!compiled?.ok) continue;
      try {
        outputs[target!.trim()] = compiled.expression.evaluate(scope) ?? null;
      } catch {
        // a source the simulated order cannot give (a function of something else it lacks)
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
