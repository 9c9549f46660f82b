// The decisions a step's business rule tasks may call: the latest deployed
// version of every decision id (Camunda's default "latest" binding), and the
// versions its tasks pin (bound-decision.ts), resolved before the step. A .dmn
// file is parsed once per stored file (by hash), like a process definition
// once per version; a step of a process without business rule tasks reads nothing.
import type { DecisionSource } from '../dmn/decision-call.js';
import { DmnEvaluationError } from '../dmn/dmn-error.js';
import { parseDmn, type DmnModel } from '../dmn/dmn-model.js';
import type { DecisionVersionRow, StoreTx } from '../store/types.js';
import { pinnedDecision, resolveBoundDecisions, type BoundDecisions, type BoundDecisionVersions } from './bound-decision.js';
import type { ExecutableDefinition } from './definition-cache.js';

export class DeployedDecisions {
  private readonly models = new Map<string, Promise<DmnModel>>();

  constructor(private readonly capacity = 200) {}

  /** The latest deployed decisions for a step of `definition`, or undefined when it has no business rule task. */
  async forStep(tx: StoreTx, definition: ExecutableDefinition): Promise<DecisionSource | undefined> {
    if (!hasBusinessRuleTask(definition)) return undefined;
    const byId = new Map<string, DmnModel | DecisionNotReadable>();
    const versions = new Map<string, number>();
    for (const row of await tx.latestDecisionVersions()) {
      // a stored file the reader now refuses (deployed before a check was added) fails only the tasks calling its decisions
      byId.set(row.decisionId, await this.model(row).catch((error: Error) => new DecisionNotReadable(row, error)));
      versions.set(row.decisionId, row.version);
    }
    const bound = await this.boundDecisions(tx, definition);
    return {
      modelFor: (decisionId, binding) => {
        const model = binding ? pinnedDecision(bound, decisionId, binding).model : byId.get(decisionId);
        if (model instanceof DecisionNotReadable) throw model;
        return model;
      },
      versionOf: (decisionId, binding) => (binding ? pinnedDecision(bound, decisionId, binding).version : versions.get(decisionId)),
    };
  }

  /** The versions the definition's tasks pin: each found, or why not. */
  private boundDecisions(tx: StoreTx, definition: ExecutableDefinition): Promise<BoundDecisions> {
    const library: BoundDecisionVersions = {
      versionsOf: async (decisionId) => (await tx.decisionVersionsOf(decisionId))
        .sort((a, b) => b.version - a.version)
        .map((row) => ({ version: row.version, deploymentId: row.deploymentId, model: () => this.model(row) })),
      callerDeployment: async () => (await tx.getVersion(definition.key, definition.version))?.deploymentId,
    };
    return resolveBoundDecisions(library, definition);
  }

  private model(row: DecisionVersionRow): Promise<DmnModel> {
    let model = this.models.get(row.hash);
    if (model) {
      // refresh recency: the oldest entry is evicted first
      this.models.delete(row.hash);
    } else {
      model = parseDmn(row.xml);
      model.catch(() => this.models.delete(row.hash));
    }
    this.models.set(row.hash, model);
    if (this.models.size > this.capacity) this.models.delete(this.models.keys().next().value!);
    return model;
  }
}

/** The latest version of a decision is in a file that cannot be read: the task calling it fails with an incident naming file and problem. */
class DecisionNotReadable extends DmnEvaluationError {
  constructor(row: DecisionVersionRow, error: Error) {
    super(`decision ${row.decisionId} version ${row.version} (${row.fileName}) cannot be read: ${error.message}; deploy the file again, corrected`, row.decisionId);
    this.name = 'DecisionNotReadable';
  }
}

const callsDecisions = new WeakMap<ExecutableDefinition, boolean>();

/** Whether `definition` has a business rule task: only then does a step of it need decisions (found once per definition). */
export function hasBusinessRuleTask(definition: ExecutableDefinition): boolean {
  let calls = callsDecisions.get(definition);
  if (calls === undefined) {
    calls = [...definition.model.elements.values()].some((element) => element.type === 'bpmn:BusinessRuleTask');
    callsDecisions.set(definition, calls);
  }
  return calls;
}
