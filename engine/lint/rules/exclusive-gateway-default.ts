// bpmn-engine evaluates an exclusive gateway's outgoing flows in document order
// and takes the first that is true; when none is true and there is no default
// flow, the instance fails. So an exclusive or inclusive gateway that decides
// (≥2 outgoing flows, a condition on one of them) needs a default flow, unless
// its conditions recognisably cover every case. A flow without a condition that
// is not the default would be taken whatever the data, and is refused.
//
// "Recognisably exhaustive" is deliberately small (conditions are FEEL, or
// ${…} translated to FEEL):
//   - a condition that is the literal `=true` (the flow is always possible);
//   - a complementary pair: `=x` and `=not(x)` (also `=x = true` / `=x = false`);
//   - comparisons of one variable with number literals whose ranges together
//     cover every number: `=amount > 500000` / `=amount <= 500000`, or
//     `=amount <= 500000`, `=amount > 500000 and amount <= 1000000`, `=amount > 1000000`.
// Anything else needs a default flow. Evaluation is strict, so a missing or
// non-numeric variable is an incident either way, never a silent default.
// The missing default is an error under Stratum's house rules (the shipped
// library, ../house-rules.ts) and a warning elsewhere: Camunda deploys such a
// gateway, and when no condition is true at run time the instance gets an
// incident naming the gateway, as in Camunda. A flow without condition that is
// not the default is refused everywhere (Camunda 8 refuses it too).
import type { ModdleElement } from 'bpmn-moddle';
import { tryCompileExpression } from '../../expressions/compile-expression.js';
import { elementLabel, ElementLabel } from '../element-label.js';
import { followsHouseRules, type HouseRulesConfig } from '../house-rules.js';
import { isAny, type Reporter, type RuleFactory } from '../rule-api.js';

const exclusiveGatewayDefault: RuleFactory = (config?: HouseRulesConfig) => {
  function check(node: ModdleElement, reporter: Reporter) {
    if (!isAny(node, ['bpmn:ExclusiveGateway', 'bpmn:InclusiveGateway'])) return;
    const outgoing: ModdleElement[] = node.outgoing ?? [];
    if (outgoing.length < 2) return;

    const defaultFlow = node.default;
    const unconditioned = outgoing.filter((flow) => !flow.conditionExpression && flow !== defaultFlow);
    for (const flow of unconditioned) {
      reporter.report(
        flow.id,
        `${ElementLabel(flow)} leaves ${elementLabel(node)} without a condition and is not its default flow, ` +
          'so it would be taken whatever the data; give it a condition or make it the default flow',
      );
    }

    if (defaultFlow?.conditionExpression) {
      reporter.report(
        defaultFlow.id,
        `${ElementLabel(defaultFlow)} is the default flow of ${elementLabel(node)} but also has a condition, which is never evaluated; remove the condition`,
      );
    }

    if (defaultFlow || unconditioned.length > 0) return;
    const conditions = outgoing.map((flow) => toFeel(flow.conditionExpression?.body));
    if (conditions.includes('true') || isComplementaryPair(conditions) || coversAllNumbers(conditions)) return;
    reporter.report(
      node.id,
      `${ElementLabel(node)} has no default flow and its conditions do not recognisably cover every case, ` +
        'so an instance for which none is true would fail; mark one outgoing flow as the default flow ' +
        '(or use exhaustive conditions such as "=x" / "=not(x)" or "=amount > 1000" / "=amount <= 1000")' +
        (followsHouseRules(node, config) ? '' : '; until then such an instance gets an incident naming the gateway, as in Camunda'),
      ...(followsHouseRules(node, config) ? [] : [{ severity: 'warn' }]),
    );
  }

  return { check, meta: { documentation: { url: 'docs/validation.md#exclusive-gateway-default-error-for-the-library-warning-elsewhere' } } };
};

export default exclusiveGatewayDefault;

// helpers

/** The FEEL text of a condition, whitespace-normalised; undefined when it is not FEEL or ${…}. */
function toFeel(text: unknown): string | undefined {
  if (typeof text !== 'string') return undefined;
  const compiled = tryCompileExpression(text);
  // (a condition that does not compile is feel-condition-syntax's finding)
  return compiled.ok ? stripParentheses(compiled.expression.feel.replace(/\s+/g, ' ').trim()) : undefined;
}

/** `(x)` → `x`, only when the outer parentheses enclose the whole text. */
function stripParentheses(text: string): string {
  while (text.startsWith('(') && text.endsWith(')') && closingParenthesis(text, 0) === text.length - 1) {
    text = text.slice(1, -1).trim();
  }
  return text;
}

function closingParenthesis(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')' && --depth === 0) return i;
  }
  return -1;
}

/** `x` → {x, false}; `not(x)`, `x = false` → {x, true}; `x = true` → {x, false}. */
function literal(condition: string): { atom: string; negated: boolean } {
  if (condition.startsWith('not(') && closingParenthesis(condition, 3) === condition.length - 1) {
    const inner = literal(stripParentheses(condition.slice(3)));
    return { atom: inner.atom, negated: !inner.negated };
  }
  const comparedToBoolean = /^(.+?) ?= ?(true|false)$/.exec(condition);
  if (comparedToBoolean && !/[<>!]$/.test(comparedToBoolean[1])) {
    return { atom: stripParentheses(comparedToBoolean[1]), negated: comparedToBoolean[2] === 'false' };
  }
  return { atom: condition, negated: false };
}

function isComplementaryPair(conditions: (string | undefined)[]): boolean {
  const literals = conditions.filter((c): c is string => c !== undefined).map(literal);
  return literals.some((a) => literals.some((b) => a.atom === b.atom && a.negated !== b.negated));
}

interface Interval { lo: number; loIncluded: boolean; hi: number; hiIncluded: boolean }

const COMPARISON = /^([A-Za-z_][\w.]*) ?(<=|>=|!=|<|>|=) ?(-?\d+(?:\.\d+)?)$/;
const REVERSED = /^(-?\d+(?:\.\d+)?) ?(<=|>=|!=|<|>|=) ?([A-Za-z_][\w.]*)$/;
const MIRROR: Record<string, string> = { '<': '>', '>': '<', '<=': '>=', '>=': '<=', '=': '=', '!=': '!=' };

/** True when, for one variable, the union of the conditions' ranges is every number. */
function coversAllNumbers(conditions: (string | undefined)[]): boolean {
  const byVariable = new Map<string, Interval[]>();
  for (const condition of conditions) {
    const ranges = rangesOf(condition);
    if (!ranges) continue;
    byVariable.set(ranges.variable, [...(byVariable.get(ranges.variable) ?? []), ...ranges.intervals]);
  }
  return [...byVariable.values()].some(coversRealLine);
}

/** `a > 5 and a <= 10` → a: (5, 10]; a single comparison → its range(s). */
function rangesOf(condition: string | undefined): { variable: string; intervals: Interval[] } | undefined {
  if (!condition || /\bor\b|[()]/.test(condition)) return undefined;
  let variable: string | undefined;
  let intervals: Interval[] = [{ lo: -Infinity, loIncluded: false, hi: Infinity, hiIncluded: false }];
  for (const part of condition.split(/ and /)) {
    const comparison = parseComparison(part.trim());
    if (!comparison || (variable !== undefined && comparison.variable !== variable)) return undefined;
    variable = comparison.variable;
    intervals = intervals.flatMap((a) => comparison.intervals.map((b) => intersect(a, b))).filter((i): i is Interval => i !== undefined);
  }
  return variable === undefined ? undefined : { variable, intervals };
}

function parseComparison(text: string): { variable: string; intervals: Interval[] } | undefined {
  let variable: string, operator: string, value: number;
  const direct = COMPARISON.exec(text);
  const reversed = REVERSED.exec(text);
  if (direct) [variable, operator, value] = [direct[1], direct[2], Number(direct[3])];
  else if (reversed) [variable, operator, value] = [reversed[3], MIRROR[reversed[2]], Number(reversed[1])];
  else return undefined;
  const below = (hiIncluded: boolean): Interval => ({ lo: -Infinity, loIncluded: false, hi: value, hiIncluded });
  const above = (loIncluded: boolean): Interval => ({ lo: value, loIncluded, hi: Infinity, hiIncluded: false });
  const intervals: Record<string, Interval[]> = {
    '<': [below(false)],
    '<=': [below(true)],
    '>': [above(false)],
    '>=': [above(true)],
    '=': [{ lo: value, loIncluded: true, hi: value, hiIncluded: true }],
    '!=': [below(false), above(false)],
  };
  return { variable, intervals: intervals[operator] };
}

function intersect(a: Interval, b: Interval): Interval | undefined {
  const lo = Math.max(a.lo, b.lo);
  const hi = Math.min(a.hi, b.hi);
  const loIncluded = (a.lo !== lo || a.loIncluded) && (b.lo !== lo || b.loIncluded);
  const hiIncluded = (a.hi !== hi || a.hiIncluded) && (b.hi !== hi || b.hiIncluded);
  if (lo > hi || (lo === hi && !(loIncluded && hiIncluded))) return undefined;
  return { lo, loIncluded, hi, hiIncluded };
}

/** Sweeps the intervals by lower bound; every number up to `reached` (inclusive if `reachedIncluded`) is covered. */
function coversRealLine(intervals: Interval[]): boolean {
  const sorted = [...intervals].sort((a, b) => a.lo - b.lo || Number(b.loIncluded) - Number(a.loIncluded));
  let reached = -Infinity;
  let reachedIncluded = true;
  for (const interval of sorted) {
    const connects = interval.lo < reached || (interval.lo === reached && (reachedIncluded || interval.loIncluded));
    if (!connects) return false;
    if (interval.hi > reached || (interval.hi === reached && interval.hiIncluded && !reachedIncluded)) {
      reached = interval.hi;
      reachedIncluded = interval.hiIncluded;
    }
  }
  return reached === Infinity;
}
