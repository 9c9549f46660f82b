// A new process key that reads like another (a Cyrillic о, a fullwidth letter, another case) is refused.
import { describe, expect, it } from 'vitest';
import { lintFiles } from '../../../engine/lint/lint-bpmn.js';
import { keySkeleton } from '../../../engine/lint/lookalike-keys.js';
import { shippedDiagrams } from '../../support/stratum-fixture.js';

const RULE = 'process-key-lookalike';
const approval = shippedDiagrams().find((file) => file.name === 'credit-order-approval.bpmn')!;
const withKey = (key: string) => ({ name: 'approval-copy.bpmn', xml: approval.xml.replace('id="credit-order-approval"', `id="${key}"`) });
const lint = async (key: string, knownProcessKeys = ['credit-order-approval', 'sales-order-management']) =>
  (await lintFiles([withKey(key)], { knownProcessKeys })).filter((finding) => finding.rule === RULE);

describe(RULE, () => {
  it('refuses a key with a Cyrillic letter that reads like a deployed key, naming the code point', async () => {
    expect(await lint('credit-\u043Erder-approval')).toEqual([expect.objectContaining({
      file: 'approval-copy.bpmn', elementId: 'credit-\u043Erder-approval', severity: 'error',
      message: 'process "credit-\u043Erder-approval" (with U+043E at character 8) reads like "credit-order-approval", which is another process: a call activity ' +
        'naming one could not be told from one naming the other, in the diagram, the library or the deploy dialog. Give it a key that reads differently',
    })]);
  });

  it('refuses fullwidth letters, other dashes that are XML name characters, and another case', async () => {
    for (const key of ['credit-order-\uFF41pproval', 'Credit-Order-Approval', 'credit-order-appr\u03BFval']) {
      expect((await lint(key)).map((finding) => finding.elementId), key).toEqual([key]);
    }
    expect(keySkeleton('credit\u2011order\u2013approval')).toBe('credit-order-approval');
  });

  it('accepts a new version of the same key, and keys in any script that read like no other', async () => {
    expect(await lint('credit-order-approval')).toEqual([]);
    expect(await lint('kreditprüfung')).toEqual([]);
    expect((await lintFiles(shippedDiagrams())).filter((finding) => finding.rule === RULE)).toEqual([]);
  });
});
