// DMN files of the shared interop corpus (if it holds any) must read and every
// decision in them must be one Stratum can evaluate (a table or a literal expression).
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDmn } from '../../../engine/dmn/index.js';
import { INTEROP_DIR, interopAvailable, interopFile } from '../../support/shared-interop.js';

function dmnFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return dmnFiles(path);
    return name.endsWith('.dmn') ? [relative(INTEROP_DIR, path)] : [];
  });
}

const files = interopAvailable ? dmnFiles(INTEROP_DIR) : [];
if (interopAvailable && files.length === 0) console.warn(`skipping interop DMN tests: the shared corpus at ${INTEROP_DIR} holds no .dmn file`);

describe.skipIf(files.length === 0)('DMN files of the interop corpus', () => {
  it.each(files)('reads %s', async (path) => {
    const model = await parseDmn(interopFile(path).xml);
    expect(model.decisions.size).toBeGreaterThan(0);
  });
});
