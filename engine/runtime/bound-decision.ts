// Which version of a decision a business rule task that pins one evaluates: `deployment` the version deployed
// together with the calling process version; `version` (Camunda 7) that version number; `versionTag` the latest
// version whose decision carries that tag. As runtime/called-version.ts resolves a call activity's process; the
// runtime (deployed-decisions.ts) and the impact replay (impact/candidate-decisions.ts) both ask here, before the
// step, since a step evaluates its decisions synchronously.
import type { DecisionBinding } from '../dmn/decision-call.js';
import { DecisionNotDeployed } from '../dmn/dmn-error.js';
import type { DmnModel } from '../dmn/dmn-model.js';
import type { ProcessModel } from '../bpmn/process-model.js';

/** One stored (or candidate) version of a decision; its model is read only when a versionTag binding asks for it. */
export interface DecisionVersionEntry {
  version: number;
  deploymentId: string;
  model: () => Promise<DmnModel>;
  /** A version only a binding by deployment finds (an unchanged decision a candidate deployment versions for such a caller). */
  onlyByDeployment?: true;
}

/** What the resolution reads: the library as it is, or as a candidate change would leave it. */
export interface BoundDecisionVersions {
  /** Every version of `decisionId`, newest first. */
  versionsOf(decisionId: string): Promise<DecisionVersionEntry[]>;
  /** The deployment the calling process version came with. */
  callerDeployment(): Promise<string | undefined>;
}

type BoundDecision = { version: number; model: DmnModel } | { problem: string };

/** The version `binding` pins, or why none (the task then fails with an incident naming decision and binding). */
async function boundDecision(
  library: BoundDecisionVersions, caller: { key: string; version: number }, decisionId: string, binding: DecisionBinding,
): Promise<BoundDecision> {
  const versions = (await library.versionsOf(decisionId)).filter((entry) => binding.type === 'deployment' || !entry.onlyByDeployment);
  let found: DecisionVersionEntry | undefined;
  if (binding.type === 'deployment') {
    const deploymentId = await library.callerDeployment();
    found = versions.find((entry) => entry.deploymentId === deploymentId);
  } else if (binding.type === 'version') {
    found = versions.find((entry) => entry.version === binding.version);
  } else {
    for (const entry of versions) {
      if ((await entry.model()).decisions.get(decisionId)?.versionTag === binding.versionTag) {
        found = entry;
        break;
      }
    }
  }
  if (found) return { version: found.version, model: await found.model() };
  return { problem: missing(decisionId, binding, caller) };
}

/** The versions a process version's tasks pin, by decision and binding: each found, or why not. */
export type BoundDecisions = Map<string, BoundDecision>;

/** Resolves every pin of `caller`'s business rule tasks, before its step (which evaluates them synchronously). */
export async function resolveBoundDecisions(
  library: BoundDecisionVersions, caller: { key: string; version: number; model: ProcessModel },
): Promise<BoundDecisions> {
  const bound: BoundDecisions = new Map();
  for (const { decisionId, binding } of boundDecisionCalls(caller.model)) {
    const key = boundKey(decisionId, binding);
    if (bound.has(key)) continue;
    // a stored file the reader now refuses fails only the tasks pinning it
    bound.set(key, await boundDecision(library, caller, decisionId, binding)
      .catch((error: Error) => ({ problem: `decision ${decisionId} ${JSON.stringify(binding)}, which cannot be read: ${error.message}` })));
  }
  return bound;
}

/** The pinned version a task evaluates; a DecisionNotDeployed (an incident naming decision and binding) when it was not found. */
export function pinnedDecision(bound: BoundDecisions, decisionId: string, binding: DecisionBinding): { model: DmnModel; version: number } {
  const found = bound.get(boundKey(decisionId, binding));
  if (!found) throw new DecisionNotDeployed(decisionId, `decision ${decisionId} is pinned by a binding this process version does not declare`);
  if ('problem' in found) throw new DecisionNotDeployed(decisionId, `business rule task calls ${found.problem}`);
  return found;
}

/** The key a source keeps a bound decision under: one per decision and binding. */
function boundKey(decisionId: string, binding: DecisionBinding): string {
  return JSON.stringify([decisionId, binding.type, binding.type === 'version' ? binding.version : binding.type === 'versionTag' ? binding.versionTag : '']);
}

/** The decisions a process's business rule tasks pin, each with its binding. */
export function boundDecisionCalls(model: ProcessModel): { decisionId: string; binding: DecisionBinding }[] {
  return [...model.elements.values()].flatMap((element) => (element.boundDecision ? [element.boundDecision] : []));
}

function missing(decisionId: string, binding: DecisionBinding, caller: { key: string; version: number }): string {
  if (binding.type === 'deployment') return `decision ${decisionId} with binding "deployment", but it was not deployed with ${caller.key} version ${caller.version}`;
  if (binding.type === 'version') return `decision ${decisionId} version ${binding.version} (binding "version"), which is not deployed`;
  return `decision ${decisionId} with version tag "${binding.versionTag}", which no deployed version carries`;
}
