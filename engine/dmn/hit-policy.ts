// What a decision table gives when several (or no) rules match, per DMN 1.3
// and Camunda: UNIQUE (at most one may match), FIRST (the first in rule
// order), PRIORITY (the match whose outputs rank highest in the outputs'
// value lists), ANY (all matches must agree), COLLECT (every match, or one
// SUM/MIN/MAX/COUNT over the single output's non-null values), RULE ORDER
// (every match in rule order) and OUTPUT ORDER (every match by rank).
// Browser-safe.
import { evaluate } from 'feelin';
import { withinFeelBudget } from '../feel/feel-budget.js';
import type { FeelInput } from '../feel/feel-expression.js';
import { decisionLabel, describeInputValues, DmnEvaluationError, shownValue } from './dmn-error.js';
import type { Decision, DecisionTable } from './dmn-model.js';
import { parseDecimal, toNumber } from '../money/decimal.js';

export interface MatchedRule {
  ruleId: string;
  outputs: Record<string, unknown>;
}

/** The rule results (Camunda 7's shape) of the matched rules under the table's hit policy. */
export function applyHitPolicy(decision: Decision, table: DecisionTable, matched: MatchedRule[], inputs: FeelInput[]): Record<string, unknown>[] {
  const fail = (problem: string): never => {
    throw new DmnEvaluationError(`${decisionLabel(decision)}: ${problem} for ${describeInputValues(inputs) || 'no inputs'}`, decision.id, inputs);
  };
  switch (table.hitPolicy) {
    case 'UNIQUE':
      if (matched.length > 1) fail(`rules ${matched.map((rule) => rule.ruleId).join(', ')} all match, but hit policy UNIQUE allows one`);
      return matched.map((rule) => rule.outputs);
    case 'FIRST':
      return matched.slice(0, 1).map((rule) => rule.outputs);
    case 'ANY': {
      const first = matched[0];
      const differing = matched.find((rule) => !sameValues(rule.outputs, first.outputs));
      if (differing) fail(`rules ${first.ruleId} and ${differing.ruleId} match with different outputs, but hit policy ANY needs equal ones`);
      return first ? [first.outputs] : [];
    }
    case 'PRIORITY':
      return byPriority(decision, table, matched, fail).slice(0, 1).map((rule) => rule.outputs);
    case 'OUTPUT ORDER':
      return byPriority(decision, table, matched, fail).map((rule) => rule.outputs);
    case 'RULE ORDER':
      return matched.map((rule) => rule.outputs);
    case 'COLLECT':
      if (!table.aggregation) return matched.map((rule) => rule.outputs);
      return [aggregate(decision, table, matched, fail)];
  }
}

// helpers

function sameValues(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Matches ranked by their outputs' positions in each output's value list
 * (the first output decides, the next breaks ties). Equal ranks keep rule order.
 * A value outside the list is an error (the list is DMN's allowed values):
 * dmn-scala ranks it last, so a director's rule whose tier has a typo
 * ("Sales-director") lost to the catch-all "automatic" without a word.
 */
function byPriority(decision: Decision, table: DecisionTable, matched: MatchedRule[], fail: (problem: string) => never): MatchedRule[] {
  const orders = table.outputs.map((output) => (output.outputValues ? allowedValues(decision, output.name, output.outputValues) : undefined));
  if (orders.every((order) => order === undefined)) {
    throw new DmnEvaluationError(
      `${decisionLabel(decision)}: hit policy ${table.hitPolicy} ranks rules by their outputs' value lists, but no output has one`,
      decision.id,
    );
  }
  const rank = (rule: MatchedRule) =>
    table.outputs.map((output, index) => {
      const order = orders[index];
      if (!order) return 0;
      const value = rule.outputs[output.name];
      const position = order.findIndex((allowed) => sameValues({ v: allowed }, { v: value }));
      if (position < 0) {
        fail(`rule ${rule.ruleId} gives output "${output.name}" ${shownValue(value)}, which is not among its output values (${output.outputValues}) that hit policy ${table.hitPolicy} ranks by`);
      }
      return position;
    });
  const ranked = matched.map((rule, index) => ({ rule, index, rank: rank(rule) }));
  ranked.sort((a, b) => {
    for (let i = 0; i < a.rank.length; i++) if (a.rank[i] !== b.rank[i]) return a.rank[i] - b.rank[i];
    return a.index - b.index;
  });
  return ranked.map((entry) => entry.rule);
}

/** An output's `"high","medium","low"` as values, highest priority first. */
function allowedValues(decision: Decision, outputName: string, text: string): unknown[] {
  const list = `[${text}]`;
  let result;
  try {
    result = withinFeelBudget(list, 'expression', () => evaluate(list, {}));
  } catch (error) {
    throw new DmnEvaluationError(`${decisionLabel(decision)}: the output values of "${outputName}" ("${text}") cannot be evaluated: ${(error as Error).message}`, decision.id);
  }
  if (!Array.isArray(result.value)) {
    throw new DmnEvaluationError(`${decisionLabel(decision)}: the output values of "${outputName}" ("${text}") are not a list of values`, decision.id);
  }
  return result.value;
}

/**
 * The sum as decimals add (Camunda's FEEL sums BigDecimals): fees of 0.1 and 0.2 sum to 0.3, where adding
 * doubles gave 0.30000000000000004, which a rule or condition `> 0.3` then read as more.
 */
function exactSum(numbers: number[]): number {
  const scale = Math.max(0, ...numbers.map((value) => parseDecimal(value)?.scale ?? 0));
  let units = 0n;
  for (const value of numbers) {
    const decimal = parseDecimal(value);
    if (!decimal) return numbers.reduce((sum, each) => sum + each, 0); // not finite: as doubles add
    units += decimal.units * 10n ** BigInt(scale - decimal.scale);
  }
  return toNumber({ units, scale });
}

function aggregate(decision: Decision, table: DecisionTable, matched: MatchedRule[], fail: (problem: string) => never): Record<string, unknown> {
  const name = table.outputs[0].name;
  // Camunda ignores null outputs when aggregating.
  const values = matched.map((rule) => rule.outputs[name]).filter((value) => value !== null && value !== undefined);
  if (table.aggregation === 'COUNT') return { [name]: values.length };
  if (values.length === 0) return { [name]: null };
  const numbers = values.filter((value): value is number => typeof value === 'number');
  if (numbers.length !== values.length) {
    const other = values.find((value) => typeof value !== 'number');
    fail(`COLLECT ${table.aggregation} needs numbers, but output "${name}" is ${shownValue(other)}`);
  }
  switch (table.aggregation) {
    case 'SUM': return { [name]: exactSum(numbers) };
    case 'MIN': return { [name]: Math.min(...numbers) };
    case 'MAX': return { [name]: Math.max(...numbers) };
  }
  return { [name]: null };
}
