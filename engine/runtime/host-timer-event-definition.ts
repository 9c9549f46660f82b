// Timers fire when the host's scheduler fires them (by cancelling the wait), never while a stored state is
// recovered. bpmn-elements computes a resumed timer's delay from the wall clock and completes it at once when it
// has expired, so an engine recovered after the due time (another server process, a restart, an evicted warm
// engine) moved past the timer inside whatever step recovered it: the scheduler's own step then found no timer
// waiting and failed the instance, and a task completed before the scheduler's tick was refused.
import * as elements from 'bpmn-elements';
import { CronTimerEventDefinition } from './cron-timer-event-definition.js';

/** The message a timer executes on (its `fields.redelivered`: resumed from a recovered state). */
interface ExecuteMessage {
  fields: { redelivered?: boolean };
}

/** What bpmn-elements' TimerEventDefinition resolves before it arms a timer (`timeout` ≤ 0: complete now). */
interface ResolvedTimer {
  timeout?: number;
  [key: string]: unknown;
}

type ResolveTimers = (this: elements.TimerEventDefinition, message: ExecuteMessage) => ResolvedTimer;

const resolveTimers = (elements.TimerEventDefinition.prototype as unknown as { _getTimers: ResolveTimers })._getTimers;

/** Any delay above zero parks a timer: the engines' setTimeout does nothing (execution-environment.ts). */
const PARKED_MS = 1;

export class HostTimerEventDefinition extends CronTimerEventDefinition {
  /** bpmn-elements' own resolution, but a resumed timer that has expired stays parked for the scheduler. */
  _getTimers(message: ExecuteMessage): ResolvedTimer {
    const timers = resolveTimers.call(this, message);
    const resumed = message.fields.redelivered === true;
    return resumed && timers.timeout !== undefined && timers.timeout <= 0 ? { ...timers, timeout: PARKED_MS } : timers;
  }
}
