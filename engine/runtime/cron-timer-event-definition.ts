// bpmn-elements reads timers with an ISO 8601 parser only, so a Camunda cron
// cycle (`0 0 9 * * MON-FRI`) would fail the instance when the timer is
// reached. This timer event definition reads cron cycles too (repeating without
// end, as Camunda's cron timers do) and leaves everything else to bpmn-elements.
// The due time Stratum stores comes from instance-step's timerDueAt by the
// runtime's clock; the time computed here only keeps bpmn-elements waiting.
import * as elements from 'bpmn-elements';
import { looksLikeCron, nextCronTime, type CronDialect } from '../timers/cron-cycle.js';

const BaseTimerEventDefinition: any = elements.TimerEventDefinition;

export function CronTimerEventDefinition(this: any, activity: any, eventDefinition: any) {
  BaseTimerEventDefinition.call(this, activity, eventDefinition);
}

CronTimerEventDefinition.prototype = Object.create(BaseTimerEventDefinition.prototype);
CronTimerEventDefinition.prototype.constructor = CronTimerEventDefinition;

CronTimerEventDefinition.prototype.parse = function parse(this: any, timerType: string, value: string) {
  if (timerType !== 'timeCycle' || typeof value !== 'string' || !looksLikeCron(value)) {
    return BaseTimerEventDefinition.prototype.parse.call(this, timerType, value);
  }
  const dialect: CronDialect = this.environment?.settings?.cronDialect === 'quartz' ? 'quartz' : 'spring';
  const now = new Date();
  const expireAt = nextCronTime(value, now, dialect);
  if (!expireAt) throw new Error(`the cron cycle "${value}" never fires after ${now.toISOString()}`);
  return { expireAt, repeat: -1, delay: expireAt.getTime() - now.getTime() };
};
