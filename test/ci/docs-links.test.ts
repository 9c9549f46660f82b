// Every relative link of the README and the guides (docs/*.md, CONTRIBUTING.md, diagrams/README.md) reaches a
// file that exists, and every #anchor a heading there (GitHub's slugs), as does the documentation link each
// Stratum lint rule gives the modeler's Problems panel (and the panel links each rule it names): a new user who follows one lands where it says.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { stratumRules, stratumRuleSeverities } from '../../engine/lint/config.js';
import { ruleDocumentationUrl } from '../../modeler/src/features/lint/documentation-link.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const GUIDES = ['README.md', 'CONTRIBUTING.md', 'diagrams/README.md', ...readdirSync(join(ROOT, 'docs')).filter((name) => name.endsWith('.md')).map((name) => `docs/${name}`)];

/** The text outside fenced code blocks, where a `#` starts a comment and `](…)` is no link. */
function prose(file: string): string {
  return readFileSync(join(ROOT, file), 'utf8').replace(/^```[\s\S]*?^```/gm, '');
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens; a repeated one gets -1, -2 … */
function anchorsOf(file: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const [, heading] of prose(file).matchAll(/^#{1,6}\s+(.*)$/gm)) {
    const text = heading.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1');
    const slug = text.trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return anchors;
}

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
