// The processes a call tree runs or may still run: the versions its instances
// run, and the latest version of everything they may call (what a call
// activity with the default binding starts; a child's variables flow back to
// its caller). What any element of these declares as its output is decided
// there; no caller outside them may set it (completion-variables.ts).
import type { ProcessModel } from '../bpmn/process-model.js';
import type { StoreTx } from '../store/types.js';

/** A process version's model (from the definition cache, or a replay's candidate library). */
type DefinitionOf = (key: string, version: number) => Promise<{ model: ProcessModel }>;
type LatestVersionOf = (key: string) => Promise<number | undefined> | number | undefined;

/** The models of `seeds` (process versions) and of the latest versions of everything they may call, each once. */
export async function reachableModels(
  seeds: readonly { key: string; version: number }[], definitionOf: DefinitionOf, latestVersionOf: LatestVersionOf,
): Promise<ProcessModel[]> {
  const reached = new Map<string, ProcessModel>();
  const toCall: string[] = [];
  const add = async (key: string, version: number) => {
    const id = `${key}@${version}`;
    if (reached.has(id)) return;
    const { model } = await definitionOf(key, version);
    reached.set(id, model);
    toCall.push(...model.calls);
  };
  for (const { key, version } of seeds) await add(key, version);
  for (let key = toCall.shift(); key !== undefined; key = toCall.shift()) {
    const version = await latestVersionOf(key);
    if (version !== undefined) await add(key, version);
  }
  return [...reached.values()];
}

/** The latest version of each key in the store, read once on first use. */
export function latestVersions(tx: StoreTx): LatestVersionOf {
  let latest: Promise<Map<string, number>> | undefined;
  return async (key) => {
    latest ??= tx.latestCalls().then((versions) => new Map(versions.map((version) => [version.key, version.version])));
    return (await latest).get(key);
  };
}

/** The models of the call tree `rootId` heads: what its instances run and may still call. */
export async function treeModels(tx: StoreTx, rootId: string, definitionOf: DefinitionOf): Promise<ProcessModel[]> {
  const members = await tx.findInstances({ rootId });
  return reachableModels(members.map((member) => ({ key: member.processKey, version: member.version })), definitionOf, latestVersions(tx));
}
