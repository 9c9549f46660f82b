import { ApiProblem, type StepIncident } from '../../api/client';
import { describeReason } from './incident-reason';

/** What a refused POST /api/incidents/{id}/retry means for the operator (docs/api.md, "Incidents"). */
export type RetryRefusal =
  /** 409: a caller's incident; its cause must be retried first (and this one resumes with it). */
  | { kind: 'not-root-cause'; rootCauseIncidentId: string }
  /** 422: the retry would fail again, raising `incident`; nothing changed. */
  | { kind: 'would-fail'; incident: StepIncident }
  /** 409: resolved meanwhile (retried by someone else, or its order cancelled). */
  | { kind: 'resolved' }
  /** Anything else (403, a variable no retry may set …): the server's detail says it. */
  | { kind: 'other' };

export function retryRefusalOf(error: unknown): RetryRefusal {
  if (!(error instanceof ApiProblem)) return { kind: 'other' };
  const { rootCauseIncidentId, incident } = error.body;
  if (error.status === 409 && refusedAs(error, 'not-root-cause') && typeof rootCauseIncidentId === 'string') {
    return { kind: 'not-root-cause', rootCauseIncidentId };
  }
  if (error.status === 409 && refusedAs(error, 'incident-resolved')) return { kind: 'resolved' };
  if (error.status === 422 && isStepIncident(incident)) return { kind: 'would-fail', incident };
  return { kind: 'other' };
}

/** The incident a refused retry would raise, in words: where, and why (its reason, else its message). */
export function wouldFailSentence(incident: StepIncident, nameOf: (elementId: string) => string = (id) => id): string {
  const where = incident.elementId ? nameOf(incident.elementId) : 'the process';
  const why = incident.reason ? describeReason(incident.reason, nameOf) : incident.message;
  return `The retry would raise an incident at ${where}: ${why}. Nothing changed.`;
}

// helpers

/** The server names these refusals by their problem type (…/not-root-cause); others carry a `reason`. */
function refusedAs(problem: ApiProblem, name: string): boolean {
  const { type, reason } = problem.body;
  return reason === name || (typeof type === 'string' && type.endsWith(`/${name}`));
}

function isStepIncident(value: unknown): value is StepIncident {
  return !!value && typeof value === 'object' && typeof (value as StepIncident).message === 'string';
}
