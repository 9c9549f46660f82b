// Where-used: every deployed process version (and candidate) with a call
// activity that starts a given process, so a designer sees who a change reaches.
import type { CandidateLibrary } from './candidate-library.js';
import type { Caller } from './impact-report.js';

export async function whereUsed(library: CandidateLibrary, key: string): Promise<Caller[]> {
  const callers: Caller[] = [];
  const keys = [...new Set([...library.deployed.map((row) => row.key), ...library.candidates.map((candidate) => candidate.key)])].sort();
  for (const callerKey of keys) {
    const latest = library.latestVersion(callerKey)!;
    const deployedLatest = library.deployed.find((row) => row.key === callerKey)?.version ?? 0;
    const versions = Array.from({ length: latest }, (_, index) => index + 1).filter((version) => version <= deployedLatest || version === latest);
    const elements = new Map<string, Caller['elements'][number]>();
    const calling: number[] = [];
    for (const version of versions) {
      const { model } = await library.graph(callerKey, version);
      if (!model.calls.includes(key)) continue;
      calling.push(version);
      for (const element of model.elements.values()) {
        if (element.calledProcess !== key) continue;
        const entry = elements.get(element.id) ?? { elementId: element.id, name: element.name ?? null, versions: [] };
        entry.versions.push(version);
        elements.set(element.id, entry);
      }
    }
    if (calling.length === 0) continue;
    callers.push({
      processKey: callerKey,
      versions: calling.filter((version) => version <= deployedLatest),
      latestCalls: calling.includes(latest),
      elements: [...elements.values()],
    });
  }
  return callers;
}

/** The keys whose latest version (after the change) calls `key`, directly or through others. */
export function transitiveCallers(calls: Map<string, string[]>, key: string): Set<string> {
  const callers = new Set<string>();
  const queue = [key];
  while (queue.length) {
    const callee = queue.pop()!;
    for (const [caller, callees] of calls) {
      if (callees.includes(callee) && !callers.has(caller) && caller !== key) {
        callers.add(caller);
        queue.push(caller);
      }
    }
  }
  return callers;
}
