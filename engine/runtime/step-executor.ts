// The step executor: every public call of the runtime is one store transaction
// (retried after a lost race) that locks the instances it moves, runs each to
// its next wait state and commits the new state, wait index and history
// together. Steps may queue more steps (children starting, children
// returning, buffered messages delivered); they run in order in the same
// transaction. Live engines outlive a step only in the engine cache, and only
// once the step's transaction committed.
import { randomUUID } from 'node:crypto';
import type { EventEmitter } from 'node:events';
import type { Clock, StepEvent } from '../api.js';
import { notFound, StratumError } from '../errors.js';
import { recordOrderEvents } from '../events/order-events.js';
import type { FeelInput } from '../feel/feel-expression.js';
import type { HistoryRow, InstanceRow, Store, StoreTx } from '../store/types.js';
import { returnToParent, startChild } from './call-activities.js';
import type { DefinitionCache, ExecutableDefinition } from './definition-cache.js';
import type { LiveEngine } from './engine-adapter.js';
import { estimatedEngineBytes, type EngineCache } from './engine-cache.js';
import type { FeelTiming } from './execution-environment.js';
import { Incidents } from './incidents.js';
import { InstanceRows } from './instance-rows.js';
import { runInstanceStep, type StepAction } from './instance-step.js';
import { MessageBuffer } from './message-buffer.js';
import { deliverBuffered } from './messages.js';

export type StepKind = StepEvent['action'];

export interface QueuedStep {
  instance: InstanceRow;
  isNew: boolean;
  action: StepAction;
  kind: StepKind;
  history: HistoryRow[];
  /** Who caused the step (the authenticated user); steps it queues inherit it. Null for the scheduler. */
  actor?: string | null;
}

/** What a step left behind: the steps it queued, and the incident it raised (if it failed). */
export interface StepOutcome {
  follow: QueuedStep[];
  incident: InstanceRow['incident'];
  inputs?: FeelInput[];
}

export interface QueueOptions {
  /** With it, a step that would fail an instance aborts the transaction: the caller's input is refused and nothing changes. */
  refuseFailure?: string;
  /** Narrows the inputs a failed condition read to those the caller gave. */
  nameInputs?: (inputs: FeelInput[]) => FeelInput[];
}

const MAX_TRANSACTION_ATTEMPTS = 3;

/** Engines that ran a step of the open transaction, kept once it commits. */
type Pending = Map<string, { revision: number; engine: LiveEngine; bytes: number }>;

export class StepExecutor {
  readonly rows: InstanceRows;
  readonly messages: MessageBuffer;
  readonly incidents: Incidents;
  private readonly pending = new WeakMap<StoreTx, Pending>();
  /** The orders (root instances) each open transaction moved: their events are written before it commits. */
  private readonly moved = new WeakMap<StoreTx, Set<string>>();
  private readonly feelTiming: FeelTiming | undefined;

  constructor(
    readonly store: Store,
    private readonly definitions: DefinitionCache,
    readonly clock: Clock,
    private readonly events: EventEmitter,
    private readonly engines: EngineCache,
    options: { messageTimeToLiveMs: number; feelTiming?: FeelTiming },
  ) {
    this.rows = new InstanceRows(clock);
    this.feelTiming = options.feelTiming;
    this.messages = new MessageBuffer(options.messageTimeToLiveMs);
    this.incidents = new Incidents(clock, {
      runQueue: (tx, steps, refuseFailure, actor) => this.runQueue(tx, steps.map((step) => ({ ...step, actor })), { refuseFailure }),
      startChild: async (tx, parent, call, actor) =>
        startChild(tx, this.rows, parent, call, await this.definition(tx, parent.processKey, parent.version), actor,
          (key, version) => this.definition(tx, key, version)),
      saveInstance: async (tx, row) => {
        await this.saveInstance(tx, row);
      },
    });
  }

  /**
   * One public step: a transaction (retried after a lost race), reported on
   * `events` as `step` with the process key of the instance it moved (not the
   * instance id: metrics labels must stay few), its duration and outcome.
   */
  async step<T>(action: StepKind, work: (tx: StoreTx, moving: (instance: InstanceRow) => void) => Promise<T>): Promise<T> {
    const began = performance.now();
    let processKey: string | undefined;
    const report = (outcome: StepEvent['outcome']) =>
      this.events.emit('step', { action, processKey: processKey ?? '', durationMs: performance.now() - began, outcome } satisfies StepEvent);
    try {
      const result = await this.inTransaction((tx) => work(tx, (instance) => (processKey ??= instance.processKey)));
      if (processKey !== undefined) report('ok');
      return result;
    } catch (error) {
      report(error instanceof StratumError && error.code === 'conflict' ? 'conflict' : 'error');
      throw error;
    }
  }

  /** A transaction, retried when it lost an optimistic race or a concurrent duplicate insert. */
  async inTransaction<T>(work: (tx: StoreTx) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const pending: Pending = new Map();
      let events = 0;
      try {
        const result = await this.store.transaction(async (tx) => {
          this.pending.set(tx, pending);
          const moved = new Set<string>();
          this.moved.set(tx, moved);
          const done = await work(tx);
          // The outbox: an order whose status changed gets its event in this transaction, or neither happens.
          if (moved.size) events = await recordOrderEvents(tx, moved, this.clock.now());
          return done;
        });
        // Committed: the engines stand on stored revisions now. (On any error they are dropped with `pending`.)
        for (const [id, entry] of pending) this.engines.keep(id, entry.revision, entry.engine, entry.bytes);
        if (events) this.events.emit('order-events', events);
        return result;
      } catch (error) {
        // Lost an optimistic race or inserted a duplicate concurrently: the retry sees the winner's data.
        const retryable = error instanceof StratumError && error.code === 'conflict';
        if (!retryable || attempt >= MAX_TRANSACTION_ATTEMPTS) throw error;
      }
    }
  }

  /**
   * Runs queued steps in order; steps may queue more (children starting,
   * children returning). See `QueueOptions.refuseFailure`.
   */
  async runQueue(tx: StoreTx, queue: QueuedStep[], options: QueueOptions = {}): Promise<void> {
    const steps = [...queue];
    for (let next = steps.shift(); next; next = steps.shift()) {
      const { follow, incident, inputs } = await this.runStep(tx, next);
      if (incident && options.refuseFailure) {
        // `variables` names the inputs the failing condition read, so the caller knows what to fix.
        const named = inputs && (options.nameInputs ? options.nameInputs(inputs) : inputs);
        const check = named?.length ? ` (check ${named.map((input) => input.name).join(', ')})` : '';
        throw new StratumError('invalid', `${options.refuseFailure} would fail the instance: ${incident.message}${check}`, {
          incident, ...(named && { variables: named }),
        });
      }
      const actor = next.actor ?? null;
      steps.push(...follow.map((step) => ({ ...step, actor: step.actor ?? actor })));
    }
  }

  async runStep(tx: StoreTx, step: QueuedStep): Promise<StepOutcome> {
    const { instance } = step;
    this.moved.get(tx)?.add(instance.rootId);
    const definition = await this.definition(tx, instance.processKey, instance.version);
    const previousWaits = step.isNew ? [] : await tx.findWaits({ instanceId: instance.id });
    const now = this.clock.now();
    const actor = step.actor ?? null;
    const warm = step.isNew ? undefined : this.warmEngine(tx, instance);
    const result = await runInstanceStep({
      definition, instance, previousWaits, now, actor, action: step.action,
      ...(warm && { warm }), ...(this.feelTiming && { feelTiming: this.feelTiming }),
    });

    // Children are named before the parent is saved so the wait row points at them.
    const newCalls = result.waits.filter((wait) => wait.kind === 'call' && !wait.childInstanceId);
    for (const call of newCalls) call.childInstanceId = randomUUID();

    const ended = result.status !== 'running';
    const updated: InstanceRow = {
      ...instance,
      status: result.status,
      state: result.state,
      variables: result.variables,
      incident: result.incident,
      endedAt: ended && result.status !== 'failed' ? now.toISOString() : instance.endedAt,
    };
    const revision = step.isNew ? await this.insertInstance(tx, updated) : await this.saveInstance(tx, updated);
    if (result.engine) this.pending.get(tx)?.set(instance.id, { revision, engine: result.engine, bytes: estimatedEngineBytes(definition.model.elements.size) });
    await tx.replaceWaits(instance.id, result.waits);

    const history = [...step.history, ...result.history];
    if (result.status !== 'running') {
      history.push(this.rows.history(instance.id, actor, `instance.${result.status}`, result.incident?.elementId ?? null, null,
        result.incident ? { incident: result.incident } : null));
    }
    await tx.appendHistory(history);
    if (result.status === 'failed') await this.incidents.raise(tx, { before: instance, action: step.action, previousWaits, incident: result.incident });

    const follow: QueuedStep[] = [];
    for (const call of newCalls) follow.push(...(await startChild(tx, this.rows, updated, call, definition, actor, (key, version) => this.definition(tx, key, version))));
    if (ended && updated.parentId) follow.push(...(await returnToParent(tx, updated, [])));
    if (result.status === 'running') {
      // Messages that arrived before this step opened their catch are delivered now, in this transaction.
      const delivered = await deliverBuffered(tx, this, previousWaits, result.waits);
      follow.push(...delivered.follow);
      if (delivered.incident) return { ...delivered, follow };
    }
    if (result.status !== 'failed') return { follow, incident: null };
    return { follow, incident: result.incident, ...(result.incidentInputs && { inputs: result.incidentInputs }) };
  }

  /** An engine standing on the instance's stored revision: one an earlier step of this transaction left, or a committed one. */
  private warmEngine(tx: StoreTx, instance: InstanceRow): LiveEngine | undefined {
    const pending = this.pending.get(tx);
    const own = pending?.get(instance.id);
    if (own) {
      pending!.delete(instance.id);
      return own.revision === instance.revision ? own.engine : undefined;
    }
    return this.engines.take(instance.id, instance.revision);
  }

  definition(tx: StoreTx, key: string, version: number): Promise<ExecutableDefinition> {
    return this.definitions.get(key, version, async () => {
      const row = await tx.getVersion(key, version);
      if (!row) throw notFound(`process ${key} version ${version} is not deployed`);
      return row.xml;
    });
  }

  /** Stores a new instance; returns its revision. */
  async insertInstance(tx: StoreTx, row: InstanceRow): Promise<number> {
    this.moved.get(tx)?.add(row.rootId);
    await tx.insertInstance({ ...row, revision: 1, updatedAt: this.rows.nowIso() });
    return 1;
  }

  /** Saves an instance if nobody changed it since it was read; returns the new revision. */
  async saveInstance(tx: StoreTx, row: InstanceRow): Promise<number> {
    // Saved outside an engine step (cancel, failed job, incident retry): a kept engine no longer stands on the row.
    this.engines.drop(row.id);
    this.moved.get(tx)?.add(row.rootId);
    const revision = row.revision + 1;
    const saved = await tx.updateInstance({ ...row, revision, updatedAt: this.rows.nowIso() });
    if (!saved) throw new StratumError('conflict', `instance ${row.id} was changed concurrently`, { retryable: true });
    return revision;
  }
}
