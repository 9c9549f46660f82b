import { h } from '@bpmn-io/properties-panel/preact';
import { checkFeelSyntax, feelBody, isFeel } from '../../../../engine/feel/feel-expression.js';

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
  if (!isFeel(body)) {
    return text.trim().startsWith('${') || text.trim().startsWith('#{')
      ? { state: 'not-feel', message: 'Camunda 7 expression: Stratum translates it to FEEL at deploy; write FEEL with a leading "=" to be sure.' }
      : { state: 'not-feel', message: 'Not FEEL: start the condition with "=", e.g. =amount > 1000000' };
  }
  const check = checkFeelSyntax(feelBody(text));
  return check.ok ? { state: 'valid' } : { state: 'invalid', message: check.message };
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
