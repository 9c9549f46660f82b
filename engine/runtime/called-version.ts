// Which version of the called process a call activity starts, by its Camunda 8
// `bindingType`: `latest` (the default) the latest deployed version when the
// call is reached; `deployment` the version deployed together with the
// calling version; `versionTag` the latest version whose process carries that
// `zeebe:versionTag`. The runtime and the impact replay both ask here.
import type { CallBinding } from '../bpmn/process-model.js';
import type { StoreTx } from '../store/types.js';

/** What the resolution reads: the library (the store, or the library as a candidate change would leave it). */
export interface CalledVersions {
  latestVersion(key: string): Promise<number | undefined>;
  /** The deployment a version came with. */
  deploymentOf(key: string, version: number): Promise<string | undefined>;
  /** Every version of `key`, newest first, with its deployment and version tag. */
  versionsOf(key: string): Promise<{ version: number; deploymentId: string; versionTag: () => Promise<string | undefined> }[]>;
}

/** The version to start, or why there is none (the call then fails with that message). */
export async function calledVersion(
  library: CalledVersions, caller: { key: string; version: number }, calledKey: string, binding: CallBinding | undefined,
): Promise<{ version: number } | { problem: string }> {
  const type = binding?.type ?? 'latest';
  if (type === 'latest') {
    const version = await library.latestVersion(calledKey);
    return version === undefined ? { problem: `${calledKey}, which is not deployed` } : { version };
  }
  const versions = await library.versionsOf(calledKey);
  if (type === 'deployment') {
    const deploymentId = await library.deploymentOf(caller.key, caller.version);
    const found = versions.find((candidate) => candidate.deploymentId === deploymentId);
    return found ? { version: found.version } : { problem: `${calledKey} with binding "deployment", but it was not deployed with ${caller.key} version ${caller.version}` };
  }
  for (const candidate of versions) {
    if ((await candidate.versionTag()) === binding!.versionTag) return { version: candidate.version };
  }
  return { problem: `${calledKey} with version tag "${binding!.versionTag ?? ''}", which no deployed version carries` };
}

/** The store's library as `CalledVersions`; a version's tag is read from its compiled model. */
export function storeCalledVersions(
  tx: StoreTx, modelOf: (key: string, version: number) => Promise<{ model: { versionTag?: string } }>,
): CalledVersions {
  return {
    latestVersion: (key) => tx.latestVersionNumber(key),
    deploymentOf: async (key, version) => (await tx.getVersion(key, version))?.deploymentId,
    versionsOf: async (key) => (await tx.versionsOf(key))
      .sort((a, b) => b.version - a.version)
      .map(({ version, deploymentId }) => ({ version, deploymentId, versionTag: async () => (await modelOf(key, version)).model.versionTag })),
  };
}

/**
 * The stored version a call activity of `parent` starts, or why none (call-activities.ts startChild). The version
 * resolved is one the store listed, and versions are never removed, so its row (and XML) is not read again here.
 */
export async function versionToCall(
  tx: StoreTx, parent: { processKey: string; version: number }, calledKey: string, binding: CallBinding | undefined,
  modelOf: (key: string, version: number) => Promise<{ model: { versionTag?: string } }>,
): Promise<{ key: string; version: number } | { problem: string }> {
  const resolved = await calledVersion(storeCalledVersions(tx, modelOf), { key: parent.processKey, version: parent.version }, calledKey, binding);
  return 'problem' in resolved ? resolved : { key: calledKey, version: resolved.version };
}
