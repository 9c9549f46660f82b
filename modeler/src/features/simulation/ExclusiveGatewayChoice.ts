import { tryCompileExpression } from '../../../../engine/expressions/compile-expression.js';
import { describeFlow } from '../../bpmn/flow-description';

/** A sequence flow as bpmn-moddle reads it. */
export interface FlowLike {
  id: string;
  name?: string;
  conditionExpression?: { body?: string };
  $parent?: { flowElements?: unknown[] };
  sourceRef?: { id?: string; name?: string };
  targetRef?: { id?: string; name?: string };
}

export interface Choice<F> {
  flow: F | null;
  /** condition: the first true condition; default: none was true; stuck: none was true and there is no default flow. */
  reason: 'condition' | 'default' | 'stuck';
  /** Conditions that could not be evaluated for these variables (they count as false, as a warning). */
  errors: string[];
}

/**
 * The flow an exclusive gateway takes at run time (docs/modelling.md): conditions in `<sequenceFlow>`
 * document order, the first that is true wins, else the default flow. Conditions compile as the runtime
 * compiles them (FEEL, or Camunda 7 `${…}` translated to FEEL) and are evaluated strictly.
 */
export function chooseOutgoing<F extends FlowLike>(flows: F[], defaultFlow: F | undefined, variables: Record<string, unknown>): Choice<F> {
  const errors: string[] = [];
  for (const flow of inDocumentOrder(flows)) {
    if (flow === defaultFlow) continue;
    const body = flow.conditionExpression?.body;
    if (!body) continue;
    const compiled = tryCompileExpression(body);
    if (!compiled.ok) {
      errors.push(`${describeFlow(flow, { condition: false })}: "${body}" ${compiled.error.message}`);
      continue;
    }
    try {
      if (compiled.expression.test(variables)) return { flow, reason: 'condition', errors };
    } catch (error) {
      errors.push(`${describeFlow(flow)}: ${(error as Error).message}`);
    }
  }
  const fallback = defaultFlow && flows.includes(defaultFlow) ? defaultFlow : null;
  return { flow: fallback, reason: fallback ? 'default' : 'stuck', errors };
}

// helpers

function inDocumentOrder<F extends FlowLike>(flows: F[]): F[] {
  const position = (flow: F) => flow.$parent?.flowElements?.indexOf(flow) ?? 0;
  return [...flows].sort((a, b) => position(a) - position(b));
}
