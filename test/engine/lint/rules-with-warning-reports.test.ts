// The modeler splits only the rules listed in rulesWithWarningReports into errors and warnings
// (modeler/src/features/lint/LintRules.ts); a rule that marks a report as a warning but is not
// listed shows that warning as an error while drawing, though deploy accepts it.
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rulesWithWarningReports, stratumRules } from '../../../engine/lint/config.js';

const RULES = resolve(import.meta.dirname, '../../../engine/lint/rules');

describe('the rules that mark some reports as warnings', () => {
  it('are exactly those whose source gives a report severity "warn", and all are Stratum rules', () => {
    const marking = readdirSync(RULES)
      .filter((file) => file.endsWith('.ts') && /severity: 'warn'/.test(readFileSync(join(RULES, file), 'utf8')))
      .map((file) => file.replace(/\.ts$/, ''))
      .sort();
    expect([...rulesWithWarningReports].sort()).toEqual(marking);
    for (const rule of rulesWithWarningReports) expect(stratumRules[rule]).toBeTypeOf('function');
  });
});
