// A refused incident retry, as the Incidents tab reads it (docs/api.md, "Incidents").
import { describe, expect, it } from 'vitest';
import { ApiProblem } from '../../../../modeler/src/api/client.js';
import { retryRefusalOf, wouldFailSentence } from '../../../../modeler/src/features/incidents/retry-refusal.js';

const TYPE = 'https://stratum.dev/problems/';
const problem = (status: number, extra: Record<string, unknown>) => new ApiProblem(status, { status, title: 'refused', detail: 'refused', ...extra });

describe('a refused incident retry', () => {
  it('names the incident to retry first when the incident only follows from a called instance\'s (409 not-root-cause)', () => {
    expect(retryRefusalOf(problem(409, { type: `${TYPE}not-root-cause`, rootCauseIncidentId: 'inc-child' })))
      .toEqual({ kind: 'not-root-cause', rootCauseIncidentId: 'inc-child' });
  });

  it('knows an incident resolved meanwhile (409 incident-resolved)', () => {
    expect(retryRefusalOf(problem(409, { type: `${TYPE}incident-resolved` }))).toEqual({ kind: 'resolved' });
  });

  it('takes the incident a retry would raise from a 422, and says it in words with nothing changed', () => {
    const incident = { elementId: 'Route', message: 'condition of Large: amount is missing', reason: { kind: 'condition-failed', flowId: 'Large' } } as const;
    const refusal = retryRefusalOf(problem(422, { incident }));
    expect(refusal).toEqual({ kind: 'would-fail', incident });
    const names: Record<string, string> = { Route: 'Route by amount', Large: 'large order' };
    expect(wouldFailSentence(incident, (id) => names[id] ?? id))
      .toBe('The retry would raise an incident at Route by amount: The condition on flow large order could not be evaluated. Nothing changed.');
    expect(wouldFailSentence({ elementId: null, message: 'engine said no' })).toBe('The retry would raise an incident at the process: engine said no. Nothing changed.');
  });

  it('leaves every other refusal to the server\'s detail: a 403, a variable no retry may set, a 409 without its member', () => {
    expect(retryRefusalOf(problem(403, { detail: 'Only operations may retry incidents.' }))).toEqual({ kind: 'other' });
    expect(retryRefusalOf(problem(422, { errors: [{ field: '/variables/amount', message: 'an order field' }] }))).toEqual({ kind: 'other' });
    expect(retryRefusalOf(problem(409, { type: `${TYPE}not-root-cause` }))).toEqual({ kind: 'other' });
    expect(retryRefusalOf(new Error('offline'))).toEqual({ kind: 'other' });
  });
});
