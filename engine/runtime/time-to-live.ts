// A message's time-to-live as Camunda 8 takes it: milliseconds, or an ISO 8601
// duration of days, hours, minutes and seconds (java.time.Duration's form,
// e.g. PT1H, P2DT12H, PT0.5S). Years, months and weeks are refused: their
// length depends on the calendar.
import { StratumError } from '../errors.js';

/** The longest a message is kept: a year of days. */
const MAX_TIME_TO_LIVE_MS = 366 * 24 * 60 * 60 * 1000;
/** Camunda's clients buffer a message for an hour unless told otherwise. */
export const DEFAULT_TIME_TO_LIVE_MS = 60 * 60 * 1000;

const DURATION = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)(?:\.(\d{1,3}))?S)?)?$/;

/** Milliseconds for `value`; `field` names it in the error. */
export function timeToLiveMs(value: number | string, field = 'timeToLive'): number {
  const ms = typeof value === 'number' ? value : durationMs(value);
  if (ms === undefined || !Number.isInteger(ms) || ms < 0) {
    throw new StratumError(
      'invalid',
      `${field} must be a whole number of milliseconds or an ISO 8601 duration such as PT1H or P2DT12H, got ${JSON.stringify(value)}`,
    );
  }
  if (ms > MAX_TIME_TO_LIVE_MS) throw new StratumError('invalid', `${field} may be at most P366D (${MAX_TIME_TO_LIVE_MS} ms), got ${JSON.stringify(value)}`);
  return ms;
}

function durationMs(text: string): number | undefined {
  if (/^\d+$/.test(text)) return Number(text);
  const match = DURATION.exec(text);
  // "P" and "PT" alone name no duration
  if (!match || text === 'P' || text.endsWith('T')) return undefined;
  const [, days, hours, minutes, seconds, fraction] = match;
  const number = (part: string | undefined) => Number(part ?? 0);
  return (
    ((number(days) * 24 + number(hours)) * 60 + number(minutes)) * 60_000 +
    number(seconds) * 1000 +
    Number((fraction ?? '').padEnd(3, '0'))
  );
}
