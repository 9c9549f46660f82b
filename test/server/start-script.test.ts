// `npm start`'s node options: V8 settings the server's memory depends on
// (docs/engine.md "What the resident set is made of").
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const startScript = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { scripts: { start: string } }).scripts.start;

describe('npm start', () => {
  it('caps the heap at about 1 GB, so V8 collects old garbage at 1.6 times what is live, not 4 (RSS ≤ 300 MB with 100,000 waiting orders)', () => {
    const options = startScript.split(/\s+/).filter((word) => word.startsWith('--'));
    const limit = Number(execFileSync(process.execPath, [...options, '-p', 'require("node:v8").getHeapStatistics().heap_size_limit'], { encoding: 'utf8' }));
    // old space 1,024 MB plus the young generation: well under the 2 GB from which V8 grows the heap 4-fold
    expect(limit / 1024 / 1024).toBeGreaterThanOrEqual(1024);
    expect(limit / 1024 / 1024).toBeLessThan(1200);
  });
});
