// `npm start` with two workers: the primary runs STRATUM_PRIMARY_PRIORITY nice steps ahead of its workers, every
// thread of each, a worker that replaces a dead one too (server/process-priority.ts). Read from /proc: Linux keeps a
// nice value per thread.
import { readdirSync, readFileSync } from 'node:fs';
import { getPriority } from 'node:os';
import { describe, expect, it } from 'vitest';
import { startTwoWorkers, until, workerPids, type MainProcess } from './support/main-process.js';

/** The nice value of every thread of `pid` (field 19 of each thread's stat, the 17th after the command's closing parenthesis). */
function threadNices(pid: number): number[] {
  return readdirSync(`/proc/${pid}/task`).flatMap((thread) => {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${thread}/stat`, 'utf8');
      return [Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16])];
    } catch {
      return []; // a thread that ended meanwhile
    }
  });
}

const priorityLine = (server: MainProcess) => server.lines.find((line) => line.msg === 'primary priority') as
  { primaryNice: number; workersNice: number; by: string } | undefined;

describe.runIf(process.platform === 'linux')('the primary\'s priority over its workers (STRATUM_PRIMARY_PRIORITY)', () => {
  it('runs every thread of the primary 5 nice steps ahead of every thread of each worker, and of a worker that replaces a dead one', async () => {
    // the server starts with this process's priority; raising it needs a privilege, lowering the workers does not
    const started = getPriority();
    const server = await startTwoWorkers();
    const primary = server.child.pid!;
    const line = priorityLine(server)!;
    expect(line.by).toMatch(/^(primary-raised|workers-lowered)$/);
    expect(line.workersNice - line.primaryNice).toBe(line.by === 'primary-raised' ? 5 : Math.min(5, 19 - started));
    expect(line.by === 'primary-raised' ? line.workersNice : line.primaryNice).toBe(started);
    expect(new Set(threadNices(primary))).toEqual(new Set([line.primaryNice]));
    const workers = workerPids(primary);
    expect(workers).toHaveLength(2);
    for (const worker of workers) expect(new Set(threadNices(worker))).toEqual(new Set([line.workersNice]));

    // a replacement is forked by the primary at its raised priority, and sets its own threads back
    process.kill(workers[0], 'SIGKILL');
    await until(() => server.lines.filter((candidate) => candidate.msg === 'stratum server listening').length === 3);
    const replacement = workerPids(primary).find((pid) => !workers.includes(pid))!;
    expect(new Set(threadNices(replacement))).toEqual(new Set([line.workersNice]));
    expect(new Set(threadNices(primary))).toEqual(new Set([line.primaryNice]));
  }, 120_000);

  it('leaves the primary and its workers at the priority they were started with when STRATUM_PRIMARY_PRIORITY=0', async () => {
    const started = getPriority();
    const server = await startTwoWorkers({ env: { STRATUM_PRIMARY_PRIORITY: '0' } });
    expect(priorityLine(server)).toMatchObject({ primaryNice: started, workersNice: started, by: 'none' });
    for (const pid of [server.child.pid!, ...workerPids(server.child.pid!)]) expect(new Set(threadNices(pid))).toEqual(new Set([started]));
  }, 120_000);
});
