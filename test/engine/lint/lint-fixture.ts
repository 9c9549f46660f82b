// Lints the small fixtures in test/fixtures/lint/<rule-id>/ (valid-*.bpmn, invalid-*.bpmn).
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import type { Finding } from '../../../engine/errors.js';
import { lintXml, type LintOptions } from '../../../engine/lint/lint-bpmn.js';

export const FIXTURES = fileURLToPath(new URL('../../fixtures/lint/', import.meta.url));

export function fixtureFiles(rule: string, prefix: 'valid-' | 'invalid-'): string[] {
  return readdirSync(`${FIXTURES}${rule}`).filter((file) => file.startsWith(prefix) && file.endsWith('.bpmn')).sort();
}

export function lintFixture(rule: string, file: string, options: LintOptions = {}): Promise<Finding[]> {
  return lintXml(readFileSync(`${FIXTURES}${rule}/${file}`, 'utf8'), options);
}

export const errorsOf = (findings: Finding[]) => findings.filter((finding) => finding.severity === 'error');

/** The findings of one rule as [elementId, message] pairs, in report order. */
export const ofRule = (findings: Finding[], rule: string) =>
  findings.filter((finding) => finding.rule === rule).map((finding) => [finding.elementId, finding.message] as const);

/** Asserts that a valid fixture has no error at all (warnings, e.g. about layout, are allowed). */
export async function expectNoErrors(rule: string, file: string, options: LintOptions = {}) {
  const findings = await lintFixture(rule, file, options);
  expect(errorsOf(findings), JSON.stringify(errorsOf(findings), null, 2)).toEqual([]);
}
