import { describe, expect, it } from 'vitest';
import { CronCycleError, looksLikeCron, nextCronTime, parseCronCycle } from '../../../engine/timers/cron-cycle.js';

const MONDAY_0915 = new Date('2026-01-05T09:15:00Z');
const next = (expression: string, dialect: 'quartz' | 'spring', from = MONDAY_0915, zone?: string) =>
  nextCronTime(expression, from, dialect, zone)?.toISOString();

describe('Camunda 8 (Spring) cron cycles', () => {
  it.each([
    ['0 0 9 * * MON-FRI', '2026-01-06T09:00:00.000Z'],
    ['0 */10 * * * *', '2026-01-05T09:20:00.000Z'],
    ['0 0/30 * * * *', '2026-01-05T09:30:00.000Z'],
    ['0 0 12 * * 1', '2026-01-05T12:00:00.000Z'], // 1 = Monday
    ['0 0 12 * * 0', '2026-01-11T12:00:00.000Z'], // 0 = Sunday
    ['0 0 12 * * 7', '2026-01-11T12:00:00.000Z'], // 7 = Sunday too
    ['0 0 12 ? * SUN', '2026-01-11T12:00:00.000Z'],
    ['0 0 8 L * *', '2026-01-31T08:00:00.000Z'],
    ['0 0 8 * * 5#2', '2026-01-09T08:00:00.000Z'], // second Friday
    ['0 0 8 15W * *', '2026-01-15T08:00:00.000Z'],
    ['@daily', '2026-01-06T00:00:00.000Z'],
    ['@hourly', '2026-01-05T10:00:00.000Z'],
  ])('%s after Monday 09:15 UTC → %s', (expression, due) => {
    expect(next(expression, 'spring')).toBe(due);
  });

  it('fires only when day of month and weekday both match, as Spring does', () => {
    expect(next('0 0 12 13 * FRI', 'spring')).toBe('2026-02-13T12:00:00.000Z'); // the next Friday the 13th
  });

  it('refuses what Camunda 8 refuses, saying why', () => {
    expect(() => parseCronCycle('0 12 * * *', 'spring')).toThrow('Camunda 8 cron has 6 fields (second minute hour day-of-month month day-of-week), this has 5');
    expect(() => parseCronCycle('0 0 12 * * * 2027', 'spring')).toThrow(CronCycleError);
    expect(() => parseCronCycle('0 0 25 * * *', 'spring')).toThrow('"0 0 25 * * *" is not a cron cycle');
    expect(() => parseCronCycle('@fortnightly', 'spring')).toThrow('unknown macro @fortnightly');
  });
});

describe('Camunda 7 (Quartz) cron cycles', () => {
  it.each([
    ['0 0 12 ? * 2', '2026-01-05T12:00:00.000Z'], // 2 = Monday
    ['0 0 12 ? * 1', '2026-01-11T12:00:00.000Z'], // 1 = Sunday
    ['0 0 12 ? * MON-FRI', '2026-01-05T12:00:00.000Z'],
    ['0 0/15 8-17 ? * 2-6', '2026-01-05T09:30:00.000Z'],
    ['30 0 12 1 * ?', '2026-02-01T12:00:30.000Z'],
    ['0 0 12 ? * 6#1 2027', '2027-01-01T12:00:00.000Z'], // first Friday of 2027
  ])('%s after Monday 09:15 UTC → %s', (expression, due) => {
    expect(next(expression, 'quartz')).toBe(due);
  });

  it('refuses a cycle without exactly one "?" day field, as Quartz does', () => {
    expect(() => parseCronCycle('0 0 12 * * MON', 'quartz')).toThrow('Quartz needs "?" in exactly one of day-of-month and day-of-week');
    expect(() => parseCronCycle('0 0 12 ? * ?', 'quartz')).toThrow('Quartz needs "?"');
    expect(() => parseCronCycle('0 12 ? * MON', 'quartz')).toThrow('Camunda 7 (Quartz) cron has 6 or 7 fields');
  });

  it('gives no next time for a year that has passed', () => {
    expect(next('0 0 12 1 1 ? 2025', 'quartz')).toBeUndefined();
  });
});

describe('time zones', () => {
  it('evaluates in UTC unless a zone is given (Camunda uses the JVM default zone)', () => {
    expect(next('0 0 9 * * MON-FRI', 'spring')).toBe('2026-01-06T09:00:00.000Z');
    expect(next('0 0 9 * * MON-FRI', 'spring', MONDAY_0915, 'Europe/Zurich')).toBe('2026-01-06T08:00:00.000Z');
    // summer time: 09:00 in Zurich is 07:00 UTC
    expect(next('0 0 9 * * MON-FRI', 'spring', new Date('2026-07-06T06:00:00Z'), 'Europe/Zurich')).toBe('2026-07-06T07:00:00.000Z');
  });
});

describe('telling cron from ISO 8601', () => {
  it.each([['0 0 9 * * MON-FRI', true], ['@daily', true], ['R3/PT10M', false], ['R/P1D', false], ['PT10M', false], ['2026-12-01T10:00:00Z', false]])('%s → %s', (text, cron) => {
    expect(looksLikeCron(text)).toBe(cron);
  });
});
