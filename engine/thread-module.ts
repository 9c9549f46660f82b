// Starts a module of Stratum in a worker thread, whether Stratum runs compiled
// (the .js beside the caller) or from its TypeScript sources (tsx, vitest):
// then the thread registers tsx's loader itself, as a worker thread does not
// inherit it, and imports the .ts.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

/** `moduleUrl`: the module's .ts URL beside the caller, as `new URL('./name.ts', import.meta.url)` gives it. */
export function startThreadModule(moduleUrl: URL, workerData: unknown): Worker {
  if (!import.meta.url.endsWith('.ts')) {
    return new Worker(fileURLToPath(new URL(moduleUrl.href.replace(/\.ts$/, '.js'))), { workerData });
  }
  return new Worker(
    `import(${JSON.stringify(tsxEsmApi())})` +
      `.then((tsx) => { tsx.register(); return import(${JSON.stringify(moduleUrl.href)}); })`,
    { eval: true, workerData },
  );
}

// helpers

/** tsx's ESM API module (its `import` export; require.resolve would name the CommonJS one). */
function tsxEsmApi(): string {
  const manifest = createRequire(import.meta.url).resolve('tsx/package.json');
  const { exports } = JSON.parse(readFileSync(manifest, 'utf8')) as { exports: Record<string, { import: { default: string } }> };
  return new URL(exports['./esm/api'].import.default, pathToFileURL(manifest)).href;
}
