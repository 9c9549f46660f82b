// The decisions as they would be after a change: the latest deployed version
// of every decision id (the runtime's "latest" binding, as
// runtime/deployed-decisions.ts resolves it), with the decisions of the
// change's .dmn files in place of the deployed ones of the same id, and beside
// them for new ids. What the replay's business rule tasks evaluate, so a
// change of a decision table shows in the replayed routes like a change of a
// condition. A task that pins its decision's version (bindingType,
// decisionRefBinding) evaluates the version runtime/bound-decision.ts resolves
// in the library after the change, the change being one new deployment. Read-only,
// like the candidate library it belongs to.
import { createHash } from 'node:crypto';
import type { BpmnFile } from '../api.js';
import type { DecisionBinding, DecisionSource } from '../dmn/decision-call.js';
import { parseDmn, type DmnModel } from '../dmn/dmn-model.js';
import { isDmnSource, readDmnSources } from '../lint/dmn-sources.js';
import type { ExecutableDefinition } from '../runtime/definition-cache.js';
import { pinnedDecision, resolveBoundDecisions, type BoundDecisions, type DecisionVersionEntry } from '../runtime/bound-decision.js';
import { hasBusinessRuleTask } from '../runtime/deployed-decisions.js';
import type { DecisionVersionRow, Store } from '../store/types.js';

/** The deployment the change would be: its processes' and decisions' versions carry it (candidate-library.ts). */
export const CANDIDATE_DEPLOYMENT = 'candidate';

/** A process version whose tasks' pins are resolved. */
type BoundCaller = Pick<ExecutableDefinition, 'key' | 'version' | 'model'>;

/** The deployment a process version came with, in the library after the change. */
type DeploymentOf = (key: string, version: number) => Promise<string | undefined>;

export interface CandidateDecision {
  id: string;
  name: string | null;
  /** The version it would get: the latest deployed + 1 (1 for a new id). A file deployed as it is makes no candidate. */
  version: number;
  /** The latest deployed version it replaces (null for a new id). */
  previousVersion: number | null;
  fileName: string;
  model: DmnModel;
}

export class CandidateDecisions {
  /** Decision id → the model that holds it after the change; parsed once, when a replayed step first calls a decision. */
  private models: Promise<Map<string, DmnModel>> | undefined;
  /** A process version's pinned decisions, resolved once per version (`key@version`). */
  private readonly bound = new Map<string, Promise<BoundDecisions>>();
  /** A deployed file parsed once, by hash. */
  private readonly parsed = new Map<string, Promise<DmnModel>>();

  private constructor(
    private readonly store: Store,
    /** The latest deployed version of every decision id, before the change. */
    readonly deployed: DecisionVersionRow[],
    readonly candidates: CandidateDecision[],
    /** Every decision the change's files define, changed or not (the source hands out the change's own model). */
    private readonly changeModels: Map<string, DmnModel>,
  ) {}

  /** Files that do not read as DMN are left out: lint reports them. */
  static async open(store: Store, files: BpmnFile[]): Promise<CandidateDecisions> {
    const deployed = await store.read((tx) => tx.latestDecisionVersions());
    const latest = new Map(deployed.map((row) => [row.decisionId, row]));
    const { models } = await readDmnSources(files.filter(isDmnSource));
    const candidates: CandidateDecision[] = [];
    const changeModels = new Map<string, DmnModel>();
    for (const { file, model } of models) {
      const hash = createHash('sha256').update(file.xml).digest('hex');
      for (const decision of model.decisions.values()) {
        changeModels.set(decision.id, model);
        const row = latest.get(decision.id);
        // deploying the file its latest version came from is a no-op (decision-versions.ts): no new version
        if (row?.hash === hash) continue;
        candidates.push({
          id: decision.id, name: decision.name ?? null, version: (row?.version ?? 0) + 1, previousVersion: row?.version ?? null, fileName: file.name, model,
        });
      }
    }
    return new CandidateDecisions(store, deployed, candidates, changeModels);
  }

  /** The deployed decisions alone, as they are before the change (the replay's baseline, library-replay.ts). */
  withoutChange(): CandidateDecisions {
    return new CandidateDecisions(this.store, this.deployed, [], new Map());
  }

  /**
   * The decisions a step of `definition` may call after the change, or undefined when it has no business rule
   * task (as the runtime hands a step none then).
   */
  async forStep(definition: ExecutableDefinition, deploymentOf: DeploymentOf): Promise<DecisionSource | undefined> {
    if (!hasBusinessRuleTask(definition)) return undefined;
    const models = await this.afterChange();
    const bound = await this.boundFor(definition, deploymentOf);
    return { modelFor: (decisionId, binding) => (binding ? pinnedDecision(bound, decisionId, binding).model : models.get(decisionId)) };
  }

  /** Whether a task of `caller` that pins its decision evaluates the change's new version of it. */
  async pinsCandidate(caller: BoundCaller, bound: { decisionId: string; binding: DecisionBinding }, deploymentOf: DeploymentOf): Promise<boolean> {
    const candidate = this.candidates.find((decision) => decision.id === bound.decisionId);
    if (!candidate) return false;
    try {
      return pinnedDecision(await this.boundFor(caller, deploymentOf), bound.decisionId, bound.binding).version === candidate.version;
    } catch {
      return false; // no version found: the task fails, it evaluates none
    }
  }

  private boundFor(definition: BoundCaller, deploymentOf: DeploymentOf): Promise<BoundDecisions> {
    const id = `${definition.key}@${definition.version}`;
    let bound = this.bound.get(id);
    if (!bound) {
      bound = resolveBoundDecisions({
        versionsOf: (decisionId) => this.versionsAfterChange(decisionId),
        callerDeployment: () => deploymentOf(definition.key, definition.version),
      }, definition);
      this.bound.set(id, bound);
    }
    return bound;
  }

  /**
   * Every version of a decision after the change, newest first. A decision of the change's files is of the candidate
   * deployment: a new version when its file changed; unchanged, the deployment still versions it when a process it
   * stores binds it by deployment (library/decision-versions.ts), the only binding that then asks for it.
   */
  private async versionsAfterChange(decisionId: string): Promise<DecisionVersionEntry[]> {
    const stored = (await this.store.read((tx) => tx.decisionVersionsOf(decisionId))).sort((a, b) => b.version - a.version);
    const deployed = stored.map((row) => ({ version: row.version, deploymentId: row.deploymentId, model: () => this.parse(row) }));
    const model = this.changeModels.get(decisionId);
    if (!model) return deployed;
    const changed = this.candidates.some((candidate) => candidate.id === decisionId);
    const entry = { version: (stored[0]?.version ?? 0) + 1, deploymentId: CANDIDATE_DEPLOYMENT, model: () => Promise.resolve(model) };
    // unchanged, it is versioned only for a caller bound by deployment: no other binding may find that version
    return changed ? [entry, ...deployed] : [{ ...entry, onlyByDeployment: true }, ...deployed];
  }

  private parse(row: DecisionVersionRow): Promise<DmnModel> {
    let model = this.parsed.get(row.hash);
    if (!model) this.parsed.set(row.hash, (model = parseDmn(row.xml)));
    return model;
  }

  private afterChange(): Promise<Map<string, DmnModel>> {
    this.models ??= this.readModels();
    return this.models;
  }

  private async readModels(): Promise<Map<string, DmnModel>> {
    const byId = new Map<string, DmnModel>();
    // a deployed file holding several decisions is parsed once
    for (const row of this.deployed) {
      if (this.changeModels.has(row.decisionId)) continue;
      byId.set(row.decisionId, await this.parse(row));
    }
    for (const [decisionId, model] of this.changeModels) byId.set(decisionId, model);
    return byId;
  }
}
