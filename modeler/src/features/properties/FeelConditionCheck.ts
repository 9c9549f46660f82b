import { h } from '@bpmn-io/properties-panel/preact';
import { tryCompileExpression } from '../../../../engine/expressions/compile-expression.js';
import { isFeel } from '../../../../engine/feel/feel-expression.js';

interface ConditionHolder {
  businessObject: { conditionExpression?: { body?: string } };
}

export type ConditionVerdict =
  | { state: 'none' }
  | { state: 'valid' }
  | { state: 'not-feel'; message: string }
  | { state: 'invalid'; message: string };

/** What a designer should know about a condition: valid FEEL, a syntax error, or not FEEL at all. */
export function judgeCondition(body: string | undefined): ConditionVerdict {
  const text = body ?? '';
  if (!text.trim()) return { state: 'none' };
  // The same compilation the runtime, the lint rules and the simulation use.
  const compiled = tryCompileExpression(text);
  if (compiled.ok && compiled.expression.syntax === 'juel') {
    return { state: 'not-feel', message: `Camunda 7 expression: runs as the FEEL "=${compiled.expression.feel}".` };
  }
  if (compiled.ok) return { state: 'valid' };
  if (compiled.error.problem === 'not-an-expression' || !isFeel(text) && compiled.error.problem !== 'untranslatable') {
    return { state: 'not-feel', message: 'Not FEEL: start the condition with "=", e.g. =amount > 1000000' };
  }
  return { state: 'invalid', message: compiled.error.message };
}

/** Properties panel entry under "Condition expression": live FEEL syntax feedback. */
export default function FeelConditionCheck(props: { element: ConditionHolder; id: string }) {
  const verdict = judgeCondition(props.element.businessObject.conditionExpression?.body);
  const text = {
    none: 'No condition: this flow is taken only as the default flow or when it is the only way out.',
    valid: '✓ Valid FEEL',
    'not-feel': 'message' in verdict ? verdict.message : '',
    invalid: 'message' in verdict ? `✗ FEEL ${verdict.message}` : '',
  }[verdict.state];
  return h('div', {
    class: `bio-properties-panel-entry stratum-feel-check ${verdict.state}`,
    'data-entry-id': props.id,
    role: 'status',
  }, text);
}
