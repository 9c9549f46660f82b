// DMN decisions evaluated as Camunda 7 and 8 evaluate them (docs/interop.md).
export { parseDmn, DmnParseError, type DmnModel, type Decision, type HitPolicy, type Aggregation } from './dmn-model.js';
export { evaluateDecision, camunda8Result, type DecisionResult, type DmnDialect } from './evaluate-decision.js';
export { camunda7Result, DECISION_RESULT_MAPPINGS, type DecisionResultMapping } from './camunda7-result.js';
export { DmnEvaluationError } from './dmn-error.js';
export { decisionCallOf, runDecisionCall, type DecisionCall, type DecisionSource } from './decision-call.js';
