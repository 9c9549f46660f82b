// The step executor: every public call of the runtime is one store transaction
// (retried after a lost race) that locks the instances it moves, runs each to
// its next wait state and commits the new state, wait index and history
// together. Steps may queue more steps (children starting, children
// returning, buffered messages delivered); they run in order in the same
// transaction. Live engines outlive a step only in the engine cache, and only
// once the step's transaction committed.
//
// The engine runs outside the write lock: a public step first runs on a read
// snapshot with its writes left out (speculation), keeping each engine step's
// result under the revision it read; the transaction then runs the same work
// under the lock and takes a kept result only for an instance still at that
// revision with the same waits and action (otherwise it runs the engine
// itself, as before). Every check and write happens in the transaction.
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { EventEmitter } from 'node:events';
import type { Clock, LostRaceEvent, ServerRoles, SpeculationEvent, StepEvent } from '../api.js';
import { isRetryableConflict, lostRace, notFound, StratumError } from '../errors.js';
import { recordOrderEvents } from '../events/order-events.js';
import type { FeelInput } from '../feel/feel-expression.js';
import { OpenChangesRead } from '../orders/order-holds.js';
import { lapseOpenChanges, settleOrderChanges } from '../orders/order-change.js';
import type { InstanceRow, Store, StoreTx } from '../store/types.js';
import { endAbandonedCalls } from './abandoned-calls.js';
import { deliverBuffered } from './buffered-delivery.js';
import { returnToParent, startChild, stillToRun } from './call-activities.js';
import { callerCatching, type CatchingCaller } from './called-error.js';
import type { DefinitionCache, ExecutableDefinition } from './definition-cache.js';
import { DeployedDecisions } from './deployed-decisions.js';
import type { LiveEngine } from './engine-adapter.js';
import { estimatedEngineBytes, type EngineCache } from './engine-cache.js';
import type { FeelTiming } from './execution-environment.js';
import { Incidents } from './incidents.js';
import { InstanceRows, withStepOutcome } from './instance-rows.js';
import { runInstanceStep, type StepInput, type StepResult } from './instance-step.js';
import { MessageBuffer } from './message-buffer.js';
import type { QueuedStep, StepKind, StepOutcome } from './queued-step.js';
import { routingHistory, type StepCaller } from './step-caller.js';
import { treeModels } from './tree-models.js';
import { TreeWrites, type KeptTrees, type TreeUpdate, type TreeViews } from './tree-views.js';
import { releaseClaimsFourEyesRefuses } from './void-claims.js';

export interface QueueOptions {
  /** With it, a step that would fail an instance aborts the transaction: the caller's input is refused and nothing changes. */
  refuseFailure?: string;
  /** Narrows the inputs a failed condition read to those the caller gave. */
  nameInputs?: (inputs: FeelInput[]) => FeelInput[];
}

const MAX_TRANSACTION_ATTEMPTS = 3;

/** Engines that ran a step of the open transaction, kept once it commits. */
type Pending = Map<string, { revision: number; engine: LiveEngine; bytes: number }>;

/** What a speculation computed: engine step results by their inputs, and the instance ids it gave out (in order). */
interface Speculation {
  results: Map<string, StepResult>;
  ids: string[];
}

/** The instance ids of one step: a speculation records them, its transaction (each attempt) uses them again in the same order. */
class IdPlan {
  private used = 0;
  constructor(private readonly ids: string[]) {}
  take(): string {
    if (this.used === this.ids.length) this.ids.push(randomUUID());
    return this.ids[this.used++];
  }
}

const idPlans = new AsyncLocalStorage<IdPlan>();
const newInstanceId = (): string => idPlans.getStore()?.take() ?? randomUUID();

/** The call trees the steps of one public call kept (tree-views.ts): its view comes from them. */
const keptTrees = new AsyncLocalStorage<KeptTrees>();

export class StepExecutor {
  readonly rows: InstanceRows;
  readonly messages: MessageBuffer;
  readonly incidents: Incidents;
  private readonly pending = new WeakMap<StoreTx, Pending>();
  /**
   * The orders (root instances) each open transaction moved, with the root's row as the transaction last wrote
   * it (if it did): their events are written before it commits.
   */
  private readonly moved = new WeakMap<StoreTx, Map<string, InstanceRow | undefined>>();
  private readonly feelTiming: FeelTiming | undefined;
  private readonly serverRoles: ServerRoles | undefined;
  /** Speculation results a transaction (or the speculation itself) works with. */
  private readonly speculations = new WeakMap<StoreTx, Speculation>();
  /** The read-only stand-ins of speculations, with the instances they pretended to write. */
  private readonly speculating = new WeakMap<StoreTx, Set<string>>();
  private readonly speculate: boolean;
  private readonly deployedDecisions = new DeployedDecisions();

  constructor(
    readonly store: Store,
    private readonly definitions: DefinitionCache,
    readonly clock: Clock,
    private readonly events: EventEmitter,
    private readonly engines: EngineCache,
    private readonly views: TreeViews,
    options: { messageTimeToLiveMs: number; feelTiming?: FeelTiming; speculate?: boolean; serverRoles?: ServerRoles },
  ) {
    this.rows = new InstanceRows(clock, newInstanceId);
    this.feelTiming = options.feelTiming;
    this.serverRoles = options.serverRoles;
    this.speculate = options.speculate ?? true;
    this.messages = new MessageBuffer(options.messageTimeToLiveMs);
    this.incidents = new Incidents(clock, {
      runQueue: (tx, steps, refuseFailure, actor) => this.runQueue(tx, steps.map((step) => ({ ...step, actor })), { refuseFailure }),
      startChild: async (tx, parent, call, actor) =>
        startChild(tx, this.rows, parent, call, await this.definition(tx, parent.processKey, parent.version), actor,
          (key, version) => this.definition(tx, key, version)),
      saveInstance: async (tx, row) => {
        await this.saveInstance(tx, row);
      },
      treeModels: (tx, rootId) => treeModels(tx, rootId, (key, version) => this.definition(tx, key, version)),
      releaseVoidClaims: async (tx, instance, claimant, actor) => {
        if (!this.isSpeculation(tx)) await releaseClaimsFourEyesRefuses(tx, this.rows, instance, claimant, (key, version) => this.definition(tx, key, version), actor);
      },
    });
  }

  /**
   * One public step: a transaction (retried after a lost race), reported on
   * `events` as `step` with the process key of the instance it moved (not the
   * instance id: metrics labels must stay few), its duration and outcome. `caller` (none for the scheduler's
   * steps) is named in the order events the step writes.
   */
  async step<T>(action: StepKind, work: (tx: StoreTx, moving: (instance: InstanceRow) => void) => Promise<T>, caller?: StepCaller): Promise<T> {
    const began = performance.now();
    let processKey: string | undefined;
    const report = (outcome: StepEvent['outcome']) =>
      this.events.emit('step', { action, processKey: processKey ?? '', durationMs: performance.now() - began, outcome } satisfies StepEvent);
    try {
      const speculation = this.speculate ? await this.speculation(work) : undefined;
      const result = await this.inTransaction((tx) => work(tx, (instance) => (processKey ??= instance.processKey)), speculation, caller);
      if (processKey !== undefined) report('ok');
      return result;
    } catch (error) {
      report(error instanceof StratumError && error.code === 'conflict' ? 'conflict' : 'error');
      throw error;
    }
  }

  /** Runs `call` (a public call's steps), collecting in `kept` the call trees its steps kept (tree-views.ts). */
  keeping<T>(kept: KeptTrees, call: () => Promise<T>): Promise<T> {
    return keptTrees.run(kept, call);
  }

  /**
   * A transaction, retried when it lost a race (`isRetryableConflict`: a revision check, a concurrent duplicate
   * insert, a deadlock). A refusal (a task no longer open, an order change open, …) is thrown at once: running
   * the step again would read the same rows and refuse again. `caller` as for `step`.
   */
  async inTransaction<T>(work: (tx: StoreTx) => Promise<T>, speculation?: Speculation, caller?: StepCaller): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const pending: Pending = new Map();
      const writes = new TreeWrites();
      let trees: TreeUpdate[] = [];
      let events = 0;
      try {
        const transaction = () => this.store.transaction(async (stored) => {
          // what the steps write to kept call trees is recorded, to keep the trees with it once committed
          const tx = routingHistory(this.views.recording(stored, writes), caller);
          this.pending.set(tx, pending);
          if (speculation) this.speculations.set(tx, speculation);
          const moved = new Map<string, InstanceRow | undefined>();
          this.moved.set(tx, moved);
          const done = await work(tx);
          // The outbox: an order whose status changed gets its event in this transaction, or neither happens.
          // both read the open changes of an order after the last write: once
          const changes = new OpenChangesRead(tx);
          if (moved.size) events = await recordOrderEvents(tx, moved, this.clock.now(), caller, changes);
          trees = await this.views.check(tx, writes, changes);
          return done;
        });
        const result = await (speculation ? idPlans.run(new IdPlan(speculation.ids), transaction) : transaction());
        // Committed: the engines stand on stored revisions now. (On any error they are dropped with `pending`.)
        for (const [id, entry] of pending) this.engines.keep(id, entry.revision, entry.engine, entry.bytes);
        this.views.commit(trees, keptTrees.getStore());
        if (events) this.events.emit('order-events', events);
        return result;
      } catch (error) {
        // Lost a race: the retry sees the winner's data.
        if (!isRetryableConflict(error)) throw error;
        const retried = attempt < MAX_TRANSACTION_ATTEMPTS;
        this.events.emit('lost-race', { race: error.race ?? 'revision', outcome: retried ? 'retried' : 'gave-up' } satisfies LostRaceEvent);
        if (!retried) throw error;
      }
    }
  }

  /**
   * Runs queued steps in order; steps may queue more (children starting,
   * children returning). See `QueueOptions.refuseFailure`.
   */
  async runQueue(tx: StoreTx, queue: QueuedStep[], options: QueueOptions = {}): Promise<void> {
    const steps = [...queue];
    for (let queued = steps.shift(); queued; queued = steps.shift()) {
      const next = await stillToRun(tx, queued);
      if (!next) continue;
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
    this.movedRoot(tx, instance.rootId);
    const definition = await this.definition(tx, instance.processKey, instance.version);
    const previousWaits = step.isNew ? [] : await tx.findWaits({ instanceId: instance.id });
    const now = this.clock.now();
    const actor = step.actor ?? null;
    const decisions = await this.deployedDecisions.forStep(tx, definition);
    const stepped = await this.engineStep(tx, step, { definition, instance, previousWaits, now, actor, action: step.action, ...(decisions && { decisions }) });
    // an error end event's error its process does not catch goes to the nearest caller that catches it, as a worker's
    // (uncaught-error-end.ts): the instance runs on until that caller's step, queued below, ends its call tree
    const up = stepped.uncaught ? await this.callerCatching(tx, instance, stepped.uncaught.code) : undefined;
    const result: StepResult = up ? { ...stepped, status: 'running', incident: null, waits: stepped.uncaught!.waits } : stepped;

    // Children are named before the parent is saved so the wait row points at them.
    const newCalls = result.waits.filter((wait) => wait.kind === 'call' && !wait.childInstanceId);
    for (const call of newCalls) call.childInstanceId = newInstanceId();

    const ended = result.status !== 'running';
    const updated = withStepOutcome(instance, {
      status: result.status,
      state: result.state,
      variables: result.variables,
      incident: result.incident,
      endedAt: ended && result.status !== 'failed' ? now.toISOString() : instance.endedAt,
    });
    const revision = step.isNew ? await this.insertInstance(tx, updated) : await this.saveInstance(tx, updated);
    if (result.engine) this.pending.get(tx)?.set(instance.id, { revision, engine: result.engine, bytes: estimatedEngineBytes(definition.model.elements.size) });
    await tx.replaceWaits(instance.id, result.waits);

    // One instant for the step's entries, the engine's (worked out ahead of this transaction when speculated): what
    // the caller did (a task completed, an instance started) is never stamped after what it moved.
    const at = result.history[0]?.at ?? now.toISOString();
    const history = [...step.history.map((row) => ({ ...row, at })), ...result.history];
    if (result.status !== 'running') {
      history.push({ ...this.rows.history(instance.id, actor, `instance.${result.status}`, result.incident?.elementId ?? null, null,
        result.incident ? { incident: result.incident } : null), at });
    }
    await tx.appendHistory(history);
    // a call this step left (a terminate end, an interrupting boundary event) ends what it had called; a failing
    // step keeps its tree as it stands for the incident's retry
    if (!step.isNew && result.status !== 'failed') await endAbandonedCalls(tx, this, updated, previousWaits, result.waits, actor, at);
    // Elements marked `orderChange` settle the order change the instance handles (order-change.ts), at the step's
    // instant: a later reading would stamp the status after the children this step starts.
    await settleOrderChanges(tx, definition.model, updated, history, actor, at);
    if (ended) await lapseOpenChanges(tx, updated, actor, at);
    if (result.status === 'failed') await this.incidents.raise(tx, { before: instance, action: step.action, previousWaits, incident: result.incident });

    const follow: QueuedStep[] = [];
    for (const call of newCalls) {
      follow.push(...(await startChild(tx, this.rows, updated, call, definition, actor, (key, version) => this.definition(tx, key, version), step.callDepth)));
    }
    if (ended && updated.parentId) follow.push(...(await returnToParent(tx, updated, [], (key, version) => this.definition(tx, key, version))));
    if (up) follow.push(thrownTo(up, stepped.uncaught!, step.kind, actor));
    // (an instance whose error a caller takes takes no buffered message: it ends in this transaction, and the message with it)
    if (result.status === 'running' && !up) {
      // Messages that arrived before this step opened their catch are delivered now, in this transaction.
      const delivered = await deliverBuffered(tx, this, previousWaits, result.waits);
      follow.push(...delivered.follow);
      if (delivered.incident) return { ...delivered, follow };
    }
    if (result.status !== 'failed') return { follow, incident: null };
    return { follow, incident: result.incident, ...(result.incidentInputs && { inputs: result.incidentInputs }) };
  }

  /** The nearest running caller of `instance` that catches `code` on its call activity, locked (called-error.ts); none for a root. */
  async callerCatching(tx: StoreTx, instance: InstanceRow, code: string): Promise<CatchingCaller | undefined> {
    if (!instance.parentId) return undefined;
    return callerCatching(instance, code, (id) => tx.getInstance(id, { lock: true }), (key, version) => this.definition(tx, key, version));
  }

  /**
   * Runs the public step's work on a read snapshot, its writes left out, to
   * compute its engine steps outside the write lock. Ends at the first step of
   * an instance it already pretended to write (what follows depends on writes
   * it did not make) or at any error; the transaction finds either again.
   */
  private async speculation<T>(work: (tx: StoreTx, moving: (instance: InstanceRow) => void) => Promise<T>): Promise<Speculation | undefined> {
    const speculation: Speculation = { results: new Map(), ids: [] };
    try {
      await idPlans.run(new IdPlan(speculation.ids), () => this.store.read(async (snapshot) => {
        const written = new Set<string>();
        const tx = withoutWrites(snapshot, written);
        this.speculating.set(tx, written);
        this.speculations.set(tx, speculation);
        await work(tx, () => undefined);
      }));
    } catch {
      // a refusal, a conflict or the end of what can be computed ahead: the transaction decides
    }
    return speculation.results.size ? speculation : undefined;
  }

  /** One engine step: taken from the speculation when its inputs are the same, else run here. */
  private async engineStep(tx: StoreTx, step: QueuedStep, input: Omit<StepInput, 'warm' | 'feelTiming' | 'serverRoles'>): Promise<StepResult> {
    const { instance } = step;
    const written = this.speculating.get(tx);
    if (written?.has(instance.id)) throw new SpeculationEnd();
    const speculation = this.speculations.get(tx);
    // a step that calls decisions is not kept: its key could not tell a decision deployed in between
    const key = speculation && !input.decisions ? speculationKey(step, input) : undefined;
    if (speculation && key && !written) {
      const kept = speculation.results.get(key);
      if (kept) {
        speculation.results.delete(key);
        this.events.emit('speculation', { result: 'used' } satisfies SpeculationEvent);
        return kept;
      }
      this.events.emit('speculation', { result: 'recomputed' } satisfies SpeculationEvent);
    }
    const warm = step.isNew ? undefined : this.warmEngine(tx, instance);
    const result = await runInstanceStep({
      ...input, ...(warm && { warm }), ...(this.feelTiming && { feelTiming: this.feelTiming }), ...(this.serverRoles && { serverRoles: this.serverRoles }),
    });
    // Kept with its own wait objects: the speculation goes on to name children in them.
    if (speculation && key && written) {
      speculation.results.set(key, { ...result, waits: result.waits.map((wait) => ({ ...wait })) });
      // the state the transaction will store, encoded here, outside the write lock
      this.store.prepareState?.(result.state);
    }
    return result;
  }

  /**
   * True inside a speculation. A refusal that only reads (four eyes, an open order change) may be
   * left to the transaction, which runs every check under the lock: a speculation it would have
   * ended only computed an engine step nobody takes.
   */
  isSpeculation(tx: StoreTx): boolean {
    return this.speculating.has(tx);
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
    const inserted = { ...row, revision: 1, updatedAt: this.rows.nowIso() };
    await tx.insertInstance(inserted);
    this.movedRoot(tx, row.rootId, inserted);
    return 1;
  }

  /** Saves an instance if nobody changed it since it was read; returns the new revision. */
  async saveInstance(tx: StoreTx, row: InstanceRow): Promise<number> {
    // Saved outside an engine step (cancel, failed job, incident retry): a kept engine no longer stands on the row.
    this.engines.drop(row.id);
    const revision = row.revision + 1;
    const updated = { ...row, revision, updatedAt: this.rows.nowIso() };
    const saved = await tx.updateInstance(updated);
    if (!saved) throw lostRace('revision', `instance ${row.id} was changed concurrently`);
    this.movedRoot(tx, row.rootId, updated);
    return revision;
  }

  /** Notes that the transaction moved an order; with `written`, an instance of it as stored now (its root's row is kept). */
  private movedRoot(tx: StoreTx, rootId: string, written?: InstanceRow): void {
    const moved = this.moved.get(tx);
    if (!moved) return;
    if (written?.id === rootId) moved.set(rootId, written);
    else if (!moved.has(rootId)) moved.set(rootId, undefined);
  }
}

// helpers

/** The step that throws an error end event's `error` on the call activity of the caller `up` that catches it. */
function thrownTo(up: CatchingCaller, error: { code: string; message: string }, kind: StepKind, actor: string | null): QueuedStep {
  return {
    instance: up.caller, isNew: false, kind, history: [], actor,
    action: { type: 'throw', elementId: up.elementId, executionId: up.executionId, code: error.code, message: error.message },
  };
}

/** Thrown inside a speculation where computing ahead would rest on writes it did not make. */
class SpeculationEnd extends Error {}

/**
 * What an engine step depends on: a stored instance's id and revision (a
 * committed revision names one state), its waits and the action; a new
 * instance by its whole row (but its timestamps).
 */
function speculationKey(step: QueuedStep, input: Omit<StepInput, 'warm' | 'feelTiming' | 'serverRoles'>): string {
  const { instance } = input;
  const subject = step.isNew ? JSON.stringify({ ...instance, createdAt: null, updatedAt: null }) : `${instance.id}@${instance.revision}`;
  return `${subject}|${JSON.stringify(input.previousWaits)}|${JSON.stringify(input.action)}|${input.actor ?? ''}`;
}

/**
 * Writes a speculation leaves out: they answer as if they had succeeded and change nothing. A write
 * missing here fails on the read-only snapshot (both stores open reads read-only), which only ends
 * the speculation early; so list every new write of StoreTx here.
 */
const LEFT_OUT: Partial<Record<keyof StoreTx, unknown>> = {
  insertVersion: undefined, insertInstance: undefined, updateInstance: true, replaceWaits: undefined, updateWait: undefined,
  lockJobs: [], lockJob: undefined, appendHistory: undefined, insertMessage: true, updateMessage: undefined, deleteMessage: undefined,
  lockCorrelation: undefined, insertIncident: undefined, resolveIncident: true, insertIdempotency: undefined,
  insertOrder: undefined, lockBusinessKey: undefined, insertOrderChange: undefined, updateOrderChange: undefined,
  lockRefusedAttempts: undefined,
};

/** A read snapshot standing in for a transaction; the instances it was asked to write are collected in `written`. */
function withoutWrites(snapshot: StoreTx, written: Set<string>): StoreTx {
  return new Proxy(snapshot, {
    get(target, name, receiver) {
      if (typeof name === 'string' && name in LEFT_OUT) {
        const answer = LEFT_OUT[name as keyof StoreTx];
        return (row?: { id?: string }) => {
          if ((name === 'insertInstance' || name === 'updateInstance') && row?.id) written.add(row.id);
          return Promise.resolve(answer);
        };
      }
      const value: unknown = Reflect.get(target, name, receiver);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
