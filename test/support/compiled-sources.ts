// engine/ and server/ compiled to JavaScript, for the tests that start Stratum
// as a child process (`npm start`'s server/main, the CLI). Under `--import tsx`
// every module of a process (and of its worker threads) goes through tsx's
// loader thread: seconds per process on a busy machine, where the kill soak
// alone starts dozens. TypeScript's own transpiler, as `npm run build` emits
// dist/, shared by the test files of a run (cached-build.ts): a test never
// runs code older than the sources, and a run after no change compiles nothing.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as TypeScript from 'typescript';
import { cachedBuild, filesOf } from './cached-build.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SOURCE_DIRS = ['engine', 'server'];

let compiled: string | undefined;

/** The compiled counterpart of a source file of engine/ or server/, e.g. `server/main.ts` → `…/server/main.js`. */
export function compiledPath(source: string): string {
  if (!/^(engine|server)\/.*\.ts$/.test(source)) throw new Error(`${source} is not a source file of engine/ or server/`);
  compiled ??= cachedBuild('js', [...SOURCE_DIRS, 'package.json', 'tsconfig.json'], readFileSync(fileURLToPath(import.meta.url), 'utf8'), compileInto);
  return join(compiled, source.replace(/\.ts$/, '.js'));
}

function compileInto(out: string): void {
  const ts = createRequire(import.meta.url)('typescript') as typeof TypeScript;
  const config = ts.getParsedCommandLineOfConfigFile(join(ROOT, 'tsconfig.json'), {}, {
    ...ts.sys, onUnRecoverableConfigFileDiagnostic: (diagnostic) => { throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')); },
  })!;
  // ES modules, as NodeNext emits for a package of "type": "module" (a lone file's transpile cannot see the package)
  const compilerOptions = { ...config.options, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler, sourceMap: false, inlineSourceMap: false, declaration: false };
  for (const file of SOURCE_DIRS.flatMap(filesOf)) {
    if (file.endsWith('.d.ts')) continue;
    const destination = join(out, file);
    mkdirSync(dirname(destination), { recursive: true });
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
  // the request validators' code, as `npm run build` generates it
  execFileSync(process.execPath, [join(out, 'server/http/precompile-validators.js')], { stdio: ['ignore', 'ignore', 'pipe'] });
}
