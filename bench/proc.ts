// CPU time of processes from Linux's /proc, for the benches that weigh their
// figures by CPU seconds (what a loaded machine stretches far less than wall time).
import { readFileSync } from 'node:fs';

/** Linux's USER_HZ, the unit of /proc/<pid>/stat's times. */
const CLOCK_TICKS = 100;

/** CPU seconds (utime + stime) the processes (or, with `mainThreads`, their main threads) have used so far; a process gone counts 0. */
export function cpuSecondsOf(pids: number[], mainThreads = false): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      // after the command's name in parentheses: state, ppid, … utime (14th field), stime (15th)
      const fields = readFileSync(mainThreads ? `/proc/${pid}/task/${pid}/stat` : `/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // gone
    }
  }
  return ticks / CLOCK_TICKS;
}

/** The process and its descendants (the children its main thread started, theirs, …), the process first. */
export function treeOf(pid: number): number[] {
  const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
  return [pid, ...(children ? children.split(' ').map(Number).flatMap(treeOf) : [])];
}
