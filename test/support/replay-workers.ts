// The impact replay's worker pool of this process (engine/impact/replay-pool.ts), as tests that kill its workers
// need it: cold, or with every worker killed as soon as it is there.
import { expect, vi } from 'vitest';
import { replayWorkerPids, runningReplayWorkers } from '../../engine/impact/replay-pool.js';

/**
 * Kills every replay worker (idle ones kept by an earlier test or file of this process) and waits until the pool has
 * heard of each exit, an event-loop turn or more later (seconds on a loaded runner): every worker from here on is new.
 */
export async function coldReplayPool(): Promise<void> {
  for (const pid of replayWorkerPids()) process.kill(pid, 'SIGKILL');
  await vi.waitFor(() => expect(runningReplayWorkers()).toBe(0), { timeout: 15_000 });
}

/**
 * Kills every replay worker as soon as it is there, idle or handed its job, as a replay that crashes its worker
 * would, until `stop()`; `killed` lists their process ids.
 */
export function killingEveryReplayWorker(): { killed: number[]; stop(): void } {
  const killed: number[] = [];
  const timer = setInterval(() => {
    for (const pid of replayWorkerPids()) {
      if (killed.includes(pid)) continue;
      killed.push(pid);
      process.kill(pid, 'SIGKILL');
    }
  }, 5);
  return { killed, stop: () => clearInterval(timer) };
}
