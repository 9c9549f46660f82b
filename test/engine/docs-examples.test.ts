// Every ```ts example in docs/engine.md runs as written, so the docs cannot drift.
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const doc = readFileSync(`${root}docs/engine.md`, 'utf8');
const examples = [...doc.matchAll(/^## (Example: .+)\n[\s\S]*?```ts\n([\s\S]*?)```/gm)].map((match) => ({ title: match[1], code: match[2] }));

describe('docs/engine.md examples', () => {
  it('has examples', () => expect(examples.length).toBeGreaterThan(0));

  for (const [index, example] of examples.entries()) {
    it(`runs "${example.title}"`, () => {
      const file = `${root}.docs-example-${process.pid}-${index}.tmp.ts`;
      writeFileSync(file, example.code);
      try {
        const output = execFileSync(process.execPath, ['--import', 'tsx', file], { cwd: root, encoding: 'utf8', timeout: 60_000 });
        // Each `// expected` comment in the example must match the line the example printed.
        const expected = [...example.code.matchAll(/console\.log\(.*\); \/\/ (.+)$/gm)].map((match) => match[1].trim());
        const printed = output.trim().split('\n').map((line) => line.trim());
        for (const line of expected) expect(printed).toContain(line);
      } finally {
        rmSync(file, { force: true });
      }
      // a whole Node process per example (tsx compiles it first): give it the child's own 60 s limit
    }, 70_000);
  }
});
