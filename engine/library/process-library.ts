// The process library: deploy (validate, then version changed processes),
// list as a levelled tree, serve exact XML back.
import { createHash, randomUUID } from 'node:crypto';
import type { BpmnFile, DecisionDetail, DecisionSummary, DeploymentView, DeployOptions, DeployResult, Library, PreparedDeployment, ProcessDetail, ProcessSummary } from '../api.js';
import { parseBpmn } from '../bpmn/moddle.js';
import { compileProcessModels, type ProcessModel } from '../bpmn/process-model.js';
import { isRetryableConflict, StratumError, type Finding } from '../errors.js';
import { callersOfReplaced, newCallOutcomeFindings } from '../lint/deployed-call-outcomes.js';
import { isDmnSource, readDmnSources } from '../lint/dmn-sources.js';
import { xmlFollowsHouseRules } from '../lint/house-rules.js';
import { lintSources, parseSources, type ParsedSource } from '../lint/lint-bpmn.js';
import { houseRuleProcessKeys, orderCallTree } from '../lint/order-call-tree.js';
import { mergeSupplies, processSuppliesOf, type ProcessSupply } from '../lint/variable-supply.js';
import type { Clock } from '../api.js';
import { boundDecisionCalls } from '../runtime/bound-decision.js';
import type { DecisionVersionRow, ProcessVersionRow, Store } from '../store/types.js';
import { analyseCallGraph } from './call-graph.js';
import { retiredKeys } from './retired.js';
import { versionedKeys } from './versioned-keys.js';
import { decisionDetail, decisionSummary, insertChangedDecisions, type DeployedDmnFile } from './decision-versions.js';

interface AnalysedFile {
  file: BpmnFile;
  hash: string;
  models: ProcessModel[];
}

/** Files linted against the library as it stood (`library`: its fingerprint), compiled when they passed. */
interface Analysis {
  analysed: AnalysedFile[];
  decisions: DeployedDmnFile[];
  findings: Finding[];
  library: string;
}

/** Tries of a deployment's transaction: lost version races and deployments that came in between. */
const MAX_DEPLOY_ATTEMPTS = 3;

/** The library moved between a deployment's lint and its transaction. */
class LibraryMoved extends Error {}

/** Which version of each process and decision is the latest: equal fingerprints, equal library for the lint. */
function libraryFingerprint(processes: Pick<ProcessVersionRow, 'key' | 'version'>[], decisions: Pick<DecisionVersionRow, 'decisionId' | 'version'>[]): string {
  // sorted here: the two reads that give them need not order keys alike (a store's collation)
  const entries = [...processes.map((row) => `p ${row.key}@${row.version}`), ...decisions.map((row) => `d ${row.decisionId}@${row.version}`)];
  return entries.sort().join('\n');
}

export class ProcessLibrary implements Library {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  async validate(files: BpmnFile[]): Promise<Finding[]> {
    return (await this.analyse(files)).findings;
  }

  async deploy(files: BpmnFile[], options: DeployOptions): Promise<DeployResult> {
    return (await this.prepare(files, options)).deploy();
  }

  async prepare(files: BpmnFile[], options: DeployOptions): Promise<PreparedDeployment> {
    if (files.length === 0) throw new StratumError('bad-request', 'a deployment needs at least one .bpmn or .dmn file');
    let analysis = await this.analyseForDeployment(files, options);
    return {
      deploy: async () => {
        const deploymentId = randomUUID();
        const deployedAt = this.clock.now().toISOString();
        for (let attempt = 1; ; attempt++) {
          try {
            const { deployed, deployedDecisions } = await this.insertChangedVersions(analysis, options, deploymentId, deployedAt);
            return { deploymentId, deployed, decisions: deployedDecisions, warnings: analysis.findings.filter((finding) => finding.severity === 'warning') };
          } catch (error) {
            if (attempt >= MAX_DEPLOY_ATTEMPTS) {
              if (error instanceof LibraryMoved) throw new StratumError('conflict', `the library changed ${attempt} times while this deployment was checked against it; deploy again`);
              throw error;
            }
            // another deployment came first: lint again against the library this one would now join
            if (error instanceof LibraryMoved) analysis = await this.analyseForDeployment(files, options);
            // two servers deploying the same files at once race for the same version number; the loser
            // retries, finds the library moved, and then its XML already deployed: a no-op
            else if (!isRetryableConflict(error)) throw error;
          }
        }
      },
    };
  }

  /** `analyse`, refusing files with errors (StratumError 'invalid' with every finding). */
  private async analyseForDeployment(files: BpmnFile[], options: DeployOptions): Promise<Analysis> {
    const analysis = await this.analyse(files, options.taskGroups);
    const errors = analysis.findings.filter((finding) => finding.severity === 'error');
    if (errors.length > 0) {
      throw new StratumError('invalid', `the deployment has ${errors.length} error${errors.length === 1 ? '' : 's'}: ${errors[0].message}`, { findings: analysis.findings });
    }
    return analysis;
  }

  /**
   * Stores a new version of every changed process, in one transaction, if the library is still the one the files
   * were linted against (else LibraryMoved: a deployment that came in between may change what they must pass).
   */
  private insertChangedVersions({ analysed, decisions, library }: Analysis, options: DeployOptions, deploymentId: string, deployedAt: string) {
    return this.store.transaction(async (tx) => {
      // taken before the library is read: a deployment committing meanwhile (PostgreSQL reads what is committed
      // when each statement starts) would otherwise go unseen, and both would store past each other's lint
      await tx.lockLibrary();
      if (libraryFingerprint(await tx.latestCalls(), await tx.latestDecisionVersions()) !== library) throw new LibraryMoved();
      const processes = [];
      for (const { file, hash, models } of analysed) {
        for (const model of models) {
          const latest = await tx.latestVersion(model.key);
          processes.push({ file, hash, model, latest, changed: latest?.hash !== hash });
        }
      }
      const versioned = versionedKeys(processes);
      const boundByDeployment = new Set(processes.filter(({ model }) => versioned.has(model.key)).flatMap(({ model }) => boundDecisionCalls(model))
        .flatMap(({ decisionId, binding }) => (binding.type === 'deployment' ? [decisionId] : [])));
      const deployedDecisions = await insertChangedDecisions(tx, decisions, { deploymentId, deployedBy: options.user, deployedAt, note: options.note ?? null }, boundByDeployment);
      const results: DeployResult['deployed'] = [];
      for (const { file, hash, model, latest } of processes) {
        if (latest && !versioned.has(model.key)) {
          results.push({ key: model.key, version: latest.version, changed: false });
          continue;
        }
        const row: ProcessVersionRow = {
          key: model.key,
          version: (latest?.version ?? 0) + 1,
          name: model.name ?? null,
          xml: file.xml,
          hash,
          calls: model.calls,
          deploymentId,
          deployedBy: options.user,
          deployedAt,
          note: options.note ?? null,
        };
        await tx.insertVersion(row);
        results.push({ key: row.key, version: row.version, changed: true });
      }
      return { deployed: results, deployedDecisions };
    });
  }

  async list(): Promise<ProcessSummary[]> {
    const [latest, retired] = await this.store.read(async (tx) => {
      const rows = await tx.latestVersions();
      return [rows, await retiredKeys(tx, rows)] as const;
    });
    const positions = analyseCallGraph(latest.map((row) => ({ key: row.key, calls: row.calls })));
    const summaries = await Promise.all(latest.map((row) => this.summary(row, positions, retired)));
    return summaries.sort((a, b) => a.level - b.level || a.key.localeCompare(b.key));
  }

  async get(key: string): Promise<ProcessDetail | undefined> {
    const [latest, versions, retired] = await this.store.read(async (tx) => {
      const rows = await tx.latestVersions();
      return [rows, await tx.versionsOf(key), await retiredKeys(tx, rows)] as const;
    });
    const row = latest.find((candidate) => candidate.key === key);
    if (!row) return undefined;
    const positions = analyseCallGraph(latest.map((candidate) => ({ key: candidate.key, calls: candidate.calls })));
    return {
      ...(await this.summary(row, positions, retired)),
      versions: versions.map((version) => ({
        version: version.version,
        deployedAt: version.deployedAt,
        deployedBy: version.deployedBy,
        note: version.note,
        deploymentId: version.deploymentId,
      })),
    };
  }

  async xml(key: string, version?: number): Promise<string | undefined> {
    const row = await this.store.read((tx) => (version === undefined ? tx.latestVersion(key) : tx.getVersion(key, version)));
    return row?.xml;
  }

  async listDecisions(): Promise<DecisionSummary[]> {
    return (await this.store.read((tx) => tx.latestDecisionVersions())).map(decisionSummary);
  }

  async getDecision(id: string): Promise<DecisionDetail | undefined> {
    return decisionDetail(await this.store.read((tx) => tx.decisionVersionsOf(id)));
  }

  async decisionXml(id: string, version?: number): Promise<string | undefined> {
    const row = await this.store.read(async (tx) =>
      version === undefined ? (await tx.decisionVersionsOf(id)).at(-1) : tx.getDecisionVersion(id, version));
    return row?.xml;
  }

  async deployment(deploymentId: string): Promise<DeploymentView | undefined> {
    const { processes, decisions } = await this.store.read((tx) => tx.deploymentVersions(deploymentId));
    // every version of one deployment carries its user, time and note
    const first = processes[0] ?? decisions[0];
    if (!first) return undefined;
    return {
      deploymentId,
      deployedAt: first.deployedAt,
      deployedBy: first.deployedBy,
      note: first.note,
      processes: processes.map(({ key, version, name }) => ({ key, version, name })),
      decisions: decisions.map(({ decisionId, version, name, fileName }) => ({ id: decisionId, version, name, fileName })),
    };
  }

  private async summary(row: ProcessVersionRow, positions: ReturnType<typeof analyseCallGraph>, retired: Set<string>): Promise<ProcessSummary> {
    const position = positions.get(row.key) ?? { level: 1, calledBy: [] };
    return {
      key: row.key,
      name: row.name,
      latestVersion: row.version,
      level: position.level,
      calls: row.calls,
      calledBy: position.calledBy,
      retired: retired.has(row.key),
      documentation: await this.documentation(row),
      deployedAt: row.deployedAt,
    };
  }

  private readonly documentationCache = new Map<string, string | null>();

  private async documentation(row: ProcessVersionRow): Promise<string | null> {
    const id = `${row.key}@${row.version}`;
    if (!this.documentationCache.has(id)) {
      const parsed = await parseBpmn(row.xml).catch(() => undefined);
      const model = parsed && compileProcessModels(parsed.definitions).find((candidate) => candidate.key === row.key);
      this.documentationCache.set(id, model?.documentation ?? null);
    }
    return this.documentationCache.get(id)!;
  }

  /** Lints every file against the library plus the files deployed with it; compiles them when they pass. */
  private async analyse(files: BpmnFile[], taskGroups?: DeployOptions['taskGroups']): Promise<Analysis> {
    const [latest, latestDecisions] = await this.store.read(async (tx) => [await tx.latestVersions(), await tx.latestDecisionVersions()] as const);
    const knownProcessKeys = latest.map((row) => row.key);
    // a file replacing a library process is held to the library's house rules
    const libraryProcessKeys = latest.filter((row) => xmlFollowsHouseRules(row.xml)).map((row) => row.key);
    const processSupplies = await Promise.all(latest.map((row) => this.supply(row)));
    // .dmn files deploy beside the BPMN; business rule tasks may call their decisions and the deployed ones
    const dmn = await readDmnSources(files.filter(isDmnSource));
    const deploymentDecisionIds = dmn.models.flatMap(({ model }) => [...model.decisions.keys()]);
    const knownDecisionIds = [...latestDecisions.map((row) => row.decisionId), ...deploymentDecisionIds];
    const documents = await parseSources(files.filter((file) => !isDmnSource(file)));
    const findings = [
      ...dmn.findings,
      ...(await lintSources(documents, { knownProcessKeys, processSupplies, knownDecisionIds, deploymentDecisionIds, libraryProcessKeys, ...(taskGroups && { taskGroups }) })),
      ...(await this.deployedOrderFieldWrites(latest, documents, processSupplies, libraryProcessKeys)),
      ...(await this.deployedCallOutcomes(latest, documents, processSupplies)),
    ];
    const library = libraryFingerprint(latest, latestDecisions);
    if (findings.some((finding) => finding.severity === 'error')) return { analysed: [], decisions: [], findings, library };
    const decisions = dmn.models.map(({ file, model }) => ({ name: file.name, xml: file.xml, model }));
    const analysed = documents.map(({ file, parsed }) => ({
      file,
      // a pool marked isExecutable="false" is documentation: kept in the file, not a library process
      models: compileProcessModels(parsed!.definitions).filter((model) => model.isExecutable),
      hash: createHash('sha256').update(file.xml).digest('hex'),
    }));
    return { analysed, decisions, findings, library };
  }

  /**
   * A deployed process from another tool writes an order field with only a warning while nothing in an order
   * calls it; once the deployment makes it part of an order's call tree (a library process now calls it), the
   * write is the deployment's error (order-fields-read-only), named under the deployed version.
   */
  private async deployedOrderFieldWrites(latest: ProcessVersionRow[], documents: ParsedSource[], deployedSupplies: ProcessSupply[],
    libraryProcessKeys: string[]): Promise<Finding[]> {
    const fileSupplies = documents.flatMap((document) => (document.parsed ? processSuppliesOf(document.parsed.definitions) : []));
    const houseRules = { libraryProcessKeys };
    const roots = [...libraryProcessKeys, ...documents.flatMap((document) => (document.parsed ? houseRuleProcessKeys(document.parsed.definitions, houseRules) : []))];
    const tree = new Set(orderCallTree(roots, mergeSupplies(deployedSupplies, fileSupplies)));
    const replaced = new Set(fileSupplies.map((supply) => supply.key));
    const pulledIn = latest.filter((row) => tree.has(row.key) && !replaced.has(row.key) && !libraryProcessKeys.includes(row.key));
    if (!pulledIn.length) return [];
    const sources = await parseSources(pulledIn.map((row) => ({ name: `${row.key} (version ${row.version}, deployed)`, xml: row.xml })));
    const findings = await lintSources(sources, { knownProcessKeys: latest.map((row) => row.key), orderProcessKeys: [...tree] });
    return findings.filter((finding) => finding.rule === 'order-fields-read-only' && finding.severity === 'error');
  }

  /**
   * A deployed caller (not replaced) of a process the deployment replaces, at any depth: a write of it that the new
   * version makes replace a called process's decision is the deployment's error (call-outcome-kept), named under the
   * deployed version. What the library already had before is not.
   */
  private async deployedCallOutcomes(latest: ProcessVersionRow[], documents: ParsedSource[], deployedSupplies: ProcessSupply[]): Promise<Finding[]> {
    const fileSupplies = documents.flatMap((document) => (document.parsed ? processSuppliesOf(document.parsed.definitions) : []));
    const after = mergeSupplies(deployedSupplies, fileSupplies);
    const callers = new Set(callersOfReplaced(after, new Set(fileSupplies.map((supply) => supply.key))));
    const findings: Finding[] = [];
    for (const row of latest.filter((candidate) => callers.has(candidate.key))) {
      const parsed = await parseBpmn(row.xml).catch(() => undefined);
      if (!parsed) continue;
      const caller = { key: row.key, name: `${row.key} (version ${row.version}, deployed)`, definitions: parsed.definitions };
      findings.push(...newCallOutcomeFindings(caller, deployedSupplies, after));
    }
    return findings;
  }

  // A version's XML never changes, so what it supplies is parsed once per process version.
  private readonly supplyCache = new Map<string, Promise<ProcessSupply>>();

  /** What a deployed version supplies to the conditions of its callers and callees. */
  private supply(row: ProcessVersionRow): Promise<ProcessSupply> {
    const id = `${row.key}@${row.version}`;
    let supply = this.supplyCache.get(id);
    if (!supply) {
      supply = parseBpmn(row.xml)
        .then((parsed) => processSuppliesOf(parsed.definitions).find((process) => process.key === row.key))
        .catch(() => undefined)
        .then((found) => found ?? { key: row.key, supplies: [], declaresStart: false, calls: row.calls });
      this.supplyCache.set(id, supply);
    }
    return supply;
  }
}
