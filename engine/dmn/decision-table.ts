// One decision table evaluated against variables: each input expression once,
// each rule's input entries as FEEL unary tests of that input's value, the
// matching rules' output entries, then the table's hit policy. Evaluation is
// strict like Stratum's conditions: an input that reads a missing variable is
// an error naming the decision, not a silent null, and a null input compared by
// order is an error too (null-input.ts).
// Browser-safe.
import { compileExpression, shortText } from '../expressions/compile-expression.js';
import { evaluateUnaryTests, strictProblem, type FeelInput } from '../feel/feel-expression.js';
import { decisionLabel, DmnEvaluationError, shownValue } from './dmn-error.js';
import type { Decision, DecisionTable, ExpressionText } from './dmn-model.js';
import { applyHitPolicy, type MatchedRule } from './hit-policy.js';
import { comparesByOrder } from './null-input.js';

export interface TableOutcome {
  /** Camunda 7's rule results: one map of output name → value per result (one for an aggregation). */
  ruleResults: Record<string, unknown>[];
  matchedRules: string[];
  /** The input values the rules were tested against, named by their expression. */
  inputs: FeelInput[];
  /** The same values as they were, by the same names: what an auditor reads (the amount the tier was chosen by). */
  inputValues: Record<string, unknown>;
}

export function evaluateTable(decision: Decision, table: DecisionTable, variables: Record<string, unknown>): TableOutcome {
  const values = table.inputs.map((input) => evaluateInExpression(decision, input.expression, variables, `input "${input.label ?? input.expression.text}"`));
  const inputs: FeelInput[] = table.inputs.map((input, index) => ({
    name: shortText(input.label && !isSimpleName(input.expression.text) ? input.label : input.expression.text, 40),
    problem: `is ${shownValue(values[index])}`,
  }));
  table.inputs.forEach((input, index) => {
    const value = values[index];
    // feelin compares a string with a number as JavaScript does ("" <= 500000, "2000000" > 1000000): an input its
    // typeRef declares a number is one, or null, before any rule tests it
    if (input.typeRef && NUMBER_TYPES.has(input.typeRef.replace(/^feel:/, '')) && value !== null && value !== undefined && typeof value !== 'number') {
      throw new DmnEvaluationError(
        `${decisionLabel(decision)}: input "${inputs[index].name}" is ${shownValue(value)}, not a number as its typeRef "${input.typeRef}" says`, decision.id, inputs,
      );
    }
  });
  // The input value is `?` in FEEL (Camunda 8) and `cellInput` or the input's camunda:inputVariable (Camunda 7).
  const testContexts = table.inputs.map((input, index) => ({ ...variables, [input.inputVariable]: values[index], '?': values[index] }));
  const matched: MatchedRule[] = [];
  for (const rule of table.rules) {
    const matches = rule.inputEntries.every((entry, index) => testEntry(decision, rule.id, entry, testContexts[index], inputs));
    if (!matches) continue;
    const outputs: Record<string, unknown> = {};
    rule.outputEntries.forEach((entry, index) => {
      const output = table.outputs[index];
      outputs[output.name] = entry.text.trim() ? evaluateInExpression(decision, entry, variables, `output "${output.name}" of rule ${rule.id}`, inputs) : null;
    });
    matched.push({ ruleId: rule.id, outputs });
  }
  const ruleResults = matched.length === 0 && table.outputs.some((output) => output.defaultEntry)
    ? [defaultOutputs(decision, table, variables, inputs)]
    : applyHitPolicy(decision, table, matched, inputs);
  const inputValues = Object.fromEntries(inputs.map((input, index) => [input.name, values[index] ?? null]));
  return { ruleResults, matchedRules: matched.map((rule) => rule.ruleId), inputs, inputValues };
}

// helpers

/** The typeRefs of numbers: FEEL's and Camunda 7's Java types. */
const NUMBER_TYPES = new Set(['number', 'integer', 'long', 'double']);

/**
 * No rule matched, and the table names what it then gives (DMN 1.3's defaultOutputEntry, as Camunda 8 applies
 * it): one result of each output's default, null for an output without one. A table whose fail-safe is "ask the
 * director" must not give null, which a gateway reads as no approval tier.
 */
function defaultOutputs(decision: Decision, table: DecisionTable, variables: Record<string, unknown>, inputs: FeelInput[]): Record<string, unknown> {
  return Object.fromEntries(table.outputs.map((output) => [
    output.name,
    output.defaultEntry ? evaluateInExpression(decision, output.defaultEntry, variables, `default output entry of "${output.name}"`, inputs) : null,
  ]));
}

function isSimpleName(text: string): boolean {
  return /^\s*[A-Za-z_][\w.]*\s*$/.test(text);
}

/** An input expression, output entry or literal expression: FEEL unless the file says juel. */
export function evaluateInExpression(
  decision: Decision,
  expression: ExpressionText,
  variables: Record<string, unknown>,
  what: string,
  inputs: FeelInput[] = [],
): unknown {
  try {
    return compileExpression(expression.text, { bareIsFeel: true, ...(expression.language && { language: expression.language }) }).evaluate(variables);
  } catch (error) {
    throw new DmnEvaluationError(`${decisionLabel(decision)}: ${what} "${shortText(expression.text)}" cannot be evaluated: ${(error as Error).message}`, decision.id, inputs);
  }
}

/** A rule's input entry: `-` or empty matches anything; otherwise FEEL unary tests of the input value (`?`). */
function testEntry(decision: Decision, ruleId: string, entry: ExpressionText, context: Record<string, unknown>, inputs: FeelInput[]): boolean {
  const text = entry.text.trim();
  if (text === '' || text === '-') return true;
  const fail = (problem: string): never => {
    throw new DmnEvaluationError(`${decisionLabel(decision)}: input entry "${shortText(text)}" of rule ${ruleId} cannot be evaluated: ${problem}`, decision.id, inputs);
  };
  if (entry.language && entry.language.toLowerCase() !== 'feel') {
    // Camunda 7's JUEL input entries are expressions over the input variable that give true or false.
    try {
      return compileExpression(text, { language: entry.language }).test(context);
    } catch (error) {
      return fail((error as Error).message);
    }
  }
  const value = context['?'];
  if ((value === null || value === undefined) && comparesByOrder(text)) {
    fail(`the input is null, which "${shortText(text)}" cannot compare; a rule for a missing value tests it with "null" (or "-" for any value)`);
  }
  let result;
  try {
    result = evaluateUnaryTests(text, context);
  } catch (error) {
    return fail((error as Error).message);
  }
  const problem = strictProblem(result.warnings);
  if (problem) fail(problem);
  return result.value === true;
}
