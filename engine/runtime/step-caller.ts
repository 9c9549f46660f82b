// Who caused a public step and the route their call came by. Every entry a step writes names a route: the
// caller's on the entry their action writes (a task completed, a job failed, a refused attempt) and on what the
// engine wrote because of it in the same step (elements, flows, the instance failing, incidents closed, the
// engine's OrderChanged); `engine` on the entries of a step nobody called (timers, the scheduler). So an entry
// without a route is one written before routes were recorded, never the engine's. The order events the step
// writes name the caller too.
import type { Actor } from '../api.js';
import { ENGINE_ROUTE, type CallerRoute, type HistoryRoute, type HistoryRow, type StoreTx } from '../store/types.js';

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

/**
 * `tx` whose history entries name `caller`'s route, or `engine` without a caller, unless the entry names one (or
 * null: a message received before routes were recorded).
 */
export function routingHistory(tx: StoreTx, caller: StepCaller | undefined): StoreTx {
  const via: HistoryRoute = caller?.via ?? ENGINE_ROUTE;
  const appendHistory = (rows: HistoryRow[]) => tx.appendHistory(rows.map((row) => (row.via === undefined ? { ...row, via } : row)));
  return new Proxy(tx, { get: (target, name, receiver) => (name === 'appendHistory' ? appendHistory : (Reflect.get(target, name, receiver) as unknown)) });
}
