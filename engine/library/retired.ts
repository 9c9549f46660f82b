// Retired processes: a process that some deployed version of another process
// called, but that no latest version calls any more. Its running instances
// (inside orders that started before the change) still finish on it, so it
// stays in the library, shown as retired rather than as a level-1 process
// that anyone may start.
import type { ProcessVersionRow, StoreTx } from '../store/types.js';

export async function retiredKeys(tx: StoreTx, latest: ProcessVersionRow[]): Promise<Set<string>> {
  const calledNow = new Set(latest.flatMap((row) => row.calls.filter((key) => key !== row.key)));
  const calledBefore = new Set<string>();
  for (const row of latest) {
    for (const version of await tx.versionsOf(row.key)) {
      for (const key of version.calls) if (key !== row.key) calledBefore.add(key);
    }
  }
  return new Set(latest.map((row) => row.key).filter((key) => calledBefore.has(key) && !calledNow.has(key)));
}
