// A sequence flow's name is what designers, approvers and auditors read on the diagram: "more than 500,000
// up to 1,000,000". When a condition's threshold moves (the vice-president's review from 400,000) and the
// name does not, the diagram states one rule and runs another. So a flow whose name states a threshold — a
// number of four digits or more, or grouped in thousands (`500,000`, `1.000.000`, `20 000`) — that its
// condition does not compare with is a warning, as is a default flow (no condition: taken when no other is
// true) whose name states one that none of its gateway's conditions compares with. Only where the condition
// (or the gateway's) compares with numbers at all: a year in the name of a flow whose condition reads a
// flag is no threshold. A warning, never a refusal: the condition is what runs. Browser-safe.
import type { ModdleElement } from 'bpmn-moddle';
import { elementLabel, ElementLabel } from '../element-label.js';
import { is, type Reporter, type RuleFactory } from '../rule-api.js';

/** A number as a name writes a threshold: grouped in thousands (`,` `.` `'` or a space), or four digits or more. */
const NAME_NUMBER = /(?<![\d.,])(?:\d{1,3}(?:[,.' \u00a0\u202f]\d{3})+|\d{4,})(?![\d])/g;
/** A number in a condition (string literals left out first). */
const CONDITION_NUMBER = /(?<![\w.])\d+(?:\.\d+)?(?![\w])/g;

const flowNameMatchesCondition: RuleFactory = () => {
  function check(node: ModdleElement, reporter: Reporter) {
    if (!is(node, 'bpmn:SequenceFlow')) return;
    const named = numbersInName(node.name);
    if (!named.length) return;
    const condition = conditionOf(node);
    if (condition !== undefined) {
      const constants = numbersInCondition(condition);
      if (!constants.size) return;
      for (const number of named.filter(({ value }) => !constants.has(value))) {
        reporter.report(node.id, `${ElementLabel(node)} names ${number.text}, which its condition (${condition}) does not compare with; rename the flow or check the condition`, { severity: 'warn' });
      }
      return;
    }
    const gateway = node.sourceRef;
    if (!gateway || gateway.default !== node) return;
    const constants = new Set((gateway.outgoing ?? []).flatMap((flow: ModdleElement) => {
      const other = flow === node ? undefined : conditionOf(flow);
      return other === undefined ? [] : [...numbersInCondition(other)];
    }));
    if (!constants.size) return;
    for (const number of named.filter(({ value }) => !constants.has(value))) {
      reporter.report(node.id,
        `${ElementLabel(node)} is the default flow of ${elementLabel(gateway)} and names ${number.text}, which none of the gateway's conditions compares with; rename the flow or check the conditions`,
        { severity: 'warn' });
    }
  }

  return { check, meta: { documentation: { url: 'docs/validation.md#flow-name-matches-condition-warning' } } };
};

export default flowNameMatchesCondition;

// helpers

function conditionOf(flow: ModdleElement): string | undefined {
  const body: unknown = flow.conditionExpression?.body;
  return typeof body === 'string' && body.trim() ? body.trim() : undefined;
}

function numbersInName(name: unknown): { text: string; value: number }[] {
  if (typeof name !== 'string') return [];
  return [...name.matchAll(NAME_NUMBER)].map(([text]) => ({ text, value: Number(text.replace(/[^\d]/g, '')) }));
}

function numbersInCondition(condition: string): Set<number> {
  const withoutStrings = condition.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '""');
  return new Set([...withoutStrings.matchAll(CONDITION_NUMBER)].map(([text]) => Number(text)));
}
