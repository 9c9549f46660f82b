import type { RefusedEvent } from '../../api/client';

/** The Audit tab's filters as the operator typed them; an empty field asks for nothing. */
export interface AuditFilters {
  event: RefusedEvent | '';
  actor: string;
  reason: string;
  businessKey: string;
  /** A date input's `yyyy-mm-dd`: from the start of that day, the browser's local time. */
  since: string;
}

export const NO_FILTERS: AuditFilters = { event: '', actor: '', reason: '', businessKey: '', since: '' };

/**
 * Each refused event (docs/api.md, "Refused attempts across orders") in words, for the event filter. A Record, so
 * a new kind of refusal fails to compile until it has its words.
 */
export const REFUSED_EVENT_WORDS: Record<RefusedEvent, string> = {
  'task.refused': 'Task completion or claim',
  'job.refused': 'Job completion, failure or error',
  'message.refused': 'Message',
  'change.refused': 'Order change',
  'cancel.refused': 'Cancel',
  'incident.refused': 'Incident retry',
  'start.refused': 'Start under an order\'s number',
  'entry.refused': 'Order entered again',
};

/**
 * GET /api/audit/refused's query for the filters, a page of `limit`, after the cursor `after` (a previous page's
 * `next`); text is trimmed, and a field left empty is not sent.
 */
export function refusedAttemptsQuery(filters: AuditFilters, limit: number, after?: string | null): URLSearchParams {
  const query = new URLSearchParams();
  for (const name of ['event', 'actor', 'reason', 'businessKey'] as const) {
    const value = filters[name].trim();
    if (value) query.set(name, value);
  }
  const since = startOfLocalDay(filters.since);
  if (since) query.set('since', since);
  query.set('limit', String(limit));
  if (after) query.set('after', after);
  return query;
}

/** `2026-12-07` as the instant its day begins where the browser is (the server wants an instant with a zone); else undefined. */
export function startOfLocalDay(date: string): string | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date.trim());
  if (!match) return undefined;
  const [year, month, day] = match.slice(1).map(Number);
  const start = new Date(year, month - 1, day);
  if (start.getFullYear() !== year || start.getMonth() !== month - 1 || start.getDate() !== day) return undefined;
  return start.toISOString();
}
