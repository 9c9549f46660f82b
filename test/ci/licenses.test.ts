// Stratum is MIT licensed, so everything it ships with must allow that: every
// production dependency, transitively, has a licence on the allow-list
// (.ci/licenses.ts, also `npm run licenses`).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { allowsExpression, judge, productionPackages, type PackageLicense } from '../../.ci/licenses.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'stratum-licenses-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('licences of the production dependencies', () => {
  const packages = productionPackages(ROOT);

  it('lists the installed production packages, transitively, and no dev-only one', () => {
    const names = new Set(packages.map((pkg) => pkg.name));
    for (const direct of ['bpmn-engine', 'express', 'feelin', 'bpmn-js', 'better-sqlite3']) expect(names).toContain(direct);
    expect(names).toContain('bpmn-elements'); // a dependency of a dependency
    for (const devOnly of ['vitest', 'typescript', 'eslint', 'knip']) expect(names).not.toContain(devOnly);
  });

  it('allows every one of them', () => {
    const refused = packages.map((pkg) => ({ pkg, verdict: judge(pkg, ROOT) })).filter(({ verdict }) => !verdict.allowed);
    expect(refused.map(({ pkg, verdict }) => `${pkg.name}@${pkg.version}: ${verdict.reason}`)).toEqual([]);
  });

  it('allows bpmn-js under bpmn.io\'s licence (MIT with the watermark kept visible)', () => {
    const bpmnJs = packages.find((pkg) => pkg.name === 'bpmn-js')!;
    expect(judge(bpmnJs, ROOT)).toEqual({ allowed: true, reason: 'bpmn.io licence: MIT, with the bpmn.io watermark kept visible' });
  });
});

describe('the licence rules', () => {
  it('allows permissive licences and any choice that includes one', () => {
    for (const expression of ['MIT', 'ISC', 'Apache-2.0', 'BSD-3-Clause', '(MIT OR GPL-3.0-or-later)', 'MIT AND ISC', '(MIT OR Apache-2.0) AND BSD-2-Clause', 'Apache-2.0 WITH LLVM-exception', 'CC0']) {
      expect(allowsExpression(expression), expression).toBe(true);
    }
  });

  it('refuses copyleft, proprietary and unreadable licences, and a conjunction with one of them', () => {
    for (const expression of ['GPL-3.0-only', 'AGPL-3.0', 'LGPL-2.1', 'SSPL-1.0', 'UNLICENSED', 'MIT AND GPL-2.0', 'BUSL-1.1', '(MIT', 'MIT OR', '']) {
      expect(allowsExpression(expression), expression).toBe(false);
    }
  });

  it('refuses a package without a licence and a custom licence nobody reviewed', () => {
    expect(judge(fake('no-licence', undefined), scratch)).toMatchObject({ allowed: false, reason: 'declares no licence' });
    expect(judge(fake('custom', 'SEE LICENSE IN LICENSE'), scratch)).toMatchObject({ allowed: false });
  });

  it('allows a package that declares no licence only in the version someone read', () => {
    const folder = join(scratch, 'node_modules/cli-table');
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'LICENSE'), '(The MIT License)\n\nPermission is hereby granted, free of charge, to any person …');
    expect(judge({ ...fake('cli-table', undefined), version: '0.3.11' }, scratch)).toMatchObject({ allowed: true });
    expect(judge({ ...fake('cli-table', undefined), version: '0.4.0' }, scratch)).toMatchObject({ allowed: false, reason: 'declares no licence' });
  });

  it('refuses a bpmn-js whose licence text is not the reviewed one', () => {
    const folder = join(scratch, 'node_modules/bpmn-js');
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'LICENSE'), 'All rights reserved. Do not use.');
    expect(judge({ ...fake('bpmn-js', 'SEE LICENSE IN LICENSE'), path: 'node_modules/bpmn-js' }, scratch)).toMatchObject({ allowed: false });
  });
});

function fake(name: string, license: string | undefined): PackageLicense {
  return { name, version: '1.0.0', path: `node_modules/${name}`, license };
}
