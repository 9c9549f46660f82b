// ISO 8601 timer cycles (`R3/PT10M`, `R/2026-01-01T09:00:00Z/P1D`) whose next time @0dep/piso (bpmn-elements'
// parser) cannot find in bounded time. piso steps from the cycle's start (or back from its end) one period at a
// time: a period of zero (`R/PT0S`) never ends that loop, and a short one counted from decades away overflows the
// 32-bit count it starts from and runs for minutes, in the step that reached the timer, holding its server. The
// timer-definition rule refuses such a cycle at deployment; the runtime asks again before it computes a time, for a
// version stored before the rule did. Browser-safe.
import { ISOInterval } from '@0dep/piso';

/** piso starts its count of a cycle's periods with `~~`, a 32-bit integer. */
const MOST_PERIODS = 2 ** 31 - 1;

/** A cycle's period in ms at its anchor, and whether it is counted from a start or back from an end. */
export interface CyclePeriod {
  periodMs: number;
  anchor: Date;
  from: 'start' | 'end' | 'now';
}

/** The period of an ISO 8601 cycle, or undefined for text that is no cycle with a duration (piso reports that itself). */
export function cyclePeriod(value: string, now: Date): CyclePeriod | undefined {
  let interval: ISOInterval;
  try {
    interval = new ISOInterval(value).parse();
  } catch {
    return undefined;
  }
  if (!interval.duration) return undefined;
  const start = interval.start?.toDate();
  const end = interval.end?.toDate();
  const anchor = start ?? end ?? now;
  return { periodMs: interval.duration.toMilliseconds(anchor), anchor, from: start ? 'start' : end ? 'end' : 'now' };
}

/**
 * Why piso could not find the next time of the ISO 8601 cycle `value` after `now` in bounded time, checked without
 * asking it: a period of zero (or one that cannot be read as a number), or more periods between its start or end and
 * `now` than piso counts. Undefined for any other text.
 */
export function unboundedCycleProblem(value: string, now: Date): string | undefined {
  const cycle = cyclePeriod(value, now);
  if (!cycle) return undefined;
  if (!(cycle.periodMs > 0)) return `repeats every ${cycle.periodMs} ms, so it has no next time`;
  if (Math.abs(now.getTime() - cycle.anchor.getTime()) / cycle.periodMs > MOST_PERIODS) {
    return `counts more than ${MOST_PERIODS} repetitions from its ${cycle.from} to now; anchor it nearer today or repeat less often`;
  }
  return undefined;
}
