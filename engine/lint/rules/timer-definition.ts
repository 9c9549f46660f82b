// Stratum's scheduler fires timers whose time bpmn-engine computes from the
// definition with its own ISO 8601 parser (@0dep/piso, used by bpmn-elements);
// expressions in timers are not evaluated. So a timer needs a fixed ISO 8601
// duration (`P30D`, `PT12H`), date (`2026-12-01T10:00:00Z`) or cycle
// (`R3/PT10M`) that this parser reads; anything else would fail the instance
// when the timer is reached.
import { ISOInterval, getDate } from '@0dep/piso';
import { elementLabel } from '../element-label.js';
import { is, type Reporter, type RuleFactory } from '../rule-api.js';

const EXAMPLES: Record<TimerField, string> = {
  timeDuration: 'a duration such as P30D or PT12H',
  timeDate: 'a date such as 2026-12-01T10:00:00Z',
  timeCycle: 'a cycle such as R3/PT10M',
};

type TimerField = 'timeDuration' | 'timeDate' | 'timeCycle';

const timerDefinition: RuleFactory = () => {
  function check(node: any, reporter: Reporter) {
    if (!is(node, 'bpmn:TimerEventDefinition')) return;
    const event = node.$parent ?? node;
    const where = `The timer of ${elementLabel(event)}`;

    const fields = (['timeDuration', 'timeDate', 'timeCycle'] as const).filter((field) => typeof node[field]?.body === 'string' && node[field].body.trim());
    if (fields.length === 0) {
      reporter.report(event.id, `${where} has no time; set a duration (e.g. P30D), a date or a cycle`);
      return;
    }
    for (const field of fields) {
      const value: string = node[field].body.trim();
      if (value.startsWith('=') || /^[$#]\{/.test(value)) {
        reporter.report(event.id, `${where} computes its ${kind(field)} ("${value}"); Stratum does not evaluate timer expressions, write ${EXAMPLES[field]}`);
      } else if (!parses(field, value)) {
        reporter.report(event.id, `${where} has the ${kind(field)} "${value}", which is not ISO 8601; write ${EXAMPLES[field]}`);
      }
    }
  }

  return { check };
};

export default timerDefinition;

// helpers

function kind(field: TimerField): string {
  return { timeDuration: 'duration', timeDate: 'date', timeCycle: 'cycle' }[field];
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
