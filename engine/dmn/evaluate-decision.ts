// Evaluates a decision of a DMN model: its required decisions first (each
// once, a cycle is an error), whose results the decision reads as Camunda
// does, then its own logic. Camunda 7 puts a required decision's output
// entries into the variables by output name (a list per output when it has
// several results); Camunda 8 (dmn-scala) puts the required decision's whole
// result under the decision's variable name, or its id.
// Browser-safe.
import { decisionLabel, DmnEvaluationError } from './dmn-error.js';
import { evaluateInExpression, evaluateTable } from './decision-table.js';
import type { Decision, DmnModel } from './dmn-model.js';
import type { FeelInput } from '../feel/feel-expression.js';

export type DmnDialect = 'camunda7' | 'camunda8';

export interface DecisionResult {
  decisionId: string;
  decisionName?: string;
  kind: 'table' | 'literal';
  /** Camunda 7's DmnDecisionResult: one map of output name → value per result. */
  resultList: Record<string, unknown>[];
  /** COLLECT without aggregation, RULE ORDER and OUTPUT ORDER may give several results. */
  multipleResults: boolean;
  /** COLLECT with SUM, MIN, MAX or COUNT: one number. */
  aggregated: boolean;
  /** The names of the outputs, in order (the variable name for a literal expression). */
  outputNames: string[];
  /** Every rule that matched, in rule order; the hit policy says which of them gave the result. */
  matchedRules: string[];
  /** A table's hit policy (`FIRST`, `COLLECT SUM` with its aggregation); none for a literal expression. */
  hitPolicy?: string;
  inputs: FeelInput[];
  /** The input values by input name, as the rules were tested against them. */
  inputValues: Record<string, unknown>;
  /** The results of the decisions this one required, in evaluation order. */
  required: DecisionResult[];
}

export interface EvaluateOptions {
  /** How required decisions' results are named; camunda8 for zeebe:calledDecision, camunda7 for camunda:decisionRef. */
  dialect: DmnDialect;
}

export function evaluateDecision(model: DmnModel, decisionId: string, variables: Record<string, unknown>, options: EvaluateOptions): DecisionResult {
  const decision = model.decisions.get(decisionId);
  if (!decision) {
    const known = [...model.decisions.keys()].join(', ');
    throw new DmnEvaluationError(`decision ${decisionId} is not in ${model.name ?? model.id} (it has ${known || 'no decisions'})`, decisionId);
  }
  return evaluateWithRequirements(model, decision, variables, options, []);
}

/** A decision's result as Camunda 8 hands it to `resultVariable`. */
export function camunda8Result(result: DecisionResult): unknown {
  const values = result.resultList.map((entry) => (result.outputNames.length === 1 ? entry[result.outputNames[0]] : entry));
  if (result.kind === 'literal' || result.aggregated) return values[0] ?? null;
  if (result.multipleResults) return values;
  return values[0] ?? null;
}

// helpers

function evaluateWithRequirements(model: DmnModel, decision: Decision, variables: Record<string, unknown>, options: EvaluateOptions, path: string[]): DecisionResult {
  if (path.includes(decision.id)) {
    throw new DmnEvaluationError(`${decisionLabel(decision)} requires itself (${[...path, decision.id].join(' → ')})`, decision.id);
  }
  const required: DecisionResult[] = [];
  let scope = variables;
  for (const requiredId of decision.requires) {
    const requiredDecision = model.decisions.get(requiredId)!; // parseDmn checked it exists
    const result = evaluateWithRequirements(model, requiredDecision, variables, options, [...path, decision.id]);
    required.push(result, ...result.required);
    scope = { ...scope, ...requiredResultVariables(requiredDecision, result, options.dialect) };
  }
  return { ...evaluateLogic(decision, scope), required };
}

function evaluateLogic(decision: Decision, variables: Record<string, unknown>): Omit<DecisionResult, 'required'> {
  const base = { decisionId: decision.id, ...(decision.name && { decisionName: decision.name }) };
  const logic = decision.logic;
  if (logic.kind === 'literal') {
    const name = logic.variableName ?? decision.id;
    const value = evaluateInExpression(decision, logic.expression, variables, 'literal expression');
    return { ...base, kind: 'literal', resultList: [{ [name]: value }], multipleResults: false, aggregated: false, outputNames: [name], matchedRules: [], inputs: [], inputValues: {} };
  }
  const outcome = evaluateTable(decision, logic, variables);
  const multipleResults = !logic.aggregation && ['COLLECT', 'RULE ORDER', 'OUTPUT ORDER'].includes(logic.hitPolicy);
  return {
    ...base,
    kind: 'table',
    resultList: outcome.ruleResults,
    multipleResults,
    aggregated: logic.aggregation !== undefined,
    outputNames: logic.outputs.map((output) => output.name),
    matchedRules: outcome.matchedRules,
    hitPolicy: logic.aggregation ? `${logic.hitPolicy} ${logic.aggregation}` : logic.hitPolicy,
    inputs: outcome.inputs,
    inputValues: outcome.inputValues,
  };
}

function requiredResultVariables(decision: Decision, result: DecisionResult, dialect: DmnDialect): Record<string, unknown> {
  if (dialect === 'camunda8') {
    const name = decision.logic.kind === 'literal' && decision.logic.variableName ? decision.logic.variableName : decision.id;
    return { [name]: camunda8Result(result) };
  }
  // Camunda 7: a single result's entries by name; several results give a list per output name.
  if (result.resultList.length === 0) return {};
  if (result.resultList.length === 1 && !result.multipleResults) return { ...result.resultList[0] };
  const names = new Set(result.resultList.flatMap((entry) => Object.keys(entry)));
  return Object.fromEntries([...names].map((name) => [name, result.resultList.filter((entry) => name in entry).map((entry) => entry[name])]));
}
