import { describe, expect, it } from 'vitest';
import { expectNoErrors, fixtureFiles, lintFixture, ofRule } from '../lint-fixture.js';

const RULE = 'feel-condition-syntax';

describe(RULE, () => {
  it.each(fixtureFiles(RULE, 'valid-'))('accepts %s', (file) => expectNoErrors(RULE, file));

  it('refuses conditions, mappings, correlation keys and job types that are not valid FEEL, naming the element', async () => {
    const findings = ofRule(await lintFixture(RULE, 'invalid-zeebe-expressions.bpmn'), RULE);
    expect(findings.map(([id]) => id).sort()).toEqual(['Flow_Broken', 'Flow_Empty', 'Flow_Plain', 'Job', 'Map', 'Message_Bad']);
    const message = (id: string) => findings.find(([elementId]) => elementId === id)![1];
    expect(message('Flow_Broken')).toBe(
      'The condition of sequence flow "broken" is not valid FEEL: syntax error at position 9 (near "end of expression") in "=amount >"',
    );
    expect(message('Flow_Plain')).toContain('"amount < 5" of sequence flow "plain text" is not a FEEL expression');
    expect(message('Flow_Plain')).toContain('"=amount < 5"');
    expect(message('Flow_Empty')).toContain('is empty');
    expect(message('Map')).toContain('output mapping for "total" of intermediate throw event "Set flag"');
    expect(message('Message_Bad')).toContain('correlation key of message "PaymentReceived"');
    expect(message('Job')).toContain('The job type of service task "Plan regionally" is not valid FEEL');
  });

  it('refuses FEEL written with "==" (a test with nothing on its left, never true or false), in conditions and mappings', async () => {
    const findings = ofRule(await lintFixture(RULE, 'invalid-doubled-equals.bpmn'), RULE);
    expect(findings.sort(([a], [b]) => a.localeCompare(b))).toEqual([
      ['Flow_Doubled', 'The condition "==amount > 1000000" of sequence flow "over a million" starts with "==": FEEL reads what follows the first "=" as a test with nothing on its left, which is never true or false; write one "=", e.g. "=amount > 1000000"'],
      ['Map', 'The output mapping for "total" of intermediate throw event "Set total" starts with "==": FEEL reads what follows the first "=" as a test with nothing on its left, which is never true or false; write one "=", e.g. "=amount"'],
    ]);
  });

  it('refuses a comparison operator typed twice (">>", "=>", ">==", "= =", "<>", …), which parses but never gives true or false', async () => {
    const findings = ofRule(await lintFixture(RULE, 'invalid-doubled-operators.bpmn'), RULE);
    const shown = (operators: string, meant: string) => `FEEL has no "${operators}", write "${meant}"`;
    expect(findings).toEqual([
      ['Map', `The output mapping for "large" of intermediate throw event "Set flag" is not valid FEEL: two comparison operators in a row at position 20 (near ">> 1000000 t"): ${shown('>>', '>')} in "=if reportingAmount >> 1000000 then "large" else "small""`],
      ['Flow_GtGt', `The condition of sequence flow "over a million" is not valid FEEL: two comparison operators in a row at position 17 (near ">> 1000000"): ${shown('>>', '>')} in "=reportingAmount >> 1000000"`],
      ['Flow_LtLt', expect.stringContaining(shown('<<', '<'))],
      ['Flow_Arrow', expect.stringContaining(shown('=>', '>='))],
      ['Flow_EqLt', expect.stringContaining(shown('=<', '<='))],
      ['Flow_GtEqEq', expect.stringContaining(shown('>==', '>='))],
      ['Flow_EqEq', expect.stringContaining(shown('==', '='))],
      ['Flow_EqSpaceEq', expect.stringContaining(shown('= =', '='))],
      ['Flow_NotEqEq', expect.stringContaining(shown('!==', '!='))],
      ['Flow_LtGt', expect.stringContaining(shown('<>', '!='))],
    ]);
  });

  it('checks a message catch\'s messagesReceivedSince: FEEL, and only on a message catch', async () => {
    const findings = ofRule(await lintFixture(RULE, 'invalid-messages-received-since.bpmn'), RULE);
    expect(findings).toEqual([
      ['Broken', 'The messagesReceivedSince of intermediate catch event "Paid, broken" is not valid FEEL: syntax error at position 8 (near "end of expression") in "=since >"'],
      ['Plain', 'The messagesReceivedSince "changeRequestedAt" of receive task "Paid, plain text" is not a FEEL expression; write one starting with "=" that gives a date and time, e.g. "=changeRequestedAt"'],
      ['Misplaced', 'intermediate throw event "Noted" has the property messagesReceivedSince, which only a message catch (intermediate or boundary event, receive task) reads; remove it or move it to the catch'],
    ]);
  });

  it('reports why a Camunda 7 condition cannot be translated to FEEL', async () => {
    const findings = ofRule(await lintFixture(RULE, 'invalid-camunda-juel.bpmn'), RULE);
    expect(findings).toEqual([
      [
        'Flow_Method',
        'The condition "${order.isLarge()}" of sequence flow "method call" cannot be translated to FEEL: method call isLarge(…) is not supported at position 9 (near "isLarge()}"); rewrite it in FEEL, starting with "="',
      ],
    ]);
  });

  it('leaves javascript conditions to no-javascript, so one problem gives one finding', async () => {
    const findings = await lintFixture('no-javascript', 'invalid-zeebe-scripts.bpmn');
    expect(ofRule(findings, RULE)).toEqual([]);
  });
});
