// A message catch may take only the buffered messages received since an instant its process names
// (`zeebe:property name="messagesReceivedSince"`, a FEEL expression over the process variables).
// A message kept in the buffer was received before the catch opened; for most catches that is the
// point of the buffer (a payment that arrives early is kept for the order). For some it is not: the
// catch that waits for the payment of a prepaid order's raise must not take a PaymentReceived the bank
// sent, or resent, before the raise was requested. Such a message stays buffered for another catch.
import { FeelDateTime } from 'feelin';
import type { ElementInfo } from '../bpmn/process-model.js';
import { evaluateFeel, feelBody, isFeel } from '../feel/feel-expression.js';

/** The instant (ISO 8601) a catch's buffered messages must be received at or after: null when any will do. */
export type ReceivedSince = { ok: true; since: string | null } | { ok: false; problem: string };

export function messagesReceivedSince(element: ElementInfo | undefined, variables: Record<string, unknown>): ReceivedSince {
  const expression = element?.messagesReceivedSince;
  if (!expression) return { ok: true, since: null };
  if (!isFeel(expression)) return { ok: false, problem: `"${element.messagesReceivedSince}" is not a FEEL expression (it starts with "=")` };
  let value: unknown;
  try {
    value = evaluateFeel(feelBody(expression), variables);
  } catch (error) {
    return { ok: false, problem: (error as Error).message };
  }
  const since = instantOf(value);
  return since ? { ok: true, since } : { ok: false, problem: `"${expression}" gave ${describe(value)}, not a date and time` };
}

/** Whether a message received `at` (ISO 8601) is a catch's whose messages must be received since `since`. */
export function receivedBy(at: string, since: string | null): boolean {
  return since === null || Date.parse(at) >= Date.parse(since);
}

/**
 * A date and time as a variable or FEEL gives it: ISO 8601 text, a Date, or feelin's date and time with a
 * UTC offset (one without a zone, or with a named zone, is no instant this can compare).
 */
function instantOf(value: unknown): string | undefined {
  let date: Date | undefined;
  if (value instanceof Date) date = value;
  else if (value instanceof FeelDateTime) date = new Date(value.iso);
  else if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value)) date = new Date(value);
  return date && !Number.isNaN(date.getTime()) ? date.toISOString() : undefined;
}

function describe(value: unknown): string {
  return value === undefined ? 'nothing' : JSON.stringify(value) ?? typeof value;
}
