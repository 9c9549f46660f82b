// The interop tests that read the shared corpus through shared-interop.ts take it from STRATUM_INTEROP_DIR when
// it is set, as CONTRIBUTING.md says and as test/interop's corpus tests (shared-corpus.ts) do: one variable moves
// the whole corpus, so a check of what happens without it (or with another copy) covers every such test.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';

const scratch: string[] = [];
afterEach(() => {
  vi.unstubAllEnvs();
  vi.resetModules();
  scratch.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true }));
});

describe('the shared interop corpus (test/support/shared-interop.ts)', () => {
  it('is read from STRATUM_INTEROP_DIR when it is set', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stratum-interop-'));
    scratch.push(dir);
    writeFileSync(join(dir, 'A.1.0.bpmn'), '<definitions/>');
    vi.stubEnv('STRATUM_INTEROP_DIR', dir);
    const shared = await import('./shared-interop.js');
    expect(shared.INTEROP_DIR).toBe(`${dir}/`);
    expect(shared.interopAvailable).toBe(true);
    expect(shared.interopFile('A.1.0.bpmn')).toEqual({ name: 'A.1.0.bpmn', xml: '<definitions/>' });
  });

  it('is missing where STRATUM_INTEROP_DIR names no folder: the tests skip, or fail with STRATUM_REQUIRE_INTEROP=1', async () => {
    const missing = join(tmpdir(), `stratum-no-interop-${process.pid}`);
    vi.stubEnv('STRATUM_INTEROP_DIR', missing);
    vi.stubEnv('STRATUM_REQUIRE_INTEROP', '0');
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    expect((await import('./shared-interop.js')).interopAvailable).toBe(false);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining(missing));
    warn.mockRestore();
    vi.resetModules();
    vi.stubEnv('STRATUM_REQUIRE_INTEROP', '1');
    await expect(import('./shared-interop.js')).rejects.toThrow(`STRATUM_REQUIRE_INTEROP=1 but the shared interop corpus is missing at ${missing}/`);
  });
});
