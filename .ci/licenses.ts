// The licences of the packages Stratum ships with: every production dependency,
// transitively, as npm installed it (package-lock.json names them, each
// installed package.json says its licence). Run as a script it prints them
// and fails on one that does not allow Stratum to be used under MIT.
//   node --import tsx .ci/licenses.ts [--list]
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** SPDX identifiers whose terms let anyone use, change and ship Stratum under MIT. */
export const ALLOWED_LICENSES = new Set([
  'MIT',
  'MIT-0',
  'ISC',
  'BSD-2-Clause',
  'BSD-3-Clause',
  'Apache-2.0',
  '0BSD',
  'BlueOak-1.0.0',
  'CC0-1.0',
  'Unlicense',
  'Python-2.0',
]);

/** Names packages use for a licence instead of its SPDX identifier. */
const SPDX_ALIASES: Record<string, string> = {
  CC0: 'CC0-1.0',
  // the old npm spelling of the MIT licence in its X11 wording (nub, under currency-codes)
  'MIT/X11': 'MIT',
};

/**
 * Packages whose package.json declares no licence although they ship one; each
 * was read by hand, and a new version must be read again (the key names it).
 */
const REVIEWED_UNDECLARED: Record<string, { license: string; text: RegExp }> = {
  // bpmnlint's table printer: its LICENSE file is the MIT licence
  'cli-table@0.3.11': { license: 'MIT', text: /Permission is hereby granted, free of charge/ },
  // dmn-js's decision table (through selection-ranges, dom-iterator): a component.io package whose
  // component.json declares MIT (its Readme says so too); it ships no LICENSE file
  'component-props@1.1.1': { license: 'MIT', text: /"license":\s*"MIT"/ },
};

/**
 * bpmn.io's licence: MIT plus one condition, that the bpmn.io watermark stays
 * visible and not overlapped wherever the software renders diagrams. The
 * modeler keeps bpmn-js's watermark as bpmn-js draws it, the task list keeps
 * form-js's under each form, the decisions view dmn-js's under each decision
 * (test/modeler, test/modeler/tasklist and test/modeler/decisions check they are
 * visible), so these packages are allowed with that condition.
 */
export const BPMN_IO_WATERMARK_PACKAGES = new Set([
  'bpmn-js', '@bpmn-io/form-js-viewer',
  'dmn-js', 'dmn-js-boxed-expression', 'dmn-js-decision-table', 'dmn-js-drd', 'dmn-js-literal-expression', 'dmn-js-shared',
]);
const WATERMARK_CLAUSE = /watermark[\s\S]*MUST NOT be\s+removed or changed/;

export interface PackageLicense {
  name: string;
  version: string;
  /** Where npm installed it, relative to the project. */
  path: string;
  /** The SPDX expression or text the package declares; `undefined` when it declares none. */
  license: string | undefined;
}

export interface Verdict {
  allowed: boolean;
  reason: string;
}

/** Every package npm installs for production (not dev-only), from package-lock.json. */
export function productionPackages(root: string): PackageLicense[] {
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
  const packages: PackageLicense[] = [];
  for (const [path, entry] of Object.entries(lock.packages)) {
    if (path === '' || entry.dev || entry.link) continue;
    const manifestPath = join(root, path, 'package.json');
    // An optional package for another platform is in the lock file but not installed; its lock entry speaks for it.
    const manifest = existsSync(manifestPath) ? (JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest) : undefined;
    if (!manifest && !entry.optional) throw new Error(`${path} is a production dependency but is not installed; run npm ci`);
    packages.push({
      name: manifest?.name ?? path.replace(/^.*node_modules\//, ''),
      version: manifest?.version ?? entry.version ?? '?',
      path,
      license: declaredLicense(manifest) ?? entry.license,
    });
  }
  return packages.sort((a, b) => a.name.localeCompare(b.name) || a.version.localeCompare(b.version));
}

/** Whether a package's licence allows it, and why. */
export function judge(pkg: PackageLicense, root: string): Verdict {
  const license = pkg.license?.trim();
  if (!license) {
    const reviewed = REVIEWED_UNDECLARED[`${pkg.name}@${pkg.version}`];
    const text = reviewed && licenseText(join(root, pkg.path));
    if (reviewed && text && reviewed.text.test(text)) return { allowed: true, reason: `${reviewed.license} (its licence file; package.json declares none)` };
    return { allowed: false, reason: 'declares no licence' };
  }
  if (/^SEE LICEN[CS]E IN /i.test(license)) {
    if (!BPMN_IO_WATERMARK_PACKAGES.has(pkg.name)) return { allowed: false, reason: `"${license}": a custom licence nobody has reviewed` };
    const text = licenseText(join(root, pkg.path));
    if (!text || !WATERMARK_CLAUSE.test(text) || !/Permission is hereby granted, free of charge/.test(text)) {
      return { allowed: false, reason: 'the bpmn.io licence text is not the one reviewed (MIT plus the visible watermark)' };
    }
    return { allowed: true, reason: 'bpmn.io licence: MIT, with the bpmn.io watermark kept visible' };
  }
  return allowsExpression(license) ? { allowed: true, reason: license } : { allowed: false, reason: `${license} is not on the allow-list` };
}

/**
 * An SPDX expression is allowed when some choice it offers uses allowed
 * licences only: `A OR B` needs one of them, `A AND B` needs both.
 */
export function allowsExpression(expression: string): boolean {
  const tokens = expression.match(/\(|\)|[^\s()]+/g) ?? [];
  let position = 0;
  const peek = () => tokens[position];

  function parseOr(): boolean {
    let allowed = parseAnd();
    while (peek()?.toUpperCase() === 'OR') {
      position++;
      allowed = parseAnd() || allowed;
    }
    return allowed;
  }
  function parseAnd(): boolean {
    let allowed = parseTerm();
    while (peek()?.toUpperCase() === 'AND') {
      position++;
      allowed = parseTerm() && allowed;
    }
    return allowed;
  }
  function parseTerm(): boolean {
    const token = tokens[position++];
    if (token === '(') {
      const allowed = parseOr();
      if (tokens[position++] !== ')') throw new Error(`unbalanced parentheses in "${expression}"`);
      return allowed;
    }
    if (token === undefined || token === ')') throw new Error(`"${expression}" is not an SPDX expression`);
    // `WITH` adds an exception to the licence before it; exceptions only ever grant more.
    if (peek()?.toUpperCase() === 'WITH') position += 2;
    const id = token.replace(/\+$/, '');
    return ALLOWED_LICENSES.has(SPDX_ALIASES[id] ?? id);
  }

  try {
    const allowed = parseOr();
    return position === tokens.length && allowed;
  } catch {
    return false;
  }
}

// helpers

interface LockEntry {
  version?: string;
  license?: string;
  dev?: boolean;
  optional?: boolean;
  link?: boolean;
}

interface Manifest {
  name?: string;
  version?: string;
  license?: string | { type?: string };
  licenses?: ({ type?: string } | string)[];
}

/** `license` as SPDX, or the old `licenses: [{type}]` form joined with OR. */
function declaredLicense(manifest: Manifest | undefined): string | undefined {
  if (!manifest) return undefined;
  if (typeof manifest.license === 'string') return manifest.license;
  if (manifest.license?.type) return manifest.license.type;
  const types = (manifest.licenses ?? []).map((entry) => (typeof entry === 'string' ? entry : entry.type)).filter(Boolean);
  return types.length ? `(${types.join(' OR ')})` : undefined;
}

function licenseText(folder: string): string | undefined {
  for (const name of ['LICENSE', 'LICENSE.md', 'LICENSE.txt', 'LICENCE', 'component.json', 'Readme.md']) {
    if (existsSync(join(folder, name))) return readFileSync(join(folder, name), 'utf8');
  }
  return undefined;
}

function main(): void {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const packages = productionPackages(root);
  const refused: string[] = [];
  const counts = new Map<string, number>();
  for (const pkg of packages) {
    const verdict = judge(pkg, root);
    if (!verdict.allowed) refused.push(`${pkg.name}@${pkg.version} (${pkg.path}): ${verdict.reason}`);
    const key = verdict.allowed ? verdict.reason : `refused: ${verdict.reason}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
    if (process.argv.includes('--list')) console.log(`${pkg.name}@${pkg.version}\t${pkg.license ?? '-'}`);
  }
  console.log(`${packages.length} production packages:`);
  for (const [license, count] of [...counts].sort((a, b) => b[1] - a[1])) console.log(`  ${String(count).padStart(4)}  ${license}`);
  if (refused.length) {
    console.error(`\n${refused.length} package(s) with a licence Stratum may not ship with:`);
    for (const line of refused) console.error(`  ${line}`);
    process.exitCode = 1;
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
