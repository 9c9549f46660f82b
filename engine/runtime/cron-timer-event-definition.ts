// bpmn-elements reads timers with an ISO 8601 parser only, so a Camunda cron
// cycle (`0 0 9 * * MON-FRI`) would fail the instance when the timer is
// reached. This timer event definition reads cron cycles too (repeating without
// end, as Camunda's cron timers do) and leaves everything else to bpmn-elements,
// but an ISO 8601 cycle whose next time piso would look for without end (R/PT0S,
// in a version stored before the timer-definition rule refused it): that fails
// the timer's element instead of holding the step, and the server, for ever. A
// cycle with no next time (a cron of years past, an ISO cycle that has ended)
// waits for ever: its reminders stop, the task they watch goes on.
// The due time Stratum stores comes from instance-step's timerDueAt by the
// runtime's clock; the time computed here only keeps bpmn-elements waiting.
import * as elements from 'bpmn-elements';
import type { ParsedTimer } from 'bpmn-elements';
import { looksLikeCron, nextCronTime, type CronDialect } from '../timers/cron-cycle.js';
import { unboundedCycleProblem } from '../timers/iso-cycle.js';
import { LATEST_DUE_TIME } from '../timers/latest-due-time.js';
import { reasoned } from './incident-reasons.js';

/** bpmn-elements' TimerEventDefinition (constructed with `new` for each timer event), with cron cycles parsed here. */
export class CronTimerEventDefinition extends elements.TimerEventDefinition {
  /** A value that cannot be read fails the timer's element (bpmn-elements wraps the error as a RunError's `inner`): reason `timer-failed`. */
  override parse(timerType: string, value: string): ParsedTimer {
    try {
      return this.parseValue(timerType, value);
    } catch (error) {
      throw reasoned(error, { kind: 'timer-failed' });
    }
  }

  private parseValue(timerType: string, value: string): ParsedTimer {
    if (timerType === 'timeCycle' && typeof value === 'string' && !looksLikeCron(value)) {
      const now = new Date();
      refuseUnboundedCycle(value, now);
      const parsed = super.parse(timerType, value);
      // piso gives an ended cycle (`R/PT1H/2020-01-01T00:00:00Z`) its end, in the past: a repeating timer armed
      // there fired and armed itself again within the step until the stack overflowed. It has no next time: it waits
      // for ever, as the reminders of a cycle that ran its course stop (instance-step's timerDueAt keeps it so)
      if (parsed.expireAt instanceof Date && parsed.expireAt.getTime() < now.getTime()) {
        return { ...parsed, expireAt: LATEST_DUE_TIME, delay: LATEST_DUE_TIME.getTime() - now.getTime() };
      }
      return parsed;
    }
    if (timerType !== 'timeCycle' || typeof value !== 'string' || !looksLikeCron(value)) return super.parse(timerType, value);
    const dialect: CronDialect = this.environment?.settings?.cronDialect === 'quartz' ? 'quartz' : 'spring';
    const now = new Date();
    // a cron cycle with no next time (its years have passed) waits for ever, as an ended ISO cycle does: a reminder on
    // `0 0 12 ? * * 2026` stops after 2026, where it failed the order with a timer-failed incident
    const expireAt = nextCronTime(value, now, dialect) ?? LATEST_DUE_TIME;
    return { expireAt, repeat: -1, delay: expireAt.getTime() - now.getTime() };
  }
}

/**
 * Throws for an ISO 8601 cycle piso could not find the next time of in bounded time (iso-cycle.ts), before piso is
 * asked: the step fails the timer's element (`timer-failed`) where it would spin for ever.
 */
export function refuseUnboundedCycle(value: string, now: Date): void {
  const problem = unboundedCycleProblem(value, now);
  if (problem) throw new Error(`the cycle "${value}" ${problem}; it was stored before deployments refused it, deploy a version with another cycle`);
}
