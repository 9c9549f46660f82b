import { StratumError } from '../errors.js';

// The API speaks ISO 8601 strings. Both stores keep one canonical form
// (`Date#toISOString()`, UTC, milliseconds) so that SQLite's text comparison
// orders instants correctly and both databases return identical strings.

const ISO_8601 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-](\d{2}):(\d{2}))$/;
const CANONICAL = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** Validates an ISO 8601 timestamp with a time zone and returns its canonical UTC form. */
export function canonicalTimestamp(value: string, field: string): string {
  // Most values are already canonical (the runtime's own toISOString): an exact round trip proves it.
  if (typeof value === 'string' && value.length === 24) {
    const ms = Date.parse(value);
    if (!Number.isNaN(ms) && new Date(ms).toISOString() === value) return value;
  }
  const match = typeof value === 'string' ? ISO_8601.exec(value) : null;
  if (match && fieldsInRange(match)) {
    const ms = Date.parse(value);
    if (!Number.isNaN(ms)) {
      const canonical = new Date(ms).toISOString();
      if (CANONICAL.test(canonical)) return canonical;
    }
  }
  throw new StratumError(
    'invalid',
    `${field} must be an ISO 8601 timestamp with a time zone between years 0000 and 9999 (e.g. 2026-01-31T12:00:00.000Z), got ${JSON.stringify(value)}`,
  );
}

export function canonicalTimestampOrNull(value: string | null | undefined, field: string): string | null {
  return value === null || value === undefined ? null : canonicalTimestamp(value, field);
}

// helpers

function fieldsInRange(match: RegExpExecArray): boolean {
  const [, year, month, day, hour, minute, second, , offsetHours, offsetMinutes] = match;
  const m = Number(month);
  const daysInMonth = new Date(Date.UTC(Number(year), m, 0)).getUTCDate();
  return (
    m >= 1 &&
    m <= 12 &&
    Number(day) >= 1 &&
    Number(day) <= daysInMonth &&
    Number(hour) <= 23 &&
    Number(minute) <= 59 &&
    (second === undefined || Number(second) <= 59) &&
    (offsetHours === undefined || (Number(offsetHours) <= 23 && Number(offsetMinutes) <= 59))
  );
}
