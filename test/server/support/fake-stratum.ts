// An in-memory stand-in for the engine's Library and Runtime, for tests of the
// HTTP layer alone (routing, authorization, validation). It keeps the engine's
// contracts: StratumError codes, idempotency, candidate-group checks.
import { EventEmitter } from 'node:events';
import type {
  Actor, BpmnFile, DeployOptions, DeployResult, PreparedDeployment, ImpactAnalysis, IncidentCountQuery, IncidentView, InstanceQuery, InstanceSummary, InstanceView, JobView, Library,
  MessageResult, OrderChangeRequest, OrderChangeView, OrderEntry, OrderEntryOptions, Orders, Outbox, ProcessDetail, Workers, ProcessSummary, Runtime, StartOptions, TaskCompletionView, TaskCountQuery, TaskView,
} from '../../../engine/api.js';
import { StratumError } from '../../../engine/errors.js';

const now = () => new Date().toISOString();

export class FakeStratum {
  readonly events = new EventEmitter();
  private readonly versions = new Map<string, { xml: string; deployedBy: string; note: string | null; at: string; deploymentId: string }[]>();
  private readonly instances = new Map<string, InstanceView>();
  private readonly orderChangeViews = new Map<string, OrderChangeView[]>();
  private readonly tasks = new Map<string, TaskView & { open: boolean }>();
  private readonly completions = new Map<string, TaskCompletionView>();
  private readonly jobs = new Map<string, JobView & { open: boolean }>();
  private readonly idempotency = new Map<string, { hash: string; id: string }>();
  private readonly incidents = new Map<string, IncidentView & { open: boolean }>();
  private seq = 0;

  /** The HTTP layer's tests of orders run against the real server; here no order is ever found. */
  readonly orders: Orders = {
    get: async () => undefined,
    find: async () => ({ items: [], next: null }),
    cancel: async (orderNo: string) => {
      throw new StratumError('not-found', `no order ${orderNo}`);
    },
  };

  /** Fetches without waiting, through the fake runtime's jobs. */
  readonly workers: Workers = {
    fetchAndLock: async (fetch) => {
      const [topic] = fetch.topics;
      return this.runtime.fetchAndLockJobs({ type: topic.type, workerId: fetch.workerId, ...(fetch.max !== undefined && { max: fetch.max }) });
    },
    extendLock: async (jobId: string) => {
      throw new StratumError('not-found', `no open job ${jobId}`);
    },
    lock: async (jobId: string) => {
      throw new StratumError('not-found', `no open job ${jobId}`);
    },
    unlock: async (jobId: string) => {
      throw new StratumError('not-found', `no open job ${jobId}`);
    },
    releaseWaiting: () => undefined,
    jobsFetchable: () => undefined,
  };

  /** The HTTP layer's tests of events run against the real server (test/server/events/); here the outbox is empty. */
  readonly outbox: Outbox = {
    events: async (query) => ({ items: [], next: query.after }),
    subscribe: async (input, actor) => ({
      id: input.id ?? `w${++this.seq}`, url: input.url, types: input.types ?? [], source: 'api', createdAt: new Date(0).toISOString(),
      createdBy: actor.name, previousSecretUntil: null, secret: input.secret ?? 'whsec_c2VjcmV0IHNlY3JldCBzZWNyZXQgc2VjcmV0IQ==',
    }),
    subscriptions: async () => [],
    subscription: async () => undefined,
    unsubscribe: async (id) => {
      throw new StratumError('not-found', `no webhook subscription ${id}`);
    },
    subscriptionChanges: async () => undefined,
    configure: async () => undefined,
    deliveries: async () => ({ items: [], next: null }),
    delivery: async () => undefined,
    redeliver: async (id) => {
      throw new StratumError('not-found', `no webhook delivery ${id}`);
    },
    startDelivery: () => undefined,
    deliverNow: async () => 0,
  };

  readonly library: Library = {
    deploy: async (files: BpmnFile[], options: DeployOptions): Promise<DeployResult> => (await this.library.prepare(files, options)).deploy(),
    // as the real library: checked first (here only for a process), stored when deployed
    prepare: async (files: BpmnFile[], options: DeployOptions): Promise<PreparedDeployment> => {
      const keyed = files.map((file) => {
        const key = /<(?:bpmn:)?process[^>]*\bid="([^"]+)"/.exec(file.xml)?.[1];
        if (!key) {
          throw new StratumError('invalid', `${file.name} has no process`, {
            findings: [{ file: file.name, elementId: null, rule: 'parse', severity: 'error', message: 'no process element' }],
          });
        }
        return { file, key };
      });
      return {
        deploy: async () => {
          const deployed: DeployResult['deployed'] = [];
          const deploymentId = `d${++this.seq}`;
          for (const { file, key } of keyed) {
            const list = this.versions.get(key) ?? [];
            const changed = list.at(-1)?.xml !== file.xml;
            if (changed) list.push({ xml: file.xml, deployedBy: options.user, note: options.note ?? null, at: now(), deploymentId });
            this.versions.set(key, list);
            deployed.push({ key, version: list.length, changed });
          }
          return { deploymentId, deployed, decisions: [], warnings: [] };
        },
      };
    },
    validate: async () => [],
    list: async (): Promise<ProcessSummary[]> => [...this.versions.keys()].sort().map((key) => this.summary(key)),
    get: async (key: string): Promise<ProcessDetail | undefined> => {
      const list = this.versions.get(key);
      if (!list) return undefined;
      return {
        ...this.summary(key),
        versions: list.map((v, i) => ({ version: i + 1, deployedAt: v.at, deployedBy: v.deployedBy, note: v.note, deploymentId: v.deploymentId })),
      };
    },
    xml: async (key: string, version?: number) => {
      const list = this.versions.get(key);
      return list?.[(version ?? list.length) - 1]?.xml;
    },
    // the fake deploys no decisions (the real library's are tested in test/engine/library)
    listDecisions: async () => [],
    getDecision: async () => undefined,
    decisionXml: async () => undefined,
    deployment: async (deploymentId: string) => {
      const versions = [...this.versions].flatMap(([key, list]) => list.flatMap((v, i) => (v.deploymentId === deploymentId ? [{ key, version: i + 1, ...v }] : [])));
      if (!versions.length) return undefined;
      const [{ at, deployedBy, note }] = versions;
      return { deploymentId, deployedAt: at, deployedBy, note, processes: versions.map(({ key, version }) => ({ key, version, name: null })), decisions: [] };
    },
  };

  /** The HTTP layer's tests do not analyse impact (test/server/impact.test.ts runs the real engine): nothing changes, nothing is replayed. */
  readonly impact: ImpactAnalysis = {
    analyse: async () => ({ processes: [], decisions: [], replay: { orders: 0, blocked: 0, changed: 0, groups: [], ranOnOlderVersion: { count: 0, groups: [] }, durationMs: 0, paths: { fast: 0, engine: 0 }, baselineReplays: 0 }, findings: [], relatedConditions: [], messages: [], blocking: false }),
    diff: async (key: string, from: number, to: number) => {
      const list = this.versions.get(key);
      if (!list?.[from - 1] || !list[to - 1]) return undefined;
      return { key, process: [], elements: [], unchanged: list[from - 1].xml === list[to - 1].xml };
    },
  };

  readonly runtime: Runtime = {
    start: async (processKey: string, options: StartOptions = {}) => {
      if (!this.versions.has(processKey)) throw new StratumError('not-found', `process ${processKey} is not deployed`);
      const scopeKey = options.idempotency ? `${options.idempotency.scope}\u0000${options.idempotency.key}` : undefined;
      if (scopeKey) {
        const seen = this.idempotency.get(scopeKey);
        if (seen && seen.hash !== options.idempotency!.requestHash) throw new StratumError('conflict', 'idempotency key reused with another request');
        if (seen) return { instance: this.instances.get(seen.id)!, created: false };
      }
      const id = `i${++this.seq}`;
      const at = now();
      const instance: InstanceView = {
        id, processKey, version: this.versions.get(processKey)!.length, businessKey: options.businessKey ?? null, status: 'running',
        parentId: null, createdAt: at, updatedAt: at, endedAt: null, variables: { ...options.variables }, incident: null,
        waiting: [], children: [], history: [],
      };
      this.instances.set(id, instance);
      if (scopeKey) this.idempotency.set(scopeKey, { hash: options.idempotency!.requestHash, id });
      const taskId = `t${++this.seq}`;
      this.tasks.set(taskId, { id: taskId, instanceId: id, businessKey: instance.businessKey, processKey, elementId: 'Approve', name: 'Approve', candidateGroups: ['sales-director'], assignee: null, candidateUsers: [], claimedBy: null, claimedAt: null, createdAt: at,
        variables: ['approved', 'comment'], documentation: null, processName: null, form: null, order: null, held: null, open: true });
      const jobId = `j${++this.seq}`;
      this.jobs.set(jobId, { id: jobId, type: 'shipping', instanceId: id, businessKey: instance.businessKey, elementId: 'Ship', variables: {}, customHeaders: {}, retries: 3, retriesSet: false, lockExpiresAt: at, order: null, open: true });
      this.refreshWaiting(instance);
      this.events.emit('step', { action: 'start', processKey, durationMs: 1, outcome: 'ok' });
      return { instance, created: true };
    },
    // The fake enters an order as an idempotent start of order-to-cash keyed by orderNo.
    enterOrder: async (order: OrderEntry, options: OrderEntryOptions) => {
      if (!this.versions.has('order-to-cash')) throw new StratumError('unavailable', 'order-to-cash is not deployed');
      const variables = { ...order, specialChange: order.specialChange ?? null };
      const requestHash = JSON.stringify(Object.entries(variables).sort(([a], [b]) => a.localeCompare(b)));
      return this.runtime.start('order-to-cash', { businessKey: order.orderNo, variables, user: options.user, idempotency: { scope: 'order', key: order.orderNo, requestHash } });
    },
    // The fake records changes without running them: the controls are the real runtime's (test/server/orders/changes.test.ts).
    changeOrder: async (orderNo: string, request: OrderChangeRequest, options: OrderEntryOptions) => {
      const order = await this.runtime.orderChanges(orderNo);
      if (!order) throw new StratumError('not-found', `no order ${orderNo}`);
      const change: OrderChangeView = {
        changeId: request.changeId ?? `c${++this.seq}`, seq: order.changes.length + 1, description: request.description,
        amount: request.amount === undefined ? null : String(request.amount), reportingAmount: null, status: 'open', open: true,
        requestedBy: options.user, requestedAt: now(), settledAt: null,
      };
      this.orderChangeViews.set(orderNo, [...order.changes, change]);
      return { change, created: true, order: (await this.runtime.orderChanges(orderNo))!, instance: this.instances.get(order.instanceId)! };
    },
    orderChanges: async (orderNo: string) => {
      const instance = [...this.instances.values()].find((one) => one.processKey === 'order-to-cash' && one.businessKey === orderNo);
      if (!instance) return undefined;
      const changes = this.orderChangeViews.get(orderNo) ?? [];
      const amount = String(instance.variables.amount);
      return { orderNo, instanceId: instance.id, changed: changes.length > 0, currency: String(instance.variables.currency), amount, reportingAmount: amount, reportingCurrency: 'CNY', changes };
    },
    orderEntryStatus: async () => ({ processKey: 'order-to-cash', ready: this.versions.has('order-to-cash'), reportingCurrency: 'CNY' }),
    getInstance: async (id: string) => this.instances.get(id),
    findInstances: async (query: InstanceQuery) => {
      const all = [...this.instances.values()].filter(
        (i) => (!query.processKey || i.processKey === query.processKey) && (!query.businessKey || i.businessKey === query.businessKey) && (!query.status || i.status === query.status),
      );
      const offset = query.offset ?? 0;
      const items: InstanceSummary[] = all.slice(offset, offset + (query.limit ?? 50)).map(({ variables: _v, incident: _i, waiting: _w, children: _c, history: _h, ...summary }) => summary);
      return { items, total: all.length };
    },
    cancel: async (instanceId: string, _actor: Actor) => {
      const instance = this.instances.get(instanceId);
      if (!instance) throw new StratumError('not-found', 'no such instance');
      if (instance.status !== 'running') throw new StratumError('conflict', 'instance has ended');
      instance.status = 'cancelled';
      instance.endedAt = now();
      for (const task of this.tasks.values()) if (task.instanceId === instanceId) task.open = false;
      for (const job of this.jobs.values()) if (job.instanceId === instanceId) job.open = false;
      this.refreshWaiting(instance);
      return instance;
    },
    // the fake has no four eyes (test/server/tasklist-api.test.ts runs the real one)
    fourEyesOnTasks: () => Promise.resolve(new Map()),
    findTasks: async (query) => this.openTasks(query),
    countTasks: async (query) => this.openTasks(query).length,
    getTask: async (taskId: string) => {
      const task = this.tasks.get(taskId);
      if (!task?.open) return undefined;
      const { open: _o, ...view } = task;
      return view;
    },
    getTaskCompletion: async (taskId: string) => this.completions.get(taskId),
    completeTask: async (taskId: string, variables: Record<string, unknown>, actor: Actor) => {
      const task = this.tasks.get(taskId);
      if (!task) throw new StratumError('not-found', 'no such task');
      if (!task.open) throw new StratumError('conflict', 'task is no longer open');
      if (!task.candidateGroups.some((g) => actor.groups.includes(g))) throw new StratumError('forbidden', 'not a candidate');
      task.open = false;
      this.completions.set(taskId, {
        taskId, instanceId: task.instanceId, businessKey: task.businessKey, processKey: task.processKey, elementId: task.elementId,
        name: task.name, completedBy: actor.name, completedAt: now(), variables,
      });
      const instance = this.instances.get(task.instanceId)!;
      Object.assign(instance.variables, variables);
      this.refreshWaiting(instance);
      return instance;
    },
    // The fake claims as the runtime does, without four eyes (test/server/task-claims.test.ts runs the real one).
    claimTask: async (taskId: string, actor: Actor) => {
      const task = this.openTask(taskId);
      if (!task.candidateGroups.some((g) => actor.groups.includes(g))) throw new StratumError('forbidden', 'not a candidate');
      if (task.claimedBy && task.claimedBy !== actor.name) throw new StratumError('conflict', `claimed by ${task.claimedBy}`, { problem: 'task-claimed', assignee: task.claimedBy });
      if (!task.claimedBy) Object.assign(task, { claimedBy: actor.name, claimedAt: now() });
      const { open: _open, ...view } = task;
      return view;
    },
    unclaimTask: async (taskId: string, actor: Actor, options: { asOperator?: boolean } = {}) => {
      const task = this.openTask(taskId);
      if (!task.claimedBy) throw new StratumError('conflict', 'not claimed', { problem: 'task-not-claimed' });
      if (task.claimedBy !== actor.name && !options.asOperator) throw new StratumError('forbidden', `claimed by ${task.claimedBy}`);
      Object.assign(task, { claimedBy: null, claimedAt: null });
      const { open: _open, ...view } = task;
      return view;
    },
    fetchAndLockJobs: async (request) =>
      [...this.jobs.values()].filter((j) => j.open && j.type === request.type).slice(0, request.max ?? 10).map(({ open: _o, ...job }) => job),
    completeJob: async (jobId: string, variables: Record<string, unknown>) => {
      const job = this.jobs.get(jobId);
      if (!job) throw new StratumError('not-found', 'no such job');
      if (!job.open) throw new StratumError('conflict', 'job is no longer open');
      job.open = false;
      const instance = this.instances.get(job.instanceId)!;
      Object.assign(instance.variables, variables);
      this.refreshWaiting(instance);
      return instance;
    },
    failJob: async (jobId: string, failure) => {
      const job = this.jobs.get(jobId);
      if (!job) throw new StratumError('not-found', 'no such job');
      if (!job.open) throw new StratumError('conflict', 'job is no longer open');
      job.retries = failure.retries;
      job.retriesSet = true;
      const instance = this.instances.get(job.instanceId)!;
      if (failure.retries === 0) {
        instance.status = 'failed';
        const id = `inc${++this.seq}`;
        this.incidents.set(id, {
          id, instanceId: instance.id, rootInstanceId: instance.id, processKey: instance.processKey, businessKey: instance.businessKey,
          elementId: job.elementId, message: failure.message ?? '', kind: 'job', jobId: job.id, causeIncidentId: null, createdAt: now(), open: true,
        });
      }
      return instance;
    },
    setJobRetries: async (jobId: string, retries: number) => {
      const job = this.jobs.get(jobId);
      if (!job) throw new StratumError('not-found', 'no such job');
      if (!job.open) throw new StratumError('conflict', 'job is no longer open');
      job.retries = retries;
      job.retriesSet = true;
      return this.instances.get(job.instanceId)!;
    },
    // the fake keeps no locks: a timeout is taken as given
    updateJob: async (jobId: string, update) => {
      const job = this.jobs.get(jobId);
      if (!job) throw new StratumError('not-found', 'no such job');
      if (!job.open) throw new StratumError('conflict', 'job is no longer open');
      if (update.retries !== undefined) job.retries = update.retries;
      return this.instances.get(job.instanceId)!;
    },
    throwJobError: async (jobId: string) => {
      const job = this.jobs.get(jobId);
      if (!job) throw new StratumError('not-found', 'no such job');
      if (!job.open) throw new StratumError('conflict', 'job is no longer open');
      job.open = false;
      const instance = this.instances.get(job.instanceId)!;
      this.refreshWaiting(instance);
      return instance;
    },
    correlateMessage: async (message): Promise<MessageResult> => {
      const reached = [...this.instances.values()].filter((i) => i.status === 'running' && i.businessKey === message.businessKey);
      if (!reached.length) throw new StratumError('not-found', `nothing waits for ${message.name}`, { problem: 'unknown-business-key' });
      return { outcome: 'delivered', messageKey: `m${++this.seq}`, reached, moved: reached.map((instance) => ({ kind: 'catch', waitId: `w${this.seq}`, instance })) };
    },
    purgeExpiredMessages: async () => 0,
    recordRefusedRequest: async () => false,
    recordRefusedMessage: async () => false,
    // the refused attempts are the real runtime's (test/server/controls/refused-attempts-audit.test.ts)
    findRefusedAttempts: async () => ({ items: [], next: null }),
    findIncidents: async (query) => ({
      items: this.openIncidents(query).map(({ open: _o, ...incident }) => incident),
      nextCursor: null,
    }),
    countIncidents: async (query) => this.openIncidents(query).length,
    getIncident: async (id: string) => {
      const found = this.incidents.get(id);
      if (!found) return undefined;
      const { open: _o, ...incident } = found;
      return incident;
    },
    retryIncident: async (incidentId: string) => {
      const incident = this.incidents.get(incidentId);
      if (!incident) throw new StratumError('not-found', 'no such incident');
      if (!incident.open) throw new StratumError('conflict', 'incident already resolved', { problem: 'incident-resolved' });
      incident.open = false;
      const instance = this.instances.get(incident.instanceId)!;
      instance.status = 'running';
      return instance;
    },
    fireDueTimers: async () => 0,
    // the fake keeps no engines and no call trees
    caches: () => ({ engine: { entries: 0, bytes: 0, budgetBytes: 0, ceilingBytes: 0 }, view: { entries: 0, bytes: 0, budgetBytes: 0 } }),
  };

  private summary(key: string): ProcessSummary {
    const list = this.versions.get(key)!;
    return { key, name: key, latestVersion: list.length, level: 1, calls: [], calledBy: [], retired: false, documentation: null, deployedAt: list.at(-1)!.at };
  }

  /** The open incidents of a process and business key, the filters the fake honours. */
  private openIncidents(query: IncidentCountQuery): (IncidentView & { open: boolean })[] {
    return [...this.incidents.values()]
      .filter((i) => i.open && (!query.processKey || i.processKey === query.processKey) && (!query.businessKey || i.businessKey === query.businessKey));
  }

  /** The open tasks of a candidate group, business key and instance, the filters the fake honours. */
  private openTasks(query: TaskCountQuery): TaskView[] {
    return [...this.tasks.values()]
      .filter((t) => t.open && (!query.candidateGroup || t.candidateGroups.includes(query.candidateGroup)) && (!query.businessKey || t.businessKey === query.businessKey) && (!query.instanceId || t.instanceId === query.instanceId))
      .map(({ open: _o, ...task }) => task);
  }

  private openTask(taskId: string): TaskView & { open: boolean } {
    const task = this.tasks.get(taskId);
    if (!task) throw new StratumError('not-found', 'no such task');
    if (!task.open) throw new StratumError('conflict', 'task is no longer open');
    return task;
  }

  private refreshWaiting(instance: InstanceView): void {
    instance.waiting = [
      ...[...this.tasks.values()].filter((t) => t.open && t.instanceId === instance.id).map((t) => ({
        instanceId: instance.id, processKey: instance.processKey, elementId: t.elementId, name: t.name, type: 'task' as const, taskId: t.id, candidateGroups: t.candidateGroups, held: t.held,
      })),
      ...[...this.jobs.values()].filter((j) => j.open && j.instanceId === instance.id).map((j) => ({
        instanceId: instance.id, processKey: instance.processKey, elementId: j.elementId, name: null, type: 'job' as const, jobId: j.id, jobType: j.type, held: null,
      })),
    ];
  }
}
