// The library as it would be after a change: the deployed versions, with the
// candidate files' processes as the next version of their keys, and the
// deployed decisions with the files' own (candidate-decisions.ts). Read-only: it
// reads the store once for the latest versions and then on demand for older
// versions that running or recorded instances are on.
import { createHash } from 'node:crypto';
import type { ModdleElement } from 'bpmn-moddle';
import type { BpmnFile } from '../api.js';
import { parseBpmn, type ParsedBpmn } from '../bpmn/moddle.js';
import { compileProcessModels, type ProcessModel } from '../bpmn/process-model.js';
import { versionedKeys } from '../library/versioned-keys.js';
import { isDmnSource } from '../lint/dmn-sources.js';
import type { CalledVersions } from '../runtime/called-version.js';
import { compileExecutable, type ExecutableDefinition } from '../runtime/definition-cache.js';
import type { ProcessVersionRow, Store } from '../store/types.js';
import { CANDIDATE_DEPLOYMENT, CandidateDecisions } from './candidate-decisions.js';
import { flowGraphOf, type FlowGraph } from './flow-graph.js';
import { orderChangesOf, type OrderChanges } from './path-ahead.js';
import { processOf } from './process-diff.js';

export interface CandidateProcess {
  key: string;
  /** The version it would get: the latest deployed + 1 (1 for a new key). A file deployed as it is makes no candidate, unless a candidate calls it by deployment (versioned-keys.ts). */
  version: number;
  file: BpmnFile;
  parsed: ParsedBpmn;
  model: ProcessModel;
}

/** A version as the replay reads it: its compiled model, its flow graph and its bpmn-moddle process element. */
export interface VersionGraph {
  model: ProcessModel;
  graph: FlowGraph;
  /** Where it waits for a change to the order, and what a change sets (path-ahead.ts). */
  orderChanges: OrderChanges;
  process: ModdleElement | undefined;
}

/**
 * What a library keeps of the versions it read, per `key@version`: shared with its baseline (withoutChange), whose
 * deployed versions are the same, so a replay compiles each of them once. A candidate's version (latest + 1) is
 * never asked of the baseline, which knows only the deployed ones.
 */
interface VersionCaches {
  definitions: Map<string, Promise<ExecutableDefinition>>;
  graphs: Map<string, Promise<VersionGraph>>;
  versionLists: Map<string, Promise<{ version: number; deploymentId: string }[]>>;
}

export class CandidateLibrary {
  private constructor(
    private readonly store: Store,
    /** The latest deployed version of every key, before the change. */
    readonly deployed: ProcessVersionRow[],
    readonly candidates: CandidateProcess[],
    /** The decisions business rule tasks call after the change. */
    readonly decisions: CandidateDecisions,
    private readonly caches: VersionCaches = { definitions: new Map(), graphs: new Map(), versionLists: new Map() },
  ) {}

  /** Files that do not parse are left out: lint reports them. */
  static async open(store: Store, files: BpmnFile[]): Promise<CandidateLibrary> {
    const deployed = await store.read((tx) => tx.latestVersions());
    const latest = new Map(deployed.map((row) => [row.key, row]));
    const processes: (Omit<CandidateProcess, 'key' | 'version'> & { changed: boolean })[] = [];
    for (const file of files.filter((candidate) => !isDmnSource(candidate))) {
      const parsed = await parseBpmn(file.xml).catch(() => undefined);
      if (!parsed) continue;
      const hash = createHash('sha256').update(file.xml).digest('hex');
      // as deploying does (process-library.ts): a pool marked isExecutable="false" is no library process
      for (const model of compileProcessModels(parsed.definitions).filter((candidate) => candidate.isExecutable)) {
        processes.push({ file, parsed, model, changed: latest.get(model.key)?.hash !== hash });
      }
    }
    // deploying the file its latest version came from gives no new version, but for a callee bound by deployment
    const versioned = versionedKeys(processes);
    const candidates = processes.filter(({ model }) => versioned.has(model.key))
      .map(({ file, parsed, model }): CandidateProcess => ({ key: model.key, version: (latest.get(model.key)?.version ?? 0) + 1, file, parsed, model }));
    return new CandidateLibrary(store, deployed, candidates, await CandidateDecisions.open(store, files));
  }

  /** Whether the change gives any process or decision a new version (a file deployed as it is gives none). */
  get changes(): boolean {
    return this.candidates.length > 0 || this.decisions.candidates.length > 0;
  }

  /**
   * The library as deployed now, read at the same moment as this one: the replay's baseline (library-replay.ts),
   * what an order would do today without the change.
   */
  withoutChange(): CandidateLibrary {
    return new CandidateLibrary(this.store, this.deployed, [], this.decisions.withoutChange(), this.caches);
  }

  candidate(key: string): CandidateProcess | undefined {
    return this.candidates.find((candidate) => candidate.key === key);
  }

  /** The version a call activity reached now would start (latest binding), after the change. */
  latestVersion(key: string): number | undefined {
    return this.candidate(key)?.version ?? this.deployed.find((row) => row.key === key)?.version;
  }

  /** Key → the keys its latest version calls, after the change. */
  callsAfterChange(): Map<string, string[]> {
    const calls = new Map(this.deployed.map((row) => [row.key, row.calls]));
    for (const candidate of this.candidates) calls.set(candidate.key, candidate.model.calls);
    return calls;
  }

  /** An executable definition of any deployed version or of a candidate. */
  definition(key: string, version: number): Promise<ExecutableDefinition> {
    const id = `${key}@${version}`;
    let definition = this.caches.definitions.get(id);
    if (!definition) {
      definition = this.xml(key, version).then((xml) => compileExecutable(key, version, xml));
      this.caches.definitions.set(id, definition);
    }
    return definition;
  }

  /** The model, sequence-flow graph and parsed process of a version (what can still be reached from a wait; what the fast replay runs). */
  graph(key: string, version: number): Promise<VersionGraph> {
    const id = `${key}@${version}`;
    let graph = this.caches.graphs.get(id);
    if (!graph) {
      graph = this.xml(key, version).then(async (xml) => {
        const parsed = await parseBpmn(xml);
        const model = compileProcessModels(parsed.definitions).find((candidate) => candidate.key === key)!;
        return {
          model, graph: flowGraphOf(parsed.definitions, key), orderChanges: orderChangesOf(parsed.definitions, model, key), process: processOf(parsed.definitions, key),
        };
      });
      this.caches.graphs.set(id, graph);
    }
    return graph;
  }

  /** The library after the change as the call-binding resolution reads it; the candidates are one new deployment. */
  calledVersions(): CalledVersions {
    return {
      latestVersion: (key) => Promise.resolve(this.latestVersion(key)),
      deploymentOf: async (key, version) => {
        if (this.candidate(key)?.version === version) return CANDIDATE_DEPLOYMENT;
        return (await this.deployedVersionsOf(key)).find((row) => row.version === version)?.deploymentId;
      },
      versionsOf: async (key) => {
        const candidate = this.candidate(key);
        return [
          ...(candidate ? [{ version: candidate.version, deploymentId: CANDIDATE_DEPLOYMENT, versionTag: () => Promise.resolve(candidate.model.versionTag) }] : []),
          ...(await this.deployedVersionsOf(key)).map(({ version, deploymentId }) => ({
            version, deploymentId, versionTag: async () => (await this.graph(key, version)).model.versionTag,
          })),
        ];
      },
    };
  }

  /**
   * The deployed versions of a key, newest first, with their deployments: read once, as every replayed order's
   * bound calls (and the reach of its messages and workers, tree-models.ts) resolve against them.
   */
  private deployedVersionsOf(key: string): Promise<{ version: number; deploymentId: string }[]> {
    let versions = this.caches.versionLists.get(key);
    if (!versions) {
      versions = this.store.read((tx) => tx.versionsOf(key))
        .then((rows) => rows.map(({ version, deploymentId }) => ({ version, deploymentId })).sort((a, b) => b.version - a.version));
      this.caches.versionLists.set(key, versions);
    }
    return versions;
  }

  private async xml(key: string, version: number): Promise<string> {
    const candidate = this.candidate(key);
    if (candidate && candidate.version === version) return candidate.file.xml;
    const row = await this.store.read((tx) => tx.getVersion(key, version));
    if (!row) throw new Error(`process ${key} version ${version} is not deployed`);
    return row.xml;
  }
}
