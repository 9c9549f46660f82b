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

describe(`${RULE}: cycles piso would count for ever`, () => {
  // without the rule the lint asks piso for the next time, whose count of R/PT0S never ends: the run hangs, no wall clock needed
  it('refuses a period under a second and one counted from too far away, without counting them (piso\'s own count of R/PT0S never ends)', async () => {
    const findings = ofRule(await lintFixture(RULE, 'invalid-cycles.bpmn'), RULE);
    const tooShort = (value: string, ms: number) =>
      `has the cycle "${value}", which repeats every ${ms} ms; a cycle repeats after a second at least (the scheduler fires timers once a second), write a cycle such as R3/PT10M or a cron expression such as 0 0 9 * * MON-FRI`;
    expect(findings).toEqual([
      ['Forever', `The timer of start event "Again and again" ${tooShort('R/PT0S', 0)}`],
      ['Million', `The timer of boundary event "A million at once" ${tooShort('R1000000/PT0S', 0)}`],
      ['Millisecond', `The timer of boundary event "Every millisecond until 2030" ${tooShort('R/PT0.001S/2030-01-01T00:00:00Z', 1)}`],
      [
        'Medieval',
        'The timer of boundary event "Every second since 1000" has the cycle "R/1000-01-01T00:00:00Z/PT1S", which counts more than 2147483647 repetitions from its start to now; anchor it nearer today or repeat less often',
      ],
    ]);
  });
});

describe(`${RULE}: times a store does not keep`, () => {
  // the store keeps times up to year 9999: such a timer refused the step that reached it with 422 about `dueAt`
  it('refuses a duration or cycle that falls due after the year 9999; the last second of 9999 is a time like any other', async () => {
    const findings = ofRule(await lintFixture(RULE, 'invalid-far-timers.bpmn'), RULE);
    const after9999 = 'which falls due after the year 9999, later than Stratum keeps a time; write a nearer one';
    expect(findings).toEqual([
      ['Ages', `The timer of intermediate catch event "A hundred thousand years" has the duration "P100000Y", ${after9999}`],
      ['LastDay', `The timer of intermediate catch event "Daily from the last day" has the cycle "R/9999-12-31T23:59:59Z/P1D", ${after9999}`],
    ]);
  });
});

describe(`${RULE}: cycles that never fire again`, () => {
  // reached, an ended ISO cycle overflowed the step's stack and a cron cycle without a next time failed its instance
  it('refuses an ISO 8601 cycle that has ended and a cron cycle with no next time', async () => {
    const findings = ofRule(await lintFixture(RULE, 'invalid-ended-cycles.bpmn'), RULE);
    const today = new Date().toISOString().slice(0, 10);
    expect(findings).toEqual([
      ['Hourly', 'The timer of boundary event "Hourly until 2020" has the cycle "R/PT1H/2020-01-01T00:00:00Z", which ended at 2020-01-01T00:00:00.000Z and never fires again; write one that repeats from now on'],
      ['Daily', 'The timer of boundary event "Daily in 2020" has the cycle "R/2020-01-01T00:00:00Z/2020-01-02T00:00:00Z", which ended at 2020-01-02T00:00:00.000Z and never fires again; write one that repeats from now on'],
      ['PastYear', `The timer of boundary event "New year 2020" has the cron cycle "0 0 12 1 1 ? 2020", which never fires after today (${today}); write one that repeats from now on`],
      ['NoSuchDay', `The timer of boundary event "February 30" has the cron cycle "0 0 12 30 2 ?", which never fires after today (${today}); write one that repeats from now on`],
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
