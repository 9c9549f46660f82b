// The Audit tab asks GET /api/audit/refused for what its filters hold, a page at a time; empty fields ask for nothing.
import { describe, expect, it } from 'vitest';
import { NO_FILTERS, REFUSED_EVENT_WORDS, refusedAttemptsQuery as query, startOfLocalDay as startOf, type AuditFilters } from '../../../../modeler/src/features/audit/audit-query.js';

/** Typed here: the modeler's own imports (without .js) do not resolve for the tests' type checks. */
const refusedAttemptsQuery: (filters: AuditFilters, limit: number, after?: string | null) => URLSearchParams = query;
const startOfLocalDay: (date: string) => string | undefined = startOf;

describe('the query of the Audit tab', () => {
  it('asks for the first page only when no filter is set', () => {
    expect(refusedAttemptsQuery(NO_FILTERS, 50).toString()).toBe('limit=50');
  });

  it('sends every filter set, trimmed, and the cursor of the page after', () => {
    const filters: AuditFilters = { event: 'task.refused', actor: ' dirk ', reason: 'four-eyes-starter', businessKey: 'SO-1042', since: '' };
    expect(Object.fromEntries(refusedAttemptsQuery(filters, 2, 'WyIy'))).toEqual({
      event: 'task.refused', actor: 'dirk', reason: 'four-eyes-starter', businessKey: 'SO-1042', limit: '2', after: 'WyIy',
    });
  });

  it('leaves out a field of spaces', () => {
    expect(refusedAttemptsQuery({ ...NO_FILTERS, actor: '   ', businessKey: '\t' }, 50).toString()).toBe('limit=50');
  });

  it('escapes what it sends', () => {
    expect(refusedAttemptsQuery({ ...NO_FILTERS, businessKey: 'SO 1&2' }, 50).toString()).toBe('businessKey=SO+1%262&limit=50');
  });

  it('asks since the start of the chosen day where the browser is, as an instant with a zone', () => {
    const since = refusedAttemptsQuery({ ...NO_FILTERS, since: '2026-12-07' }, 50).get('since');
    expect(since).toBe(new Date(2026, 11, 7).toISOString());
    expect(since).toMatch(/Z$/);
  });
});

describe('the start of a chosen day', () => {
  it('is local midnight of that day', () => {
    expect(startOfLocalDay('2026-02-28')).toBe(new Date(2026, 1, 28, 0, 0, 0, 0).toISOString());
  });

  it.each(['', '2026-02-30', '07.12.2026', '2026-13-01'])('is nothing for %j', (date) => {
    expect(startOfLocalDay(date)).toBeUndefined();
  });
});

describe('the event filter', () => {
  it('offers every refused event the server lists', () => {
    expect(Object.keys(REFUSED_EVENT_WORDS).sort()).toEqual(['cancel.refused', 'change.refused', 'entry.refused', 'incident.refused', 'job.refused', 'message.refused', 'start.refused', 'task.refused']);
  });
});
