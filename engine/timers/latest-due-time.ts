// The stores keep instants between years 0000 and 9999 (store/iso-time.ts), as a timer's due time is kept. A timer
// that falls due later (`P100000Y`, a cycle starting on 9999-12-31 whose next time is in year 10000) was refused
// by the store inside the step that reached it: every start or completion that led to it answered 422 about
// `dueAt`, and the order could not move past it. The timer-definition rule refuses such a timer at deployment; the
// runtime keeps one of a version stored before as due at the last instant a store keeps, which is never in practice,
// as it keeps a cycle that has ended (no next time).
// Browser-safe.

/** The last instant a store keeps: 9999-12-31T23:59:59.999Z. */
export const LATEST_DUE_TIME = new Date(Date.UTC(9999, 11, 31, 23, 59, 59, 999));

/** `due`, or LATEST_DUE_TIME when it falls after it (or past what a Date holds: a delay added to now that overflowed). */
export function keptDueTime(due: Date): Date {
  return Number.isNaN(due.getTime()) || due.getTime() > LATEST_DUE_TIME.getTime() ? LATEST_DUE_TIME : due;
}

/** Whether `due` falls after the last instant a store keeps. */
export function dueAfterStoredYears(due: Date): boolean {
  return due.getTime() > LATEST_DUE_TIME.getTime();
}
