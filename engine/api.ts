// The engine's public, typed API: what the server, the CLI and the tests call.
// Everything else under engine/ is internal. See docs/engine.md.
import type { EventEmitter } from 'node:events';
import type { Finding, LostRaceKind } from './errors.js';
import type { ImpactReport, ProcessDiff } from './impact/impact-report.js';
import type { RateTable } from './money/rate-table.js';
import type { UserTaskForm } from './bpmn/user-task-form.js';
import type { PageAfter } from './store/page-cursor.js';
import type { CallerRoute, HistoryRoute, IncidentFilter, IncidentReason, InstanceStatus, RefusedEvent, RefusedFilter, StepIncident, Store, TaskListOwner, WaitKind } from './store/types.js';

export type { CallerRoute, Finding, HistoryRoute, ImpactReport, InstanceStatus, PageAfter, ProcessDiff, RateTable, RefusedEvent, TaskListOwner, UserTaskForm, WaitKind };

export interface BpmnFile {
  /** File name, used in findings. */
  name: string;
  xml: string;
}

export interface DeployOptions {
  user: string;
  note?: string;
  /**
   * Task groups that have members (the server's users file): a user task's
   * candidate group outside them is a finding of this severity. Unchecked without.
   */
  taskGroups?: { known: string[]; severity: 'error' | 'warn' };
}

/** Files parsed and linted by `Library.prepare`, ready to store. */
export interface PreparedDeployment {
  /** Stores a new version of every changed process and decision, in one transaction. */
  deploy(): Promise<DeployResult>;
}

export interface DeployResult {
  deploymentId: string;
  deployed: { key: string; version: number; changed: boolean }[];
  /** The DMN decisions of the deployment's .dmn files, versioned per decision id like processes per key. */
  decisions: { id: string; version: number; changed: boolean }[];
  warnings: Finding[];
}

/** A stored deployment: who deployed what and why, as the versions it gave record it. */
export interface DeploymentView {
  deploymentId: string;
  deployedAt: string;
  deployedBy: string;
  note: string | null;
  /** The process versions this deployment created, by key. */
  processes: { key: string; version: number; name: string | null }[];
  /** The decision versions it created, by id, with the .dmn file each came in. */
  decisions: { id: string; version: number; name: string | null; fileName: string }[];
}

/** A deployed DMN decision: its latest version and the file it came in. */
export interface DecisionSummary {
  id: string;
  name: string | null;
  latestVersion: number;
  fileName: string;
  deployedAt: string;
}

export interface DecisionDetail extends DecisionSummary {
  versions: { version: number; fileName: string; deployedAt: string; deployedBy: string; note: string | null; deploymentId: string }[];
}

export interface ProcessSummary {
  key: string;
  name: string | null;
  latestVersion: number;
  /** 1 for a root of the call graph, n+1 for a process called from level n. */
  level: number;
  calls: string[];
  calledBy: string[];
  /**
   * Another process's deployed version called it, but no latest version does any more:
   * only orders that started before the change still run it. Not a level-1 process to start.
   */
  retired: boolean;
  documentation: string | null;
  deployedAt: string;
}

export interface VersionSummary {
  version: number;
  deployedAt: string;
  deployedBy: string;
  note: string | null;
  deploymentId: string;
}

export interface ProcessDetail extends ProcessSummary {
  versions: VersionSummary[];
}

export interface WaitingElement {
  instanceId: string;
  processKey: string;
  elementId: string;
  name: string | null;
  type: WaitKind;
  taskId?: string;
  jobId?: string;
  jobType?: string;
  candidateGroups?: string[];
  message?: string;
  dueAt?: string;
  /**
   * Null when it can be acted on now; else what holds it (the runtime would refuse acting on it with 409): a failed
   * instance, its own or a caller (as a task on hold), or, for a job, an open change of its order.
   */
  held: WaitHold | null;
}

export interface HistoryEntry {
  at: string;
  instanceId: string;
  event: string;
  actor: string | null;
  /**
   * The route of the step that wrote it: the caller's (on their own entry and on what the engine wrote in their
   * step), `engine` for a step nobody called (a timer, the scheduler); absent on entries from before it was recorded.
   */
  via?: HistoryRoute;
  elementId: string | null;
  elementType: string | null;
  data: Record<string, unknown> | null;
}

/**
 * The refused attempts of every order an auditor asks for (GET /api/audit/refused): every condition given must hold;
 * the store's filter as it is.
 */
export type RefusedAttemptQuery = RefusedFilter;

/** A refused attempt kept in an instance's history, with the order it belongs to. */
export interface RefusedAttemptView extends HistoryEntry {
  /** The entry's number in the history: the list's tie-break, as its cursor keeps it. */
  seq: number;
  /** The order's number (its root instance's business key); null when the root was started without one. */
  businessKey: string | null;
  processKey: string;
  /** The version of the process the instance runs. */
  processVersion: number;
  /** The element's name in that version (Camunda's `activityName`); null without an element or a name. */
  elementName: string | null;
  waitId: string | null;
}

/** A decided task, read back from its `task.completed` in the history (Camunda 7's historic task). */
export interface TaskCompletionView {
  taskId: string;
  instanceId: string;
  businessKey: string | null;
  processKey: string;
  elementId: string;
  name: string | null;
  /** Who decided it (the authenticated user), and when. */
  completedBy: string | null;
  completedAt: string;
  /** The variables the decision sent, as sent. */
  variables: Record<string, unknown>;
}

export interface InstanceSummary {
  id: string;
  processKey: string;
  version: number;
  businessKey: string | null;
  status: InstanceStatus;
  parentId: string | null;
  createdAt: string;
  updatedAt: string;
  endedAt: string | null;
}

export interface InstanceView extends InstanceSummary {
  variables: Record<string, unknown>;
  incident: StepIncident | null;
  /** What the whole call tree waits for. */
  waiting: WaitingElement[];
  children: InstanceSummary[];
  history: HistoryEntry[];
}

export interface TaskView {
  id: string;
  instanceId: string;
  businessKey: string | null;
  processKey: string;
  elementId: string;
  name: string | null;
  candidateGroups: string[];
  /** The user the task is assigned to (Camunda's assignee), or null. */
  assignee: string | null;
  /** Users the task is offered to besides its groups (Camunda's candidateUsers). */
  candidateUsers: string[];
  /** Who claimed the task (Camunda's claim: only they may decide it until they unclaim it), or null. */
  claimedBy: string | null;
  /** When it was claimed, or null. */
  claimedAt: string | null;
  createdAt: string;
  /** The variables its completer may send: what the task's output sources read (its declared completion variables). */
  variables: string[];
  /** Why this step exists: the task's own documentation, else its process's. */
  documentation: string | null;
  /** Name of the task's process (e.g. "Credit order approval"). */
  processName: string | null;
  /** The Camunda 8 form the task carries (`zeebe:formDefinition`); null for none, and a task list builds one from `variables`. */
  form: UserTaskForm | null;
  /** The order the task belongs to, as entered and converted (orderNo, customer, amount, currency, paymentTerms, reportingAmount …); null outside an order. */
  order: Record<string, unknown> | null;
  /** Null when the task can be completed now; else the failed instance that holds it (a completion is refused with 409 until its incident is retried). */
  held: TaskHold | null;
  /**
   * Only in a list of the caller's own tasks (`GET /api/tasks?mine=true`): present when four eyes would refuse the
   * caller this task's completion (and its claim), with the refusal's `reason` and sentence; absent otherwise.
   */
  fourEyes?: TaskFourEyes;
}

/** Four eyes would refuse the caller this task: why, as the 403 would say it (TaskRefusal's four-eyes reasons). */
export interface TaskFourEyes {
  refused: true;
  reason: Exclude<TaskRefusal['reason'], 'not-offered'>;
  /** The 403's detail sentence. */
  detail: string;
  /** The task the caller decided before (`four-eyes-other-task`, `-other-iteration`, `-distinct-deciders`). */
  decidedTask?: DecidedTask;
  /** The change the caller requested (`four-eyes-change-requester`). */
  changeId?: string;
}

/**
 * Why an open task cannot be completed now: `instance-failed`, its own instance failed (a job of another branch ran
 * out of retries) and its waits stayed; `caller-failed`, an instance that called it failed. `instanceId` is the
 * failed instance, `incidentId` its open incident (the one to retry).
 */
export interface TaskHold {
  reason: 'instance-failed' | 'caller-failed';
  instanceId: string;
  incidentId?: string;
}

export interface JobView {
  id: string;
  type: string;
  instanceId: string;
  businessKey: string | null;
  elementId: string;
  variables: Record<string, unknown>;
  /** zeebe:taskHeaders of the element: static configuration for the worker. */
  customHeaders: Record<string, string>;
  /** The retries a failure counts down from: the element's declared count (default 3) until a failure or an operator sets them. */
  retries: number;
  /** Whether a failure or an operator has set `retries` (Camunda 7 shows a task's retries only then). */
  retriesSet: boolean;
  lockExpiresAt: string;
  /** The order the job belongs to, as a task shows it (orderNo, customer, amount, currency, paymentTerms, reportingAmount …); null outside an order. */
  order: Record<string, unknown> | null;
  /** The process and version of the job's instance. */
  processKey?: string;
  processVersion?: number;
  /** The message of the worker's last failure, if any. */
  errorMessage?: string | null;
}

export interface StartOptions {
  businessKey?: string;
  variables?: Record<string, unknown>;
  user?: string;
  /** The route the start came by (see Actor.via). */
  via?: CallerRoute;
  /** A retry by the same `user` with the same key and the same request returns the first instance; another user's key is their own. */
  idempotency?: { scope: string; key: string; requestHash: string };
}

/** A sales order as the ERP or CRM enters it (POST /api/orders). */
export interface OrderEntry {
  /** Becomes the business key of every instance, task, job and message of the order. */
  orderNo: string;
  customer: { name: string; [field: string]: string };
  /** In units of `currency`, with at most its ISO 4217 minor units (2 for EUR, 0 for JPY, 3 for KWD). */
  amount: number;
  /** ISO 4217 code with a rate in the operator's rate table. */
  currency: string;
  paymentTerms: 'credit' | 'prepaid-at-entry' | 'prepaid-at-shipment';
  specialChange?: { description: string } | null;
}

export interface OrderEntryOptions {
  /** The authenticated user entering the order: the actor of its history. */
  user: string;
  /** The route the order came by (see Actor.via). */
  via?: CallerRoute;
}

/** A change to a running order (POST /api/orders/{orderNo}/changes). */
export interface OrderChangeRequest {
  /** What the customer changed, for procurement, production and inspection to acknowledge. */
  description: string;
  /** The new order total in the order's currency (its minor units); absent when the amount stays. */
  amount?: number;
  /** Makes the request idempotent: the same changeId with the same body returns the recorded change. */
  changeId?: string;
}

export interface OrderChangeView {
  changeId: string;
  seq: number;
  description: string;
  amount: string | null;
  reportingAmount: string | null;
  /**
   * open → acknowledged → accepted (no new approval needed) | approved | rejected (the amount stays as approved);
   * lapsed: the order ended (rejected, fulfilled, cancelled) before the change was settled, which is not in force.
   */
  status: 'open' | 'acknowledged' | 'accepted' | 'approved' | 'rejected' | 'lapsed';
  /** Open changes hold the order: none of its jobs is handed out. */
  open: boolean;
  requestedBy: string | null;
  requestedAt: string;
  settledAt: string | null;
  /**
   * Who moved the change on and when, from the order's history (`order.change-acknowledged`, `-accepted`, `-approved`,
   * `-rejected`): the user whose step did it (the last acknowledgement, the approver), null for a step nobody called.
   * Only in the order's changes view (GET /api/orders/{orderNo}/changes).
   */
  settledBy?: OrderChangeStep[];
  /**
   * Every acknowledgement of the change, oldest first: each `task.completed` of the acknowledgement tasks started for
   * it (procurement, production, inspection), with who, the task and its groups, and when; an open change lists the
   * ones it has so far. Only in the order's changes view (GET /api/orders/{orderNo}/changes).
   */
  acknowledgedBy?: OrderChangeAcknowledgement[];
}

/** One acknowledgement of a change: who completed which task, of which candidate groups, and when. */
export interface OrderChangeAcknowledgement {
  by: string | null;
  /** The candidate groups the task's element declares. */
  groups: string[];
  /** The task's element id and name. */
  task: string | null;
  name: string | null;
  at: string;
}

/** One step of a change's way: its status after the step, who took it and when. */
export interface OrderChangeStep {
  status: 'acknowledged' | 'accepted' | 'approved' | 'rejected' | 'lapsed';
  by: string | null;
  at: string;
}

/** An order with the changes made to it since entry. */
export interface OrderChangesView {
  orderNo: string;
  instanceId: string;
  /** True once any change was requested: the order's special identifier. */
  changed: boolean;
  currency: string;
  /** The amount in force: as entered, or as the last accepted or approved change set it. */
  amount: string;
  reportingAmount: string;
  reportingCurrency: string;
  changes: OrderChangeView[];
}

export interface OrderChangeResult {
  change: OrderChangeView;
  created: boolean;
  order: OrderChangesView;
  /** The order's root instance as it is now: `waiting` says what it waits for. */
  instance: InstanceView;
}

/** Where the configured order process stands: order entry works when `ready`. */
export interface OrderEntryStatus {
  processKey: string;
  ready: boolean;
  /** Why order entry cannot work, when not ready. */
  problem?: string;
  reportingCurrency: string | null;
}

export interface Actor {
  name: string;
  groups: string[];
  /** The route the call came by (the server names its route family); the runtime API called in-process when absent. */
  via?: CallerRoute;
}

/** A request the server refused before it reached the runtime, about what `kind` and `id` name. */
export interface RefusedRequest {
  /**
   * What it addressed: an open task or job (`id` its id), a change or cancel of an order (`order-change`,
   * `order-cancel`: `id` the order number), the cancel of an instance (`instance-cancel`: `id` the instance's) or
   * the retry of an incident (`incident-retry`: `id` the incident's), an order's entry or a process's start under an
   * order's number (`order-entry`, `process-start`: `id` the number).
   */
  kind: 'task' | 'job' | 'order-change' | 'order-cancel' | 'instance-cancel' | 'incident-retry' | 'order-entry' | 'process-start';
  id: string;
  /** The process a refused start named (`process-start`). */
  processKey?: string;
  /** One word for why (`role`: the caller lacks the role the route needs). */
  reason: string;
  /** The refusal as the caller got it. */
  refusal: string;
  /** What was attempted: the operation's id (e.g. `camunda7Complete`). */
  attempted: string;
  /** The variables sent, when the refusal was about them (kept within the refused attempts' budget). */
  variables?: Record<string, unknown>;
  /** The worker a refused call at a job named (its lock's extension or a lock by id). */
  workerId?: string;
  /**
   * Variables among `variables` whose values were refused before the runtime saw their names (a Camunda 7 typed
   * value its type refuses): kept only when one of them is what an element of the job's order decides, as the
   * runtime refuses it; otherwise the refusal was the caller's own mistake and nothing is kept.
   */
  ifDecided?: string[];
}

/** A message refused by the server before the runtime saw it: by role, or for the variables it carries. */
export interface RefusedMessage {
  name: string;
  /** The business key (Camunda 8's correlation key) it named: kept only when it is an existing order's number. */
  businessKey: string;
  messageId?: string;
  /** What it carried; not kept for a role refusal, as a refused task or job request keeps none. */
  variables?: Record<string, unknown>;
  /**
   * As RefusedRequest.ifDecided: kept only when one of these is what an element of the order decides, other than
   * the elements catching the message (messageWrites).
   */
  ifDecided?: string[];
  /**
   * Why it was refused: `variable-refused` (it would set an order field or another element's decision),
   * `engine-message` (it is the engine's own OrderChanged, which only a change request sends) or `role` (the
   * sender is not in the group the route needs).
   */
  reason: 'variable-refused' | 'engine-message' | 'role';
  /** The refusal as the caller got it. */
  refusal: string;
  /** What was attempted: the operation's id (`correlateMessage`), or `correlate` when the runtime refused it. */
  attempted: string;
}

export interface MessageRequest {
  name: string;
  /** The correlation key: the order number for the shipped library. */
  businessKey: string;
  variables?: Record<string, unknown>;
  /** The authenticated user who sent it (the actor of its history entries). */
  actor?: string;
  /** The route it came by (see Actor.via). */
  via?: CallerRoute;
  /** The publisher's id: while a message with this name, key and id is kept, another is a duplicate. */
  messageId?: string;
  /** How long a message nothing waits for is kept: ms or an ISO 8601 duration (PT1H); 0 keeps nothing. */
  timeToLive?: number | string;
  /**
   * The sender wants it to move one instance at most (Camunda 7's `all: false`): when it waits in more than one,
   * the message is refused (`ambiguous-correlation`) and moves none, instead of moving each.
   */
  exactlyOne?: boolean;
}

/** One instance a message moved: at the catch `waitId` it waited at, or started by a message start event. */
export interface MessageMove {
  kind: 'catch' | 'start';
  /** The catch it was delivered to; null for a start. */
  waitId: string | null;
  /** The instance it moved (a called one, or a root), as it is now. */
  instance: InstanceView;
}

export interface MessageResult {
  /** `delivered`: it reached what waited for it; `buffered`: it is kept until `expiresAt` for a catch to come. */
  outcome: 'delivered' | 'buffered';
  /** The message's key in Stratum. */
  messageKey: string;
  /** The root instances the message moved on, as they are now (none when buffered). */
  reached: InstanceView[];
  /** Each instance it moved, in the order it moved them (none when buffered). */
  moved: MessageMove[];
  /** Buffered: when it is dropped unless a catch takes it first. */
  expiresAt?: string;
}

/**
 * Why a message was refused, in StratumError.details.problem: the server
 * answers each with its own problem type.
 */
export type MessageRefusal = 'duplicate-message' | 'unknown-business-key' | 'order-failed' | 'order-finished' | 'not-correlated' | 'ambiguous-correlation';

/** The task a completion is refused for. */
export interface RefusedTask {
  id: string;
  instanceId: string;
  processKey: string;
  elementId: string;
  name: string;
}

/** A separated task of the same order the caller decided before (four eyes). */
export interface DecidedTask {
  /** Its task id, when its history entry recorded one. */
  id: string | null;
  instanceId: string;
  processKey: string;
  elementId: string;
  name: string;
}

/** Who a task is for (`TaskView.assignee`, `candidateUsers`, `candidateGroups` as the task was created). */
export interface TaskOffer {
  assignee: string | null;
  candidateUsers: string[];
  candidateGroups: string[];
}

/** The order a four-eyes refusal is about: its business key (the order number), and its root instance. */
type FourEyesOrder = {
  task: RefusedTask;
  businessKey: string | null;
  rootInstanceId: string;
};

/**
 * Why `completeTask` refuses the caller (a `forbidden` StratumError whose `details` are this; the server answers
 * each with a 403 carrying these members beside its `detail` sentence): `not-offered`, the caller is not the task's
 * assignee, a candidate user or in a candidate group; four eyes, the caller started the order (`four-eyes-starter`),
 * requested a change of it (`four-eyes-change-requester`; for a `distinctDeciders` task, the change its instance
 * acknowledges), already decided another separated task of it
 * (`four-eyes-other-task`) or another iteration of this activation of a multi-instance one (`four-eyes-other-iteration`),
 * or another of the tasks its instance has decided by distinct people (`distinctDeciders`: `four-eyes-distinct-deciders`).
 */
export type TaskRefusal =
  | { reason: 'not-offered'; task: RefusedTask; offeredTo: TaskOffer; claimedBy?: string }
  | (FourEyesOrder & { reason: 'four-eyes-starter' })
  | (FourEyesOrder & { reason: 'four-eyes-change-requester'; changeId: string })
  | (FourEyesOrder & { reason: 'four-eyes-other-task' | 'four-eyes-other-iteration' | 'four-eyes-distinct-deciders'; decidedTask: DecidedTask });

export interface IncidentView {
  id: string;
  instanceId: string;
  rootInstanceId: string;
  processKey: string;
  businessKey: string | null;
  /** The element that failed. */
  elementId: string | null;
  message: string;
  /** Why, as the instance's `incident.reason` says it; absent where the runtime does not know (and on incidents stored before it was recorded). */
  reason?: IncidentReason;
  /** `step`: an engine step failed; `job`: a job ran out of retries. */
  kind: 'step' | 'job';
  jobId: string | null;
  /** The child's incident this one follows from (a failed call activity); retry that one. */
  causeIncidentId: string | null;
  createdAt: string;
  /** Only once resolved (GET /api/incidents/{id}, Camunda 8's search): when, and whether it was `retried` or `cancelled` with its order. */
  resolvedAt?: string;
  resolution?: 'retried' | 'cancelled';
}

export interface IncidentQuery {
  processKey?: string;
  businessKey?: string;
  limit?: number;
  /** `nextCursor` of the previous page. */
  cursor?: string;
}

/** IncidentQuery with what Camunda 8's incident search and Camunda 7's incident list filter on besides (server/camunda8/incidents.ts, server/camunda7/incidents.ts). */
export interface IncidentSearch extends IncidentQuery {
  instanceId?: string;
  /** Only the incidents at this element (Camunda 7's activityId). */
  elementId?: string;
  /** The incidents of this instance and of every instance it called, directly or not; not-found when no such instance. */
  instanceTree?: string;
  /** `created`: the order they were recorded (the default); `id`: by incident id. Ascending unless `descending`. */
  sort?: { by: 'created' | 'id'; descending?: boolean };
  /** `open` unless given (the native list); `any` for open and resolved alike. */
  state?: 'open' | 'resolved' | 'any';
  kind?: 'step' | 'job';
  /** Only incidents whose reason is of one of `kinds`, or (`orNone`) that have none. */
  reasonKinds?: IncidentFilter['reasonKinds'];
  /** Incidents of the page to skip (after `cursor`, when both are given). */
  offset?: number;
}

/** The filters of an IncidentSearch, for a count of what it would list. */
export type IncidentCountQuery = Omit<IncidentSearch, 'sort' | 'limit' | 'cursor' | 'offset'>;

export interface IncidentRetry {
  /** Set as process variables before the failed step runs again. */
  variables?: Record<string, unknown>;
  /** Job incidents: the retries the job gets again (default: those an update gave it while the incident was open, else 1). */
  retries?: number;
}

/**
 * How a job call treats the job's lock when it names no worker. By default it acts on the job by its id whoever
 * holds it, as Camunda 8 completes by key; with `holderOnly` (Stratum's own job routes) a job a worker holds an
 * unexpired lock on is refused with 409 `not-locked-by-worker` unless the call names that worker, while a job no
 * worker holds (never fetched, given back, or its lock expired) is still acted on by its id. A call naming a
 * `workerId` is always checked against the lock.
 */
export interface JobCallOptions {
  holderOnly?: boolean;
}

/** Camunda 8's job update (PATCH /v2/jobs/{jobKey}): at least one of the two. */
export interface JobUpdate {
  /** The retries a failure counts down from (at least 1). */
  retries?: number;
  /** A new lock (Camunda's deadline) of this many ms from now, for a job a worker holds now. */
  timeoutMs?: number;
}

export interface InstanceQuery {
  processKey?: string;
  businessKey?: string;
  status?: InstanceStatus;
  limit?: number;
  offset?: number;
  /** Only instances after this one, newest first (keyset page; the server's cursors encode it). */
  after?: PageAfter;
}

export interface TaskQuery {
  /** Only this task: whether it is open and matches the other filters (a read of one task of the caller's list). */
  id?: string;
  candidateGroup?: string;
  /**
   * Only tasks offered to any of these groups (Camunda 8's `candidateGroup: {$in: […]}`): only beside `inListOf`,
   * whose part of each of the caller's groups among them it keeps (invalid without it).
   */
  candidateGroups?: string[];
  /** Only tasks offered to this user by name (Camunda's candidateUsers). */
  candidateUser?: string;
  /** Only tasks assigned to this user, by the diagram or by their claim. */
  assignee?: string;
  /** Only tasks nobody claimed, or this user did (a claimed task leaves the other candidates' lists). */
  unclaimedOrClaimedBy?: string;
  /**
   * Only tasks someone holds (true: claimed, or given an assignee by the diagram) or only those nobody holds (false):
   * Camunda 7's assigned and unassigned, and its candidate filters without includeAssignedTasks. Beside `inListOf` it
   * narrows the caller's own list, never widens it.
   */
  assigned?: boolean;
  /**
   * Only tasks in this person's own list, read in one query of the store: offered to one of their groups or to them
   * by name and claimed by nobody or by them, or held by them (claimed by them, or assigned to them and claimed by
   * nobody). With `candidateGroup` (`candidateGroups`), only that group's (when it is one of theirs) claimed by
   * nobody or by them; with `candidateUser`, their own name, only what is offered to them by name (someone else's:
   * nothing); with an `assignee` naming someone else, none they hold. Not with `unclaimedOrClaimedBy` (invalid).
   */
  inListOf?: TaskListOwner;
  businessKey?: string;
  instanceId?: string;
  /** Only tasks of this BPMN element (a user task's id: Camunda's taskDefinitionKey, elementId). */
  elementId?: string;
  /** Only tasks whose own instance runs this process (TaskView.processKey, not the order's root process). */
  processKey?: string;
  /** Only tasks a failed instance holds (true) or only those that can be completed now (false): TaskView.held. */
  held?: boolean;
  /** At most this many tasks, oldest first. */
  limit?: number;
  /** Only tasks after this one (keyset page). */
  after?: PageAfter;
}

/** A task query to count by: a count has no page. */
export type TaskCountQuery = Omit<TaskQuery, 'limit' | 'after'>;

/** Where an order stands, derived from its call tree (engine/orders/order-status.ts, docs/api.md). */
export type OrderStatus =
  | 'waiting-for-approval' | 'waiting-for-payment' | 'in-planning' | 'shipping'
  | 'fulfilled' | 'rejected' | 'cancelled' | 'failed';

/** What a task, a job or an order list shows of an order. Amounts are decimal text in their currency's minor units. */
export interface OrderSummary {
  orderNo: string;
  customer: string;
  amount: string;
  currency: string;
  paymentTerms: string;
  reportingAmount: string;
  reportingCurrency: string;
}

export interface OrderListItem extends OrderSummary {
  status: OrderStatus;
  /** The root instance the order started. */
  instanceId: string;
  enteredAt: string;
}

/** A wait of the order, with the groups whose members may act on it. */
export interface OrderWait extends WaitingElement {
  /** The groups whose members may act on it now (complete the task or job, send the message); none while it is held. */
  mayAct: string[];
}

/** A job an open change of its order holds (409 `order-change-open` names the same change): it moves on once every change is settled. */
export interface OrderChangeHold {
  reason: 'order-change-open';
  /** The oldest open change of the order, which the order handles now. */
  changeId: string;
}

export type WaitHold = TaskHold | OrderChangeHold;

export interface OrderView extends OrderListItem {
  /** The order as entered (the six order fields). */
  entered: Record<string, unknown>;
  exchangeRate: string;
  rateDate: string;
  enteredBy: string | null;
  incident: StepIncident | null;
  waiting: OrderWait[];
  /** Each instance of the call tree with the process version it runs on, the root first. */
  versions: { instanceId: string; parentId: string | null; processKey: string; version: number; status: InstanceStatus }[];
  history: HistoryEntry[];
}

export interface OrderQuery {
  status?: OrderStatus;
  /** `customer.name`, exactly. */
  customer?: string;
  /** Entered at or after. */
  from?: string;
  /** Entered before. */
  to?: string;
  limit: number;
  after?: PageAfter;
}

export interface Orders {
  get(orderNo: string): Promise<OrderView | undefined>;
  /** Newest entered first; `next` continues after the last order of the page (null at the end). */
  find(query: OrderQuery): Promise<{ items: OrderListItem[]; next: PageAfter | null }>;
  /** Cancels the order's whole call tree with a reason (runtime.cancel of its root instance). */
  cancel(orderNo: string, actor: Actor, reason: string): Promise<OrderView>;
}

export interface Library {
  /** Deploys files together (they may call each other). Throws StratumError('invalid') with findings. */
  deploy(files: BpmnFile[], options: DeployOptions): Promise<DeployResult>;
  /**
   * The first half of `deploy`: parses and lints the files against the library as it stands (throws as `deploy`
   * does) without storing anything, so a server can do it before it takes a write's turn. The deployment
   * stores them; if the library changed in between, it lints them again against the library it commits on.
   */
  prepare(files: BpmnFile[], options: DeployOptions): Promise<PreparedDeployment>;
  /** Findings for files against the deployed library, without deploying. */
  validate(files: BpmnFile[]): Promise<Finding[]>;
  list(): Promise<ProcessSummary[]>;
  get(key: string): Promise<ProcessDetail | undefined>;
  xml(key: string, version?: number): Promise<string | undefined>;
  /** Deployed decisions, by id. */
  listDecisions(): Promise<DecisionSummary[]>;
  getDecision(id: string): Promise<DecisionDetail | undefined>;
  /** The .dmn file a decision version came in, exactly as deployed. */
  decisionXml(id: string, version?: number): Promise<string | undefined>;
  /** A deployment that stored a version; undefined for an unknown id and for one that changed nothing (it stored none). */
  deployment(deploymentId: string): Promise<DeploymentView | undefined>;
}

export interface Runtime {
  /**
   * Starts the latest version of a level-1 process that does not take orders.
   * 409 (`reason`): the process is called by another (`called-process`), takes
   * orders (`takes-orders`), or the business key is an order's number
   * (`order-exists`). 422 naming `/variables/<name>`: a variable its start
   * event does not declare.
   */
  start(processKey: string, options?: StartOptions): Promise<{ instance: InstanceView; created: boolean }>;
  /**
   * Enters an order: checks it (ISO 4217 currency and minor units, a rate on
   * today's date), converts the amount into the reporting currency, keeps it
   * under its orderNo and starts the order process with businessKey = orderNo.
   * The same order again returns its instance (created: false); another order
   * under the same number is a 409. 422 names the fields at fault.
   */
  enterOrder(order: OrderEntry, options: OrderEntryOptions): Promise<{ instance: InstanceView; created: boolean }>;
  /**
   * Records a change to a running order and hands it to the order process as
   * the engine's `OrderChanged` message. 404: no such order; 409: the order has
   * shipped or ended (`reason`), or the changeId was used with another body;
   * 422: an amount the order's currency refuses. A change refused for the
   * order's state (shipped, ended, failed, not changeable) is kept in the order's
   * history as `change.refused`.
   */
  changeOrder(orderNo: string, change: OrderChangeRequest, options: OrderEntryOptions): Promise<OrderChangeResult>;
  /** The order with its changes; undefined when no order has this number. */
  orderChanges(orderNo: string): Promise<OrderChangesView | undefined>;
  /** Whether the configured order process is deployed and declares that it takes orders. */
  orderEntryStatus(): Promise<OrderEntryStatus>;
  getInstance(id: string): Promise<InstanceView | undefined>;
  findInstances(query: InstanceQuery): Promise<{ items: InstanceSummary[]; total: number }>;
  /**
   * Cancels an order (a root instance, running or failed) with its whole call
   * tree; a called instance is refused (conflict, details.problem 'not-a-root'),
   * as is an instance that has ended, each kept in the history of the instance
   * addressed as `cancel.refused`.
   */
  cancel(instanceId: string, actor: Actor, options?: { reason?: string }): Promise<InstanceView>;

  /**
   * The refused attempts (`….refused` entries) of every instance, newest first, then by seq; `next` continues after
   * the last one of the page (null at the end). Read on the read side: it waits for no write.
   */
  findRefusedAttempts(query: RefusedAttemptQuery): Promise<{ items: RefusedAttemptView[]; next: PageAfter | null }>;

  /** Incidents, oldest first, a page at a time: the open ones unless `state` says otherwise. */
  findIncidents(query: IncidentSearch): Promise<{ items: IncidentView[]; nextCursor: string | null }>;
  /** How many incidents findIncidents would list for these filters, counted by the store without reading them. */
  countIncidents(query: IncidentCountQuery): Promise<number>;
  /** One incident, open or resolved. */
  getIncident(id: string): Promise<IncidentView | undefined>;
  /**
   * Runs the failed step again on the state before it (a job incident: gives the
   * job retries again) and revives the callers that failed with it. A retry that
   * would fail again is refused (invalid) and changes nothing; so is one whose variables name an order field or
   * what an element decides (`variable-refused`), or one of an incident resolved already, that only follows from a
   * called instance's or whose caller moved on (conflict: `incident-resolved`, `not-root-cause`, `caller-moved-on`),
   * and those attempts are kept as `incident.refused` in the history of the instance whose incident they named.
   */
  retryIncident(incidentId: string, retry: IncidentRetry, actor: Actor): Promise<InstanceView>;

  findTasks(query: TaskQuery): Promise<TaskView[]>;
  /** How many tasks findTasks would list for these filters, counted by the store without reading them. */
  countTasks(query: TaskCountQuery): Promise<number>;
  /**
   * Which of `tasks` (a page of a list) four eyes would refuse `actor`, by task id: a few reads for the whole page,
   * none per task (task-four-eyes.ts). The completion's own check stays the control.
   */
  fourEyesOnTasks(tasks: TaskView[], actor: string): Promise<Map<string, TaskFourEyes>>;
  getTask(taskId: string): Promise<TaskView | undefined>;
  /** How a task was decided (its `task.completed`), or undefined while it is open, or when it ended otherwise. */
  getTaskCompletion(taskId: string): Promise<TaskCompletionView | undefined>;
  /**
   * 404 unknown task, 409 no longer open, 403 actor in none of its candidate groups or
   * (four eyes) the order's starter, the requester of a change of it, or already the decider of another separated
   * task (or iteration) of it (`details`: a TaskRefusal),
   * 422 a variable the task does not declare, or a rejection (`approved: false`, `acknowledged: false`) without the
   * `comment` that says why where the task declares one (decision-reason.ts).
   */
  completeTask(taskId: string, variables: Record<string, unknown>, actor: Actor): Promise<InstanceView>;
  /**
   * Claims the task for `actor` (Camunda's claim): from then on only they may complete it, and the other candidates'
   * `unclaimedOrClaimedBy` lists leave it out. Only someone who may decide it now may claim it: 403 with the
   * TaskRefusal completeTask would give; 409 no longer open, or claimed by (or assigned in the diagram to) someone
   * else (`details.problem` `task-claimed`, with `assignee`: who holds it). Both refusals are kept in the history as
   * `task.refused` (`attempted: "claim"`). Claiming it again is a no-op. `task.claimed` in the history.
   */
  claimTask(taskId: string, actor: Actor): Promise<TaskView>;
  /**
   * Gives a claimed task back to its candidates: by its claimant, or with `asOperator` by anyone (an operator
   * freeing the task of someone away). 403 someone else's claim (kept in the history as `task.refused`,
   * `attempted: "unclaim"`); 409 no longer open or not claimed (`details.problem` `task-not-claimed`).
   * `task.unclaimed` in the history.
   */
  unclaimTask(taskId: string, actor: Actor, options?: { asOperator?: boolean }): Promise<TaskView>;

  /**
   * Locks up to `max` (default 1) fetchable jobs of `type`, oldest first; with `businessKey`, only that order's. With
   * `localVariables`, each job's variables are only its local ones, its input mappings' (Camunda 7's `localVariables`).
   */
  fetchAndLockJobs(request: { type: string; workerId: string; lockMs?: number; max?: number; businessKey?: string; localVariables?: boolean }): Promise<JobView[]>;
  /**
   * `actor` is who the history records; `workerId` (the client's label) is kept
   * beside it and checked against the job's lock: a job another worker holds is refused (409, `details.reason`
   * `not-locked-by-worker`), and so is one any worker holds when no `workerId` is given with `holderOnly`
   * (JobCallOptions); both kept in the history as `job.refused`. 422 for variables the job may not set.
   */
  completeJob(jobId: string, variables: Record<string, unknown>, actor: Actor, workerId?: string, options?: JobCallOptions): Promise<InstanceView>;
  /**
   * Sets the retries of a job that has no incident, as an operator (Camunda 7's setRetries): the job keeps its lock
   * and variables, the history records `job.retries-set` with the actor. A job out of retries has an incident:
   * `retryIncident` gives it retries again. 404 unknown job, 409 an instance that is not running.
   */
  setJobRetries(jobId: string, retries: number, actor: Actor): Promise<InstanceView>;
  /**
   * Updates a job's retries and/or timeout as Zeebe does (Camunda 8's PATCH /v2/jobs/{jobKey}), in one step under
   * the instance's lock. Retries: the number a failure counts down from, also for a job that ran out of them, whose
   * incident stays open (it is not fetchable until `retryIncident` resolves it, which then gives it these retries).
   * Timeout: a new lock of `timeoutMs` from now for a job a worker holds now (activated), whoever the worker.
   * The history records `job.retries-set` and `job.timeout-set` with the actor. 404 unknown job; 409 a timeout
   * for a job no worker holds (`job-not-activated`) or an instance that is not running (unless failed by this
   * job's own incident, for retries).
   */
  updateJob(jobId: string, update: JobUpdate, actor: Actor): Promise<InstanceView>;
  /**
   * Retries > 0 makes the job fetchable again, at once or `retryTimeoutMs` later (Camunda 7's `retryTimeout`,
   * Camunda 8's `retryBackOff`); 0 raises an incident (instance failed).
   */
  failJob(jobId: string, failure: JobFailure & JobCallOptions, actor: Actor): Promise<InstanceView>;
  /**
   * The worker reports a business error (Camunda's "throw BPMN error"): an error
   * boundary event with this errorCode on the job's element catches it; uncaught, the instance fails.
   */
  throwJobError(jobId: string, thrown: { errorCode: string; message?: string; variables?: Record<string, unknown>; workerId?: string } & JobCallOptions, actor: Actor): Promise<InstanceView>;

  /**
   * Moves every instance waiting for message `name` whose correlation key is
   * `businessKey` (the instance's business key, unless the message defines a
   * zeebe:subscription correlationKey). When nothing waits but the key names a
   * running order, the message is buffered for its time-to-live and delivered
   * to the first matching catch the order reaches. Refusals (StratumError with
   * details.problem, see MessageRefusal): a duplicate messageId (conflict), an
   * unknown key (not-found), a failed order until its incident is retried or a finished order (conflict), nothing waiting with
   * time-to-live 0 (not-found). Every message for an existing order is in its history.
   */
  correlateMessage(message: MessageRequest): Promise<MessageResult>;

  /** Drops buffered messages whose time-to-live has passed; returns how many. */
  purgeExpiredMessages(): Promise<number>;

  /**
   * Keeps a request refused before it reached the runtime (the server's role check) as `task.refused` or
   * `job.refused` in the history of the open task or job it addressed, in a transaction of its own; false (and
   * nothing written) when no open task or job of that kind has the id. Never call it for an unauthenticated caller.
   */
  recordRefusedRequest(refused: RefusedRequest, actor: Actor): Promise<boolean>;
  /** Keeps a message the server refused for its variables in the history of the order it names (none: false). */
  recordRefusedMessage(refused: RefusedMessage, actor: Actor): Promise<boolean>;

  /** Fires every timer due by the runtime's clock when it is called (one due meanwhile is the next call's); returns how many fired. */
  fireDueTimers(): Promise<number>;

  /** The warm-engine and view caches as they stand now: what `/metrics` shows before their first event. */
  caches(): RuntimeCaches;
}

/** The sizes and budgets of the runtime's two caches (`Runtime.caches`), as their events report them. */
export interface RuntimeCaches {
  engine: Omit<EngineCacheEvent, 'result' | 'evicted'>;
  view: Omit<ViewCacheEvent, 'result' | 'evicted'>;
}

/** One job type a worker fetches, with its own lock, order filter and variables. */
export interface JobTopic {
  type: string;
  lockMs?: number;
  /** Only the jobs of this order (business key). */
  businessKey?: string;
  /** Hand the worker only these variables (all when absent). */
  variables?: string[];
  /** Only the job's local variables: its input mappings' and a multi-instance iteration's (Camunda 7's `localVariables`); `variables` narrows them further. */
  localVariables?: boolean;
}

export interface JobFetch {
  workerId: string;
  /** At most this many jobs over all topics (default 1). */
  max?: number;
  topics: JobTopic[];
  /** Long polling: when nothing is fetchable, wait up to this long for a job of one of the topics. */
  asyncResponseTimeoutMs?: number;
}

/** Who gives a job's lock back: the worker holding it (`workerId`), or an operator freeing a stuck worker's job. */
export interface JobUnlock {
  workerId?: string;
  asOperator?: boolean;
}

export interface Workers {
  /** Locks jobs of the topics in order; with `asyncResponseTimeoutMs`, waits for one when none is fetchable. `signal` ends the wait early. */
  fetchAndLock(fetch: JobFetch, signal?: AbortSignal): Promise<JobView[]>;
  /**
   * A new lock of `lockMs` from now; conflict unless `workerId` holds the lock and it has not expired. With `actor`,
   * an extension of a lock another worker holds now is kept in the order's history as `job.refused`.
   */
  extendLock(jobId: string, workerId: string, lockMs: number, actor?: Actor): Promise<{ id: string; lockExpiresAt: string }>;
  /**
   * Locks one job by its id for `workerId` (`lockMs` from now), as a fetch would lock it: refused (conflict) when
   * another worker holds it or a fetch would not hand it out now (held by an open change, failed, under a failed
   * caller, waiting for its retry); a lock `workerId` holds is renewed. Camunda 7's `POST …/external-task/{id}/lock`.
   * With `actor`, a lock an open change or another worker's lock refuses is kept in the order's history as
   * `job.refused`, as its completion would be.
   */
  lock(jobId: string, workerId: string, lockMs: number, actor?: Actor): Promise<{ id: string; lockExpiresAt: string }>;
  /**
   * Gives a job's lock back: any worker may fetch it at once. A lock a worker holds now is given back by that worker
   * (`workerId`) or an operator (`asOperator`); anyone else is refused (conflict `not-locked-by-worker`, kept in the
   * order's history as `job.refused` with `actor`). A job backing off after a failure has no lock to give back
   * (conflict `job-in-back-off`). A job nobody holds stays as it is. An operator's unlock of a lock another worker
   * holds is kept in the order's history as `job.unlocked` (`lockedBy`, the worker it was taken from).
   */
  unlock(jobId: string, unlock?: JobUnlock, actor?: Actor): Promise<void>;
  /** Answers every waiting fetch now with no jobs (a server shutting down). */
  releaseWaiting(): void;
  /**
   * Another process on the same store made a job of `jobType` fetchable: waiting fetches try again.
   * For stores that announce only within their process (SQLite; the cluster primary relays it).
   */
  jobsFetchable(jobType: string): void;
}

/** An order event as pull consumers and webhooks get it: a CloudEvent (structured JSON) with its outbox number. */
export interface OrderEvent {
  specversion: '1.0';
  id: string;
  source: string;
  /** `stratum.order.<status>`, e.g. `stratum.order.in-planning`. */
  type: string;
  /** The order number. */
  subject: string;
  time: string;
  datacontenttype: 'application/json';
  /** Position in the outbox (commit order): pass the last one seen as `after`. */
  stratumseq: number;
  data: Record<string, unknown>;
}

export interface OrderEventQuery {
  /** Events after this outbox number (0: from the start). */
  after: number;
  limit: number;
  type?: string;
  orderNo?: string;
}

export interface WebhookSubscription {
  id: string;
  url: string;
  /** Event types delivered; empty: every type. */
  types: string[];
  /** `api` (created through the API) or `config` (from the STRATUM_WEBHOOKS file). */
  source: 'api' | 'config';
  createdAt: string;
  createdBy: string | null;
  /** Deliveries are also signed with the secret this one replaced until then (the grace period); null when not (any more). */
  previousSecretUntil: string | null;
}

/** One change of a subscription as its audit keeps it (GET /api/webhooks/{id}/changes): never a secret, a fingerprint of it. */
export interface WebhookSubscriptionChange {
  seq: number;
  subscriptionId: string;
  at: string;
  /** Who: the authenticated user, or `system` for the STRATUM_WEBHOOKS file read at start. */
  actor: string | null;
  /** `refused`: an attempt refused (a file subscription replaced or deleted through the API; a receiver inside the network). */
  action: 'created' | 'replaced' | 'deleted' | 'refused';
  source: 'api' | 'config';
  /**
   * What changed, from and to (null before creation and after deletion): URLs with their credentials masked (`credentialsChanged`
   * when only those differ), the secret as the first 12 hex digits of its SHA-256. A refusal lists what was attempted.
   */
  changes: {
    url?: { from: string | null; to: string | null; credentialsChanged?: true };
    types?: { from: string[] | null; to: string[] | null };
    secret?: { from: string | null; to: string | null };
  };
  /** Why it was refused (`config-subscription`, `webhook-target`). */
  reason?: string;
}

export interface WebhookSubscriptionInput {
  id?: string;
  url: string;
  types?: string[];
  /** A Standard Webhooks secret (`whsec_` + base64 of 24 to 64 bytes); generated when absent. */
  secret?: string;
}

export interface WebhookDeliveryView {
  id: string;
  subscriptionId: string;
  eventId: string;
  eventType: string;
  eventSeq: number;
  orderNo: string;
  /** `pending` (being retried), `delivered`, `dead` (retries ran out: the dead-letter list). */
  status: 'pending' | 'delivered' | 'dead';
  attempts: number;
  nextAttemptAt: string | null;
  deadAfter: string;
  lastStatus: number | null;
  lastError: string | null;
  createdAt: string;
  deliveredAt: string | null;
  /** Every attempt, oldest first: when, how long, the receiver's status code or the error. */
  log: { at: string; durationMs: number; statusCode: number | null; error: string | null }[];
}

export interface WebhookDeliveryQuery {
  subscriptionId?: string;
  status?: WebhookDeliveryView['status'];
  /** Deliveries of events after this outbox number. */
  after?: number;
  limit: number;
}

/** A worker's failure report: what went wrong, the retries left, and how long the job waits before it is fetched again. */
export interface JobFailure {
  /** What the worker reported; absent when it sent none (Camunda's clients may fail a job without a message). */
  message?: string;
  retries: number;
  workerId?: string;
  /** With retries left: the job is fetchable again only this many ms from now (absent or 0: at once). */
  retryTimeoutMs?: number;
}

export interface Outbox {
  /** Order events after an outbox number, in commit order; `next` is the number to pass as `after` next time. */
  events(query: OrderEventQuery): Promise<{ items: OrderEvent[]; next: number }>;
  /**
   * Creates (or, with an existing id, replaces) a subscription; the answer carries its secret, the only time it is shown.
   * A URL sent back masked keeps the stored credentials (redacted-url.ts, keptUrl); a `***` with nothing to keep is `invalid`.
   */
  subscribe(input: WebhookSubscriptionInput, actor: Actor): Promise<WebhookSubscription & { secret: string }>;
  subscriptions(): Promise<WebhookSubscription[]>;
  subscription(id: string): Promise<WebhookSubscription | undefined>;
  /**
   * Removes a subscription with its deliveries and their log; its audit keeps who did it. One of the configuration file
   * is refused (`conflict`, reason `config-subscription`: the next start would make it again), the attempt kept in its audit.
   */
  unsubscribe(id: string, actor: Actor): Promise<void>;
  /** Who created, replaced or deleted the subscription, oldest first; undefined when there is no such subscription and never was. */
  subscriptionChanges(id: string, query: { after: number; limit: number }): Promise<{ items: WebhookSubscriptionChange[]; next: number | null } | undefined>;
  /** The configuration file's subscriptions replace those an earlier file created (source `config`). */
  configure(subscriptions: (WebhookSubscriptionInput & { id: string; secret: string })[]): Promise<void>;
  deliveries(query: WebhookDeliveryQuery): Promise<{ items: WebhookDeliveryView[]; next: number | null }>;
  delivery(id: string): Promise<WebhookDeliveryView | undefined>;
  /** Sends a delivery again now (a dead letter, or a delivered event a receiver lost), with a fresh retry period. */
  redeliver(id: string): Promise<WebhookDeliveryView>;
  /** Starts the delivery loop (the server calls this; tests may call `deliverNow`). */
  startDelivery(): void;
  /** One delivery round, waiting for its answers (tests and tools). */
  deliverNow(): Promise<number>;
}

export interface Clock {
  now(): Date;
}

/** How webhooks are delivered (engine/events/webhook-delivery.ts). */
export interface WebhookDeliveryOptions {
  /** This server's name on its leases (default: a random id). */
  owner?: string;
  /** Pause between rounds when nothing woke the loop (default 1 s). */
  intervalMs?: number;
  /** Requests in flight at most (default 8). */
  concurrency?: number;
  /** A receiver that has not answered by then failed this attempt (default 10 s). */
  timeoutMs?: number;
  /**
   * When a subscription's secret is replaced, deliveries are signed with the new and the old secret for this long
   * (default 24 h, as Svix does; 0: the new one alone at once), so a receiver can switch over without losing events.
   */
  secretGraceMs?: number;
  /** How long a failing delivery is retried before it is dead-lettered (default 24 h). */
  retryForMs?: number;
  /** The first retry waits about `baseMs`, each further one twice as long, never more than `maxMs` (defaults 5 s and 1 h). */
  backoff?: { baseMs: number; maxMs: number };
  /** Events fanned out per subscription and round (default 500). */
  fanOutBatch?: number;
  /**
   * Delivered deliveries, their attempt logs and the events no delivery needs any more are removed this long
   * after delivery (default 30 days; 0 keeps them forever). Pending and dead-lettered ones are kept.
   */
  retentionMs?: number;
  /**
   * Dead letters (deliveries whose retries ran out) and their attempt logs are removed this long after they died
   * (default 30 days; 0 keeps them forever). A dead letter redelivered before then is pending again, and kept.
   */
  deadLetterRetentionMs?: number;
  /** How often (by the clock) the delivery loop prunes (default one hour). */
  pruneEveryMs?: number;
  /** Rows removed per pruning transaction at most (default 1000; a full batch prunes again next round). */
  pruneBatch?: number;
  /** For tests: jitter's source. */
  random?: () => number;
  /**
   * Receivers at loopback, link-local, private (RFC 1918, 100.64/10, fc00::/7) or metadata addresses are
   * allowed (STRATUM_WEBHOOKS_ALLOW_PRIVATE; default false: refused when subscribing and on every delivery).
   */
  allowPrivateTargets?: boolean;
}

/**
 * What the server grants its roles by (StratumOptions.serverRoles). The engine knows no server names; the server
 * reads them from its groups and its users file.
 */
export interface ServerRoles {
  /** Groups that grant a server role (the server's designer, integration, operations): never an expression's candidate group. */
  groups: readonly string[];
  /** Users all of whose groups grant a server role (the integration system's account): never an expression's assignee or candidate user. */
  accounts: readonly string[];
}

export interface StratumOptions {
  store: Store;
  /** Order entry: the process orders start (default order-to-cash) and the rate table (money/rate-table.ts). */
  orderEntry?: { processKey?: string; rates?: RateTable };
  /** Injectable for tests: timers fire by this clock. */
  clock?: Clock;
  /** How often the scheduler looks for due timers and expired job locks (ms). */
  schedulerIntervalMs?: number;
  /** Time-to-live of a message that names none (ms; default one hour, like Camunda's clients). */
  messageTimeToLiveMs?: number;
  /** Memory for live engines kept warm between steps (bytes; default STRATUM_ENGINE_CACHE_MB or engine-cache.ts's default; 0: none). */
  engineCacheBytes?: number;
  /** Memory for the call trees the views of writes are built from (bytes; default STRATUM_VIEW_CACHE_MB or tree-views.ts's default; 0: every view is read). */
  viewCacheBytes?: number;
  /**
   * Run each step's engine work ahead on a read snapshot, outside the write
   * lock, and commit it under a revision check (default true; false runs the
   * engine inside the write transaction, as the benchmark's comparison does).
   */
  speculate?: boolean;
  /** The benchmark's counters of condition evaluations (none unless passed). */
  feelTiming?: { evaluations: number; totalMs: number };
  /** Webhook delivery: concurrency, timeouts, retry period and backoff. */
  webhooks?: WebhookDeliveryOptions;
  /**
   * The server's roles, which an assignment expression never hands a task to: it raises an incident instead of
   * creating the task, since the variables it reads may come from the caller that started the process, who must
   * not choose itself as the decider.
   */
  serverRoles?: ServerRoles;
  /** Worker processes (at the lowest CPU priority) a what-if replay runs in (default STRATUM_REPLAY_WORKERS, else one fewer than the cores, at least one; 0: in the calling thread). */
  replayWorkers?: number;
}

/**
 * Emitted as `replay` on `Stratum.events` when a what-if replay starts and when
 * it ends (`completed`, `cancelled`: its caller went away, `failed`).
 */
export interface ReplayEvent {
  /** `worker-replaced`: a worker stopped before it answered (killed from outside, crashed) and a new one replays its share. */
  phase: 'started' | 'ended' | 'worker-replaced';
  /** Worker processes it runs in; 0 when it runs in the calling thread (an in-memory store). */
  workers: number;
  /** Orders replayed (when it ended). */
  orders: number;
  durationMs: number;
  outcome?: 'completed' | 'cancelled' | 'failed';
  /** How the replaced worker stopped (`worker-replaced`), e.g. "signal SIGKILL, before it answered". */
  stopped?: string;
}

/** Emitted as `step` on `Stratum.events` after every committed or failed runtime step. */
export interface StepEvent {
  action: 'start' | 'complete-task' | 'complete-job' | 'fail-job' | 'message' | 'timer' | 'cancel' | 'call-return' | 'incident-retry' | 'message-expiry' | 'job-retries' | 'job-update' | 'claim-task' | 'unclaim-task';
  processKey: string;
  durationMs: number;
  /** `conflict`: the step ended in a 409, a refusal or a race lost on every attempt (docs/engine.md); one event however many attempts. */
  outcome: 'ok' | 'conflict' | 'error';
}

/** What a candidate change would do, before it is deployed (engine/impact/, docs/impact.md). Reads only. */
export interface ImpactAnalysis {
  /** Diff, where-used, running orders, replay of recorded orders and lint of the library after the change. */
  analyse(files: BpmnFile[], options?: ImpactRequest): Promise<ImpactReport>;
  /** The semantic diff of a deployed process between two of its versions; undefined when either is not deployed. */
  diff(key: string, from: number, to: number): Promise<ProcessDiff | undefined>;
}

export interface ImpactRequest {
  /** Replay the most recent orders (default 1,000, at most 50,000) … */
  last?: number;
  /** … entered in this period (ISO 8601 instants; `to` exclusive). */
  from?: string;
  to?: string;
  /** false: no replay (only diff, where-used, running orders and lint; `stratum validate --server`). */
  replay?: boolean;
  taskGroups?: DeployOptions['taskGroups'];
  /** Aborted when the caller no longer waits for the answer (the HTTP client went away): the replay stops and its workers end. */
  signal?: AbortSignal;
}

/**
 * Emitted as `view-cache` on `Stratum.events` (engine/runtime/tree-views.ts): `hit`, the view of a
 * write came from the step; `miss`, it was read; `stale`, a step's tree did not match the database
 * (changed elsewhere) and is no longer kept; `kept`, a tree was kept (`evicted` others for the budget).
 */
export interface ViewCacheEvent {
  result: 'hit' | 'miss' | 'stale' | 'kept';
  evicted: number;
  entries: number;
  bytes: number;
  budgetBytes: number;
}

/**
 * Emitted as `engine-cache` on `Stratum.events` when a step looks for a warm
 * engine (`hit`, `miss`, `stale`: one was kept for an older revision) or one
 * is kept after a commit (`kept`, with how many it evicted); sizes after the event.
 */
export interface EngineCacheEvent {
  result: 'hit' | 'miss' | 'stale' | 'kept';
  evicted: number;
  entries: number;
  bytes: number;
  /** The budget now: it moves between a quarter of the ceiling and the ceiling with what evictions cost (engine-cache.ts). */
  budgetBytes: number;
  /** The most the budget grows to (`engineCacheBytes`, STRATUM_ENGINE_CACHE_MB). */
  ceilingBytes: number;
}

/**
 * Emitted as `speculation` on `Stratum.events` for each engine step a
 * transaction runs after its speculation (step-executor.ts): `used`, the
 * engine ran ahead outside the write lock and its result was taken;
 * `recomputed`, the instance had changed meanwhile and the engine ran again
 * under the lock.
 */
export interface SpeculationEvent {
  result: 'used' | 'recomputed';
}

/**
 * Emitted as `lost-race` on `Stratum.events` each time a step's transaction lost a race (errors.ts `lostRace`):
 * `retried`, it runs again on the winner's data; `gave-up`, it lost on every attempt and the caller gets 409.
 * A refusal (a task no longer open, …) is not a race and emits nothing.
 */
export interface LostRaceEvent {
  race: LostRaceKind;
  outcome: 'retried' | 'gave-up';
}

export interface Stratum {
  library: Library;
  runtime: Runtime;
  impact: ImpactAnalysis;
  orders: Orders;
  workers: Workers;
  outbox: Outbox;
  events: EventEmitter;
  /** Starts firing due timers in the background (the server calls this; tests call runtime.fireDueTimers()). */
  startScheduler(): void;
  /** Stops the scheduler and closes the store. */
  close(): Promise<void>;
}
