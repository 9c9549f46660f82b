// The impact of a candidate change, before it is deployed: per process the
// semantic diff against the latest deployed version, where it is used and which
// running orders it reaches; per changed decision, the processes calling it and
// the running orders that will evaluate it; the conditions elsewhere that still
// compare with a constant the change moved (related-conditions.ts); the messages
// whose catchers it alters, for their senders, with the messages buffered under them (message-catchers.ts); a replay of recorded orders on the
// library as it would be, its decisions included; and the lint findings of that
// whole library. Nothing is stored.
import { createHash } from 'node:crypto';
import type { BpmnFile, DeployOptions, ReplayEvent, ServerRoles } from '../api.js';
import type { Finding } from '../errors.js';
import { xmlFollowsHouseRules } from '../lint/house-rules.js';
import { lintFiles } from '../lint/lint-bpmn.js';
import type { Store } from '../store/types.js';
import { CandidateLibrary } from './candidate-library.js';
import type { DecisionImpact, ImpactReport, ProcessImpact, ReplayReport } from './impact-report.js';
import { diffProcesses, processOf } from './process-diff.js';
import { bufferedUnder, changedMessageNames, messageChanges } from './message-catchers.js';
import { movedComparisons, relatedConditions, type Move } from './related-conditions.js';
import { pinSelection, type OrderSelection } from './recorded-orders.js';
import { replayOrders } from './replay.js';
import { replayInWorkers } from './replay-pool.js';
import { runningOrders } from './running-orders.js';
import { whereDecisionUsed, whereUsed } from './where-used.js';

export interface ImpactOptions {
  /** The process orders enter (order entry's). */
  orderProcessKey: string;
  /** Which recorded orders to replay (default the last 1,000); false: none. */
  replay?: Omit<OrderSelection, 'processKey'> | false;
  taskGroups?: DeployOptions['taskGroups'];
  /** Worker processes for the replay (0, or a store no other process can open: in this thread). */
  replayWorkers?: number;
  /** Orders a worker takes at a time (tests deal small chunks to several workers). */
  replayChunk?: number;
  signal?: AbortSignal;
  /** Told when the replay starts and ends. */
  onReplay?: (event: ReplayEvent) => void;
  /** The runtime's server roles (StratumOptions.serverRoles): the replay raises the incidents the runtime would. */
  serverRoles?: ServerRoles;
  /** The runtime's clock: which buffered messages have not expired yet. */
  now?: () => Date;
}

export async function analyseImpact(store: Store, files: BpmnFile[], options: ImpactOptions): Promise<ImpactReport> {
  const library = await CandidateLibrary.open(store, files);
  // A replay in worker processes goes first: it runs while this thread lints, diffs and looks at the
  // running orders, instead of after them (the worker processes load meanwhile, too).
  const stopReplay = new AbortController();
  const replaySignal = options.signal ? AbortSignal.any([options.signal, stopReplay.signal]) : stopReplay.signal;
  const selection = options.replay === false ? undefined : { ...options.replay, processKey: options.orderProcessKey };
  const startReplay = () => selection
    ? replayRecorded(store, library, files, selection, options, replaySignal)
    : Promise.resolve({
      orders: 0, blocked: 0, changed: 0, groups: [], ranOnOlderVersion: { count: 0, groups: [] }, durationMs: 0, paths: { fast: 0, engine: 0 }, baselineReplays: 0,
    });
  // A replay in this thread would only take turns with the rest: it runs after it, as its own duration says.
  const inWorkers = Boolean(options.replayWorkers && store.replica?.());
  let replaying = inWorkers ? startReplay() : undefined;
  // awaited below; until then its failure must not count as unhandled
  replaying?.catch(() => undefined);
  try {
    const deployedDecisionIds = library.decisions.deployed.map((row) => row.decisionId);
    const findings = await lintLibraryAfterChange(library, files, deployedDecisionIds, options.taskGroups);
    const messageNames = await changedMessageNames(library);
    const running = await runningOrders(store, library, {
      keys: library.candidates.map((candidate) => candidate.key), decisionIds: library.decisions.candidates.map((decision) => decision.id), messageNames,
    });
    const processes: ProcessImpact[] = [];
    const moves = new Map<string, Move[]>();
    for (const candidate of library.candidates) {
      const previous = library.deployed.find((row) => row.key === candidate.key);
      // the deployed version as the library caches it: the message catchers and the running orders read it too
      const before = previous ? (await library.graph(candidate.key, previous.version)).process : undefined;
      const after = processOf(candidate.parsed.definitions, candidate.key);
      const diff = diffProcesses(candidate.key, before, after);
      moves.set(candidate.key, movedComparisons(candidate.key, before, after));
      processes.push({
        key: candidate.key,
        version: candidate.version,
        previousVersion: previous?.version ?? null,
        diff,
        whereUsed: await whereUsed(library, candidate.key),
        runningOrders: running.processes.get(candidate.key)!,
      });
    }
    const decisions: DecisionImpact[] = [];
    for (const { id, name, version, previousVersion, fileName } of library.decisions.candidates) {
      decisions.push({
        id, name, version, previousVersion, fileName, whereUsed: await whereDecisionUsed(library, id), runningOrders: running.decisions.get(id)!,
      });
    }
    const related = await relatedConditions(library, moves);
    const messages = await messageChanges(library, messageNames, running.messages, await bufferedUnder(store, messageNames, options.now?.() ?? new Date()));
    replaying ??= startReplay();
    const replay = await replaying;
    // related conditions and messages are warnings: the designer decides whether the other condition should move
    // too, and the senders what they send
    const blocking = replay.blocked > 0 || findings.some((finding) => finding.severity === 'error');
    return { processes, decisions, replay, findings, relatedConditions: related, messages, blocking };
  } catch (error) {
    // the rest of the analysis failed (or the replay did): a replay still running is of no use
    stopReplay.abort(error);
    await replaying?.catch(() => undefined);
    throw error;
  }
}

/**
 * The replay in worker processes when the store can be opened from another
 * process, else here; reported to `onReplay`. `signal` stops it (the caller's,
 * or the analysis failing beside it); the outcome says `cancelled` only for the caller's.
 */
async function replayRecorded(
  store: Store, library: CandidateLibrary, files: BpmnFile[], selection: OrderSelection, options: ImpactOptions, signal: AbortSignal,
): Promise<ReplayReport> {
  const replica = options.replayWorkers ? store.replica?.() : undefined;
  const workers = replica ? options.replayWorkers! : 0;
  const began = performance.now();
  const serverRoles = options.serverRoles && { serverRoles: options.serverRoles };
  let orders = 0;
  const ended = (outcome: NonNullable<ReplayEvent['outcome']>) =>
    options.onReplay?.({ phase: 'ended', workers, orders, durationMs: performance.now() - began, outcome });
  options.onReplay?.({ phase: 'started', workers, orders: 0, durationMs: 0 });
  try {
    const report = replica
      ? await replayInWorkers(replica, files, await pinSelection(store, selection), {
        workers, chunk: options.replayChunk, signal, progress: (done) => (orders = done), ...serverRoles,
        onWorkerReplaced: (stopped) => options.onReplay?.({ phase: 'worker-replaced', workers, orders, durationMs: performance.now() - began, stopped }),
      })
      : await replayOrders(store, library, selection, { signal, progress: (done) => (orders = done), ...serverRoles });
    orders = report.orders;
    ended('completed');
    return report;
  } catch (error) {
    ended(options.signal?.aborted ? 'cancelled' : 'failed');
    throw error;
  }
}

/**
 * The candidate files with every deployed process they do not replace, linted
 * together, so a call to a deployed process resolves and a deployed caller's
 * conditions see what the new version supplies.
 */
async function lintLibraryAfterChange(library: CandidateLibrary, files: BpmnFile[], knownDecisionIds: string[], taskGroups?: DeployOptions['taskGroups']): Promise<Finding[]> {
  const replaced = new Set(library.candidates.map((candidate) => candidate.key));
  // a file of the change that is deployed as it is (no candidate) is linted once, as the change's
  const changeFiles = new Set(files.map((file) => createHash('sha256').update(file.xml).digest('hex')));
  const deployedFiles = new Map<string, BpmnFile>();
  for (const row of library.deployed) {
    if (replaced.has(row.key)) continue;
    const hash = createHash('sha256').update(row.xml).digest('hex');
    if (!deployedFiles.has(hash) && !changeFiles.has(hash)) deployedFiles.set(hash, { name: `${row.key} (version ${row.version}, deployed)`, xml: row.xml });
  }
  const libraryProcessKeys = library.deployed.filter((row) => xmlFollowsHouseRules(row.xml)).map((row) => row.key);
  // .dmn files of the change are linted as decisions (lintFiles), beside the deployed ones
  return lintFiles([...files, ...deployedFiles.values()], {
    knownProcessKeys: library.deployed.map((row) => row.key), libraryProcessKeys, knownDecisionIds, ...(taskGroups && { taskGroups }),
  });
}
