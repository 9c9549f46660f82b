// What a business rule task decided and why, for the audit trail (`decision.evaluated`): the decision and the
// deployed version it ran on (the one its binding pins, if it pins one), the hit policy, the rules that matched,
// the input values they were tested against, and the result written. A gateway's `flow.taken` then says which tier was taken; this entry says why
// the table chose that tier (`reportingAmount` 750,000 matched `vice-president` and `automatic`; FIRST gave the
// first), which no later deployment of the table can change.
import type { DecisionEvaluation } from '../dmn/decision-call.js';
import type { DecisionResult } from '../dmn/evaluate-decision.js';

export interface DecisionAuditData {
  decisionId: string;
  decisionName: string | null;
  /** The deployed version evaluated (the latest when the task ran, or the one its binding pins); null where versions are not known. */
  version: number | null;
  hitPolicy: string | null;
  matchedRules: string[];
  inputs: Record<string, unknown>;
  resultVariable: string | null;
  /** The value written to resultVariable; the result list when the task keeps none. */
  result: unknown;
  /** The decisions it required, from the same file, evaluated first. */
  required: { decisionId: string; hitPolicy: string | null; matchedRules: string[]; inputs: Record<string, unknown> }[];
}

export function decisionAuditData(evaluation: DecisionEvaluation): DecisionAuditData {
  const { call, result, output } = evaluation;
  return {
    decisionId: evaluation.decisionId,
    decisionName: result.decisionName ?? null,
    version: evaluation.version ?? null,
    ...why(result),
    resultVariable: call.resultVariable ?? null,
    result: call.resultVariable ? output[call.resultVariable] ?? null : result.resultList,
    required: result.required.map((required) => ({ decisionId: required.decisionId, ...why(required) })),
  };
}

function why(result: DecisionResult) {
  return { hitPolicy: result.hitPolicy ?? null, matchedRules: result.matchedRules, inputs: result.inputValues };
}
