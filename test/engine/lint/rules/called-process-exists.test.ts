import { describe, expect, it } from 'vitest';
import { expectNoErrors, lintFixture, ofRule } from '../lint-fixture.js';

const RULE = 'called-process-exists';

describe(RULE, () => {
  it('accepts a call to a process of the same file, even with an empty library', () =>
    expectNoErrors(RULE, 'valid-same-document.bpmn', { knownProcessKeys: [] }));

  it('accepts a Camunda 7 calledElement naming a deployed process', () =>
    expectNoErrors(RULE, 'valid-camunda-called-element.bpmn', { knownProcessKeys: ['credit-order-approval'] }));

  it('refuses a Camunda 7 calledElement naming a process that is not deployed', async () => {
    const findings = ofRule(await lintFixture(RULE, 'valid-camunda-called-element.bpmn', { knownProcessKeys: ['order-to-cash'] }), RULE);
    expect(findings).toEqual([
      [
        'Call_Credit',
        'Call activity "Check credit" calls process "credit-order-approval", which is neither deployed nor part of this deployment; deploy "credit-order-approval" first or together with it',
      ],
    ]);
  });

  it('with the deployed keys, refuses unknown, missing and computed process ids', async () => {
    const findings = ofRule(await lintFixture(RULE, 'invalid-called-processes.bpmn', { knownProcessKeys: ['order-to-cash'] }), RULE);
    expect(findings.map(([id]) => id)).toEqual(['Call_Unknown', 'Call_Nothing', 'Call_Computed']);
    expect(findings[0][1]).toContain('calls process "no-such-process", which is neither deployed nor part of this deployment');
    expect(findings[1][1]).toContain('Call activity "Run nothing" does not name the process it calls');
    expect(findings[2][1]).toContain('computes the process it calls ("=processToRun")');
  });

  it('without a library (in the modeler), only requires a fixed process id', async () => {
    const findings = ofRule(await lintFixture(RULE, 'invalid-called-processes.bpmn'), RULE);
    expect(findings.map(([id]) => id)).toEqual(['Call_Nothing', 'Call_Computed']);
  });

  it('accepts a call when the callee is among the known keys', async () => {
    const findings = ofRule(await lintFixture(RULE, 'invalid-called-processes.bpmn', { knownProcessKeys: ['no-such-process'] }), RULE);
    expect(findings.map(([id]) => id)).toEqual(['Call_Nothing', 'Call_Computed']);
  });
});
