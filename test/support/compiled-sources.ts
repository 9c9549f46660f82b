// engine/ and server/ compiled to JavaScript, for the tests that start Stratum
// as a child process (`npm start`'s server/main, the CLI). Under `--import tsx`
// every module of a process (and of its worker threads) goes through tsx's
// loader thread: seconds per process on a busy machine, where the kill soak
// alone starts dozens. TypeScript's own transpiler, as `npm run build` emits
// dist/, into the temporary folder under a hash of the sources: a test never
// runs code older than the sources, and a run after no change compiles nothing.
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as TypeScript from 'typescript';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SOURCE_DIRS = ['engine', 'server'];
/** Compiled trees of this checkout not used for this long are removed (the sources changed since). */
const STALE_MS = 24 * 3600_000;

let compiled: string | undefined;

/** The compiled counterpart of a source file of engine/ or server/, e.g. `server/main.ts` → `…/server/main.js`. */
export function compiledPath(source: string): string {
  if (!/^(engine|server)\/.*\.ts$/.test(source)) throw new Error(`${source} is not a source file of engine/ or server/`);
  return join(compiledRoot(), source.replace(/\.ts$/, '.js'));
}

/** The folder of the compiled tree (with package.json, and node_modules linked to the checkout's). */
function compiledRoot(): string {
  if (compiled) return compiled;
  const files = SOURCE_DIRS.flatMap((dir) => (readdirSync(join(ROOT, dir), { recursive: true }) as string[])
    .map((file) => join(dir, file))
    .filter((file) => statSync(join(ROOT, file)).isFile())).sort();
  // the sources, the package and how this module compiles them
  const hash = createHash('sha256').update(ROOT).update(readFileSync(join(ROOT, 'package.json'))).update(readFileSync(fileURLToPath(import.meta.url)));
  for (const file of files) hash.update(`\0${file}\0`).update(readFileSync(join(ROOT, file)));
  const prefix = `stratum-js-${createHash('sha256').update(ROOT).digest('hex').slice(0, 12)}-`;
  const target = join(tmpdir(), prefix + hash.digest('hex').slice(0, 16));
  if (!existsSync(target)) {
    // built beside it and renamed into place: test files compiling at the same time each get a whole tree
    const building = mkdtempSync(join(tmpdir(), 'stratum-js-building-'));
    compileInto(building, files);
    try {
      renameSync(building, target);
    } catch {
      rmSync(building, { recursive: true, force: true }); // another test file's tree is in place
    }
    removeStale(prefix, target);
  }
  return (compiled = target);
}

function compileInto(out: string, files: string[]): void {
  const ts = createRequire(import.meta.url)('typescript') as typeof TypeScript;
  const config = ts.getParsedCommandLineOfConfigFile(join(ROOT, 'tsconfig.json'), {}, {
    ...ts.sys, onUnRecoverableConfigFileDiagnostic: (diagnostic) => { throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')); },
  })!;
  // ES modules, as NodeNext emits for a package of "type": "module" (a lone file's transpile cannot see the package)
  const compilerOptions = { ...config.options, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler, sourceMap: false, inlineSourceMap: false, declaration: false };
  for (const file of files) {
    const destination = join(out, file);
    mkdirSync(dirname(destination), { recursive: true });
    if (file.endsWith('.d.ts')) continue;
    if (file.endsWith('.ts')) {
      const { outputText } = ts.transpileModule(readFileSync(join(ROOT, file), 'utf8'), { compilerOptions, fileName: file });
      writeFileSync(destination.replace(/\.ts$/, '.js'), outputText);
    } else {
      cpSync(join(ROOT, file), destination); // the JSON files the server imports
    }
  }
  // "type": "module" and the version, as the checkout's; its packages, as the checkout's
  cpSync(join(ROOT, 'package.json'), join(out, 'package.json'));
  symlinkSync(join(ROOT, 'node_modules'), join(out, 'node_modules'), 'dir');
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
