// The process library: deploy (validate, then version changed processes),
// list as a levelled tree, serve exact XML back.
import { createHash, randomUUID } from 'node:crypto';
import type { BpmnFile, DeployOptions, DeployResult, Library, ProcessDetail, ProcessSummary } from '../api.js';
import { completeFlowReferences } from '../bpmn/flow-references.js';
import { parseBpmn } from '../bpmn/moddle.js';
import { compileProcessModels, type ProcessModel } from '../bpmn/process-model.js';
import { StratumError, type Finding } from '../errors.js';
import { lintDefinitions } from '../lint/lint-bpmn.js';
import type { Clock } from '../api.js';
import type { ProcessVersionRow, Store } from '../store/types.js';
import { analyseCallGraph } from './call-graph.js';

interface AnalysedFile {
  file: BpmnFile;
  hash: string;
  models: ProcessModel[];
}

const DOCTYPE = /<!DOCTYPE/i;

export class ProcessLibrary implements Library {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  async validate(files: BpmnFile[]): Promise<Finding[]> {
    return (await this.analyse(files)).findings;
  }

  async deploy(files: BpmnFile[], options: DeployOptions): Promise<DeployResult> {
    if (files.length === 0) throw new StratumError('bad-request', 'a deployment needs at least one .bpmn file');
    const { analysed, findings } = await this.analyse(files);
    const errors = findings.filter((finding) => finding.severity === 'error');
    if (errors.length > 0) {
      throw new StratumError('invalid', `the deployment has ${errors.length} error${errors.length === 1 ? '' : 's'}: ${errors[0]!.message}`, { findings });
    }
    const deploymentId = randomUUID();
    const deployedAt = this.clock.now().toISOString();
    const deployed = await this.store.transaction(async (tx) => {
      const results: DeployResult['deployed'] = [];
      for (const { file, hash, models } of analysed) {
        for (const model of models) {
          const latest = await tx.latestVersion(model.key);
          if (latest?.hash === hash) {
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
      }
      return results;
    });
    return { deploymentId, deployed, warnings: findings.filter((finding) => finding.severity === 'warning') };
  }

  async list(): Promise<ProcessSummary[]> {
    const latest = await this.store.read((tx) => tx.latestVersions());
    const positions = analyseCallGraph(latest.map((row) => ({ key: row.key, calls: row.calls })));
    const summaries = await Promise.all(latest.map((row) => this.summary(row, positions)));
    return summaries.sort((a, b) => a.level - b.level || a.key.localeCompare(b.key));
  }

  async get(key: string): Promise<ProcessDetail | undefined> {
    const [latest, versions] = await this.store.read(async (tx) => [await tx.latestVersions(), await tx.versionsOf(key)] as const);
    const row = latest.find((candidate) => candidate.key === key);
    if (!row) return undefined;
    const positions = analyseCallGraph(latest.map((candidate) => ({ key: candidate.key, calls: candidate.calls })));
    return {
      ...(await this.summary(row, positions)),
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

  private async summary(row: ProcessVersionRow, positions: ReturnType<typeof analyseCallGraph>): Promise<ProcessSummary> {
    const position = positions.get(row.key) ?? { level: 1, calledBy: [] };
    return {
      key: row.key,
      name: row.name,
      latestVersion: row.version,
      level: position.level,
      calls: row.calls,
      calledBy: position.calledBy,
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

  /** Parses and lints every file against the library plus the files deployed with it. */
  private async analyse(files: BpmnFile[]): Promise<{ analysed: AnalysedFile[]; findings: Finding[] }> {
    const findings: Finding[] = [];
    const parsedFiles: { file: BpmnFile; definitions: any; models: ProcessModel[] }[] = [];
    for (const file of files) {
      if (DOCTYPE.test(file.xml)) {
        findings.push({ file: file.name, elementId: null, rule: 'xml-doctype', severity: 'error', message: 'XML with a DOCTYPE is refused (no entity expansion can happen)' });
        continue;
      }
      try {
        const parsed = await parseBpmn(file.xml);
        completeFlowReferences(parsed.definitions);
        const models = compileProcessModels(parsed.definitions);
        if (models.length === 0) {
          findings.push({ file: file.name, elementId: null, rule: 'no-process', severity: 'error', message: 'the file contains no process' });
        }
        parsedFiles.push({ file, definitions: parsed.definitions, models });
      } catch (error) {
        findings.push({ file: file.name, elementId: null, rule: 'xml-parse', severity: 'error', message: (error as Error).message });
      }
    }
    const seen = new Map<string, string>();
    for (const { file, models } of parsedFiles) {
      for (const model of models) {
        const other = seen.get(model.key);
        if (other) {
          findings.push({ file: file.name, elementId: model.key, rule: 'duplicate-process', severity: 'error', message: `process ${model.key} is also defined in ${other}` });
        }
        seen.set(model.key, file.name);
      }
    }
    const deployedKeys = (await this.store.read((tx) => tx.latestVersions())).map((row) => row.key);
    const knownProcessKeys = [...new Set([...deployedKeys, ...seen.keys()])];
    for (const { file, definitions } of parsedFiles) {
      for (const finding of await lintDefinitions(definitions, { knownProcessKeys })) findings.push({ ...finding, file: file.name });
    }
    const analysed = parsedFiles.map(({ file, models }) => ({ file, models, hash: createHash('sha256').update(file.xml).digest('hex') }));
    return { analysed, findings };
  }
}
