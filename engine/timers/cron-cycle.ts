// Timer cycles written as cron expressions, the way Camunda writes them:
//   Camunda 7 (Quartz): 6 or 7 fields `sec min hour day-of-month month day-of-week [year]`,
//     one of the two day fields `?`, weekdays 1-7 = SUN-SAT;
//   Camunda 8 (Spring's CronExpression, as Zeebe copies it): 6 fields, weekdays 0-7 with
//     0 and 7 = SUN, `?` allowed, macros such as @daily.
// Both accept names (MON, JAN), ranges, lists, steps (`0/15`, `*/5`), `L`, `W` and `#`.
// The next due time comes from croner (a maintained cron library without
// dependencies) by the runtime's clock. Both Camunda engines evaluate cron in
// the JVM's default time zone; Stratum evaluates in UTC (the zone of Camunda's
// own container images and SaaS) unless a caller names another zone.
// Browser-safe.
import { Cron } from 'croner';

/** Which engine's reading of day-of-week numbers applies: the file's flavour. */
export type CronDialect = 'quartz' | 'spring';

export class CronCycleError extends Error {
  constructor(readonly reason: string, readonly expression: string) {
    super(`"${expression}" is not a cron cycle: ${reason}`);
    this.name = 'CronCycleError';
  }
}

/** True for text that is meant as cron (5–7 space-separated fields or an @macro), not ISO 8601 (`R3/PT10M`). */
export function looksLikeCron(text: string): boolean {
  const trimmed = text.trim();
  if (/^@[a-z]+$/i.test(trimmed)) return true;
  const fields = trimmed.split(/\s+/);
  return fields.length >= 5 && fields.length <= 7 && !/^R\d*\//.test(trimmed) && !trimmed.startsWith('P');
}

export interface CronCycle {
  expression: string;
  dialect: CronDialect;
  /** The first due time strictly after `from`, or null when the expression never fires again (a past year). */
  next(from: Date): Date | null;
}

/** Parses a cron cycle; a CronCycleError says what is wrong in terms of the dialect. */
export function parseCronCycle(expression: string, dialect: CronDialect, timeZone = 'UTC'): CronCycle {
  const trimmed = expression.trim();
  const pattern = dialect === 'spring' ? springPattern(trimmed) : quartzPattern(trimmed);
  let cron: Cron;
  try {
    cron = new Cron(pattern.fields.join(' '), {
      timezone: timeZone,
      mode: pattern.fields.length === 7 ? '7-part' : '6-part',
      // Quartz and Spring fire only when day-of-month AND day-of-week match (`?` is "any").
      legacyMode: false,
      alternativeWeekdays: dialect === 'quartz',
      paused: true,
    });
  } catch (error) {
    throw new CronCycleError((error as Error).message.replace(/^CronPattern: /, ''), trimmed);
  }
  return {
    expression: trimmed,
    dialect,
    next: (from) => cron.nextRun(from) ?? null,
  };
}

/** The next due time of a cron cycle after `from`; throws CronCycleError. */
export function nextCronTime(expression: string, from: Date, dialect: CronDialect, timeZone = 'UTC'): Date | null {
  return parseCronCycle(expression, dialect, timeZone).next(from);
}

// helpers

const SPRING_MACROS: Record<string, string> = {
  '@yearly': '0 0 0 1 1 *',
  '@annually': '0 0 0 1 1 *',
  '@monthly': '0 0 0 1 * *',
  '@weekly': '0 0 0 * * 0',
  '@daily': '0 0 0 * * *',
  '@midnight': '0 0 0 * * *',
  '@hourly': '0 0 * * * *',
};

// Highest value per field (seconds … year), to write Quartz's `0/15` as croner's `0-59/15`.
const FIELD_MAX = [59, 59, 23, 31, 12, 7, 2099];
const DAY_OF_MONTH = 3;
const DAY_OF_WEEK = 5;

function springPattern(text: string): { fields: string[] } {
  const expanded = SPRING_MACROS[text.toLowerCase()] ?? text;
  if (expanded.startsWith('@')) throw new CronCycleError(`unknown macro ${text} (known: ${Object.keys(SPRING_MACROS).join(', ')})`, text);
  const fields = expanded.split(/\s+/);
  if (fields.length !== 6) {
    throw new CronCycleError(`Camunda 8 cron has 6 fields (second minute hour day-of-month month day-of-week), this has ${fields.length}`, text);
  }
  return { fields: normalise(fields) };
}

function quartzPattern(text: string): { fields: string[] } {
  const fields = text.split(/\s+/);
  if (fields.length !== 6 && fields.length !== 7) {
    throw new CronCycleError(`Camunda 7 (Quartz) cron has 6 or 7 fields (second minute hour day-of-month month day-of-week [year]), this has ${fields.length}`, text);
  }
  const dayOfMonthAny = fields[DAY_OF_MONTH] === '?';
  const dayOfWeekAny = fields[DAY_OF_WEEK] === '?';
  if (dayOfMonthAny === dayOfWeekAny) {
    throw new CronCycleError('Quartz needs "?" in exactly one of day-of-month and day-of-week', text);
  }
  return { fields: normalise(fields) };
}

/** `?` means "any day" here (croner reads it as "now"); a numeric start before `/` gets its range's end. */
function normalise(fields: string[]): string[] {
  return fields.map((field, index) => {
    if (field === '?') return '*';
    return field
      .split(',')
      .map((part) => (/^\d+\/\d+$/.test(part) ? part.replace('/', `-${FIELD_MAX[index]}/`) : part))
      .join(',');
  });
}
