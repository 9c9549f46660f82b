// The modeler's simulation is to evaluate the same decisions and conditions the
// engine does, so engine/dmn and engine/expressions must bundle for the browser.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

describe('decisions and expressions in the browser', () => {
  it.each(['engine/dmn/index.ts', 'engine/expressions/compile-expression.ts'])('%s bundles for the browser without Node built-ins', async (entry) => {
    const result = await build({
      absWorkingDir: ROOT, entryPoints: [entry], bundle: true, platform: 'browser', format: 'esm', write: false, logLevel: 'silent', metafile: true,
    });
    expect(result.errors).toEqual([]);
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.filter((input) => input.startsWith('node:'))).toEqual([]);
    expect(inputs).toContain('engine/feel/juel.ts');
  });
});
