// Where the shared interop corpus lives (`<repo>/../shared/interop`, never
// copied into the project) and what a test does when it is missing: skip
// with a message, or fail when STRATUM_REQUIRE_INTEROP=1.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { it } from 'vitest';

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
/** STRATUM_INTEROP_DIR points elsewhere (e.g. to check what happens without the corpus). */
export const corpusDir = process.env.STRATUM_INTEROP_DIR ?? join(repoRoot, '..', 'shared', 'interop');
export const corpusAvailable = existsSync(corpusDir);
export const corpusRequired = process.env.STRATUM_REQUIRE_INTEROP === '1';

/** Registers a failing test when the corpus is required but absent; logs why tests skip otherwise. Returns whether to run. */
export function requireCorpus(what: string): boolean {
  if (corpusAvailable) return true;
  if (corpusRequired) {
    it(`finds the shared interop corpus for ${what}`, () => {
      throw new Error(`STRATUM_REQUIRE_INTEROP=1 but ${corpusDir} does not exist`);
    });
  } else {
    console.warn(`skipping ${what}: shared interop corpus not found at ${corpusDir}`);
    it.skip(`${what} (shared interop corpus not found at ${corpusDir})`, () => undefined);
  }
  return false;
}

/** Every .bpmn file under the given corpus folders, as paths relative to the corpus. */
export function corpusFiles(folders = ['miwg', 'vendors', 'executable']): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.bpmn')) files.push(relative(corpusDir, path));
    }
  };
  for (const folder of folders) if (existsSync(join(corpusDir, folder))) walk(join(corpusDir, folder));
  return files;
}
