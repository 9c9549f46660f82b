// The durable runtime, as the API sees it: a thin facade over the step
// executor (step-executor.ts: one transaction per step, engines kept warm in
// the engine cache) and one module per way into an instance — starts and order
// entry, user tasks, external jobs, messages, timers, cancel, incidents —
// each returning the id of what it moved. The view of what a call moved comes
// from the call trees its steps kept (tree-views.ts), or is read back.
import type { EventEmitter } from 'node:events';
import type {
  Actor, Clock, IncidentCountQuery, IncidentRetry, IncidentSearch, IncidentView, InstanceQuery, InstanceSummary, InstanceView, JobCallOptions, JobFailure, JobUpdate, JobView, MessageMove, MessageRequest,
  MessageResult, OrderChangeRequest, TaskCompletionView, OrderChangeResult, OrderChangesView, OrderEntry, OrderEntryOptions, OrderEntryStatus, PageAfter, RefusedAttemptQuery, RefusedAttemptView, RefusedMessage, RefusedRequest, Runtime, RuntimeCaches, ServerRoles,
  StartOptions, TaskCountQuery, TaskFourEyes, TaskQuery, TaskView,
} from '../api.js';
import type { RateTable } from '../money/rate-table.js';
import { changeView } from '../orders/order-change.js';
import type { Store } from '../store/types.js';
import { BODY_ROOT, refuseUnsafeValue } from '../variables/json-value-rules.js';
import { refuseUnsafeVariables } from '../variables/variable-names.js';
import { cancelOrder } from './cancel.js';
import type { DefinitionCache } from './definition-cache.js';
import { defaultEngineCacheBytes, EngineCache } from './engine-cache.js';
import type { FeelTiming } from './execution-environment.js';
import { retryIncident } from './incidents.js';
import { InstanceReads } from './instance-reads.js';
import { ExternalJobs } from './jobs.js';
import { Messages } from './messages.js';
import { OrderChanges } from './order-changes.js';
import { recordRefusedMessage, recordRefusedRequest } from './refused-attempts.js';
import { findRefusedAttempts } from './refused-reads.js';
import { DEFAULT_ORDER_PROCESS, Starts } from './starts.js';
import { StepExecutor } from './step-executor.js';
import { callerOf } from './step-caller.js';
import { UserTasks } from './tasks.js';
import { DEFAULT_TIME_TO_LIVE_MS } from './time-to-live.js';
import { DueTimers } from './timers.js';
import { defaultViewCacheBytes, TreeViews, type KeptTrees } from './tree-views.js';

export { DEFAULT_ORDER_PROCESS } from './starts.js';

export interface RuntimeOptions {
  messageTimeToLiveMs?: number;
  orderEntry?: { processKey: string; rates?: RateTable };
  /** Memory for warm engines (bytes); default from STRATUM_ENGINE_CACHE_MB (engine-cache.ts). 0 turns the cache off. */
  engineCacheBytes?: number;
  /** Memory for the call trees views of writes are built from (bytes); default from STRATUM_VIEW_CACHE_MB (tree-views.ts). 0 reads every view. */
  viewCacheBytes?: number;
  /** Engine steps computed ahead outside the write lock (default true; see step-executor.ts). */
  speculate?: boolean;
  /** The benchmark's condition counters. */
  feelTiming?: FeelTiming;
  /** The groups and accounts an assignment expression may not hand a task to (StratumOptions.serverRoles). */
  serverRoles?: ServerRoles;
}

export class InstanceRuntime implements Runtime {
  private readonly steps: StepExecutor;
  private readonly reads: InstanceReads;
  private readonly views: TreeViews;
  private readonly engines: EngineCache;
  private readonly starts: Starts;
  private readonly tasks: UserTasks;
  private readonly jobs: ExternalJobs;
  private readonly messages: Messages;
  private readonly timers: DueTimers;
  private readonly changes: OrderChanges;

  constructor(store: Store, definitions: DefinitionCache, clock: Clock, events: EventEmitter, options: RuntimeOptions = {}) {
    const engines = new EngineCache(options.engineCacheBytes ?? defaultEngineCacheBytes(), (event) => events.emit('engine-cache', event));
    this.engines = engines;
    this.views = new TreeViews(store, options.viewCacheBytes ?? defaultViewCacheBytes(), (event) => events.emit('view-cache', event));
    this.steps = new StepExecutor(store, definitions, clock, events, engines, this.views, {
      messageTimeToLiveMs: options.messageTimeToLiveMs ?? DEFAULT_TIME_TO_LIVE_MS,
      ...(options.feelTiming && { feelTiming: options.feelTiming }),
      ...(options.speculate !== undefined && { speculate: options.speculate }),
      ...(options.serverRoles && { serverRoles: options.serverRoles }),
    });
    this.reads = new InstanceReads(store, this.views);
    const orderEntry = options.orderEntry ?? { processKey: DEFAULT_ORDER_PROCESS };
    this.starts = new Starts(this.steps, orderEntry);
    this.tasks = new UserTasks(this.steps);
    this.jobs = new ExternalJobs(this.steps);
    this.messages = new Messages(this.steps);
    this.timers = new DueTimers(this.steps);
    this.changes = new OrderChanges(this.steps, this.messages, orderEntry);
  }

  // ---- starting -------------------------------------------------------------

  async start(processKey: string, options: StartOptions = {}): Promise<{ instance: InstanceView; created: boolean }> {
    refuseUnsafeVariables(options.variables);
    const kept: KeptTrees = new Map();
    const { id, created } = await this.steps.keeping(kept, () => this.starts.start(processKey, options));
    return { instance: await this.viewOf(id, kept), created };
  }

  async enterOrder(order: OrderEntry, options: OrderEntryOptions): Promise<{ instance: InstanceView; created: boolean }> {
    refuseUnsafeValue(order, BODY_ROOT);
    const kept: KeptTrees = new Map();
    const { id, created } = await this.steps.keeping(kept, () => this.starts.enterOrder(order, options));
    return { instance: await this.viewOf(id, kept), created };
  }

  async changeOrder(orderNo: string, request: OrderChangeRequest, options: OrderEntryOptions): Promise<OrderChangeResult> {
    refuseUnsafeValue(request, BODY_ROOT);
    const kept: KeptTrees = new Map();
    const { row, created, instanceId } = await this.steps.keeping(kept, () => this.changes.change(orderNo, request, options));
    const [order, instance] = await Promise.all([this.changes.view(orderNo), this.viewOf(instanceId, kept)]);
    // the change as it stands after its first step (the process may already have moved it on)
    const change = order?.changes.find((one) => one.changeId === row.changeId) ?? changeView(row);
    return { change, created, order: order!, instance };
  }

  orderChanges(orderNo: string): Promise<OrderChangesView | undefined> {
    return this.changes.view(orderNo);
  }

  orderEntryStatus(): Promise<OrderEntryStatus> {
    return this.starts.orderEntryStatus();
  }

  // ---- reading --------------------------------------------------------------

  getInstance(id: string): Promise<InstanceView | undefined> {
    return this.reads.getInstance(id);
  }

  findInstances(query: InstanceQuery): Promise<{ items: InstanceSummary[]; total: number }> {
    return this.reads.findInstances(query);
  }

  findRefusedAttempts(query: RefusedAttemptQuery): Promise<{ items: RefusedAttemptView[]; next: PageAfter | null }> {
    return findRefusedAttempts(this.steps.store, query, (tx, key, version) => this.steps.definition(tx, key, version));
  }

  // ---- user tasks -----------------------------------------------------------

  findTasks(query: TaskQuery): Promise<TaskView[]> {
    return this.tasks.find(query);
  }

  countTasks(query: TaskCountQuery): Promise<number> {
    return this.tasks.count(query);
  }

  fourEyesOnTasks(tasks: TaskView[], actor: string): Promise<Map<string, TaskFourEyes>> {
    return this.tasks.fourEyesOn(tasks, actor);
  }

  getTask(taskId: string): Promise<TaskView | undefined> {
    return this.tasks.get(taskId);
  }

  getTaskCompletion(taskId: string): Promise<TaskCompletionView | undefined> {
    return this.tasks.completion(taskId);
  }

  async completeTask(taskId: string, variables: Record<string, unknown>, actor: Actor): Promise<InstanceView> {
    refuseUnsafeVariables(variables);
    return this.viewAfter(() => this.tasks.complete(taskId, variables, actor));
  }

  claimTask(taskId: string, actor: Actor): Promise<TaskView> {
    return this.tasks.claim(taskId, actor);
  }

  unclaimTask(taskId: string, actor: Actor, options: { asOperator?: boolean } = {}): Promise<TaskView> {
    return this.tasks.unclaim(taskId, actor, options);
  }

  // ---- external jobs --------------------------------------------------------

  fetchAndLockJobs(request: { type: string; workerId: string; lockMs?: number; max?: number; businessKey?: string; localVariables?: boolean }): Promise<JobView[]> {
    return this.jobs.fetchAndLock(request);
  }

  async completeJob(jobId: string, variables: Record<string, unknown>, actor: Actor, workerId?: string, options: JobCallOptions = {}): Promise<InstanceView> {
    refuseUnsafeVariables(variables);
    return this.viewAfter(() => this.jobs.complete(jobId, variables, actor, workerId, options));
  }

  failJob(jobId: string, failure: JobFailure & JobCallOptions, actor: Actor): Promise<InstanceView> {
    return this.viewAfter(() => this.jobs.fail(jobId, failure, actor));
  }

  setJobRetries(jobId: string, retries: number, actor: Actor): Promise<InstanceView> {
    return this.viewAfter(() => this.jobs.setRetries(jobId, retries, actor));
  }

  updateJob(jobId: string, update: JobUpdate, actor: Actor): Promise<InstanceView> {
    return this.viewAfter(() => this.jobs.update(jobId, update, actor));
  }

  async throwJobError(jobId: string, thrown: { errorCode: string; message?: string; variables?: Record<string, unknown>; workerId?: string } & JobCallOptions, actor: Actor): Promise<InstanceView> {
    refuseUnsafeVariables(thrown.variables);
    return this.viewAfter(() => this.jobs.throwError(jobId, thrown, actor));
  }

  // ---- messages -------------------------------------------------------------

  async correlateMessage(message: MessageRequest): Promise<MessageResult> {
    refuseUnsafeVariables(message.variables);
    const kept: KeptTrees = new Map();
    const outcome = await this.steps.keeping(kept, () => this.messages.correlate(message));
    if ('refused' in outcome) throw outcome.refused;
    if ('buffered' in outcome) {
      return { outcome: 'buffered', messageKey: outcome.buffered.id, reached: [], moved: [], expiresAt: outcome.buffered.expiresAt };
    }
    const rootIds = [...new Set(outcome.moved.map((one) => one.rootId))];
    const reached = await Promise.all(rootIds.map((id) => this.viewOf(id, kept)));
    const moved = await Promise.all(outcome.moved.map(async ({ instanceId, waitId }): Promise<MessageMove> => ({
      kind: waitId === null ? 'start' : 'catch', waitId, instance: await this.viewOf(instanceId, kept),
    })));
    return { outcome: 'delivered', messageKey: outcome.delivered.id, reached: reached.filter((view): view is InstanceView => view !== undefined), moved };
  }

  purgeExpiredMessages(): Promise<number> {
    return this.messages.purgeExpired();
  }

  // ---- refused requests -------------------------------------------------------

  recordRefusedRequest(refused: RefusedRequest, actor: Actor): Promise<boolean> {
    return recordRefusedRequest(this.steps, refused, callerOf(actor));
  }

  recordRefusedMessage(refused: RefusedMessage, actor: Actor): Promise<boolean> {
    return recordRefusedMessage(this.steps, refused, callerOf(actor));
  }

  // ---- timers ---------------------------------------------------------------

  fireDueTimers(): Promise<number> {
    return this.timers.fireDue();
  }

  // ---- caches ---------------------------------------------------------------

  caches(): RuntimeCaches {
    return { engine: this.engines.state, view: this.views.state };
  }

  // ---- cancelling -----------------------------------------------------------

  cancel(instanceId: string, actor: Actor, options: { reason?: string } = {}): Promise<InstanceView> {
    return this.viewAfter(async () => {
      await cancelOrder(this.steps, instanceId, actor, options);
      return instanceId;
    });
  }

  // ---- incidents --------------------------------------------------------------

  findIncidents(query: IncidentSearch): Promise<{ items: IncidentView[]; nextCursor: string | null }> {
    return this.steps.store.read((tx) => this.steps.incidents.find(tx, query));
  }

  countIncidents(query: IncidentCountQuery): Promise<number> {
    return this.steps.store.read((tx) => this.steps.incidents.count(tx, query));
  }

  getIncident(id: string): Promise<IncidentView | undefined> {
    return this.steps.store.read((tx) => this.steps.incidents.get(tx, id));
  }

  async retryIncident(incidentId: string, retry: IncidentRetry, actor: Actor): Promise<InstanceView> {
    refuseUnsafeVariables(retry.variables);
    return this.viewAfter(() => retryIncident(this.steps, incidentId, retry, actor));
  }

  // ---- views of writes ---------------------------------------------------------

  /** Runs a public call's steps and hands back the view of the instance it names. */
  private async viewAfter(call: () => Promise<string>): Promise<InstanceView> {
    const kept: KeptTrees = new Map();
    return this.viewOf(await this.steps.keeping(kept, call), kept);
  }

  /** The view of an instance a call's steps wrote: from the tree they kept, else read (and kept for the next step). */
  private async viewOf(id: string, kept: KeptTrees): Promise<InstanceView> {
    return this.views.viewOf(id, kept) ?? this.reads.viewOf(id);
  }
}
