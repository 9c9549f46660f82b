// Camunda 8's errorType of a Stratum incident, from the reason the runtime
// recorded (engine/store/types.ts IncidentReason), as Zeebe names the same
// failure; and the other way round, the incidents an errorType filter finds.
// A job incident is JOB_NO_RETRIES with or without a reason (older ones have
// none); a failed step without a reason is UNKNOWN.
import type { IncidentSearch, IncidentView } from '../../engine/api.js';
import type { IncidentReasonKind } from '../../engine/store/types.js';
import type { CAMUNDA8_ERROR_TYPES, STRATUM_ERROR_TYPES } from '../schemas/camunda8.js';

export type Camunda8ErrorType = (typeof CAMUNDA8_ERROR_TYPES)[number];
type StratumErrorType = (typeof STRATUM_ERROR_TYPES)[number];

const ERROR_TYPE_OF: Record<IncidentReasonKind, StratumErrorType> = {
  'condition-failed': 'CONDITION_ERROR',
  // Zeebe: "Expected at least one condition to evaluate to true, or to have a default flow"
  'no-flow-taken': 'CONDITION_ERROR',
  'io-mapping-failed': 'IO_MAPPING_ERROR',
  'called-element-failed': 'CALLED_ELEMENT_ERROR',
  // Stratum's order border refused to start the called process: to Zeebe's operators, a call that could not start
  'order-entry-only': 'CALLED_ELEMENT_ERROR',
  'decision-not-found': 'CALLED_DECISION_ERROR',
  'decision-failed': 'DECISION_EVALUATION_ERROR',
  'unhandled-error': 'UNHANDLED_ERROR_EVENT',
  'job-no-retries': 'JOB_NO_RETRIES',
  // Zeebe raises EXTRACT_VALUE_ERROR for any expression it cannot evaluate: a correlation key, a timer, an assignee,
  // a job type, a decision id, a multi-instance input collection
  'correlation-key-failed': 'EXTRACT_VALUE_ERROR',
  'timer-failed': 'EXTRACT_VALUE_ERROR',
  'assignment-failed': 'EXTRACT_VALUE_ERROR',
  'job-type-failed': 'EXTRACT_VALUE_ERROR',
  'decision-id-failed': 'EXTRACT_VALUE_ERROR',
  'input-collection-failed': 'EXTRACT_VALUE_ERROR',
  // a refusal of Stratum's own: Camunda has no such incident
  'assignment-server-role': 'UNKNOWN',
};

export function errorTypeOf(incident: Pick<IncidentView, 'kind' | 'reason'>): StratumErrorType {
  if (incident.kind === 'job') return 'JOB_NO_RETRIES';
  return incident.reason ? ERROR_TYPE_OF[incident.reason.kind] : 'UNKNOWN';
}

/** The search that finds the incidents of `errorType` (none for a type Stratum never raises). */
export function errorTypeSearch(errorType: Camunda8ErrorType): Pick<IncidentSearch, 'kind' | 'reasonKinds'> {
  if (errorType === 'JOB_NO_RETRIES') return { kind: 'job' };
  const kinds = (Object.keys(ERROR_TYPE_OF) as IncidentReasonKind[]).filter((kind) => kind !== 'job-no-retries' && ERROR_TYPE_OF[kind] === errorType);
  return { kind: 'step', reasonKinds: { kinds, orNone: errorType === 'UNKNOWN' } };
}
