// Replay's worker processes run at the lowest CPU priority (nice 19), so the
// OS scheduler hands a core to live steps (nice 0: weight 1024 against 15)
// whenever they want one and the replay takes what is left. On a machine whose
// cores are busy all the time that leaves the replay next to nothing (a deploy
// dialog's report waits for minutes): STRATUM_REPLAY_NICE sets another value,
// 0 the server's own. On Linux a nice
// value belongs to a thread, not to the process: the process lowers every
// thread it has started by then (V8's and libuv's helpers) itself, and threads
// started later inherit the value of the thread that starts them.
import { readdirSync } from 'node:fs';
import { setPriority } from 'node:os';
import { ConfigurationError } from '../errors.js';
import { wholeNumberSetting } from '../setting-number.js';

/** The default: the lowest priority an unprivileged process can take (and never raise again). */
export const REPLAY_NICE = 19;

/** The nice value of a replay's workers: `STRATUM_REPLAY_NICE` (0 to 19), else REPLAY_NICE. */
export function replayNice(): number {
  const configured = process.env.STRATUM_REPLAY_NICE;
  if (configured === undefined || configured.trim() === '') return REPLAY_NICE;
  const nice = wholeNumberSetting(configured);
  if (!Number.isSafeInteger(nice) || nice < 0 || nice > 19) {
    throw new ConfigurationError('STRATUM_REPLAY_NICE', `STRATUM_REPLAY_NICE must be a whole number from 0 to 19, not ${configured}`);
  }
  return nice;
}

/** Lowers a process (Linux: one thread) to `nice`; where the platform refuses, the replay runs at normal priority. */
export function lowerPriority(pid: number, nice = replayNice()): void {
  if (nice === 0) return;
  try {
    setPriority(pid, nice);
  } catch {
    // a platform or sandbox without priorities: slower live steps during a replay, nothing worse
  }
}

/** Every thread of this process at the replay's nice value. */
export function lowerOwnPriority(): void {
  const nice = replayNice();
  for (const thread of threadIds()) lowerPriority(thread, nice);
}

/** This process's threads (Linux), or the process itself where a nice value is the process's. */
function threadIds(): number[] {
  if (process.platform !== 'linux') return [process.pid];
  try {
    return readdirSync('/proc/self/task').map(Number);
  } catch {
    return [process.pid];
  }
}
