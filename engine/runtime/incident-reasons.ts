// Why a step failed, for a program: the code that raises a failure tags its
// error with an IncidentReason where it creates it, and the step reads the tag
// back, never the message text. bpmn-elements wraps an error an element
// behaviour raises (an ActivityError or RunError with the original as `inner`),
// so the tag is read on the error or on the one it wraps.
import type { IncidentReason } from '../store/types.js';

/** `error` carrying `reason`: the same error object (a FeelError keeps its inputs), tagged. */
export function withReason<E extends Error>(error: E, reason: IncidentReason): E & { reason: IncidentReason } {
  return Object.assign(error, { reason });
}

/** An error made here from one that was not (a thrown non-Error), tagged. */
export function reasoned(error: unknown, reason: IncidentReason): Error & { reason: IncidentReason } {
  return withReason(error instanceof Error ? error : new Error(String(error)), reason);
}

/** The reason an error (or the error bpmn-elements wrapped in it) was tagged with, if any. */
export function reasonOf(error: unknown): IncidentReason | undefined {
  return tagOf(error) ?? tagOf(fieldOf(error, 'inner'));
}

// helpers

function tagOf(error: unknown): IncidentReason | undefined {
  const reason = fieldOf(error, 'reason');
  return typeof fieldOf(reason, 'kind') === 'string' ? (reason as IncidentReason) : undefined;
}

function fieldOf(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}
