// The engine's impact API (api.ts ImpactAnalysis) on one store.
import type { BpmnFile, ImpactAnalysis, ImpactRequest } from '../api.js';
import { parseBpmn } from '../bpmn/moddle.js';
import type { Store } from '../store/types.js';
import { analyseImpact, type ImpactReport } from './impact.js';
import { diffProcesses, processOf, type ProcessDiff } from './process-diff.js';

export class ImpactAnalyser implements ImpactAnalysis {
  constructor(
    private readonly store: Store,
    private readonly orderProcessKey: string,
  ) {}

  analyse(files: BpmnFile[], request: ImpactRequest = {}): Promise<ImpactReport> {
    const { taskGroups, replay = true, ...selection } = request;
    return analyseImpact(this.store, files, { orderProcessKey: this.orderProcessKey, replay: replay && selection, ...(taskGroups && { taskGroups }) });
  }

  async diff(key: string, from: number, to: number): Promise<ProcessDiff | undefined> {
    const [before, after] = await this.store.read(async (tx) => [await tx.getVersion(key, from), await tx.getVersion(key, to)] as const);
    if (!before || !after) return undefined;
    const [parsedBefore, parsedAfter] = await Promise.all([parseBpmn(before.xml), parseBpmn(after.xml)]);
    return diffProcesses(key, processOf(parsedBefore.definitions, key), processOf(parsedAfter.definitions, key));
  }
}
