import type { PageAfter } from './page-cursor.js';
import type { WalCheckpointStats } from './wal-checkpoint-settings.js';

// The Store contract: everything the library and the runtime persist. Timestamps
// are ISO 8601 with a time zone and come back as `toISOString()`. Both
// implementations (SQLite, PostgreSQL) pass the same contract suite
// (test/engine/store/store-contract.ts). Every method is async so that a
// networked database fits; every write happens inside `transaction`.

export type InstanceStatus = 'running' | 'completed' | 'rejected' | 'failed' | 'cancelled';

export interface ProcessVersionRow {
  key: string;
  version: number;
  name: string | null;
  /** The exact deployed bytes, decoded as text. */
  xml: string;
  /** sha256 hex of `xml`: identical XML deploys as a no-op. */
  hash: string;
  /** Keys of the processes this version calls (JSON array in storage). */
  calls: string[];
  deploymentId: string;
  deployedBy: string;
  deployedAt: string; // ISO 8601
  note: string | null;
}

/**
 * A process version's place in the call graph, without its XML: what the start guards (a called, retired or
 * order-taking process never starts directly) read on every start, however large the library grows.
 */
export type VersionCalls = Pick<ProcessVersionRow, 'key' | 'version' | 'calls'>;

/** One version of one DMN decision; a .dmn file with several decisions gives each its own row. */
export interface DecisionVersionRow {
  decisionId: string;
  version: number;
  name: string | null;
  /** The file the decision came in, as the deployment named it. */
  fileName: string;
  /** The whole .dmn file as deployed (decoded as text): served back byte for byte. */
  xml: string;
  /** sha256 hex of `xml`: a file deployed again unchanged gives no new version. */
  hash: string;
  deploymentId: string;
  deployedBy: string;
  deployedAt: string;
  note: string | null;
}

export interface InstanceRow {
  id: string;
  processKey: string;
  version: number;
  businessKey: string | null;
  parentId: string | null;
  /** The call activity of the parent that started this child. */
  parentElementId: string | null;
  parentExecutionId: string | null;
  rootId: string;
  status: InstanceStatus;
  /** bpmn-engine state without the embedded source (null once ended; `unknown` includes null). */
  state: unknown;
  variables: Record<string, unknown>;
  incident: StepIncident | null;
  /** Optimistic-lock counter, +1 on every update. */
  revision: number;
  startedBy: string | null;
  createdAt: string;
  updatedAt: string;
  endedAt: string | null;
}

/** Why an instance failed, as its row (and the instance.failed history entry) keeps it. */
export interface StepIncident {
  elementId: string | null;
  message: string;
  /** What the runtime refused, for a program; only where it knows (incidents stored before it was recorded have none). */
  reason?: IncidentReason;
}

/** A task's assignment attribute, as Camunda names it. */
export type AssignmentAttribute = 'assignee' | 'candidateUsers' | 'candidateGroups';

/**
 * `assignment-server-role`: an assignment expression gave `given`, a group that grants a server role
 * (`serverRole: 'group'`) or an account that holds only server roles (`'account'`), so the task was not created;
 * `assignment-failed`: an assignment expression could not be evaluated (or gave more than one assignee);
 * `condition-failed`: the condition of sequence flow `flowId` could not be evaluated (or gave no boolean);
 * `no-flow-taken`: none of the conditions on the outgoing flows of gateway (or activity) `elementId` is true, and it has no default flow;
 * `io-mapping-failed`: the input or output mapping to `target` could not be evaluated;
 * `called-element-failed`: a call activity could not start process `calledElement` (none deployed, or not the version it binds);
 * `order-entry-only`: a call activity may not start process `calledElement`, which takes orders (`border: 'takes-orders'`) or
 *   runs inside orders while the caller belongs to no order (`'runs-inside-orders'`): orders enter only through order entry;
 * `decision-not-found`: a business rule task calls decision `decisionId`, which is not deployed;
 * `decision-id-failed`: a business rule task's decision id expression could not be evaluated or gave no decision id (no decision was asked);
 * `decision-failed`: a business rule task's decision `decisionId` gave no result;
 * `unhandled-error`: a BPMN error `errorCode` was thrown and nothing caught it;
 * `timer-failed`: a timer's date, duration or cycle could not be read;
 * `correlation-key-failed`: the correlation key of message `messageName` could not be evaluated;
 * `job-type-failed`: a service task's job type expression could not be evaluated or gave no job type (no job was created);
 * `input-collection-failed`: a multi-instance activity's input collection could not be evaluated or is not a list;
 * `job-no-retries`: a job of type `jobType` ran out of retries.
 */
export type IncidentReason =
  | { kind: 'assignment-server-role'; attribute: AssignmentAttribute; given: string; serverRole: 'group' | 'account' }
  | { kind: 'assignment-failed'; attribute: AssignmentAttribute }
  | { kind: 'condition-failed'; flowId: string }
  | { kind: 'no-flow-taken'; elementId: string }
  | { kind: 'io-mapping-failed'; direction: 'input' | 'output'; target: string }
  | { kind: 'called-element-failed'; calledElement: string }
  | { kind: 'order-entry-only'; calledElement: string; border: 'takes-orders' | 'runs-inside-orders' }
  | { kind: 'decision-not-found'; decisionId: string }
  | { kind: 'decision-id-failed' }
  | { kind: 'decision-failed'; decisionId: string }
  | { kind: 'unhandled-error'; errorCode: string }
  | { kind: 'timer-failed' }
  | { kind: 'correlation-key-failed'; messageName: string }
  | { kind: 'job-type-failed' }
  | { kind: 'input-collection-failed' }
  | { kind: 'job-no-retries'; jobType: string };

export type IncidentReasonKind = IncidentReason['kind'];

/** One instance of a call tree as treeRevisions reports it. */
export interface TreeMemberRevision {
  id: string;
  revision: number;
  historyRows: number;
}

export type WaitKind = 'task' | 'message' | 'timer' | 'job' | 'call';

/**
 * The route a caller's action came by: the native `/api`, the Camunda 7 `/engine-rest`, the Camunda 8 `/v2`, or the
 * runtime API called in-process (the CLI, an embedding program, tests).
 */
export const CALLER_ROUTES = ['api', 'camunda7', 'camunda8', 'runtime'] as const;
export type CallerRoute = (typeof CALLER_ROUTES)[number];

/**
 * The route a history entry names: a caller's, or `engine` for what a step nobody called wrote (a timer, the
 * scheduler, a message expiring). No caller can send `engine`.
 */
export const ENGINE_ROUTE = 'engine';
export type HistoryRoute = CallerRoute | typeof ENGINE_ROUTE;

/** One thing an instance waits for: host-side index of a bpmn-engine wait state. */
export interface WaitRow {
  /** Stable across recoveries: derived from the instance id and the engine's executionId. */
  id: string;
  instanceId: string;
  rootId: string;
  businessKey: string | null;
  kind: WaitKind;
  elementId: string;
  executionId: string;
  name: string | null;
  candidateGroups: string[] | null;
  /** Tasks: the user the task is assigned to (Camunda's assignee), evaluated when the task was created. */
  assignee: string | null;
  /** Tasks: users the task is offered to besides its groups (Camunda's candidateUsers). */
  candidateUsers: string[] | null;
  /**
   * Tasks: who claimed it (Camunda's claim), and when; null while nobody has. A claim is the only write to these
   * columns: a later step of the instance keeps them (the wait's refresh leaves them alone).
   */
  claimedBy: string | null;
  claimedAt: string | null;
  messageName: string | null;
  messageId: string | null;
  correlationKey: string | null;
  dueAt: string | null; // timers
  jobType: string | null;
  jobRetries: number | null;
  /**
   * Jobs: whether a failure or an operator has set `jobRetries` (Camunda 7 shows a task's retries only then, and
   * its workers start their own count from none); false while they are the element's declared or default count.
   */
  jobRetriesSet: boolean;
  jobError: string | null;
  lockedBy: string | null;
  lockExpiresAt: string | null;
  childInstanceId: string | null; // calls
  variables: Record<string, unknown> | null; // job: variables handed to the worker
  createdAt: string;
}

export interface HistoryRow {
  seq?: number;
  instanceId: string;
  at: string;
  actor: string | null;
  event: string; // e.g. element.entered, element.left, task.completed, instance.started
  elementId: string | null;
  elementType: string | null;
  /** The wait (task, job, subscription) this row concerns, if any. */
  waitId: string | null;
  data: Record<string, unknown> | null;
  /**
   * The route of the caller whose step wrote the entry (their own entry and what the engine wrote in that step), or
   * `engine` for a step nobody called; undefined until the step names it (step-caller.ts), null for none known
   * (entries written before schema 14, a message received before it).
   */
  via?: HistoryRoute | null;
}

/** Some history entries of an instance: those of one event (or of any of several), and by one actor when given. */
export interface HistoryEventFilter {
  event: string | readonly string[];
  actor?: string;
}

/**
 * The events of the refused attempts a history keeps (engine/runtime/refused-attempts.ts): every one ends in
 * `.refused`, which is what the partial index over them (migration 17) is built on.
 */
export const REFUSED_EVENTS = ['task.refused', 'job.refused', 'message.refused', 'change.refused', 'cancel.refused', 'incident.refused', 'start.refused', 'entry.refused'] as const;
export type RefusedEvent = (typeof REFUSED_EVENTS)[number];

/** A page of the refused attempts of every instance (GET /api/audit/refused), newest first, then by seq. */
export interface RefusedFilter {
  event?: RefusedEvent;
  actor?: string;
  /** `data.reason`, the refusal's word. */
  reason?: string;
  /** The order's number: the business key of the instance's root (a root's own). */
  businessKey?: string;
  /** At or after this instant. */
  since?: string;
  /** Before this instant. */
  until?: string;
  /** Entries after this one in the list order: `createdAt` is its `at`, `id` its seq as decimal text. */
  after?: PageAfter;
  limit: number;
}

/** A refused attempt with what the list says of its instance. */
export interface RefusedRow extends HistoryRow {
  seq: number;
  /** The order's number (see RefusedFilter.businessKey); null when the root was started without one. */
  businessKey: string | null;
  processKey: string;
  /** The version of `processKey` the instance runs: where the entry's element is named. */
  processVersion: number;
}

export interface IdempotencyRow {
  scope: string; // e.g. "order", "start:<key>"
  /**
   * Who sent the key (the authenticated user; '' for a start that names none): the same key from
   * another caller is another request. Rows from before migration 15 carry their instance's starter.
   */
  caller: string;
  key: string;
  requestHash: string;
  instanceId: string;
  createdAt: string;
}

/** A received message: kept while buffered, and until it expires so that its messageId stays unique. */
export type MessageState = 'received' | 'buffered' | 'delivered';

export interface MessageRow {
  /** The message key, given to the publisher. */
  id: string;
  /** The publisher's id: unique per name and correlation key while the message is kept. */
  messageId: string | null;
  name: string;
  correlationKey: string;
  variables: Record<string, unknown>;
  /** The order (root instance) it arrived for, when known. */
  rootId: string | null;
  /** 'received' while its own step runs; only 'buffered' messages are delivered later. */
  state: MessageState;
  receivedBy: string | null;
  /** The route it came by; null for the engine's own messages and those received before schema 14. */
  receivedVia: CallerRoute | null;
  receivedAt: string;
  expiresAt: string;
  deliveredTo: string | null;
  deliveredAt: string | null;
}

/** The buffered messages of one name and correlation key that have not expired yet. */
export interface BufferedMessages {
  name: string;
  correlationKey: string;
  count: number;
  /** When the last of them expires. */
  lastExpiresAt: string;
}

export type IncidentKind = 'step' | 'job';
export type IncidentResolution = 'retried' | 'cancelled';

/** Why an instance failed, with what a retry needs: the failing action and the state before it. */
export interface IncidentRow {
  id: string;
  /** Insertion order: the cursor of incident listings. */
  seq?: number;
  instanceId: string;
  rootId: string;
  processKey: string;
  businessKey: string | null;
  elementId: string | null;
  message: string;
  /** What the runtime refused, as the instance's incident keeps it (migration 10); null where it does not know. */
  reason: IncidentReason | null;
  kind: IncidentKind;
  /** The child's incident that made this instance fail (a failed call activity). */
  causeId: string | null;
  /** Job incidents: the job that ran out of retries. */
  waitId: string | null;
  /** Step incidents: the action that failed (a StepAction); null for other incidents, as stateBefore (`unknown` includes null). */
  action: unknown;
  stateBefore: unknown;
  variablesBefore: Record<string, unknown>;
  waitsBefore: WaitRow[];
  createdAt: string;
  resolvedAt: string | null;
  resolvedBy: string | null;
  resolution: IncidentResolution | null;
}

/** What the incidents of a listing or a count match. */
export interface IncidentMatch {
  /** Only incidents not yet resolved. */
  open?: boolean;
  /** Only resolved incidents. */
  resolved?: boolean;
  kind?: IncidentKind;
  processKey?: string;
  businessKey?: string;
  instanceId?: string;
  /** Only incidents at this element (Camunda 7's activityId filter). */
  elementId?: string;
  /** Incidents of any of these instances (an instance and those it called). */
  instanceIds?: string[];
  rootId?: string;
  causeId?: string;
  /** Only incidents whose reason is of one of `kinds`, or (`orNone`) that have no reason. */
  reasonKinds?: { kinds: IncidentReasonKind[]; orNone?: boolean };
}

/** A page of the incidents a match selects. */
export interface IncidentFilter extends IncidentMatch {
  /** By seq (the order they were recorded) unless given; by id for Camunda 8's sort by incidentKey. */
  order?: { by: 'seq' | 'id'; descending: boolean };
  /** Incidents after this seq in the order (the cursor of a seq order). */
  afterSeq?: number;
  /** Incidents after this id in the order (the cursor of an id order). */
  afterId?: string;
  limit?: number;
  /**
   * Incidents to skip (after the cursor, when both are given), skipped by the database: an offset page (Camunda 7's
   * firstResult, Camunda 8's page.from) reads only the rows it answers, never the skipped ones with what each kept.
   */
  offset?: number;
}

/**
 * A change to a running order (POST /api/orders/{orderNo}/changes). `open` and
 * `acknowledged` changes are open: the order's jobs are not handed out.
 */
export type OrderChangeStatus = 'open' | 'acknowledged' | 'accepted' | 'approved' | 'rejected' | 'lapsed';

export interface OrderChangeRow {
  orderNo: string;
  changeId: string;
  /** 1, 2, … per order, in the order the changes were requested. */
  seq: number;
  description: string;
  /** The new amount as decimal text in the order's currency, or null when the amount stays. */
  amount: string | null;
  /** The new amount converted to the reporting currency (decimal text), or null. */
  reportingAmount: string | null;
  status: OrderChangeStatus;
  /** Hash of the request: the same changeId with another body is refused. */
  requestHash: string;
  requestedBy: string | null;
  requestedAt: string;
  settledAt: string | null;
}

/** One entered order: its number is unique, whatever route tried to reuse it. */
export interface OrderRow {
  orderNo: string;
  processKey: string;
  /** The root instance the order started. */
  instanceId: string;
  /** The order as entered (orderNo, customer, amount, currency, paymentTerms, specialChange). */
  order: Record<string, unknown>;
  /** Decimal text with the currency's minor units, e.g. "500000.00", "600000" (JPY). */
  amount: string;
  currency: string;
  /** Converted and rounded to the reporting currency's minor units. */
  reportingAmount: string;
  reportingCurrency: string;
  /** Units of the reporting currency for one unit of `currency`, as decimal text. */
  exchangeRate: string;
  /** YYYY-MM-DD: the day the rate applies from. */
  rateDate: string;
  enteredBy: string | null;
  enteredAt: string;
}

/** A page of orders, newest entered first, then by order number. */
export interface OrderFilter {
  /** `customer.name` as entered, exactly. */
  customerName?: string;
  /** Entered at or after this instant. */
  from?: string;
  /** Entered before this instant. */
  to?: string;
  /** Only orders whose root instance has one of these statuses. */
  rootStatuses?: InstanceStatus[];
  /** Orders after this one in the list order; `id` is the order number. */
  after?: PageAfter;
  limit: number;
}

export interface InstanceFilter {
  processKey?: string;
  businessKey?: string;
  status?: InstanceStatus;
  /** The instances of one call tree: the root and everything it called. */
  rootId?: string;
  /** The instances of several call trees at once (replay reads a page of orders in one query). */
  rootIds?: string[];
  /** The instances of several orders at once (four eyes over a page of tasks: task-four-eyes.ts). */
  businessKeys?: string[];
  rootOnly?: boolean;
  limit?: number;
  offset?: number;
  /** Only rows after this one in the list order (keyset pagination, see page-cursor.ts). */
  after?: PageAfter;
}

/**
 * Whose own task list a query reads (WaitFilter.inListOf, TaskQuery.inListOf): the person's name and the groups they
 * are in (their token's groups).
 */
export interface TaskListOwner {
  name: string;
  groups: readonly string[];
}

export interface WaitFilter {
  kind?: WaitKind;
  /** Only this wait (its id): whether one task matches the other filters. */
  id?: string;
  instanceId?: string;
  rootId?: string;
  /** The waits of several call trees at once. */
  rootIds?: string[];
  businessKey?: string;
  candidateGroup?: string;
  /** Only tasks offered to any of these groups: beside `inListOf` alone, one part per group of theirs among them. */
  candidateGroups?: string[];
  /** Tasks offered to this user by name (Camunda's candidateUsers), claimed or not. */
  candidateUser?: string;
  /** Tasks assigned to this user: by the diagram (`assignee`) or by a claim (`claimedBy`). */
  assignee?: string;
  /** Only tasks nobody claimed, or this user did (a claimed task leaves the other candidates' lists). */
  unclaimedOrClaimedBy?: string;
  /** Only tasks someone holds (true: claimed, or assigned by the diagram) or only those nobody holds (false). */
  assigned?: boolean;
  /**
   * Only tasks in this person's own list (filters.ts, listBranches): offered to one of their groups, or to them by
   * name (candidate users), and claimed by nobody or by them; or held by them (claimed by them, or assigned to them
   * and claimed by nobody). With `candidateGroup`, only that group's (when it is one of theirs) claimed by nobody or
   * by them: neither those offered by name nor those they hold otherwise. With an `assignee` naming someone else,
   * none of those they hold. With `candidateUser`, their own name, only what is offered to them by name; someone
   * else's finds nothing. The other filters narrow every part; `unclaimedOrClaimedBy`, which it sets itself, is
   * refused beside it (invalid).
   */
  inListOf?: TaskListOwner;
  /** Only waits at this BPMN element. */
  elementId?: string;
  /** Only waits whose own instance runs this process (its `process_key`). */
  processKey?: string;
  messageName?: string;
  correlationKey?: string;
  /** Only waits a failed instance (their own or a caller) holds (true), or only the others (false): caller-chain.ts. */
  held?: boolean;
  /** At most this many rows. */
  limit?: number;
  /** Only rows after this one in the list order (createdAt, then id). */
  after?: PageAfter;
}

/** A filter to count by: a count has no page. */
export type WaitCountFilter = Omit<WaitFilter, 'limit' | 'after'>;

/** An order state change, as the outbox keeps it: `payload` is the CloudEvent (JSON text) sent and served as is. */
export interface OrderEventRow {
  /** Commit order: numbered under a lock, so a reader never sees n+1 before n. */
  seq: number;
  id: string;
  orderNo: string;
  type: string;
  status: string;
  at: string;
  payload: string;
}

export interface OrderEventFilter {
  after: number;
  limit: number;
  orderNo?: string;
  type?: string;
}

export interface SubscriptionRow {
  id: string;
  url: string;
  /** Standard Webhooks secret (`whsec_` + base64). */
  secret: string;
  /** The secret it replaced, also signed with until `previousSecretUntil` (a grace period for receivers); null when none. */
  previousSecret: string | null;
  previousSecretUntil: string | null;
  /** Event types delivered; empty: all. */
  types: string[];
  source: 'api' | 'config';
  /** The last event number fanned out into deliveries. */
  cursor: number;
  createdAt: string;
  createdBy: string | null;
}

/** One change of a webhook subscription, as the audit keeps it; `data` is JSON text (never a secret). */
export interface SubscriptionChangeRow {
  seq: number;
  subscriptionId: string;
  at: string;
  actor: string | null;
  action: 'created' | 'replaced' | 'deleted' | 'refused';
  source: 'api' | 'config';
  data: string;
}

type WebhookDeliveryStatus = 'pending' | 'delivered' | 'dead';

export interface WebhookDeliveryRow {
  id: string;
  subscriptionId: string;
  eventSeq: number;
  /** Of the event (read with the delivery; not written by insertDelivery). */
  eventId: string;
  eventType: string;
  orderNo: string;
  status: WebhookDeliveryStatus;
  attempts: number;
  nextAttemptAt: string;
  /** A failed attempt at or after this instant is the last: the delivery is dead-lettered. */
  deadAfter: string;
  leaseOwner: string | null;
  leaseUntil: string | null;
  lastStatus: number | null;
  lastError: string | null;
  createdAt: string;
  deliveredAt: string | null;
}

/** A leased delivery with what it takes to send it. */
export interface WebhookClaim extends WebhookDeliveryRow {
  url: string;
  secret: string;
  /** Signed with too while the clock is before `previousSecretUntil`. */
  previousSecret: string | null;
  previousSecretUntil: string | null;
  payload: string;
}

export interface WebhookAttemptRow {
  seq: number;
  deliveryId: string;
  at: string;
  durationMs: number;
  statusCode: number | null;
  error: string | null;
}

export interface DeliveryFilter {
  subscriptionId?: string;
  status?: WebhookDeliveryStatus;
  /** Only deliveries of later events. */
  after?: number;
  limit: number;
}

/** The outbox of order events and the webhook deliveries fed from it (engine/store/outbox-rows.ts). */
export interface OutboxTx {
  lockOutbox(): Promise<void>;
  /** Taken first by every change of subscriptions, so each reads the state the one before it left (PostgreSQL; SQLite writers run one at a time). */
  lockSubscriptionChanges(): Promise<void>;
  lastOrderStatus(orderNo: string): Promise<string | null>;
  insertOrderEvent(row: Omit<OrderEventRow, 'seq'>): Promise<number>;
  findOrderEvents(filter: OrderEventFilter): Promise<OrderEventRow[]>;
  latestEventSeq(): Promise<number>;
  saveSubscription(row: SubscriptionRow): Promise<void>;
  getSubscription(id: string): Promise<SubscriptionRow | undefined>;
  /** With `lock`, the rows another server is fanning out are skipped (PostgreSQL). */
  listSubscriptions(options?: { lock?: boolean }): Promise<SubscriptionRow[]>;
  deleteSubscription(id: string): Promise<boolean>;
  appendSubscriptionChange(row: Omit<SubscriptionChangeRow, 'seq'>): Promise<void>;
  /** A subscription's changes, oldest first, after `after` (a seq), at most `limit`. */
  subscriptionChanges(filter: { subscriptionId: string; after: number; limit: number }): Promise<SubscriptionChangeRow[]>;
  setSubscriptionCursor(id: string, cursor: number): Promise<void>;
  insertDelivery(row: Omit<WebhookDeliveryRow, 'eventId' | 'eventType'>): Promise<void>;
  claimDeliveries(now: string, owner: string, leaseUntil: string, limit: number): Promise<WebhookClaim[]>;
  finishAttempt(
    attempt: Omit<WebhookAttemptRow, 'seq'>,
    outcome: { owner: string; status: WebhookDeliveryStatus; nextAttemptAt: string; at: string },
  ): Promise<boolean>;
  getDelivery(id: string): Promise<WebhookDeliveryRow | undefined>;
  findDeliveries(filter: DeliveryFilter): Promise<WebhookDeliveryRow[]>;
  attemptsOf(deliveryIds: string[]): Promise<WebhookAttemptRow[]>;
  redeliver(id: string, now: string, deadAfter: string): Promise<boolean>;
  /**
   * Removes up to `limit` deliveries delivered before `before` with their attempts, then the events
   * older than `before` that no delivery row needs any more, every subscription has fanned out, and
   * that are not their order's latest (the next event's `previousStatus`). Never a pending or dead delivery.
   */
  pruneDelivered(before: string, limit: number): Promise<{ deliveries: number; attempts: number; events: number }>;
  /** Removes up to `limit` dead letters that died before `before`, with their attempts. Never a pending or delivered delivery. */
  pruneDead(before: string, limit: number): Promise<{ deliveries: number; attempts: number }>;
}

/**
 * A write that finds its row already there (a duplicate key of any insert, a wait id another instance holds)
 * throws a `lostRace` conflict (errors.ts): another transaction inserted it first, and a retry reads it.
 */
export interface StoreTx {
  /** Order events and webhook deliveries. */
  readonly outbox: OutboxTx;
  // process library
  /**
   * Holds the library's lock until the transaction ends, so that two deployments never both find the library they
   * were linted against and both store: the later one reads the earlier one's versions (PostgreSQL: a transaction
   * advisory lock per schema; SQLite: writers already run one at a time).
   */
  lockLibrary(): Promise<void>;
  insertVersion(row: ProcessVersionRow): Promise<void>;
  getVersion(key: string, version: number): Promise<ProcessVersionRow | undefined>;
  latestVersion(key: string): Promise<ProcessVersionRow | undefined>;
  /** The latest version number of a key, without its XML (a step that starts an instance needs only that). */
  latestVersionNumber(key: string): Promise<number | undefined>;
  /** Latest version of every key, ordered by key. */
  latestVersions(): Promise<ProcessVersionRow[]>;
  /** The latest version of every key, ordered by key, with its calls only: the call graph as it stands, without the XML. */
  latestCalls(): Promise<VersionCalls[]>;
  /** The keys that any version of another process calls or called, in byte order: everything the library ever called. */
  everCalledKeys(): Promise<string[]>;
  /** All versions of a key, oldest first. */
  versionsOf(key: string): Promise<ProcessVersionRow[]>;

  // decisions (DMN), versioned per decision id
  /** Throws StratumError conflict when that version of the decision exists. */
  insertDecisionVersion(row: DecisionVersionRow): Promise<void>;
  getDecisionVersion(decisionId: string, version: number): Promise<DecisionVersionRow | undefined>;
  /** Latest version of every decision, ordered by decision id. */
  latestDecisionVersions(): Promise<DecisionVersionRow[]>;
  /** All versions of a decision, oldest first. */
  decisionVersionsOf(decisionId: string): Promise<DecisionVersionRow[]>;
  /** The process and decision versions one deployment stored, by key and id (none for an unknown id). */
  deploymentVersions(deploymentId: string): Promise<{ processes: ProcessVersionRow[]; decisions: DecisionVersionRow[] }>;

  // instances
  insertInstance(row: InstanceRow): Promise<void>;
  /** With `lock`, the row stays locked (FOR NO KEY UPDATE) until the transaction ends; ignored inside `read()`. */
  getInstance(id: string, options?: { lock?: boolean }): Promise<InstanceRow | undefined>;
  /**
   * Writes `row` if its stored revision is `row.revision - 1`; false when someone else won. Writes what a
   * step changes (status, state, variables, incident, revision, updatedAt, endedAt); the rest is fixed at insert.
   */
  updateInstance(row: InstanceRow): Promise<boolean>;
  /** Ordered by createdAt descending, then id ascending. */
  findInstances(filter: InstanceFilter): Promise<InstanceRow[]>;
  countInstances(filter: InstanceFilter): Promise<number>;
  childrenOf(parentId: string): Promise<InstanceRow[]>;
  /**
   * The nearest caller of instance `id` (its parent, that one's, …, up to 100 levels) that has failed, in one
   * query; undefined when none has (or the chain breaks). Not locked.
   */
  failedCallerOf(id: string): Promise<InstanceRow | undefined>;
  /**
   * Every instance of one call tree with its revision and how many history rows it has: what changes
   * with every write a view shows (the view cache's check, engine/runtime/tree-views.ts).
   */
  treeRevisions(rootId: string): Promise<TreeMemberRevision[]>;

  // waits (tasks, subscriptions, timers, jobs, calls)
  /** Replaces the waits of one instance: rows kept by id are updated, others inserted or deleted. */
  replaceWaits(instanceId: string, waits: WaitRow[]): Promise<void>;
  /** `lock` as for getInstance. */
  getWait(id: string, options?: { lock?: boolean }): Promise<WaitRow | undefined>;
  /** Ordered by createdAt, then id. */
  findWaits(filter: WaitFilter): Promise<WaitRow[]>;
  /** How many waits findWaits finds with the same filter, no limit and no `after`, counted without reading them. */
  countWaits(filter: WaitCountFilter): Promise<number>;
  /** Throws StratumError not-found when the wait is gone. */
  updateWait(row: WaitRow): Promise<void>;
  /**
   * Timers with dueAt <= now, oldest first; claimed with SKIP LOCKED only inside
   * `transaction()`. The runtime re-reads each under its instance lock, so two
   * processes never fire one timer twice.
   */
  dueTimers(now: string, limit: number): Promise<WaitRow[]>;
  /**
   * Locks up to `max` jobs of `type` that are unlocked or whose lock expired
   * (`lockExpiresAt < now`, strictly) and that still have retries, for
   * `workerId` until `lockExpiresAt`.
   */
  lockJobs(type: string, workerId: string, now: string, lockExpiresAt: string, max: number, businessKey?: string): Promise<WaitRow[]>;
  /**
   * Locks the job `job` for `workerId` until `lockExpiresAt` on lockJobs's terms, with one exception: a lock `workerId`
   * holds itself is renewed. Undefined when lockJobs would not hand the job out now (locked by another worker, waiting
   * for its retry, no retries left, held by an open change, named by an open incident, of or under a failed instance).
   */
  lockJob(job: Pick<WaitRow, 'id' | 'jobType'>, workerId: string, now: string, lockExpiresAt: string): Promise<WaitRow | undefined>;

  // history (append-only)
  /** Appends in the given order; resolves with the rows' seq, in that order. */
  appendHistory(rows: HistoryRow[]): Promise<number[]>;
  /** The history of these instances in order; with `only`, just the entries of that event or those events (and actor). */
  historyOf(instanceIds: string[], only?: HistoryEventFilter): Promise<HistoryRow[]>;
  /** Finds the history row of a completed task (to tell "no longer open" from "unknown"). */
  findTaskCompletion(waitId: string): Promise<HistoryRow | undefined>;
  /** The refused attempts of every instance a filter selects, newest first, then by seq (refused-filter.ts). */
  findRefused(filter: RefusedFilter): Promise<RefusedRow[]>;

  // messages (buffer and messageId uniqueness)
  /** False when a kept message has the same name, correlation key and messageId. */
  insertMessage(row: MessageRow): Promise<boolean>;
  /** The kept message with this name, correlation key and messageId (expired or not). */
  findMessageById(name: string, correlationKey: string, messageId: string): Promise<MessageRow | undefined>;
  /** Writes state, rootId, expiresAt and delivery; throws not-found when the message is gone. */
  updateMessage(row: MessageRow): Promise<void>;
  deleteMessage(id: string): Promise<void>;
  /**
   * Serialises the steps about one (name, correlation key) until the transaction
   * ends: a message arriving and a step opening its catch see each other's
   * writes. PostgreSQL: an advisory transaction lock; SQLite: its write lock.
   */
  lockCorrelation(name: string, correlationKey: string): Promise<void>;
  /**
   * The oldest buffered message for (name, correlation key) that has not expired at `now`; with `receivedSince`,
   * the oldest received at or after it.
   */
  oldestBufferedMessage(name: string, correlationKey: string, now: string, receivedSince?: string | null): Promise<MessageRow | undefined>;
  /**
   * Per (name, correlation key), for the names of `names`, the buffered messages that have not expired at `now`, in
   * no particular order: one query for all names (the impact report counts what a change leaves uncaught).
   */
  bufferedMessages(names: readonly string[], now: string): Promise<BufferedMessages[]>;
  /** Messages with expiresAt <= now, oldest first; claimed with SKIP LOCKED inside `transaction()`. */
  expiredMessages(now: string, limit: number): Promise<MessageRow[]>;

  // incidents
  insertIncident(row: IncidentRow): Promise<void>;
  getIncident(id: string): Promise<IncidentRow | undefined>;
  /** Ordered by seq (oldest first). */
  findIncidents(filter: IncidentFilter): Promise<IncidentRow[]>;
  /** How many incidents match: as many as findIncidents finds with the same conditions and no limit. */
  countIncidents(match: IncidentMatch): Promise<number>;
  /** Closes an open incident; false when it was already resolved (or does not exist). */
  resolveIncident(id: string, resolution: { resolvedAt: string; resolvedBy: string | null; resolution: IncidentResolution }): Promise<boolean>;

  // idempotency
  getIdempotency(scope: string, caller: string, key: string): Promise<IdempotencyRow | undefined>;
  insertIdempotency(row: IdempotencyRow): Promise<void>;

  // orders
  /** Throws StratumError conflict when the order number is taken (the table's primary key). */
  insertOrder(row: OrderRow): Promise<void>;
  getOrder(orderNo: string): Promise<OrderRow | undefined>;
  /** Ordered by enteredAt descending, then orderNo ascending (keyset pages, see page-cursor.ts). */
  findOrders(filter: OrderFilter): Promise<OrderRow[]>;
  /**
   * Holds a lock on a business key until the transaction ends, so that an order
   * entry and a start under the same key never both pass their checks
   * (PostgreSQL: a transaction advisory lock; SQLite: writers already run one at a time).
   */
  lockBusinessKey(businessKey: string): Promise<void>;
  /**
   * Holds a lock on an instance's refused attempts until the transaction ends, so that two refusals of one person
   * never both count nine kept and both append (refused-attempts.ts keeps ten at most). PostgreSQL: a transaction
   * advisory lock; SQLite: writers already run one at a time. Taken last, by transactions that only keep a refusal.
   */
  lockRefusedAttempts(instanceId: string): Promise<void>;

  // changes to running orders
  /** Throws StratumError conflict when the order already has a change with this changeId. */
  insertOrderChange(row: OrderChangeRow): Promise<void>;
  /** The order's changes, in the order they were requested (seq). */
  orderChanges(orderNo: string): Promise<OrderChangeRow[]>;
  /**
   * Sets a change's status and settledAt. A settling status (not open or acknowledged) releases the order's jobs
   * once no other change of the order is open: the fetchable ones are announced after the commit (watchJobs).
   */
  updateOrderChange(row: OrderChangeRow): Promise<void>;
}

/** A store's schema version before and after `migrate`: `from` 0 is a new store; equal, nothing was done. */
export interface SchemaChange {
  from: number;
  to: number;
}

export interface Store {
  readonly kind: 'sqlite' | 'postgres';
  /**
   * Creates or upgrades the schema, in one transaction; idempotent. Says what it found and left, read under its
   * lock: of several processes migrating at once, only the one that did the work sees `from` below `to`.
   * A schema newer than this build knows is refused (NewerStoreError) and left untouched.
   */
  migrate(): Promise<SchemaChange>;
  /**
   * Runs `work` in one database transaction: all of it commits, or none of it.
   * Transactions never interleave on one connection. A deadlock or serialization
   * failure rolls it back with a `lostRace` conflict (PostgreSQL).
   */
  transaction<T>(work: (tx: StoreTx) => Promise<T>): Promise<T>;
  /** Reads outside an explicit transaction (still a consistent snapshot per call). */
  read<T>(work: (tx: StoreTx) => Promise<T>): Promise<T>;
  /**
   * Calls `listener` with a job type each time a committed transaction made a
   * job of that type fetchable (created, failed with retries left, unlocked,
   * freed by an incident's retry or by the settlement of an order change).
   * SQLite: transactions of this store object; PostgreSQL: of every server on
   * the database (LISTEN/NOTIFY). Resolves with the unsubscribe. `missed` is
   * called when announcements may have been lost (PostgreSQL: the LISTEN
   * connection ended and was opened again): whoever waits should look again.
   */
  watchJobs(listener: (jobType: string) => void, missed?: () => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
  /**
   * The JSON text a read gives back for `value` written to a JSON column: JSON.stringify's, except
   * that PostgreSQL's jsonb orders object keys (shorter first, then by bytes). The view cache keeps it.
   */
  storedJson(value: unknown): string;
  /** How a replay worker process opens its own connection to the same database, to read; undefined when it cannot (an in-memory database). */
  replica?(): StoreReplica | undefined;
  /**
   * An engine state a transaction is about to store, handed over beforehand
   * (a step's speculation computed it outside the write lock): a store that
   * encodes states (SQLite deflates them) may do that work now, so the write
   * transaction finds it done.
   */
  prepareState?(state: unknown): void;
  /** SQLite: what its background WAL checkpointer did (undefined without one); /metrics shows it. */
  walCheckpoints?(): WalCheckpointStats | undefined;
}

/** Plain data (it is sent to a replay worker process): the SQLite file's folder, or the PostgreSQL pool configuration. */
export type StoreReplica =
  | { kind: 'sqlite'; dataDir: string; busyTimeoutMs: number }
  | { kind: 'postgres'; config: Record<string, unknown> };
