// The modeler loads the same rules through bpmn-js-bpmnlint, so engine/lint must
// bundle for the browser: no node: imports anywhere in its import graph.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

describe('engine/lint in the browser', () => {
  it.each(['engine/lint/config.ts', 'engine/lint/lint-bpmn.ts'])('%s bundles for the browser without Node built-ins', async (entry) => {
    const result = await build({
      absWorkingDir: ROOT,
      entryPoints: [entry],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      logLevel: 'silent',
      metafile: true,
    });
    expect(result.errors).toEqual([]);
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.filter((input) => input.startsWith('node:'))).toEqual([]);
    expect(inputs).toContain('engine/lint/rules/feel-condition-syntax.ts');
  });
});
