// What an impact analysis reports, as data: shapes of their own so engine/api.ts can name them
// without importing the analysis, which imports api.ts (and with it most of the engine).
import type { Finding } from '../errors.js';
import type { IncidentReason } from '../store/types.js';

export interface ImpactReport {
  processes: ProcessImpact[];
  /** The decisions of the change's .dmn files that would get a new version. */
  decisions: DecisionImpact[];
  replay: ReplayReport;
  /** Lint findings of the whole library as it would be after the change. */
  findings: Finding[];
  /**
   * Warnings: conditions of the library after the change (other processes, and the changed process's other
   * flows) that still compare a variable with a constant a changed condition moved (related-conditions.ts). Never blocking.
   */
  relatedConditions: RelatedCondition[];
  /**
   * Warnings: per message name whose catching elements the change alters (a catch added, removed or renamed to
   * another message, or correlated by another key), who catches it before and after, the library's own senders,
   * the running orders waiting for it, the messages buffered under it and what senders must do (message-catchers.ts).
   * Never blocking.
   */
  messages: MessageChange[];
  /** Some recorded order would block, or the library would not deploy. */
  blocking: boolean;
}

export interface ProcessImpact {
  key: string;
  /** The version deploying would create (unchanged XML: none). */
  version: number;
  /** The latest deployed version it is compared with (null for a new process). */
  previousVersion: number | null;
  diff: ProcessDiff;
  whereUsed: Caller[];
  runningOrders: RunningOrders;
}

export interface DecisionImpact {
  id: string;
  name: string | null;
  /** The version deploying would create. */
  version: number;
  /** The latest deployed version (null for a new decision). */
  previousVersion: number | null;
  /** The .dmn file of the change it is in. */
  fileName: string;
  /** Every process with a business rule task calling it (where-used.ts): their orders evaluate the new version. */
  whereUsed: Caller[];
  runningOrders: DecisionRunningOrders;
}

// a process's diff (process-diff.ts)

export interface ProcessDiff {
  key: string;
  /** Process-level properties that differ (name, four eyes, takes orders, version tag …). */
  process: PropertyChange[];
  elements: ElementChange[];
  /** Nothing that decides a route or a task differs (the XML may still differ in layout). */
  unchanged: boolean;
}

/** One property of an element as text, e.g. `condition: =reportingAmount > 500000`. */
export interface PropertyChange {
  property: string;
  before: string | null;
  after: string | null;
}

export interface ElementChange {
  elementId: string;
  type: string;
  name: string | null;
  change: 'added' | 'removed' | 'changed';
  /** For added and removed elements every property they have; for changed ones only those that differ. */
  properties: PropertyChange[];
}

// who calls it (where-used.ts)

export interface Caller {
  processKey: string;
  /** Deployed versions of the caller that call the process (running instances may be on any of them). */
  versions: number[];
  /** Whether the caller's latest version, after the change, still calls it. */
  latestCalls: boolean;
  /** The calling elements, over all those versions. */
  elements: { elementId: string; name: string | null; versions: number[] }[];
}

// the running orders it reaches (running-orders.ts)

export interface RunningOrders {
  /** Orders with an instance of the process running: they finish on the version they are on. */
  inside: { count: number; orders: { orderNo: string; version: number }[] };
  /** Orders with a call to the process ahead on their path from where they wait: they will start the new version. */
  willPickUp: { count: number; orders: string[] };
  /**
   * Orders that can reach a call to the process only through a change to the order (the order-change loop's
   * re-approval of a raise): they start the new version only if such a change is requested.
   */
  couldPickUpOnChange: { count: number; orders: string[] };
}

/**
 * The running orders a changed decision reaches. A business rule task evaluates the latest version of its
 * decision when it is reached (deployed-decisions.ts), so no running order is "inside" a decision's version.
 */
export interface DecisionRunningOrders {
  /** Orders that can still reach a business rule task calling the decision: it will evaluate the new version. */
  willEvaluate: { count: number; orders: OrderReachingDecision[] };
}

export interface OrderReachingDecision {
  orderNo: string;
  /** Where the order waits now, of its waits those from which it can reach such a task. */
  waitingAt: ProcessElement[];
  /** The business rule tasks calling the decision it can reach: in its own instances or in processes its calls will start. */
  reaches: ProcessElement[];
}

/** An element of a process: where an order waits, or a task it can reach. */
export interface ProcessElement {
  processKey: string;
  elementId: string;
  name: string | null;
}

// conditions that compare what a change moved (related-conditions.ts)

/** A sequence flow whose condition the report names, with the gateway (or other element) it leaves. */
export interface ConditionFlow {
  processKey: string;
  elementId: string;
  name: string | null;
  /** The element the flow leaves: a gateway, for the conditions a designer thinks of. */
  source: { elementId: string; name: string | null } | null;
}

/** A comparison of a changed condition whose constant (or whether the constant itself is included) the change moved. */
export interface MovedComparison {
  flow: ConditionFlow;
  variable: string;
  /** The comparison before and after, as written: `reportingAmount > 500000` → `reportingAmount > 400000`. */
  before: string;
  after: string;
  /** The constant before and after, as written: `500000` → `400000` (the same for `>` → `>=`). */
  constant: string;
  newConstant: string;
}

export interface RelatedCondition {
  /** Where it is: the process's latest version after the change. */
  flow: ConditionFlow;
  version: number;
  /** The flow's condition as written. */
  condition: string;
  /** The comparison in it that still has the old constant: `changeReportingAmount > 500000`. */
  comparison: string;
  /** The variable it compares: the changed one, or the name a call activity passes it under. */
  variable: string;
  changed: MovedComparison;
  /** e.g. sales-order-management "Approval tier raised?" still compares changeReportingAmount … with 500000, which this change moved to 400000 in … */
  message: string;
}

// messages whose catchers the change alters (message-catchers.ts)

/**
 * An element that catches a message: a message start event (also an event sub-process's), an intermediate or a
 * boundary catch event, a receive task.
 */
export interface MessageCatcher extends ProcessElement {
  /** The version of its process: the latest deployed one (`before`), or the latest after the change (`after`). */
  version: number;
  type: string;
  /** `zeebe:subscription correlationKey` as written; null: the instance's business key (the order number). */
  correlationKey: string | null;
}

/** An element of the library that sends a message: a message throw or end event, a send task (after the change). */
export interface MessageSender extends ProcessElement {
  version: number;
  type: string;
}

export interface MessageChange {
  /** The message's name, as senders send it (`POST /api/messages {name}`). */
  name: string;
  /** Its catchers in the library's latest deployed versions, and in the library after the change. */
  before: MessageCatcher[];
  after: MessageCatcher[];
  /** The library's own elements that send it, after the change. */
  senders: MessageSender[];
  /** Running orders waiting for it now, on the versions they run: what senders still reach, whatever the change. */
  waiting: { count: number; orders: string[] };
  /**
   * Messages of the name published and buffered now, not yet correlated (each counted until it expires): a catch the
   * change takes away from the name takes them only in the instances already running.
   */
  buffered: BufferedUnderName;
  /** For people: what the change does to the message, and what senders must do (message-change-words.ts). */
  message: string;
}

/** A name's buffered messages: how many, and per correlation key (the order number they were sent for). */
export interface BufferedUnderName {
  count: number;
  keys: { correlationKey: string; count: number; lastExpiresAt: string }[];
}

// the replay of recorded orders (replay.ts, route-comparison.ts)

export interface ReplayReport {
  orders: number;
  /** Orders whose replay blocks: the change needs something that was never recorded, or refuses what was. */
  blocked: number;
  /** Orders whose route this change alters: replayed on the library after the change, against the deployed library's replay. */
  changed: number;
  groups: ReplayGroup[];
  /**
   * Orders whose recorded route the deployed library no longer gives (they ran on an older version, before an
   * earlier change): grouped by how the deployed library's replay differs from what happened. Not this change's
   * doing, so neither `changed` nor `blocked` counts them (docs/impact.md, "Baseline").
   */
  ranOnOlderVersion: { count: number; groups: ReplayGroup[] };
  durationMs: number;
  /** How many orders the fast path replayed and how many bpmn-engine did (docs/impact.md, "Fast path"). */
  paths: ReplayPaths;
  /** Orders replayed a second time, on the deployed library: those whose replay after the change differs from what happened. */
  baselineReplays: number;
}

export interface ReplayPaths {
  fast: number;
  engine: number;
}

export type ChangeKind = 'blocked' | 'rejected' | 'no-longer-rejected' | 'new-wait' | 'route-changed' | 'status-changed' | 'unchanged';

export interface RouteChange {
  kind: ChangeKind;
  /** e.g. "would now wait for Review order (vice-president) (vice-president)". */
  description: string;
  /** `blocked`: where and why, for a program (the description says it for a person). */
  block?: ReplayBlock;
}

/**
 * Why a replayed order cannot go on: a recorded decision the new version refuses (`decision-refused`), the
 * recorded order that order entry refuses (`start-refused`), four eyes refusing the recorded decider
 * (`four-eyes`), an assignment expression giving a server role (`assignment-refused`, the runtime's incident), or
 * another step that fails (`step-failed`).
 */
export interface ReplayBlock {
  /** `processKey/elementId`. */
  element: string;
  name: string | null;
  reason: 'decision-refused' | 'step-failed' | 'start-refused' | 'four-eyes' | 'assignment-refused';
  message: string;
  /** `assignment-refused`, `step-failed`: the reason of the runtime's incident, where it gives one. */
  incident?: IncidentReason;
  /** `four-eyes`: the reason the live API's 403 gives (TaskRefusal), with who the recorded decider was. */
  fourEyes?: FourEyesBlock;
}

/** A four-eyes refusal in the replay: the live 403's reasons, the decided task named without the ids a replay has not got. */
export type FourEyesBlock =
  | { reason: 'four-eyes-starter'; decider: string }
  | { reason: 'four-eyes-change-requester'; decider: string; changeId: string }
  | {
    reason: 'four-eyes-other-task' | 'four-eyes-other-iteration' | 'four-eyes-distinct-deciders';
    decider: string;
    decidedTask: { processKey: string; elementId: string; name: string };
  };

export interface ReplayGroup extends RouteChange {
  count: number;
  orders: string[];
}
