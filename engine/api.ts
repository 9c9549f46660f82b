// The engine's public, typed API: what the server, the CLI and the tests call.
// Everything else under engine/ is internal. See docs/engine.md.
import type { EventEmitter } from 'node:events';
import type { Finding } from './errors.js';
import type { PageAfter } from './store/page-cursor.js';
import type { InstanceStatus, Store, WaitKind } from './store/types.js';

export type { Finding, InstanceStatus, PageAfter, WaitKind };

export interface BpmnFile {
  /** File name, used in findings. */
  name: string;
  xml: string;
}

export interface DeployOptions {
  user: string;
  note?: string;
}

export interface DeployResult {
  deploymentId: string;
  deployed: { key: string; version: number; changed: boolean }[];
  warnings: Finding[];
}

export interface ProcessSummary {
  key: string;
  name: string | null;
  latestVersion: number;
  /** 1 for a root of the call graph, n+1 for a process called from level n. */
  level: number;
  calls: string[];
  calledBy: string[];
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
}

export interface HistoryEntry {
  at: string;
  instanceId: string;
  event: string;
  actor: string | null;
  elementId: string | null;
  elementType: string | null;
  data: Record<string, unknown> | null;
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
  incident: { elementId: string | null; message: string } | null;
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
  createdAt: string;
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
  retries: number;
  lockExpiresAt: string;
}

export interface StartOptions {
  businessKey?: string;
  variables?: Record<string, unknown>;
  user?: string;
  /** A retry with the same key and the same request returns the first instance. */
  idempotency?: { scope: string; key: string; requestHash: string };
}

export interface Actor {
  name: string;
  groups: string[];
}

export interface MessageResult {
  /** The root instances the message moved on, as they are now. */
  reached: InstanceView[];
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
  candidateGroup?: string;
  businessKey?: string;
  instanceId?: string;
  /** At most this many tasks, oldest first. */
  limit?: number;
  /** Only tasks after this one (keyset page). */
  after?: PageAfter;
}

export interface Library {
  /** Deploys files together (they may call each other). Throws StratumError('invalid') with findings. */
  deploy(files: BpmnFile[], options: DeployOptions): Promise<DeployResult>;
  /** Findings for files against the deployed library, without deploying. */
  validate(files: BpmnFile[]): Promise<Finding[]>;
  list(): Promise<ProcessSummary[]>;
  get(key: string): Promise<ProcessDetail | undefined>;
  xml(key: string, version?: number): Promise<string | undefined>;
}

export interface Runtime {
  start(processKey: string, options?: StartOptions): Promise<{ instance: InstanceView; created: boolean }>;
  getInstance(id: string): Promise<InstanceView | undefined>;
  findInstances(query: InstanceQuery): Promise<{ items: InstanceSummary[]; total: number }>;
  cancel(instanceId: string, actor: Actor): Promise<InstanceView>;

  findTasks(query: TaskQuery): Promise<TaskView[]>;
  getTask(taskId: string): Promise<TaskView | undefined>;
  /** 404 unknown task, 409 no longer open, 403 actor in none of its candidate groups. */
  completeTask(taskId: string, variables: Record<string, unknown>, actor: Actor): Promise<InstanceView>;

  fetchAndLockJobs(request: { type: string; workerId: string; lockMs?: number; max?: number }): Promise<JobView[]>;
  completeJob(jobId: string, variables: Record<string, unknown>, workerId?: string): Promise<InstanceView>;
  /** Retries > 0 makes the job fetchable again; 0 raises an incident (instance failed). */
  failJob(jobId: string, failure: { message: string; retries: number; workerId?: string }): Promise<InstanceView>;
  /**
   * The worker reports a business error (Camunda's "throw BPMN error"): an error
   * boundary event with this errorCode on the job's element catches it; uncaught, the instance fails.
   */
  throwJobError(jobId: string, thrown: { errorCode: string; message?: string; variables?: Record<string, unknown>; workerId?: string }): Promise<InstanceView>;

  /**
   * Moves every instance waiting for message `name` whose correlation key is
   * `businessKey` (the instance's business key, unless the message defines a
   * zeebe:subscription correlationKey). 404 when nothing waits.
   */
  correlateMessage(message: { name: string; businessKey: string; variables?: Record<string, unknown>; actor?: string }): Promise<MessageResult>;

  /** Fires every timer due by the runtime's clock; returns how many fired. */
  fireDueTimers(): Promise<number>;
}

export interface Clock {
  now(): Date;
}

export interface StratumOptions {
  store: Store;
  /** Injectable for tests: timers fire by this clock. */
  clock?: Clock;
  /** How often the scheduler looks for due timers and expired job locks (ms). */
  schedulerIntervalMs?: number;
}

/** Emitted as `step` on `Stratum.events` after every committed or failed runtime step. */
export interface StepEvent {
  action: 'start' | 'complete-task' | 'complete-job' | 'fail-job' | 'message' | 'timer' | 'cancel' | 'call-return';
  processKey: string;
  durationMs: number;
  outcome: 'ok' | 'conflict' | 'error';
}

export interface Stratum {
  library: Library;
  runtime: Runtime;
  events: EventEmitter;
  /** Starts firing due timers in the background (the server calls this; tests call runtime.fireDueTimers()). */
  startScheduler(): void;
  /** Stops the scheduler and closes the store. */
  close(): Promise<void>;
}
