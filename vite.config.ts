import { defineConfig } from 'vitest/config';
import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { SlowFilesFirst } from './test/support/slow-files-first.js';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/**
 * The test files that need a process of their own: they mock modules, reset the module registry or stub the
 * environment or globals, which would reach the files after them in a shared process. Read from the files, so
 * that a new one is counted without a list to keep.
 */
const OWN_PROCESS = /\bvi\.(mock|doMock|unmock|doUnmock|resetModules|stubEnv|stubGlobal)\(/;
const testFiles = (readdirSync(here('./test'), { recursive: true }) as string[])
  .filter((path) => path.endsWith('.test.ts')).map((path) => `test/${path}`);
const ownProcessFiles = testFiles.filter((path) => OWN_PROCESS.test(readFileSync(here(`./${path}`), 'utf8')));

// One config for the modeler build (vite) and every test (vitest).
export default defineConfig({
  root: here('./modeler'),
  base: './',
  build: {
    outDir: here('./dist/modeler'),
    emptyOutDir: true,
    chunkSizeWarningLimit: 4000,
    // two pages: the modeler (/) and the task list (/tasks), each with only its own code
    rollupOptions: { input: { modeler: here('./modeler/index.html'), tasks: here('./modeler/tasks.html') } },
  },
  server: {
    proxy: { '/api': 'http://127.0.0.1:3000', '/docs': 'http://127.0.0.1:3000' },
  },
  test: {
    root: here('.'),
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // a page's answer to a click, or a server's to a request, waits its turn on a loaded machine (three test files,
    // chromium and child servers on 2 cores): a poll that gave up after vitest's default second failed tests that
    // were right; it still fails in 10 s, not at the test's timeout
    expect: { poll: { timeout: 10_000 } },
    pool: 'forks',
    // a what-if replay's workers at the priority of everything else (the product's default is nice 19, which
    // test/engine/impact/replay-worker.test.ts checks): with the suite keeping both cores busy, nice 19 left them
    // next to no CPU, and an impact report (the deploy dialog's, `stratum impact`'s) outlasted its test's timeout
    env: { STRATUM_REPLAY_NICE: '0' },
    // clean-ups a support module owes after each test or file (test/support/cleanup.ts)
    setupFiles: ['test/support/setup.ts'],
    // vitest's default is one file per core less one: a single file at a time on 2 cores. Files spend part of their
    // time waiting for child servers, PostgreSQL and chromium: two at once there nearly halved the suite (13 → 7
    // min), and with files sharing their process (below) two left one core idle a quarter of the time, so three.
    maxWorkers: Math.max(3, availableParallelism()),
    // on a clean clone (no durations yet) the slowest files first, so that none starts late and ends alone
    sequence: { sequencer: SlowFilesFirst },
    // Files share their worker's process and modules: evaluating the engine, the server and their dependencies
    // again for each of 330 files (a fresh process each, vitest's default) took a quarter of the suite's CPU.
    // A support module therefore registers its clean-up through test/support/cleanup.ts, not a top-level hook.
    projects: [
      { extends: true, test: { name: 'shared', isolate: false, include: testFiles, exclude: ownProcessFiles } },
      // (an empty include would mean vitest's default, every file again)
      ...(ownProcessFiles.length > 0 ? [{ extends: true, test: { name: 'own-process', isolate: true, include: ownProcessFiles } }] : []),
    ],
  },
});
