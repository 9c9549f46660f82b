import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { lintXml } from '../../../../engine/lint/lint-bpmn.js';
import { DIAGRAMS_DIR } from '../../../support/stratum-fixture.js';
import { expectNoErrors, fixtureFiles, lintFixture, ofRule } from '../lint-fixture.js';

const RULE = 'decision-reads-own-output';

describe(RULE, () => {
  it.each(fixtureFiles(RULE, 'valid-'))('accepts %s', (file) => expectNoErrors(RULE, file));

  it('refuses a gateway after a user task that reads another step\'s decision, or a task without outputs, and a second writer of a decision', async () => {
    const findings = ofRule(await lintFixture(RULE, 'invalid-decisions.bpmn'), RULE);
    expect(findings.map(([id]) => id).sort()).toEqual(['CheckYes', 'Overwrite', 'ReviewYes']);
    const message = (id: string) => findings.find(([elementId]) => elementId === id)![1];
    expect(message('ReviewYes')).toBe(
      'Sequence flow "yes" decides on the outcome of user task "Review order (vice-president)" but reads none of its outputs, ' +
        'so a value set earlier could stand in for a decision not made; read "vicePresidentApproved", which the task declares',
    );
    expect(message('CheckYes')).toContain('declare the decision as the task\'s output');
    expect(message('Overwrite')).toBe(
      'Intermediate throw event "Approve anyway" writes "vicePresidentApproved", which user task "Review order (vice-president)" declares as its decision; ' +
        'a decision is written only by the task that makes it: give this output another name',
    );
  });

  it('is an error, so such a diagram is not deployed', async () => {
    const findings = await lintFixture(RULE, 'invalid-decisions.bpmn');
    expect(findings.filter((finding) => finding.rule === RULE).every((finding) => finding.severity === 'error')).toBe(true);
  });

  it('finds the shipped approval and acknowledgement diagrams in order', async () => {
    for (const file of ['credit-order-approval.bpmn', 'special-change-notification.bpmn']) {
      const findings = await lintXml(readFileSync(`${DIAGRAMS_DIR}${file}`, 'utf8'));
      expect(ofRule(findings, RULE), file).toEqual([]);
    }
  });
});
