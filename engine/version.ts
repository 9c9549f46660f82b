// Stratum's version, as `stratum --version` and the OpenAPI document give it:
// package.json's, found by walking up from this file, which sits at engine/
// under tsx and at dist/engine/ once built.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function stratumVersion(from: string = dirname(fileURLToPath(import.meta.url))): string {
  for (let folder = from; ; folder = dirname(folder)) {
    const manifest = join(folder, 'package.json');
    if (existsSync(manifest)) {
      const { name, version } = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string; version?: string };
      if (name === 'stratum' && version) return version;
    }
    if (dirname(folder) === folder) throw new Error(`no package.json of stratum above ${from}`);
  }
}
