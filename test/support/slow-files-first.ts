// vitest's order of test files, with the slowest first where it knows no
// durations yet (a clean clone, as CI runs): there vitest starts the largest
// files first, and a slow small one (the kill -9 soak, a server started as a
// process) could start late and end last alone while the other worker idles.
// With durations from an earlier run (node_modules/.vite), vitest's own order.
// vitest/node is imported when vitest sorts, not with vite.config.ts: `vite
// build` reads the same config.
import { relative } from 'node:path';
import type { TestSequencer, TestSpecification, Vitest } from 'vitest/node';

/** The test files that took longest in a run of the whole suite on 2 cores (5 December, seconds within that run), longest first. */
const SLOWEST_FILES = [
  'test/server/kill-soak.test.ts', // 174
  'test/engine/impact/fast-replay.test.ts', // 102
  'test/server/primary-healthz.test.ts', // 61
  'test/engine/store/postgres.test.ts', // 58
  'test/server/main.test.ts', // 56
  'test/modeler/modeler.test.ts', // 54, and the browser's start
  'test/modeler/simulation-layout.test.ts', // 47, and the browser's start
  'test/modeler/designer-change.test.ts', // 42, and the browser's start
  'test/server/management-port.test.ts', // 40
];

export class SlowFilesFirst implements TestSequencer {
  constructor(private readonly ctx: Vitest) {}

  async shard(files: TestSpecification[]): Promise<TestSpecification[]> {
    return (await this.vitests()).shard(files);
  }

  async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await (await this.vitests()).sort(files);
    const path = (file: TestSpecification) => relative(this.ctx.config.root, file.moduleId);
    if (sorted.some((file) => this.ctx.cache.getFileTestResults(`${file.project.name}:${path(file)}`))) return sorted;
    const rank = (file: TestSpecification) => {
      const index = SLOWEST_FILES.indexOf(path(file));
      return index < 0 ? SLOWEST_FILES.length : index;
    };
    return sorted.map((file, index) => ({ file, index })).sort((a, b) => rank(a.file) - rank(b.file) || a.index - b.index).map(({ file }) => file);
  }

  /** vitest's own sequencer. */
  private async vitests(): Promise<TestSequencer> {
    const { BaseSequencer } = await import('vitest/node');
    return new BaseSequencer(this.ctx);
  }
}
