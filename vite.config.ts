import { defineConfig } from 'vitest/config';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { SlowFilesFirst } from './test/support/slow-files-first.js';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

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
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // vitest's default is one file per core less one: a single file at a time on 2 cores. Most files spend their
    // time waiting for child servers, PostgreSQL and chromium, so two at once there nearly halved the suite (13 → 7 min).
    maxWorkers: Math.max(2, availableParallelism() - 1),
    // on a clean clone (no durations yet) the slowest files first, so that none starts late and ends alone
    sequence: { sequencer: SlowFilesFirst },
  },
});
