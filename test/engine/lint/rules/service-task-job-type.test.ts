import { describe, expect, it } from 'vitest';
import { declaredJobRetries } from '../../../../engine/bpmn/process-model.js';
import { expectNoErrors, fixtureFiles, lintFixture, ofRule } from '../lint-fixture.js';

const RULE = 'service-task-job-type';

describe(RULE, () => {
  it.each(fixtureFiles(RULE, 'valid-'))('accepts %s', (file) => expectNoErrors(RULE, file));

  it('refuses service and send tasks without a job type', async () => {
    const findings = ofRule(await lintFixture(RULE, 'invalid-zeebe.bpmn'), RULE);
    expect(findings.map(([id]) => id)).toEqual(['NoType', 'SendNoType']);
    expect(findings[0][1]).toMatch(/^Stratum runs service tasks as external jobs; give service task "Plan production" a job type/);
    expect(findings[1][1]).toContain('give send task "Send confirmation" a job type');
  });

  it('refuses a Camunda 7 external task without topic and a service task without implementation', async () => {
    const findings = ofRule(await lintFixture(RULE, 'invalid-camunda.bpmn'), RULE);
    expect(findings.map(([id]) => id)).toEqual(['NoTopic', 'Nothing']);
    expect(findings[0][1]).toContain('camunda:type="external" needs a camunda:topic');
  });

  it('refuses declared retries no job can spend: past 2^31-1, negative, 0, not a count, a FEEL expression Stratum does not evaluate', async () => {
    const findings = ofRule(await lintFixture(RULE, 'invalid-retries.bpmn'), RULE);
    expect(findings.map(([id]) => id)).toEqual(['TooMany', 'Negative', 'Word', 'Expression', 'Zero', 'Fraction']);
    expect(findings[0][1]).toBe(
      'service task "Plan production" declares retries="99999999999": a job\'s retries are a count from 1 to 2147483647 (as Zeebe\'s), ' +
        'written as a number or a FEEL number literal (=5); Stratum evaluates no other retries expression',
    );
    expect(findings[3][1]).toContain('declares retries="=retriesFor(region)"');
  });

  it('reads a FEEL number literal as the count it declares, and refuses nothing else in it', () => {
    expect([declaredJobRetries('250'), declaredJobRetries('= 5'), declaredJobRetries(' '), declaredJobRetries('3abc')]).toEqual([250, 5, undefined, null]);
  });
});
