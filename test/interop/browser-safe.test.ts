// The modeler opens and saves files with the same pipeline as the CLI and the
// server, so engine/interop must bundle for the browser without Node built-ins.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const entry = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));
const bundleForBrowser = (path: string) =>
  build({ entryPoints: [entry(path)], bundle: true, platform: 'browser', format: 'esm', write: false, logLevel: 'silent' });

describe('engine/interop is browser-safe', () => {
  it('bundles engine/interop/index.ts for the browser', async () => {
    const result = await bundleForBrowser('engine/interop/index.ts');
    expect(result.errors).toEqual([]);
    const code = result.outputFiles[0].text;
    expect(code).toContain('function convertBpmn');
    expect(code).not.toMatch(/from\s+["']node:/);
  });

  it('refuses a module that needs Node (the CLI command), so the check can fail', async () => {
    await expect(bundleForBrowser('engine/cli/commands/convert.ts')).rejects.toThrow(/node:fs/);
  });
});
