// The primary of a pool of workers runs at a higher CPU priority than its workers (STRATUM_PRIMARY_PRIORITY).
//
// Every request passes through the primary: routed, it reads, parses and proxies each one and answers /healthz
// itself; with the shared port it accepts each connection and hands it over. Its work is small but on every request's
// path, while each worker can keep a core busy with engine steps. At equal priority the kernel shares the cores evenly
// among the busy processes, so under a burst the primary waited its turn behind its own workers: its event loop
// stalled for hundreds of milliseconds, and a /healthz probe on the API port took up to a second. A few nice steps
// ahead, it runs as soon as it has work, and since it has little, the workers lose almost nothing (measured in
// docs/engine.md, "Workers": "The primary's priority").
//
// Raising a priority needs a privilege (root, or CAP_SYS_NICE); lowering one never does. So the primary raises its
// own when it may, and otherwise lowers its workers' by the same steps: what the kernel weighs is the gap between
// processes that compete (in one container or cgroup, the pool's own processes). Linux keeps a nice value per thread,
// so every thread of the process is set, and a forked worker starts with its parent's: each worker sets its own
// threads to the value the primary chose for it (STRATUM_WORKER_NICE) as it starts.
import { readdirSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';

/** The nice steps the primary runs ahead of its workers unless STRATUM_PRIMARY_PRIORITY says otherwise (0 turns it off). */
export const DEFAULT_PRIMARY_PRIORITY = 5;

/** The nice value a worker sets its threads to at start, chosen by the primary. */
export const WORKER_NICE_ENV = 'STRATUM_WORKER_NICE';

/** The lowest priority (highest nice value) a process can have on Linux and the BSDs. */
const LOWEST = 19;

/** The nice values the primary and its workers run at. */
export interface PoolPriorities {
  primary: number;
  workers: number;
  /** How the gap was made: the primary raised its own priority, or (not allowed to) lowered its workers'; none without a gap. */
  by: 'primary-raised' | 'workers-lowered' | 'none';
}

/** What sets a nice value: the calls of node:os, and the threads of this process (Linux), or the process alone (0). */
export interface PriorityCalls {
  get(): number;
  set(id: number, nice: number): void;
  threads(): number[];
}

const osCalls: PriorityCalls = {
  get: () => getPriority(),
  set: (id, nice) => setPriority(id, nice),
  threads: ownThreads,
};

/** This process's threads on Linux, where each has its own nice value; elsewhere 0, which setPriority takes as the whole process. */
function ownThreads(): number[] {
  try {
    return readdirSync('/proc/self/task').map(Number);
  } catch {
    return [0];
  }
}

/**
 * In the primary, before it forks its workers: raises its own priority `gap` nice steps above the one it was started
 * with, or, when the system refuses, plans its workers `gap` steps below it. The workers get their value through
 * STRATUM_WORKER_NICE (workerEnv).
 */
export function prioritizePrimary(gap: number, calls: PriorityCalls = osCalls): PoolPriorities {
  const started = calls.get();
  if (gap === 0) return { primary: started, workers: started, by: 'none' };
  try {
    setThreads(calls, started - gap);
    return { primary: started - gap, workers: started, by: 'primary-raised' };
  } catch (error) {
    if (!isRefused(error)) throw error;
    // a thread raised before the refusal goes back, so the primary keeps one priority
    setThreads(calls, started);
    const workers = Math.min(started + gap, LOWEST);
    return { primary: started, workers, by: workers > started ? 'workers-lowered' : 'none' };
  }
}

/** The environment entry that tells a forked worker its nice value; none without a gap (a worker then keeps the primary's). */
export const workerEnv = (priorities: PoolPriorities | undefined): Record<string, string> =>
  priorities && priorities.by !== 'none' ? { [WORKER_NICE_ENV]: String(priorities.workers) } : {};

/**
 * In a worker, first thing: sets every thread to the nice value the primary chose (a worker forked after the primary
 * raised its own starts with the primary's). Returns the value set, or undefined when the primary named none.
 */
export function applyWorkerNice(env: NodeJS.ProcessEnv, calls: PriorityCalls = osCalls): number | undefined {
  const text = env[WORKER_NICE_ENV];
  if (text === undefined || !/^-?\d+$/.test(text)) return undefined;
  const nice = Number(text);
  setThreads(calls, nice);
  return nice;
}

function setThreads(calls: PriorityCalls, nice: number): void {
  for (const thread of calls.threads()) {
    try {
      calls.set(thread, nice);
    } catch (error) {
      // a thread that ended since the list was read has nothing left to set
      if (systemCode(error) !== 'ESRCH') throw error;
    }
  }
}

/** The system refused the priority (no privilege to raise it), as against a thread that ended or a bad value. */
function isRefused(error: unknown): boolean {
  const code = systemCode(error);
  return code === 'EACCES' || code === 'EPERM';
}

/** node:os reports a failed call as ERR_SYSTEM_ERROR, with the system's own code in `info`. */
function systemCode(error: unknown): string | undefined {
  return (error as { info?: { code?: string } } | undefined)?.info?.code;
}
