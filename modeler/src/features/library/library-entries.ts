import type { ProcessSummary } from '../../api/client';

/** A process in the library as the designer sees it: deployed, or only a draft in this browser. */
export interface LibraryEntry {
  key: string;
  name: string | null;
  level: number;
  /** null: never deployed. */
  latestVersion: number | null;
  calls: string[];
  calledBy: string[];
  /**
   * Another process's deployed version called it, but no latest version does any more (the server's `retired`): it
   * keeps the level 1 the call graph gives an uncalled process, but it is no value chain (library-tree.ts).
   */
  retired: boolean;
  /** `new`: a draft never deployed; `edited`: a deployed process with undeployed edits; null: as deployed. */
  draft: 'new' | 'edited' | null;
  draftSavedAt?: string;
}

export interface DraftSummary {
  key: string;
  name: string | null;
  /** Absent for drafts recorded before calls were kept: the deployed calls stand. */
  calls?: string[];
  savedAt: string;
}

/**
 * Merges drafts into the deployed library: a draft's calls replace its deployed
 * version's, where-used follows, and a new process takes the level below its
 * highest-placed caller (level 1 when nothing calls it yet), as does a retired process a draft calls again.
 * Other deployed levels stay as the server computed them.
 */
export function libraryWithDrafts(processes: ProcessSummary[], drafts: DraftSummary[]): LibraryEntry[] {
  const draftByKey = new Map(drafts.map((draft) => [draft.key, draft]));
  const entries: LibraryEntry[] = processes.map((process) => {
    const draft = draftByKey.get(process.key);
    return {
      key: process.key,
      name: draft?.name ?? process.name ?? null,
      level: process.level,
      latestVersion: process.latestVersion,
      calls: draft?.calls ?? process.calls,
      calledBy: [],
      retired: process.retired,
      draft: draft ? 'edited' : null,
      ...(draft && { draftSavedAt: draft.savedAt }),
    };
  });
  const deployed = new Set(processes.map((process) => process.key));
  for (const draft of drafts) {
    if (deployed.has(draft.key)) continue;
    entries.push({
      key: draft.key, name: draft.name, level: 0, latestVersion: null, calls: draft.calls ?? [], calledBy: [], retired: false, draft: 'new', draftSavedAt: draft.savedAt,
    });
  }
  const byKey = new Map(entries.map((entry) => [entry.key, entry]));
  for (const entry of entries) {
    for (const callee of entry.calls) {
      const called = byKey.get(callee);
      if (called && !called.calledBy.includes(entry.key)) called.calledBy.push(entry.key);
    }
  }
  // a new process, and a retired one a draft calls again, take the level below their highest-placed caller
  const placed = entries.filter((entry) => entry.draft === 'new' || (entry.retired && entry.calledBy.length > 0));
  for (const entry of placed) entry.level = 0;
  const levels = new Map(placed.map((entry) => [entry, levelOf(entry, byKey, new Set())]));
  for (const [entry, level] of levels) entry.level = level;
  return entries.sort((a, b) => a.level - b.level || a.key.localeCompare(b.key));
}

// helpers

function levelOf(entry: LibraryEntry, byKey: Map<string, LibraryEntry>, seen: Set<string>): number {
  if (entry.level > 0) return entry.level;
  seen.add(entry.key);
  const callerLevels = entry.calledBy
    .filter((key) => !seen.has(key))
    .map((key) => levelOf(byKey.get(key)!, byKey, seen));
  return callerLevels.length ? Math.min(...callerLevels) + 1 : 1;
}
