// Retired processes: a process that some deployed version of another process
// called, but that no latest version calls any more. Its running instances
// (inside orders that started before the change) still finish on it, so it
// stays in the library, shown as retired rather than as a level-1 process
// that anyone may start.
import type { StoreTx, VersionCalls } from '../store/types.js';

export async function retiredKeys(tx: StoreTx, latest: readonly VersionCalls[]): Promise<Set<string>> {
  const calledNow = new Set(latest.flatMap((row) => row.calls.filter((key) => key !== row.key)));
  // what any version ever called, in one read, without the XML
  const calledBefore = new Set(await tx.everCalledKeys());
  return new Set(latest.map((row) => row.key).filter((key) => calledBefore.has(key) && !calledNow.has(key)));
}
