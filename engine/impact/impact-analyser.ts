// The engine's impact API (api.ts ImpactAnalysis) on one store.
import type { EventEmitter } from 'node:events';
import type { BpmnFile, Clock, ImpactAnalysis, ImpactRequest, ServerRoles } from '../api.js';
import { parseBpmn } from '../bpmn/moddle.js';
import type { Store } from '../store/types.js';
import { analyseImpact } from './impact.js';
import type { ImpactReport, ProcessDiff } from './impact-report.js';
import { diffProcesses, processOf } from './process-diff.js';
import { defaultReplayWorkers } from './replay-pool.js';
import { replayNice } from './replay-priority.js';

export class ImpactAnalyser implements ImpactAnalysis {
  private readonly replayWorkers: number;
  private readonly replayChunk: number | undefined;
  private readonly events: EventEmitter | undefined;
  private readonly serverRoles: ServerRoles | undefined;
  private readonly clock: Clock | undefined;

  constructor(
    private readonly store: Store,
    private readonly orderProcessKey: string,
    options: { replayWorkers?: number; replayChunk?: number; events?: EventEmitter; serverRoles?: ServerRoles; clock?: Clock } = {},
  ) {
    this.replayWorkers = options.replayWorkers ?? defaultReplayWorkers();
    // read now: a value that does not parse refuses the start, not the first replay
    if (this.replayWorkers > 0) replayNice();
    this.replayChunk = options.replayChunk;
    this.events = options.events;
    this.serverRoles = options.serverRoles;
    this.clock = options.clock;
  }

  analyse(files: BpmnFile[], request: ImpactRequest = {}): Promise<ImpactReport> {
    const { taskGroups, replay = true, signal, ...selection } = request;
    return analyseImpact(this.store, files, {
      orderProcessKey: this.orderProcessKey, replay: replay && selection, replayWorkers: this.replayWorkers,
      ...(this.replayChunk && { replayChunk: this.replayChunk }),
      ...(taskGroups && { taskGroups }), ...(signal && { signal }), ...(this.serverRoles && { serverRoles: this.serverRoles }),
      ...(this.clock && { now: () => this.clock!.now() }),
      onReplay: (event) => this.events?.emit('replay', event),
    });
  }

  async diff(key: string, from: number, to: number): Promise<ProcessDiff | undefined> {
    const [before, after] = await this.store.read(async (tx) => [await tx.getVersion(key, from), await tx.getVersion(key, to)] as const);
    if (!before || !after) return undefined;
    const [parsedBefore, parsedAfter] = await Promise.all([parseBpmn(before.xml), parseBpmn(after.xml)]);
    return diffProcesses(key, processOf(parsedBefore.definitions, key), processOf(parsedAfter.definitions, key));
  }
}
