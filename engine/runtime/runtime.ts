// The durable runtime: every public call is one store transaction that locks
// the instances it moves, runs them to their next wait state and commits the
// new state, wait index and history together. No engine outlives a step.
import { randomUUID } from 'node:crypto';
import type { EventEmitter } from 'node:events';
import type {
  Actor, Clock, IncidentQuery, IncidentRetry, IncidentView, InstanceQuery, InstanceSummary, InstanceView, JobView, MessageRequest,
  MessageResult, OrderEntry, OrderEntryOptions, OrderEntryStatus, Runtime, StartOptions, StepEvent, TaskQuery, TaskView,
} from '../api.js';
import { TAKES_ORDERS_PROPERTY, type ProcessModel } from '../bpmn/process-model.js';
import type { RateTable } from '../money/rate-table.js';
import { callersOf, refuseDirectStart, refuseOrderNumber } from '../orders/entry-guard.js';
import { checkOrder, isSameOrder, orderAsEntered, orderRow, orderVariables } from '../orders/order-entry.js';
import { conflict, forbidden, notFound, StratumError } from '../errors.js';
import type { FeelInput } from '../feel/feel-expression.js';
import type { HistoryRow, InstanceRow, MessageRow, ProcessVersionRow, Store, StoreTx, WaitRow } from '../store/types.js';
import { completionInputsBehind, errorWrites, jobWrites, messageWrites, userTaskWrites } from './completion-variables.js';
import type { DefinitionCache, ExecutableDefinition } from './definition-cache.js';
import { DeployedDecisions } from './deployed-decisions.js';
import { mayWork, offeredTo } from './task-assignment.js';
import { earlierSeparatedDecision } from './four-eyes.js';
import { Incidents } from './incidents.js';
import { runInstanceStep, type StepAction } from './instance-step.js';
import { MessageBuffer } from './message-buffer.js';
import { mapStartVariables, startDeclarationOf } from './start-variables.js';
import { DEFAULT_TIME_TO_LIVE_MS, timeToLiveMs } from './time-to-live.js';
import { historyEntry, instanceSummary, jobView, taskView, waitingElement } from './views.js';

type StepKind = StepEvent['action'];

export interface QueuedStep {
  instance: InstanceRow;
  isNew: boolean;
  action: StepAction;
  kind: StepKind;
  history: HistoryRow[];
  /** Who caused the step (the authenticated user); steps it queues inherit it. Null for the scheduler. */
  actor?: string | null;
}

const DEFAULT_LOCK_MS = 5 * 60_000;
export const DEFAULT_ORDER_PROCESS = 'order-to-cash';
const MAX_TRANSACTION_ATTEMPTS = 3;

export class InstanceRuntime implements Runtime {
  private readonly messages: MessageBuffer;
  private readonly incidents: Incidents;
  private readonly orderEntry: { processKey: string; rates?: RateTable };
  private readonly deployedDecisions = new DeployedDecisions();

  constructor(
    private readonly store: Store,
    private readonly definitions: DefinitionCache,
    private readonly clock: Clock,
    private readonly events: EventEmitter,
    options: { messageTimeToLiveMs?: number; orderEntry?: { processKey: string; rates?: RateTable } } = {},
  ) {
    this.orderEntry = options.orderEntry ?? { processKey: DEFAULT_ORDER_PROCESS };
    this.messages = new MessageBuffer(options.messageTimeToLiveMs ?? DEFAULT_TIME_TO_LIVE_MS);
    this.incidents = new Incidents(clock, {
      runQueue: (tx, steps, refuseFailure, actor) => this.runQueue(tx, steps.map((step) => ({ ...step, actor })), { refuseFailure }),
      startChild: async (tx, parent, call, actor) =>
        this.startChild(tx, parent, call, await this.definition(tx, parent.processKey, parent.version), actor),
      saveInstance: (tx, row) => this.saveInstance(tx, row),
    });
  }

  // ---- starting -------------------------------------------------------------

  async start(processKey: string, options: StartOptions = {}): Promise<{ instance: InstanceView; created: boolean }> {
    const { id, created } = await this.step('start', async (tx, moving) => {
      const { idempotency } = options;
      if (idempotency) {
        const previous = await tx.getIdempotency(idempotency.scope, idempotency.key);
        if (previous) {
          if (previous.requestHash !== idempotency.requestHash) {
            throw conflict(`${idempotency.key} was already used for a different request`, { instanceId: previous.instanceId });
          }
          return { id: previous.instanceId, created: false };
        }
      }
      const version = await tx.latestVersion(processKey);
      if (!version) throw notFound(`no process with key ${processKey} is deployed`);
      const { model } = await this.definition(tx, version.key, version.version);
      await refuseDirectStart(tx, model);
      if (options.businessKey !== undefined) await refuseOrderNumber(tx, options.businessKey);
      const payload = options.variables ?? {};
      const declaration = startDeclarationOf(model);
      const variables = declaration ? mapStartVariables(model, declaration, payload) : payload;
      const instance = this.newInstance(version.key, version.version, options.businessKey ?? null, null, options.user ?? null);
      moving(instance);
      if (idempotency) {
        await tx.insertIdempotency({ ...idempotency, instanceId: instance.id, createdAt: instance.createdAt });
      }
      await this.runQueue(tx, [{
        instance,
        isNew: true,
        kind: 'start',
        actor: options.user ?? null,
        action: { type: 'start', variables, ...(declaration && { mappedBy: declaration.startEventId }) },
        history: [this.history(instance.id, options.user ?? null, 'instance.started', null, null, { variables: payload })],
      }]);
      return { id: instance.id, created: true };
    });
    return { instance: (await this.getInstance(id))!, created };
  }

  // ---- order entry ----------------------------------------------------------

  async enterOrder(order: OrderEntry, options: OrderEntryOptions): Promise<{ instance: InstanceView; created: boolean }> {
    const { id, created } = await this.step('start', async (tx, moving) => {
      const { model, version } = await this.orderProcess(tx);
      await tx.lockBusinessKey(order.orderNo);
      const existing = await tx.getOrder(order.orderNo);
      if (existing) {
        if (isSameOrder(existing.order, orderAsEntered(order))) return { id: existing.instanceId, created: false };
        throw conflict(`order ${order.orderNo} was already entered with different data (instance ${existing.instanceId})`, {
          reason: 'order-exists', instanceId: existing.instanceId,
        });
      }
      const conversion = checkOrder(order, this.rates(), this.nowIso().slice(0, 10));
      const [holder] = await tx.findInstances({ businessKey: order.orderNo, limit: 1 });
      if (holder) {
        throw conflict(`${order.orderNo} is already the business key of instance ${holder.id} (${holder.processKey}); an order number names one order`, {
          reason: 'business-key-taken', instanceId: holder.id,
        });
      }
      const entered = orderVariables(order, conversion);
      const declaration = startDeclarationOf(model);
      // The order process declares what it starts with; order entry hands it exactly that.
      const payload = declaration ? Object.fromEntries(Object.entries(entered).filter(([name]) => declaration.declared.includes(name))) : entered;
      const variables = declaration ? mapStartVariables(model, declaration, payload) : payload;
      const instance = this.newInstance(version.key, version.version, order.orderNo, null, options.user);
      moving(instance);
      await this.runQueue(tx, [{
        instance,
        isNew: true,
        kind: 'start',
        actor: options.user,
        action: { type: 'start', variables, ...(declaration && { mappedBy: declaration.startEventId }) },
        history: [this.history(instance.id, options.user, 'instance.started', null, null, { entry: 'order', variables: entered })],
      }]);
      await tx.insertOrder(orderRow(order, conversion, {
        processKey: version.key, instanceId: instance.id, enteredBy: options.user, enteredAt: instance.createdAt,
      }));
      return { id: instance.id, created: true };
    });
    return { instance: (await this.getInstance(id))!, created };
  }

  async orderEntryStatus(): Promise<OrderEntryStatus> {
    const { processKey } = this.orderEntry;
    const reportingCurrency = this.orderEntry.rates?.reportingCurrency.code ?? null;
    try {
      await this.store.read((tx) => this.orderProcess(tx));
      this.rates();
      return { processKey, ready: true, reportingCurrency };
    } catch (error) {
      if (!(error instanceof StratumError)) throw error;
      return { processKey, ready: false, problem: error.message, reportingCurrency };
    }
  }

  /** The latest version of the configured order process; 503 when it cannot take orders. */
  private async orderProcess(tx: StoreTx): Promise<{ model: ProcessModel; version: ProcessVersionRow }> {
    const { processKey } = this.orderEntry;
    const version = await tx.latestVersion(processKey);
    if (!version) throw new StratumError('unavailable', `orders cannot be entered: the order process ${processKey} is not deployed`);
    const { model } = await this.definition(tx, version.key, version.version);
    if (!model.takesOrders) {
      throw new StratumError('unavailable',
        `orders cannot be entered: ${processKey} does not declare that it takes orders (process property ${TAKES_ORDERS_PROPERTY}=true)`);
    }
    const callers = callersOf(processKey, await tx.latestVersions());
    if (callers.length) {
      throw new StratumError('unavailable', `orders cannot be entered: ${processKey} is called by ${callers.join(', ')}, so it is no level-1 process`);
    }
    return { model, version };
  }

  private rates(): RateTable {
    const { rates } = this.orderEntry;
    if (!rates) throw new StratumError('unavailable', 'orders cannot be entered: no exchange-rate table is configured');
    return rates;
  }

  // ---- reading --------------------------------------------------------------

  async getInstance(id: string): Promise<InstanceView | undefined> {
    return this.store.read(async (tx) => {
      const instance = await tx.getInstance(id);
      if (!instance) return undefined;
      // The whole call tree shares a root id: one query for its instances and one for its waits.
      const tree = subtreeOf(instance, await tx.findInstances({ rootId: instance.rootId }));
      const keyOf = new Map(tree.map((member) => [member.id, member.processKey]));
      const waits = (await tx.findWaits({ rootId: instance.rootId })).filter((wait) => keyOf.has(wait.instanceId));
      waits.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
      const children = tree.filter((member) => member.parentId === instance.id);
      const history = await tx.historyOf(tree.map((member) => member.id));
      return {
        ...instanceSummary(instance),
        variables: instance.variables,
        incident: instance.incident,
        waiting: waits.map((wait) => waitingElement(wait, keyOf.get(wait.instanceId) ?? instance.processKey)),
        children: children.map(instanceSummary),
        history: history.map(historyEntry),
      };
    });
  }

  async findInstances(query: InstanceQuery): Promise<{ items: InstanceSummary[]; total: number }> {
    return this.store.read(async (tx) => {
      const filter = { ...query, limit: query.limit ?? 50, offset: query.offset ?? 0 };
      const [rows, total] = await Promise.all([tx.findInstances(filter), tx.countInstances(query)]);
      return { items: rows.map(instanceSummary), total };
    });
  }

  async findTasks(query: TaskQuery): Promise<TaskView[]> {
    return this.store.read(async (tx) => {
      const waits = await tx.findWaits({ kind: 'task', ...query });
      const keys = await this.processKeysOf(tx, waits);
      return waits.map((wait) => taskView(wait, keys.get(wait.instanceId) ?? ''));
    });
  }

  async getTask(taskId: string): Promise<TaskView | undefined> {
    return this.store.read(async (tx) => {
      const wait = await tx.getWait(taskId);
      if (!wait || wait.kind !== 'task') return undefined;
      const keys = await this.processKeysOf(tx, [wait]);
      return taskView(wait, keys.get(wait.instanceId) ?? '');
    });
  }

  // ---- user tasks -----------------------------------------------------------

  async completeTask(taskId: string, variables: Record<string, unknown>, actor: Actor): Promise<InstanceView> {
    const rootId = await this.step('complete-task', async (tx, moving) => {
      const { wait, instance } = await this.lockWait(tx, taskId, 'task');
      moving(instance);
      const assignment = { assignee: wait.assignee, candidateUsers: wait.candidateUsers ?? [], candidateGroups: wait.candidateGroups ?? [] };
      if (!mayWork(assignment, actor.name, actor.groups)) throw forbidden(`task ${taskId} is ${offeredTo(assignment)}; ${actor.name} is not among them`);
      const definition = await this.definition(tx, instance.processKey, instance.version);
      const info = definition.model.elements.get(wait.elementId)!;
      const writes = userTaskWrites(info, variables);
      if (definition.model.separatedTasks.includes(wait.elementId)) {
        const earlier = await earlierSeparatedDecision(tx, instance, wait.elementId, actor.name, (key, version) => this.definition(tx, key, version));
        if (earlier) {
          throw forbidden(`four eyes: ${actor.name} already decided "${earlier.name}" (${earlier.processKey}/${earlier.elementId}) ` +
            `of order ${instance.businessKey ?? instance.rootId}, so another person must decide "${info.name ?? info.id}"`);
        }
      }
      const completion = this.waitHistory(wait, actor.name, 'task.completed', 'bpmn:UserTask', { variables, writes });
      // The approver can correct their input, so a completion that would fail
      // the instance (a condition reading a variable they did not give) is refused.
      await this.runQueue(tx, [{
        instance, isNew: false, kind: 'complete-task', history: [completion], actor: actor.name,
        action: { type: 'signal', elementId: wait.elementId, executionId: wait.executionId, variables: writes, outputsApplied: true },
      }], {
        refuseFailure: `completing task "${wait.name ?? wait.elementId}" with these variables`,
        nameInputs: (inputs) => completionInputsBehind(info, variables, inputs),
      });
      return instance.rootId;
    });
    return (await this.getInstance(rootId))!;
  }

  // ---- external jobs --------------------------------------------------------

  async fetchAndLockJobs(request: { type: string; workerId: string; lockMs?: number; max?: number }): Promise<JobView[]> {
    const now = this.clock.now();
    const lockExpiresAt = new Date(now.getTime() + (request.lockMs ?? DEFAULT_LOCK_MS)).toISOString();
    return this.inTransaction(async (tx) => {
      const locked = await tx.lockJobs(request.type, request.workerId, now.toISOString(), lockExpiresAt, request.max ?? 1);
      const views: JobView[] = [];
      for (const job of locked) {
        const instance = await tx.getInstance(job.instanceId);
        const definition = instance && (await this.definition(tx, instance.processKey, instance.version));
        views.push(jobView(job, definition?.model.elements.get(job.elementId)?.jobHeaders));
      }
      return views;
    });
  }

  async completeJob(jobId: string, variables: Record<string, unknown>, actor: Actor, workerId?: string): Promise<InstanceView> {
    const rootId = await this.step('complete-job', async (tx, moving) => {
      const { wait, instance } = await this.lockJob(tx, jobId, workerId);
      moving(instance);
      const definition = await this.definition(tx, instance.processKey, instance.version);
      const info = definition.model.elements.get(wait.elementId)!;
      const writes = jobWrites(info, definition.model, variables);
      const entry = this.waitHistory(wait, actor.name, 'job.completed', null, {
        jobType: wait.jobType, variables, ...(workerId !== undefined && { workerId }),
      });
      await this.runQueue(tx, [{
        instance, isNew: false, kind: 'complete-job', history: [entry], actor: actor.name,
        action: { type: 'signal', elementId: wait.elementId, executionId: wait.executionId, variables: writes, outputsApplied: Boolean(info.outputs?.length) },
      }]);
      return instance.rootId;
    });
    return (await this.getInstance(rootId))!;
  }

  async failJob(jobId: string, failure: { message: string; retries: number; workerId?: string }, actor: Actor): Promise<InstanceView> {
    const rootId = await this.step('fail-job', async (tx, moving) => {
      const { wait, instance } = await this.lockJob(tx, jobId, failure.workerId);
      moving(instance);
      const retries = Math.max(0, Math.floor(failure.retries));
      await tx.updateWait({ ...wait, jobRetries: retries, jobError: failure.message, lockedBy: null, lockExpiresAt: null });
      const entry = this.waitHistory(wait, actor.name, 'job.failed', null, {
        jobType: wait.jobType, message: failure.message, retries, ...(failure.workerId !== undefined && { workerId: failure.workerId }),
      });
      const entries = [entry];
      if (retries === 0) {
        // Out of retries: an incident that names the job, like Camunda's.
        const incident = { elementId: wait.elementId, message: `job ${wait.jobType} failed: ${failure.message}` };
        await this.saveInstance(tx, { ...instance, status: 'failed', incident });
        await this.incidents.raiseForJob(tx, instance, wait, incident);
        entries.push(this.history(instance.id, actor.name, 'instance.failed', wait.elementId, null, { incident }));
      }
      await tx.appendHistory(entries);
      if (retries === 0 && instance.parentId) {
        const returns = await this.returnToParent(tx, { ...instance, status: 'failed', incident: { elementId: wait.elementId, message: failure.message } }, []);
        await this.runQueue(tx, returns.map((step) => ({ ...step, actor: actor.name })));
      }
      return instance.rootId;
    });
    return (await this.getInstance(rootId))!;
  }

  async throwJobError(jobId: string, thrown: { errorCode: string; message?: string; variables?: Record<string, unknown>; workerId?: string }, actor: Actor): Promise<InstanceView> {
    const rootId = await this.step('fail-job', async (tx, moving) => {
      const { wait, instance } = await this.lockJob(tx, jobId, thrown.workerId);
      moving(instance);
      const definition = await this.definition(tx, instance.processKey, instance.version);
      if (thrown.variables) errorWrites(definition.model.elements.get(wait.elementId)!, definition.model, thrown.variables);
      const entry = this.waitHistory(wait, actor.name, 'job.error-thrown', null, {
        jobType: wait.jobType, errorCode: thrown.errorCode, message: thrown.message ?? null, variables: thrown.variables ?? {},
        ...(thrown.workerId !== undefined && { workerId: thrown.workerId }),
      });
      await this.runQueue(tx, [{
        instance, isNew: false, kind: 'fail-job', history: [entry], actor: actor.name,
        action: {
          type: 'throw', elementId: wait.elementId, executionId: wait.executionId, code: thrown.errorCode,
          message: thrown.message ?? `BPMN error ${thrown.errorCode}`, variables: thrown.variables,
        },
      }]);
      return instance.rootId;
    });
    return (await this.getInstance(rootId))!;
  }

  // ---- messages -------------------------------------------------------------

  async correlateMessage(message: MessageRequest): Promise<MessageResult> {
    const timeToLive = message.timeToLive === undefined ? this.messages.defaultTimeToLiveMs : timeToLiveMs(message.timeToLive);
    type Outcome = { refused: StratumError } | { buffered: MessageRow } | { delivered: MessageRow; rootIds: string[] };
    const outcome = await this.step('message', async (tx, moving): Promise<Outcome> => {
      // A message for an order adds to it, never changes the order as entered.
      if (message.variables && (await tx.getOrder(message.businessKey))) messageWrites(message.variables, message.name);
      const now = this.clock.now();
      const received = await this.messages.receive(tx, message, timeToLive, now);
      if ('duplicate' in received) return { refused: received.duplicate };
      const { row } = received;
      let reached = await this.deliverToWaits(tx, message, row, moving);
      if (reached.length === 0) {
        // Serialise with a step opening this catch right now: it either sees the buffered message or we see its wait.
        await tx.lockCorrelation(message.name, message.businessKey);
        reached = await this.deliverToWaits(tx, message, row, moving);
      }
      if (reached.length === 0) {
        const started = await this.startByMessage(tx, message, moving);
        if (started) reached = [{ instanceId: started, rootId: started }];
      }
      if (reached.length > 0) {
        await this.messages.delivered(tx, row, reached[0]!.instanceId, reached[0]!.rootId, now);
        return { delivered: row, rootIds: [...new Set(reached.map((one) => one.rootId))] };
      }
      const unwaited = await this.messages.keepOrRefuse(tx, row);
      return unwaited.kind === 'buffered' ? { buffered: unwaited.message } : { refused: unwaited.error };
    });
    if ('refused' in outcome) throw outcome.refused;
    if ('buffered' in outcome) {
      return { outcome: 'buffered', messageKey: outcome.buffered.id, reached: [], expiresAt: outcome.buffered.expiresAt };
    }
    const reached = await Promise.all(outcome.rootIds.map((id) => this.getInstance(id)));
    return { outcome: 'delivered', messageKey: outcome.delivered.id, reached: reached.filter((view): view is InstanceView => view !== undefined) };
  }

  /** Moves every running instance waiting for the message, each once; returns the instances it moved. */
  private async deliverToWaits(tx: StoreTx, message: MessageRequest, row: MessageRow, moving: (instance: InstanceRow) => void): Promise<{ instanceId: string; rootId: string }[]> {
    const waits = await tx.findWaits({ kind: 'message', messageName: message.name, correlationKey: message.businessKey });
    const reached: { instanceId: string; rootId: string }[] = [];
    const seen = new Set<string>();
    for (const candidate of waits) {
      if (seen.has(candidate.instanceId)) continue; // one message moves an instance once
      seen.add(candidate.instanceId);
      const instance = await tx.getInstance(candidate.instanceId, { lock: true });
      const wait = await tx.getWait(candidate.id);
      if (!instance || !wait || instance.status !== 'running') continue;
      moving(instance);
      const entry = this.waitHistory(wait, message.actor ?? null, 'message.correlated', null, {
        name: message.name, businessKey: message.businessKey, variables: message.variables ?? {},
        messageKey: row.id, messageId: row.messageId,
      });
      await this.runQueue(tx, [{
        instance, isNew: false, kind: 'message', history: [entry], actor: message.actor ?? null,
        action: {
          type: 'message', messageId: wait.messageId ?? wait.elementId, elementId: wait.elementId,
          executionId: wait.executionId, variables: message.variables,
        },
      }]);
      reached.push({ instanceId: instance.id, rootId: instance.rootId });
    }
    return reached;
  }

  /**
   * A message that nothing waits for starts the latest version of a process
   * whose (top-level) start event catches it, like Camunda's message start.
   */
  private async startByMessage(
    tx: StoreTx,
    message: MessageRequest,
    moving: (instance: InstanceRow) => void,
  ): Promise<string | undefined> {
    // One order number is one order: a message never starts a second instance under it.
    await tx.lockBusinessKey(message.businessKey);
    if (await tx.getOrder(message.businessKey)) return undefined;
    const latest = await tx.latestVersions();
    for (const version of latest) {
      const definition = await this.definition(tx, version.key, version.version);
      const startEvent = [...definition.model.elements.values()].find(
        (info) => info.type === 'bpmn:StartEvent' && !info.nested && info.message?.name === message.name,
      );
      if (!startEvent) continue;
      // Called processes and order processes have their own ways in.
      if (definition.model.takesOrders || callersOf(version.key, latest).length) continue;
      const variables = message.variables ?? {};
      const instance = this.newInstance(version.key, version.version, message.businessKey, null, message.actor ?? null);
      moving(instance);
      await this.runQueue(tx, [{
        instance, isNew: true, kind: 'start', action: { type: 'start', variables }, actor: message.actor ?? null,
        history: [this.history(instance.id, message.actor ?? null, 'instance.started', startEvent.id, 'bpmn:StartEvent', { message: message.name, variables })],
      }]);
      const waiting = await tx.getInstance(instance.id, { lock: true });
      const wait = (await tx.findWaits({ instanceId: instance.id, kind: 'message' })).find((candidate) => candidate.elementId === startEvent.id);
      if (waiting && wait) {
        await this.runQueue(tx, [{
          instance: waiting, isNew: false, kind: 'message', history: [], actor: message.actor ?? null,
          action: { type: 'message', messageId: startEvent.message!.id, elementId: wait.elementId, executionId: wait.executionId },
        }]);
      }
      return instance.rootId;
    }
    return undefined;
  }

  // ---- timers ---------------------------------------------------------------

  async fireDueTimers(): Promise<number> {
    let fired = 0;
    for (;;) {
      const due = await this.store.read((tx) => tx.dueTimers(this.clock.now().toISOString(), 50));
      if (due.length === 0) return fired;
      for (const timer of due) {
        const moved = await this.step('timer', async (tx, moving) => {
          const instance = await tx.getInstance(timer.instanceId, { lock: true });
          const wait = await tx.getWait(timer.id);
          if (!instance || !wait || instance.status !== 'running') return false;
          moving(instance);
          const entry = this.waitHistory(wait, null, 'timer.fired', null, { dueAt: wait.dueAt });
          await this.runQueue(tx, [{
            instance, isNew: false, kind: 'timer', history: [entry],
            action: { type: 'timer', elementId: wait.elementId, executionId: wait.executionId },
          }]);
          return true;
        });
        if (moved) fired++;
      }
      if (due.length < 50) return fired;
    }
  }

  // ---- cancelling -----------------------------------------------------------

  async cancel(instanceId: string, actor: Actor, options: { reason?: string } = {}): Promise<InstanceView> {
    await this.step('cancel', async (tx, moving) => {
      const instance = await tx.getInstance(instanceId, { lock: true });
      if (!instance) throw notFound(`no instance ${instanceId}`);
      moving(instance);
      // A called instance is part of its order: cancelling it alone would fail the caller.
      if (instance.parentId) {
        throw conflict(`instance ${instanceId} (${instance.processKey}) was called by another instance; cancel the order, instance ${instance.rootId}, instead`, {
          problem: 'not-a-root', rootInstanceId: instance.rootId,
        });
      }
      // A failed order can be cancelled: that is how an incident nobody will retry ends.
      if (instance.status !== 'running' && instance.status !== 'failed') throw conflict(`instance ${instanceId} is ${instance.status}, not running`);
      const reason = options.reason ?? null;
      for (const member of await this.callTree(tx, instance)) {
        const locked = member.id === instance.id ? member : await tx.getInstance(member.id, { lock: true });
        if (!locked || (locked.status !== 'running' && locked.status !== 'failed')) continue;
        await this.saveInstance(tx, { ...locked, status: 'cancelled', state: null, endedAt: this.nowIso() });
        await tx.replaceWaits(locked.id, []);
        await tx.appendHistory([this.history(locked.id, actor.name, 'instance.cancelled', null, null, { reason })]);
        await this.incidents.closeOnCancel(tx, locked.id, actor.name);
      }
    });
    return (await this.getInstance(instanceId))!;
  }

  // ---- incidents --------------------------------------------------------------

  async findIncidents(query: IncidentQuery): Promise<{ items: IncidentView[]; nextCursor: string | null }> {
    return this.store.read((tx) => this.incidents.find(tx, query));
  }

  async retryIncident(incidentId: string, retry: IncidentRetry, actor: Actor): Promise<InstanceView> {
    const rootId = await this.step('incident-retry', async (tx, moving) => this.incidents.retry(tx, incidentId, retry, actor.name, moving));
    return (await this.getInstance(rootId))!;
  }

  // ---- message expiry ---------------------------------------------------------

  async purgeExpiredMessages(): Promise<number> {
    let purged = 0;
    for (;;) {
      const count = await this.inTransaction((tx) => this.messages.purgeExpired(tx, this.clock.now(), 100));
      purged += count;
      if (count < 100) return purged;
    }
  }

  // ---- the step machinery ---------------------------------------------------

  /**
   * Runs queued steps in order; steps may queue more (children starting,
   * children returning). With `refuseFailure`, a step that would fail an
   * instance aborts the transaction instead: the caller's input is refused and
   * nothing changes.
   */
  private async runQueue(tx: StoreTx, queue: QueuedStep[], options: { refuseFailure?: string; nameInputs?: (inputs: FeelInput[]) => FeelInput[] } = {}): Promise<void> {
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

  private async runStep(tx: StoreTx, step: QueuedStep): Promise<{ follow: QueuedStep[]; incident: InstanceRow['incident']; inputs?: FeelInput[] }> {
    const { instance } = step;
    const definition = await this.definition(tx, instance.processKey, instance.version);
    const previousWaits = step.isNew ? [] : await tx.findWaits({ instanceId: instance.id });
    const now = this.clock.now();
    const actor = step.actor ?? null;
    const decisions = await this.deployedDecisions.forStep(tx, definition);
    const result = await runInstanceStep({ definition, instance, previousWaits, now, actor, action: step.action, ...(decisions && { decisions }) });

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
    if (step.isNew) await this.insertInstance(tx, updated);
    else await this.saveInstance(tx, updated);
    await tx.replaceWaits(instance.id, result.waits);

    const history = [...step.history, ...result.history];
    if (result.status !== 'running') {
      history.push(this.history(instance.id, actor, `instance.${result.status}`, result.incident?.elementId ?? null, null,
        result.incident ? { incident: result.incident } : null));
    }
    await tx.appendHistory(history);
    if (result.status === 'failed') await this.incidents.raise(tx, { before: instance, action: step.action, previousWaits, incident: result.incident });

    const follow: QueuedStep[] = [];
    for (const call of newCalls) follow.push(...(await this.startChild(tx, updated, call, definition, actor)));
    if (ended && updated.parentId) follow.push(...(await this.returnToParent(tx, updated, [])));
    if (result.status === 'running') {
      // Messages that arrived before this step opened their catch are delivered now, in this transaction.
      const delivered = await this.deliverBuffered(tx, previousWaits, result.waits);
      follow.push(...delivered.follow);
      if (delivered.incident) return { ...delivered, follow };
    }
    if (result.status !== 'failed') return { follow, incident: null };
    return { follow, incident: result.incident, ...(result.incidentInputs && { inputs: result.incidentInputs }) };
  }

  /** Runs a step for each buffered message a step's new catches take. */
  private async deliverBuffered(tx: StoreTx, previousWaits: WaitRow[], waits: WaitRow[]): Promise<{ follow: QueuedStep[]; incident: InstanceRow['incident']; inputs?: FeelInput[] }> {
    const follow: QueuedStep[] = [];
    for (const wait of this.messages.newCatches(previousWaits, waits)) {
      const instance = await tx.getInstance(wait.instanceId, { lock: true });
      // an earlier delivery of this loop may have moved the instance past this catch
      if (!instance || instance.status !== 'running' || !(await tx.getWait(wait.id))) continue;
      const message = await this.messages.claim(tx, wait, this.clock.now());
      if (!message) continue;
      const result = await this.runStep(tx, {
        instance, isNew: false, kind: 'message', history: [this.messages.deliveryEntry(wait, message, this.nowIso())], actor: message.receivedBy,
        action: { type: 'message', messageId: wait.messageId ?? wait.elementId, elementId: wait.elementId, executionId: wait.executionId, variables: message.variables },
      });
      follow.push(...result.follow);
      if (result.incident) return { ...result, follow };
    }
    return { follow, incident: null };
  }

  /** A call activity was reached: start the latest version of the called process as a child. */
  private async startChild(tx: StoreTx, parent: InstanceRow, call: WaitRow, definition: ExecutableDefinition, actor: string | null): Promise<QueuedStep[]> {
    const calledKey = definition.model.elements.get(call.elementId)?.calledProcess;
    const version = calledKey ? await tx.latestVersion(calledKey) : undefined;
    if (!calledKey || !version) {
      const message = `call activity ${call.elementId} calls ${calledKey ?? 'no process'}, which is not deployed`;
      return [{
        instance: (await tx.getInstance(parent.id, { lock: true }))!, isNew: false, kind: 'call-return', history: [],
        action: { type: 'throw', elementId: call.elementId, executionId: call.executionId, message },
      }];
    }
    const child = this.newInstance(version.key, version.version, parent.businessKey, parent, parent.startedBy);
    child.id = call.childInstanceId!;
    child.parentElementId = call.elementId;
    child.parentExecutionId = call.executionId;
    return [{
      instance: child, isNew: true, kind: 'start',
      action: { type: 'start', variables: parent.variables },
      history: [this.history(child.id, actor, 'instance.started', null, null, { parentId: parent.id, calledFrom: call.elementId })],
    }];
  }

  /** A child ended: its parent's call activity completes (with the child's variables) or fails. */
  private async returnToParent(tx: StoreTx, child: InstanceRow, history: HistoryRow[]): Promise<QueuedStep[]> {
    const parent = await tx.getInstance(child.parentId!, { lock: true });
    if (!parent || parent.status !== 'running' || !child.parentElementId || !child.parentExecutionId) return [];
    const base = { elementId: child.parentElementId, executionId: child.parentExecutionId };
    if (child.status === 'completed' || child.status === 'rejected') {
      return [{ instance: parent, isNew: false, kind: 'call-return', history, action: { type: 'signal', ...base, variables: child.variables } }];
    }
    const reason = child.status === 'failed' ? child.incident?.message ?? 'failed' : child.status;
    const message = `called process ${child.processKey} (instance ${child.id}) ${child.status === 'failed' ? 'failed: ' : 'was '}${reason}`;
    return [{ instance: parent, isNew: false, kind: 'call-return', history, action: { type: 'throw', ...base, message } }];
  }

  private async lockWait(tx: StoreTx, waitId: string, kind: 'task' | 'job'): Promise<{ wait: WaitRow; instance: InstanceRow }> {
    const label = kind === 'task' ? 'task' : 'job';
    const first = await tx.getWait(waitId);
    if (!first || first.kind !== kind) {
      if (kind === 'task' && (await tx.findTaskCompletion(waitId))) throw conflict(`task ${waitId} is no longer open`);
      throw notFound(`no open ${label} ${waitId}`);
    }
    const instance = await tx.getInstance(first.instanceId, { lock: true });
    // Re-read under the instance lock: a concurrent step may have closed it meanwhile.
    const wait = await tx.getWait(waitId, { lock: true });
    if (!instance || !wait) throw conflict(`${label} ${waitId} is no longer open`);
    if (instance.status !== 'running') throw conflict(`${label} ${waitId} belongs to a ${instance.status} instance`);
    return { wait, instance };
  }

  /** Locks a job's instance; a worker may not act on a job another worker holds a lock on. */
  private async lockJob(tx: StoreTx, jobId: string, workerId: string | undefined): Promise<{ wait: WaitRow; instance: InstanceRow }> {
    const locked = await this.lockWait(tx, jobId, 'job');
    const { wait } = locked;
    const lockHeld = wait.lockedBy && wait.lockExpiresAt && wait.lockExpiresAt > this.nowIso();
    if (workerId && lockHeld && wait.lockedBy !== workerId) {
      throw conflict(`job ${wait.id} is locked by another worker until ${wait.lockExpiresAt}`);
    }
    return locked;
  }

  private async callTree(tx: StoreTx, root: InstanceRow): Promise<InstanceRow[]> {
    const tree = [root];
    for (let index = 0; index < tree.length; index++) tree.push(...(await tx.childrenOf(tree[index]!.id)));
    return tree;
  }

  private async processKeysOf(tx: StoreTx, waits: WaitRow[]): Promise<Map<string, string>> {
    const keys = new Map<string, string>();
    for (const id of new Set(waits.map((wait) => wait.instanceId))) {
      const instance = await tx.getInstance(id);
      if (instance) keys.set(id, instance.processKey);
    }
    return keys;
  }

  private definition(tx: StoreTx, key: string, version: number): Promise<ExecutableDefinition> {
    return this.definitions.get(key, version, async () => {
      const row = await tx.getVersion(key, version);
      if (!row) throw notFound(`process ${key} version ${version} is not deployed`);
      return row.xml;
    });
  }

  private newInstance(processKey: string, version: number, businessKey: string | null, parent: InstanceRow | null, startedBy: string | null): InstanceRow {
    const now = this.nowIso();
    const id = randomUUID();
    return {
      id, processKey, version, businessKey,
      parentId: parent?.id ?? null, parentElementId: null, parentExecutionId: null,
      rootId: parent?.rootId ?? id,
      status: 'running', state: null, variables: {}, incident: null, revision: 0,
      startedBy, createdAt: now, updatedAt: now, endedAt: null,
    };
  }

  private async insertInstance(tx: StoreTx, row: InstanceRow) {
    await tx.insertInstance({ ...row, revision: 1, updatedAt: this.nowIso() });
  }

  private async saveInstance(tx: StoreTx, row: InstanceRow) {
    const saved = await tx.updateInstance({ ...row, revision: row.revision + 1, updatedAt: this.nowIso() });
    if (!saved) throw new StratumError('conflict', `instance ${row.id} was changed concurrently`, { retryable: true });
  }

  /** A transaction, retried when it lost an optimistic race or a concurrent duplicate insert. */
  private async inTransaction<T>(work: (tx: StoreTx) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.store.transaction(work);
      } catch (error) {
        // Lost an optimistic race or inserted a duplicate concurrently: the retry sees the winner's data.
        const retryable = error instanceof StratumError && error.code === 'conflict';
        if (!retryable || attempt >= MAX_TRANSACTION_ATTEMPTS) throw error;
      }
    }
  }

  private history(instanceId: string, actor: string | null, event: string, elementId: string | null, elementType: string | null,
    data: Record<string, unknown> | null): HistoryRow {
    return { instanceId, at: this.nowIso(), actor, event, elementId, elementType, waitId: null, data };
  }

  /** A history entry about what happened to one wait (task completed, job failed, message correlated …). */
  private waitHistory(wait: WaitRow, actor: string | null, event: string, elementType: string | null, data: Record<string, unknown>): HistoryRow {
    return { ...this.history(wait.instanceId, actor, event, wait.elementId, elementType, data), waitId: wait.id };
  }

  private nowIso() {
    return this.clock.now().toISOString();
  }

  /**
   * One public step: a transaction (retried after a lost race), reported on
   * `events` as `step` with the process key of the instance it moved (not the
   * instance id: metrics labels must stay few), its duration and outcome.
   */
  private async step<T>(action: StepKind, work: (tx: StoreTx, moving: (instance: InstanceRow) => void) => Promise<T>): Promise<T> {
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
}

/** `top` and the instances it called, directly or not, oldest first at each level. */
function subtreeOf(top: InstanceRow, family: InstanceRow[]): InstanceRow[] {
  const childrenOf = new Map<string, InstanceRow[]>();
  for (const member of family) {
    if (!member.parentId) continue;
    const siblings = childrenOf.get(member.parentId) ?? [];
    siblings.push(member);
    childrenOf.set(member.parentId, siblings);
  }
  const byCreation = (a: InstanceRow, b: InstanceRow) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id);
  const tree = [top];
  for (let index = 0; index < tree.length; index++) tree.push(...(childrenOf.get(tree[index]!.id) ?? []).sort(byCreation));
  return tree;
}
