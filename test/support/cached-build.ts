// A build the tests need (the compiled server, the built modeler), made once
// per change of what it is built from: kept in the temporary folder under a
// hash of its inputs, so every test file of a run (and the runs after it, until
// an input changes) shares it, and none gets a build older than its sources.
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Builds of this checkout not used for this long are removed (their inputs changed since). */
const STALE_MS = 24 * 3600_000;

/**
 * The folder of the build `name` of `inputs` (files and folders of the checkout, read whole), made by `build`
 * into an empty folder the first time; `recipe` (the builder's own source) is hashed too.
 */
export function cachedBuild(name: string, inputs: readonly string[], recipe: string, build: (into: string) => void): string {
  const hash = createHash('sha256').update(ROOT).update(recipe);
  for (const file of inputs.flatMap(filesOf).sort()) hash.update(`\0${file}\0`).update(readFileSync(join(ROOT, file)));
  const prefix = `stratum-${name}-${createHash('sha256').update(ROOT).digest('hex').slice(0, 12)}-`;
  const target = join(tmpdir(), prefix + hash.digest('hex').slice(0, 16));
  if (existsSync(target)) return target;
  // built beside it and renamed into place: test files building at the same time each get a whole build
  const building = mkdtempSync(join(tmpdir(), `stratum-${name}-building-`));
  try {
    build(building);
    renameSync(building, target);
  } catch (error) {
    rmSync(building, { recursive: true, force: true });
    if (!existsSync(target)) throw error; // else another test file's build is in place
  }
  removeStale(prefix, target);
  return target;
}

/** The files of `path` (relative to the checkout), or `path` itself when it is a file. */
export function filesOf(path: string): string[] {
  if (statSync(join(ROOT, path)).isFile()) return [path];
  return (readdirSync(join(ROOT, path), { recursive: true }) as string[])
    .map((file) => join(path, file))
    .filter((file) => statSync(join(ROOT, file)).isFile());
}

function removeStale(prefix: string, keep: string): void {
  for (const name of readdirSync(tmpdir())) {
    const path = join(tmpdir(), name);
    if (!name.startsWith(prefix) || path === keep) continue;
    try {
      if (Date.now() - statSync(path).mtimeMs > STALE_MS) rmSync(path, { recursive: true, force: true });
    } catch {
      // removed meanwhile
    }
  }
}
