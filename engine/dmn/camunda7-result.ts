// Camunda 7's `camunda:mapDecisionResult` on a business rule task: how a
// decision's result list becomes the value of `camunda:resultVariable`.
//   singleEntry    one result with one entry → that value (none → null)
//   singleResult   one result → its map of output name → value (none → null)
//   collectEntries every result has one entry → the list of those values
//   resultList     (default) the list of maps
// A result that does not fit the mapping is an error naming the decision.
// Browser-safe.
import { decisionLabel, DmnEvaluationError } from './dmn-error.js';
import type { DecisionResult } from './evaluate-decision.js';

export type DecisionResultMapping = 'singleEntry' | 'singleResult' | 'collectEntries' | 'resultList';

export const DECISION_RESULT_MAPPINGS: readonly DecisionResultMapping[] = ['singleEntry', 'singleResult', 'collectEntries', 'resultList'];

export function camunda7Result(result: DecisionResult, mapping: DecisionResultMapping = 'resultList'): unknown {
  const label = decisionLabel({ id: result.decisionId, ...(result.decisionName && { name: result.decisionName }) });
  const fail = (problem: string): never => {
    throw new DmnEvaluationError(`${label}: ${problem}, so mapDecisionResult="${mapping}" cannot map it`, result.decisionId, result.inputs);
  };
  const list = result.resultList;
  switch (mapping) {
    case 'resultList':
      return list;
    case 'singleResult':
      if (list.length > 1) fail(`it gave ${list.length} results`);
      return list[0] ?? null;
    case 'singleEntry': {
      if (list.length > 1) fail(`it gave ${list.length} results`);
      const entry = list[0];
      if (!entry) return null;
      const names = Object.keys(entry);
      if (names.length > 1) fail(`its result has ${names.length} entries (${names.join(', ')})`);
      return entry[names[0]] ?? null;
    }
    case 'collectEntries':
      return list.map((entry) => {
        const names = Object.keys(entry);
        if (names.length > 1) fail(`a result has ${names.length} entries (${names.join(', ')})`);
        return entry[names[0]] ?? null;
      });
  }
}
