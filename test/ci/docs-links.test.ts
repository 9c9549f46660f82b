// Every relative link of the README and the guides (docs/*.md, CONTRIBUTING.md, diagrams/README.md) reaches a
// file that exists, and every #anchor a heading there (GitHub's slugs), as does the documentation link each
// Stratum lint rule gives the modeler's Problems panel (and the panel links each rule it names): a new user who follows one lands where it says.
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stratumRules, stratumRuleSeverities } from '../../engine/lint/config.js';
import { ruleDocumentationUrl } from '../../modeler/src/features/lint/documentation-link.js';
import { anchorsOf, prose, ROOT } from '../support/guide-anchors.js';

const GUIDES = ['README.md', 'CONTRIBUTING.md', 'diagrams/README.md', ...readdirSync(join(ROOT, 'docs')).filter((name) => name.endsWith('.md')).map((name) => `docs/${name}`)];

/** What is wrong with a relative link `target` written in `file` (undefined: nothing). */
function brokenLink(file: string, target: string): string | undefined {
  const [path, anchor] = target.split('#');
  const resolved = path ? normalize(join(dirname(file), path)) : file;
  if (!existsSync(join(ROOT, resolved))) return `${file}: ${target}: no file ${resolved}`;
  if (anchor === undefined) return undefined;
  if (!resolved.endsWith('.md')) return `${file}: ${target}: an anchor in a file that is not Markdown`;
  return anchorsOf(resolved).has(anchor) ? undefined : `${file}: ${target}: no heading in ${resolved} has the anchor #${anchor}`;
}

describe('links in the README and docs', () => {
  it('reads every guide', () => {
    for (const file of GUIDES) expect(existsSync(join(ROOT, file)), file).toBe(true);
    expect(GUIDES).toContain('docs/api.md');
  });

  it('finds the anchor of a heading as GitHub writes it', () => {
    expect(anchorsOf('docs/validation.md')).toContain('order-field-optional-error-in-the-order-library-warning-elsewhere');
    expect(anchorsOf('docs/api.md')).toContain('camunda-8-incidents');
    expect(brokenLink('README.md', 'docs/api.md#no-such-heading')).toMatch(/no heading in docs\/api.md/);
    expect(brokenLink('README.md', 'docs/nothing.md')).toMatch(/no file docs\/nothing.md/);
  });

  it('leads every relative link to a file that exists and an anchor a heading there has', () => {
    const broken: string[] = [];
    for (const file of GUIDES) {
      for (const [, target] of prose(file).matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto: …
        const problem = brokenLink(file, target);
        if (problem !== undefined) broken.push(problem);
      }
    }
    expect(broken).toEqual([]);
  });

  it('gives each Stratum lint rule a documentation link to its heading in docs/validation.md', () => {
    const broken: string[] = [];
    for (const [id, rule] of Object.entries(stratumRules)) {
      const url = rule().meta?.documentation?.url;
      if (url === undefined) {
        broken.push(`${id}: no documentation link`);
        continue;
      }
      const problem = brokenLink('README.md', url);
      if (problem !== undefined || !url.startsWith(`docs/validation.md#${id}`)) broken.push(`${id}: ${url}${problem ? ` (${problem})` : ''}`);
    }
    expect(broken).toEqual([]);
  });

  it('links every rule the Problems panel names to the guide as the server serves it, bpmnlint\'s own to their table', () => {
    expect(anchorsOf('docs/validation.md')).toContain('bpmnlints-own-rules');
    for (const rule of Object.keys(stratumRuleSeverities)) {
      const id = rule.replace(/^stratum\//, '');
      const expected = id in stratumRules ? `/${stratumRules[id]().meta?.documentation?.url}` : '/docs/validation.md#bpmnlints-own-rules';
      expect(ruleDocumentationUrl(id), id).toBe(expected);
    }
    expect(ruleDocumentationUrl('related-conditions')).toBeUndefined();
  });
});
