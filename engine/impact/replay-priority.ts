// Replay's worker processes run at the lowest CPU priority (nice 19), so the
// OS scheduler hands a core to live steps (nice 0: weight 1024 against 15)
// whenever they want one and the replay takes what is left. On Linux a nice
// value belongs to a thread, not to the process: the process lowers every
// thread it has started by then (V8's and libuv's helpers) itself, and threads
// started later inherit the value of the thread that starts them.
import { readdirSync } from 'node:fs';
import { setPriority } from 'node:os';

/** The lowest priority an unprivileged process can take (and never raise again). */
export const REPLAY_NICE = 19;

/** Lowers a process (Linux: one thread) to REPLAY_NICE; where the platform refuses, the replay runs at normal priority. */
export function lowerPriority(pid: number): void {
  try {
    setPriority(pid, REPLAY_NICE);
  } catch {
    // a platform or sandbox without priorities: slower live steps during a replay, nothing worse
  }
}

/** Every thread of this process at REPLAY_NICE. */
export function lowerOwnPriority(): void {
  for (const thread of threadIds()) lowerPriority(thread);
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
