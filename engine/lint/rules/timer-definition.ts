// Stratum's scheduler fires timers whose time bpmn-engine computes from the
// definition with its own ISO 8601 parser (@0dep/piso, used by bpmn-elements);
// expressions in timers are not evaluated. So a timer needs a fixed ISO 8601
// duration (`P30D`, `PT12H`), date (`2026-12-01T10:00:00Z`) or cycle
// (`R3/PT10M`) that this parser reads, or a cycle in Camunda's cron form
// (engine/timers/cron-cycle.ts: Quartz for Camunda 7 files, Spring for Camunda
// 8 files); anything else would fail the instance when the timer is reached.
// piso finds a cycle's next time by stepping from its start (or back from its
// end) one period at a time: a period of zero (`R/PT0S`) never ends that loop,
// and a short one counted from decades away overflows the 32-bit count it
// starts from and runs for minutes. It runs here, where the deployment is
// linted, and again each time the timer is reached; so such a cycle is refused.
import type { ModdleElement } from 'bpmn-moddle';
import { ISOInterval, getDate } from '@0dep/piso';
import { CAMUNDA_URI, ZEEBE_URI } from '../../bpmn/moddle.js';
import { CronCycleError, looksLikeCron, parseCronCycle, type CronDialect } from '../../timers/cron-cycle.js';
import { cyclePeriod, unboundedCycleProblem } from '../../timers/iso-cycle.js';
import { dueAfterStoredYears } from '../../timers/latest-due-time.js';
import { elementLabel } from '../element-label.js';
import { is, type Reporter, type RuleFactory } from '../rule-api.js';

/** The scheduler looks for due timers once a second: a shorter period could not fire as written. */
const SHORTEST_PERIOD_MS = 1000;

const EXAMPLES: Record<TimerField, string> = {
  timeDuration: 'a duration such as P30D or PT12H',
  timeDate: 'a date such as 2026-12-01T10:00:00Z',
  timeCycle: 'a cycle such as R3/PT10M or a cron expression such as 0 0 9 * * MON-FRI',
};

type TimerField = 'timeDuration' | 'timeDate' | 'timeCycle';

const timerDefinition: RuleFactory = () => {
  function check(node: ModdleElement, reporter: Reporter) {
    if (!is(node, 'bpmn:TimerEventDefinition')) return;
    const event = node.$parent ?? node;
    const where = `The timer of ${elementLabel(event)}`;

    const fields = (['timeDuration', 'timeDate', 'timeCycle'] as const).filter((field) => typeof node[field]?.body === 'string' && node[field].body.trim());
    if (fields.length === 0) {
      reporter.report(event.id, `${where} has no time; set a duration (e.g. P30D), a date or a cycle`);
      return;
    }
    for (const field of fields) {
      const value = node[field]?.body?.trim() ?? '';
      if (value.startsWith('=') || /^[$#]\{/.test(value)) {
        reporter.report(event.id, `${where} computes its ${kind(field)} ("${value}"); Stratum does not evaluate timer expressions, write ${EXAMPLES[field]}`);
      } else if (field === 'timeCycle' && looksLikeCron(value)) {
        const problem = cronProblem(value, cronDialectOf(node));
        if (problem) reporter.report(event.id, `${where} has the cron cycle "${value}", which ${problem}`);
      } else {
        const problem = field === 'timeCycle' ? cycleProblem(value) : undefined;
        if (problem) reporter.report(event.id, `${where} has the cycle "${value}", which ${problem}`);
        else if (!parses(field, value)) reporter.report(event.id, `${where} has the ${kind(field)} "${value}", which is not ISO 8601; write ${EXAMPLES[field]}`);
        else if (dueAfterStoredYears(firstDueTime(field, value))) {
          reporter.report(event.id, `${where} has the ${kind(field)} "${value}", which falls due after the year 9999, later than Stratum keeps a time; write a nearer one`);
        } else if (field === 'timeCycle' && firstDueTime(field, value).getTime() < Date.now()) {
          // piso gives an ended cycle its end: the runtime fails the timer's element (timer-failed) when it is reached
          reporter.report(event.id, `${where} has the cycle "${value}", which ended at ${firstDueTime(field, value).toISOString()} and never fires again; write one that repeats from now on`);
        }
      }
    }
  }

  return { check, meta: { documentation: { url: 'docs/validation.md#timer-definition-error' } } };
};

export default timerDefinition;

// helpers

function kind(field: TimerField): string {
  return { timeDuration: 'duration', timeDate: 'date', timeCycle: 'cycle' }[field];
}

/** Camunda 7 files write Quartz cron, Camunda 8 files Spring cron (the flavour rule of engine/bpmn/moddle.ts). */
function cronDialectOf(node: ModdleElement): CronDialect {
  let root = node;
  while (root.$parent) root = root.$parent;
  const namespaces = Object.values(root.$attrs ?? {});
  if (namespaces.includes(ZEEBE_URI)) return 'spring';
  return namespaces.includes(CAMUNDA_URI) ? 'quartz' : 'spring';
}

function cronProblem(value: string, dialect: CronDialect): string | undefined {
  try {
    const now = new Date();
    // the runtime fails the timer's element (timer-failed) when a cron cycle has no next time
    if (parseCronCycle(value, dialect).next(now) === null) return `never fires after today (${now.toISOString().slice(0, 10)}); write one that repeats from now on`;
    return undefined;
  } catch (error) {
    if (error instanceof CronCycleError) return `does not parse: ${error.reason}`;
    throw error;
  }
}

/**
 * Why piso could not compute the next time of an ISO 8601 cycle in bounded time (see the top, iso-cycle.ts), checked
 * without computing it, or why it could not fire as written: a period under a second.
 */
function cycleProblem(value: string): string | undefined {
  const now = new Date();
  const cycle = cyclePeriod(value, now);
  if (!cycle) return undefined;
  if (!(cycle.periodMs >= SHORTEST_PERIOD_MS)) {
    return `repeats every ${cycle.periodMs} ms; a cycle repeats after a second at least (the scheduler fires timers once a second), write ${EXAMPLES.timeCycle}`;
  }
  return unboundedCycleProblem(value, now);
}

/** When a timer that parses falls due first, counted from now as the runtime counts it. */
function firstDueTime(field: TimerField, value: string): Date {
  if (field === 'timeDate') return getDate(value);
  const now = new Date();
  return new ISOInterval(value).parse().getExpireAt(now, now);
}

/** The same parse bpmn-elements' TimerEventDefinition does when the timer is reached. */
function parses(field: TimerField, value: string): boolean {
  try {
    if (field === 'timeDate') return !Number.isNaN(getDate(value).getTime());
    const now = new Date();
    const expireAt = new ISOInterval(value).parse().getExpireAt(now, now);
    return expireAt instanceof Date && !Number.isNaN(expireAt.getTime());
  } catch {
    return false;
  }
}
