// The engine as `npm start` runs it: the compiled JavaScript in dist/, built
// first when any engine or server source is newer than its compiled file. A
// bench that imports the TypeScript sources (tsx) times code production never
// runs; for the replay, every worker process would compile the engine again as
// it starts (about 1.1 s of CPU each under tsx against 0.5 s built).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

type Engine = typeof import('../engine/index.js');

const ROOT = fileURLToPath(new URL('../', import.meta.url));

/** dist/engine/index.js, after `tsc -p tsconfig.json` (`npm run build:server`) if dist/ is missing or older than a source. */
export async function builtEngine(): Promise<Engine> {
  buildIfStale();
  return await import(pathToFileURL(join(ROOT, 'dist/engine/index.js')).href) as Engine;
}

/** `npm run build:server` (TypeScript, then the request validators' code) when dist/ is missing or older than an engine/ or server/ source; throws if it fails. */
export function buildIfStale(): void {
  const stale = staleSource();
  if (stale === undefined) return;
  console.log(`bench: building dist/ (npm run build:server), ${stale} is newer than its compiled file`);
  execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.json')], { stdio: 'inherit' });
  // the request validators' code, as `npm run build:server` generates it after TypeScript
  execFileSync(process.execPath, [join(ROOT, 'dist/server/http/precompile-validators.js')], { stdio: 'inherit' });
}

/** The first engine/ or server/ source whose compiled file is missing or older, if any. */
function staleSource(): string | undefined {
  for (const folder of ['engine', 'server']) {
    for (const source of typeScriptFiles(join(ROOT, folder))) {
      const compiled = join(ROOT, 'dist', relative(ROOT, source)).replace(/\.ts$/, '.js');
      if (!existsSync(compiled) || statSync(compiled).mtimeMs < statSync(source).mtimeMs) return relative(ROOT, source);
    }
  }
  return undefined;
}

function typeScriptFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts'))
    .map((entry) => join(entry.parentPath, entry.name));
}
