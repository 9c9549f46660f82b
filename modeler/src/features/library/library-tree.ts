// .js: the tests' Node resolution reads this module's types too
import type { LibraryEntry } from './library-entries.js';

/** A row of the Library tab's tree: a process and how deep it sits under the process whose branch shows it. */
interface TreeRow {
  entry: LibraryEntry;
  depth: number;
}

export interface LibraryTree {
  /** The level-1 processes (value chains nobody was ever meant to call), each with what it calls beneath it. */
  valueChains: TreeRow[];
  /**
   * Processes a version of another process called but no latest version calls any more (the server's `retired`),
   * each with what it still calls: orders that started before the change finish there. Not level 1: nobody starts
   * them, and a designer looking for the value chains should not find a level-3 variant among them.
   */
  notCalled: TreeRow[];
  /** Whatever no branch reaches (processes only called through a cycle). */
  unreachable: LibraryEntry[];
}

/**
 * The library as the Library tab shows it. A process is shown once, under the first branch that reaches it; a
 * retired process a draft calls again sits under that draft's branch, not among the processes not called.
 */
export function libraryTree(entries: readonly LibraryEntry[]): LibraryTree {
  const byKey = new Map(entries.map((entry) => [entry.key, entry]));
  const shown = new Set<string>();
  const branch = (entry: LibraryEntry, depth: number, path: string[]): TreeRow[] => {
    shown.add(entry.key);
    const rows = [{ entry, depth }];
    for (const callee of entry.calls) {
      const child = byKey.get(callee);
      if (child && !path.includes(callee)) rows.push(...branch(child, depth + 1, [...path, callee]));
    }
    return rows;
  };
  const valueChains = entries.filter((entry) => entry.level === 1 && !isNotCalled(entry))
    .flatMap((root) => branch(root, 0, [root.key]));
  const notCalled = entries.filter((entry) => isNotCalled(entry) && !shown.has(entry.key))
    .flatMap((root) => branch(root, 0, [root.key]));
  return { valueChains, notCalled, unreachable: entries.filter((entry) => !shown.has(entry.key)) };
}

/** A retired process is not called unless a draft of this browser calls it again (then its caller's level places it). */
export function isNotCalled(entry: LibraryEntry): boolean {
  return entry.retired && entry.calledBy.length === 0;
}
