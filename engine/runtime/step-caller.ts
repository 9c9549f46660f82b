// Who caused a public step and the route their call came by. The entry the caller's action writes (a task
// completed, a job failed, an instance cancelled, a refused attempt) names the route beside the actor; the
// engine's own entries of the step do not repeat it, to keep the history small. The order events the step
// writes name both. Steps nobody called (timers, the scheduler) have no caller.
import type { Actor } from '../api.js';
import type { CallerRoute, HistoryRow } from '../store/types.js';

export interface StepCaller {
  /** The authenticated user; null for an in-process call that names nobody (a message sent without an actor). */
  actor: string | null;
  via: CallerRoute;
}

/** An in-process call of the runtime API names no route: the server always does. */
const IN_PROCESS: CallerRoute = 'runtime';

export function callerOf(actor: Actor): StepCaller {
  return { actor: actor.name, via: actor.via ?? IN_PROCESS };
}

/** The caller of a call that names its user apart (starts, order entry, messages). */
export function namedCaller(actor: string | null | undefined, via: CallerRoute | undefined): StepCaller {
  return { actor: actor ?? null, via: via ?? IN_PROCESS };
}

/** `entry` as the entry the caller's own action writes: it names their route. */
export function callerEntry(entry: HistoryRow, caller: StepCaller): HistoryRow {
  return { ...entry, via: caller.via };
}
