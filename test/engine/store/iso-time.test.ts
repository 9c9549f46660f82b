import { describe, expect, it } from 'vitest';
import { canonicalTimestamp } from '../../../engine/store/iso-time.js';

describe('canonical timestamps', () => {
  it('keeps a timestamp that is already canonical', () => {
    expect(canonicalTimestamp('2026-01-31T12:00:00.000Z', 'at')).toBe('2026-01-31T12:00:00.000Z');
    expect(canonicalTimestamp('0000-01-01T00:00:00.000Z', 'at')).toBe('0000-01-01T00:00:00.000Z');
  });

  it('writes other ISO 8601 forms in UTC with milliseconds', () => {
    expect(canonicalTimestamp('2026-01-31T13:00+01:00', 'at')).toBe('2026-01-31T12:00:00.000Z');
    expect(canonicalTimestamp('2026-01-31T12:00:00.123456Z', 'at')).toBe('2026-01-31T12:00:00.123Z');
  });

  it('refuses a day the month does not have, even in the canonical shape', () => {
    expect(() => canonicalTimestamp('2026-02-30T00:00:00.000Z', 'dueAt')).toThrow(/dueAt must be an ISO 8601 timestamp/);
    expect(() => canonicalTimestamp('2026-13-01T00:00:00.000Z', 'dueAt')).toThrow(/dueAt/);
    expect(() => canonicalTimestamp('2026-01-31T24:00:00.000Z', 'dueAt')).toThrow(/dueAt/);
  });

  it('refuses a timestamp without a time zone', () => {
    expect(() => canonicalTimestamp('2026-01-31T12:00:00.000', 'at')).toThrow(/time zone/);
  });
});
