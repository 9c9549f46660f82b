// The processes that run inside an order: those following the house rules
// (house-rules.ts: the order library's namespace, a process taking orders, or
// one replacing a deployed process that did) and every process they call, at
// any depth, in the library as it will be (the deployed latest versions with
// the files at hand in place of theirs). A file from another tool called from
// an order process writes into the order like the library's own processes, so
// order-fields-read-only holds it to the library's severity. Browser-safe.
import type { ModdleElement } from 'bpmn-moddle';
import { followsHouseRules, type HouseRulesConfig } from './house-rules.js';
import type { ProcessSupply } from './variable-supply.js';

/** Keys of the processes of `definitions` when the document follows the house rules; none otherwise. */
export function houseRuleProcessKeys(definitions: ModdleElement, config: HouseRulesConfig): string[] {
  if (!followsHouseRules(definitions, config)) return [];
  return (definitions.rootElements ?? []).filter((element) => element.$type === 'bpmn:Process').map((process) => String(process.id));
}

/** `roots` and every process they call at any depth, over `processes` (each listing the keys it calls). */
export function orderCallTree(roots: Iterable<string>, processes: readonly Pick<ProcessSupply, 'key' | 'calls'>[]): string[] {
  const calls = new Map(processes.map((process) => [process.key, process.calls]));
  const reached = new Set<string>();
  const pending = [...roots];
  while (pending.length) {
    const key = pending.pop()!;
    if (reached.has(key)) continue;
    reached.add(key);
    pending.push(...(calls.get(key) ?? []));
  }
  return [...reached].sort();
}
