// The processes a call tree runs or may still run: the versions its instances
// run, and every version they may call, each call resolved as it would start
// (called-version.ts): by its binding in the calling version's context, so a
// call bound by `deployment` or `versionTag` reaches the older version it starts,
// not the latest (a child's variables flow back to its caller). What any element
// of these declares as its output is decided there; no caller outside them may
// set it (completion-variables.ts). A call that cannot start a version adds nothing.
import type { ElementInfo, ProcessModel } from '../bpmn/process-model.js';
import type { StoreTx } from '../store/types.js';
import { calledVersion, storeCalledVersions, type CalledVersions } from './called-version.js';

/** A process version's model (from the definition cache, or a replay's candidate library). */
type DefinitionOf = (key: string, version: number) => Promise<{ model: ProcessModel }>;
type ProcessVersion = { key: string; version: number };
/** The version the call activity `call` of `caller` starts (by its `calledProcess` and `binding`), or why none (calledVersion). */
type CalledVersionOf = (caller: ProcessVersion, call: ElementInfo) => Promise<{ version: number } | { problem: string }>;

/** The models of `seeds` (process versions) and of every version they may call, each once; each call resolved once. */
export async function reachableModels(
  seeds: readonly ProcessVersion[], definitionOf: DefinitionOf, calledVersionOf: CalledVersionOf,
): Promise<ProcessModel[]> {
  const reached = new Map<string, ProcessModel>();
  const toCall: { caller: ProcessVersion; call: ElementInfo }[] = [];
  const add = async (key: string, version: number) => {
    const id = `${key}@${version}`;
    if (reached.has(id)) return;
    const { model } = await definitionOf(key, version);
    reached.set(id, model);
    for (const call of callsOf(model)) toCall.push({ caller: { key, version }, call });
  };
  for (const { key, version } of seeds) await add(key, version);
  for (let next = toCall.shift(); next !== undefined; next = toCall.shift()) {
    const called = await calledVersionOf(next.caller, next.call);
    if ('version' in called) await add(next.call.calledProcess!, called.version);
  }
  return [...reached.values()];
}

/**
 * Calls resolved against the store as call-activities.ts resolves them: the latest versions read once (the call
 * graph, without XML); only a bound call reads a key's versions and its caller's deployment, each once.
 */
export function storeCalledVersionOf(tx: StoreTx, definitionOf: DefinitionOf): CalledVersionOf {
  const store = storeCalledVersions(tx, definitionOf);
  let latest: Promise<Map<string, number>> | undefined;
  const library: CalledVersions = {
    latestVersion: async (key) => {
      latest ??= tx.latestCalls().then((versions) => new Map(versions.map((version) => [version.key, version.version])));
      return (await latest).get(key);
    },
    deploymentOf: once((key, version) => store.deploymentOf(key, version)),
    versionsOf: once((key) => store.versionsOf(key)),
  };
  return (caller, call) => calledVersion(library, caller, call.calledProcess!, call.binding);
}

/** The models of the call tree `rootId` heads: what its instances run and may still call. */
export async function treeModels(tx: StoreTx, rootId: string, definitionOf: DefinitionOf): Promise<ProcessModel[]> {
  const members = await tx.findInstances({ rootId });
  return reachableModels(members.map((member) => ({ key: member.processKey, version: member.version })), definitionOf,
    storeCalledVersionOf(tx, definitionOf));
}

// helpers

/** A version's call activities, those calling the same key with the same binding once (they start the same version). */
function callsOf(model: ProcessModel): ElementInfo[] {
  const calls = new Map<string, ElementInfo>();
  for (const element of model.elements.values()) {
    if (!element.calledProcess) continue;
    const id = JSON.stringify([element.calledProcess, element.binding?.type ?? 'latest', element.binding?.versionTag ?? null]);
    if (!calls.has(id)) calls.set(id, element);
  }
  return [...calls.values()];
}

/** `read`, asked each set of arguments once. */
function once<A extends (string | number)[], T>(read: (...args: A) => Promise<T>): (...args: A) => Promise<T> {
  const answers = new Map<string, Promise<T>>();
  return (...args) => {
    const id = JSON.stringify(args);
    let answer = answers.get(id);
    if (!answer) {
      answer = read(...args);
      answers.set(id, answer);
    }
    return answer;
  };
}
