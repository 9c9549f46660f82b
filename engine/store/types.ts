import type { PageAfter } from './page-cursor.js';

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
  /** bpmn-engine state without the embedded source (null once ended). */
  state: unknown | null;
  variables: Record<string, unknown>;
  incident: { elementId: string | null; message: string } | null;
  /** Optimistic-lock counter, +1 on every update. */
  revision: number;
  startedBy: string | null;
  createdAt: string;
  updatedAt: string;
  endedAt: string | null;
}

export type WaitKind = 'task' | 'message' | 'timer' | 'job' | 'call';

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
  messageName: string | null;
  messageId: string | null;
  correlationKey: string | null;
  dueAt: string | null; // timers
  jobType: string | null;
  jobRetries: number | null;
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
}

export interface IdempotencyRow {
  scope: string; // e.g. "order", "start:<key>"
  key: string;
  requestHash: string;
  instanceId: string;
  createdAt: string;
}

export interface InstanceFilter {
  processKey?: string;
  businessKey?: string;
  status?: InstanceStatus;
  /** The instances of one call tree: the root and everything it called. */
  rootId?: string;
  rootOnly?: boolean;
  limit?: number;
  offset?: number;
  /** Only rows after this one in the list order (keyset pagination, see page-cursor.ts). */
  after?: PageAfter;
}

export interface WaitFilter {
  kind?: WaitKind;
  instanceId?: string;
  rootId?: string;
  businessKey?: string;
  candidateGroup?: string;
  messageName?: string;
  correlationKey?: string;
  /** At most this many rows. */
  limit?: number;
  /** Only rows after this one in the list order (createdAt, then id). */
  after?: PageAfter;
}

export interface StoreTx {
  // process library
  insertVersion(row: ProcessVersionRow): Promise<void>;
  getVersion(key: string, version: number): Promise<ProcessVersionRow | undefined>;
  latestVersion(key: string): Promise<ProcessVersionRow | undefined>;
  /** Latest version of every key, ordered by key. */
  latestVersions(): Promise<ProcessVersionRow[]>;
  /** All versions of a key, oldest first. */
  versionsOf(key: string): Promise<ProcessVersionRow[]>;

  // instances
  insertInstance(row: InstanceRow): Promise<void>;
  /** With `lock`, the row stays locked (FOR NO KEY UPDATE) until the transaction ends; ignored inside `read()`. */
  getInstance(id: string, options?: { lock?: boolean }): Promise<InstanceRow | undefined>;
  /** Writes `row` if its stored revision is `row.revision - 1`; false when someone else won. */
  updateInstance(row: InstanceRow): Promise<boolean>;
  /** Ordered by createdAt descending, then id ascending. */
  findInstances(filter: InstanceFilter): Promise<InstanceRow[]>;
  countInstances(filter: InstanceFilter): Promise<number>;
  childrenOf(parentId: string): Promise<InstanceRow[]>;

  // waits (tasks, subscriptions, timers, jobs, calls)
  /** Replaces the waits of one instance: rows kept by id are updated, others inserted or deleted. */
  replaceWaits(instanceId: string, waits: WaitRow[]): Promise<void>;
  /** `lock` as for getInstance. */
  getWait(id: string, options?: { lock?: boolean }): Promise<WaitRow | undefined>;
  /** Ordered by createdAt, then id. */
  findWaits(filter: WaitFilter): Promise<WaitRow[]>;
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
  lockJobs(type: string, workerId: string, now: string, lockExpiresAt: string, max: number): Promise<WaitRow[]>;

  // history (append-only)
  appendHistory(rows: HistoryRow[]): Promise<void>;
  historyOf(instanceIds: string[]): Promise<HistoryRow[]>;
  /** Finds the history row of a completed task (to tell "no longer open" from "unknown"). */
  findTaskCompletion(waitId: string): Promise<HistoryRow | undefined>;

  // idempotency
  getIdempotency(scope: string, key: string): Promise<IdempotencyRow | undefined>;
  insertIdempotency(row: IdempotencyRow): Promise<void>;
}

export interface Store {
  readonly kind: 'sqlite' | 'postgres';
  /** Creates or upgrades the schema. Idempotent. */
  migrate(): Promise<void>;
  /**
   * Runs `work` in one database transaction: all of it commits, or none of it.
   * Transactions never interleave on one connection.
   */
  transaction<T>(work: (tx: StoreTx) => Promise<T>): Promise<T>;
  /** Reads outside an explicit transaction (still a consistent snapshot per call). */
  read<T>(work: (tx: StoreTx) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
