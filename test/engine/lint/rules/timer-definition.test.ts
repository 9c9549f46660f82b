import { describe, expect, it } from 'vitest';
import { expectNoErrors, fixtureFiles, lintFixture, ofRule } from '../lint-fixture.js';

const RULE = 'timer-definition';

describe(RULE, () => {
  it.each(fixtureFiles(RULE, 'valid-'))('accepts %s (ISO 8601 durations, dates and cycles; Camunda 7 and 8 cron cycles)', (file) => expectNoErrors(RULE, file));

  it('refuses timers that are not ISO 8601, computed (FEEL or ${…}) or empty', async () => {
    const findings = ofRule(await lintFixture(RULE, 'invalid-timers.bpmn'), RULE);
    expect(findings).toEqual([
      ['Words', 'The timer of intermediate catch event "Thirty days" has the duration "30 days", which is not ISO 8601; write a duration such as P30D or PT12H'],
      [
        'Feel',
        'The timer of intermediate catch event "Urgent or not" computes its duration ("=if urgent then "PT1H" else "P1D""); Stratum does not evaluate timer expressions, write a duration such as P30D or PT12H',
      ],
      [
        'Juel',
        'The timer of intermediate catch event "Configured delay" computes its duration ("${delay}"); Stratum does not evaluate timer expressions, write a duration such as P30D or PT12H',
      ],
      ['Tomorrow', 'The timer of intermediate catch event "Tomorrow" has the date "tomorrow", which is not ISO 8601; write a date such as 2026-12-01T10:00:00Z'],
      ['Empty', 'The timer of intermediate catch event "Some time" has no time; set a duration (e.g. P30D), a date or a cycle'],
    ]);
  });
});

describe(`${RULE}: cron cycles`, () => {
  it('refuses a Camunda 7 cron cycle that Quartz would refuse, saying why', async () => {
    const findings = ofRule(await lintFixture(RULE, 'invalid-cron.bpmn'), RULE);
    expect(findings).toEqual([
      [
        'Remind',
        'The timer of boundary event "Every 10 minutes, 3 times" has the cron cycle "0 0 9 * * MON-FRI", which does not parse: Quartz needs "?" in exactly one of day-of-month and day-of-week',
      ],
    ]);
  });
});
