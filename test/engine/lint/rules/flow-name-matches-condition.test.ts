import { describe, expect, it } from 'vitest';
import { fixtureFiles, lintFixture, ofRule } from '../lint-fixture.js';

const RULE = 'flow-name-matches-condition';

describe(RULE, () => {
  it.each(fixtureFiles(RULE, 'valid-'))('finds nothing in %s', async (file) => {
    expect(ofRule(await lintFixture(RULE, file), RULE)).toEqual([]);
  });

  it('warns where a flow\'s name states a threshold its condition (a default flow: its gateway\'s) no longer compares with', async () => {
    const findings = (await lintFixture(RULE, 'invalid-moved-tier.bpmn')).filter((finding) => finding.rule === RULE);
    expect(findings.map((finding) => [finding.elementId, finding.message])).toEqual([
      ['Flow_Auto', 'Sequence flow "up to 500,000" is the default flow of exclusive gateway "Amount tier?" and names 500,000, which none of the gateway\'s conditions compares with; rename the flow or check the conditions'],
      ['Flow_Vp', 'Sequence flow "more than 500,000 up to 1,000,000" names 500,000, which its condition (=amount > 400000 and amount <= 1000000) does not compare with; rename the flow or check the condition'],
      ['Flow_Rush', 'Sequence flow "rush orders over 20,000" names 20,000, which its condition (${rush && amount > 25000}) does not compare with; rename the flow or check the condition'],
    ]);
    // a name that says something else than the rule is worth a look, never a refusal
    expect(findings.map((finding) => finding.severity)).toEqual(['warning', 'warning', 'warning']);
  });
});
