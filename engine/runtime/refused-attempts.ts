// Refused attempts at a control (a task completion four eyes or the candidate groups refuse, a claim of a task
// someone else holds, a job completion held by an open order change or by another worker's lock) leave an entry in
// the order's history, so an auditor sees who tried what and
// why it was refused. The refusal rolls its own step back; the entry is written after, in a transaction of its
// own. It is not a decision: four eyes reads only `task.completed`, the order's path only what moved it.
// Whoever is refused may still send a body up to the server's limit, again and again, so the entry keeps the
// variables sent only up to a small budget; the others are named with their size (keptVariables), and one person's
// refused attempts at one task or job are kept up to a bound (KEPT_PER_PERSON): the first ones say who tried what,
// the rest would only let anyone with a token grow an order's history, which every view of the order returns.
// A refused call about an order or instance as a whole (a change of an order that has shipped, a cancel of a called
// instance) is kept the same way in that instance's history (recordRefusedAtInstance).
import type { RefusedMessage, RefusedRequest } from '../api.js';
import { StratumError } from '../errors.js';
import type { HistoryRow, StoreTx, WaitRow } from '../store/types.js';
import type { ElementInfo } from '../bpmn/process-model.js';
import { decidedAmong } from './completion-variables.js';
import { callerEntry, type StepCaller } from './step-caller.js';
import { treeModels } from './tree-models.js';
import type { StepExecutor } from './step-executor.js';

/** A refusal thrown inside a step, with the wait it was about and what the caller sent. */
export interface RefusedAttempt {
  wait: WaitRow;
  error: StratumError;
  data: Record<string, unknown>;
  /** The word it is kept under, when the error names none (`variable-refused`). */
  reason?: string;
}

/** The word a refused write of variables is kept under: an order field or what an element decides, sent by a worker. */
export const VARIABLE_REFUSED = 'variable-refused';

/** Keeps `attempt` as `event` (`task.refused`, `job.refused`) in the history of its wait's instance. */
export async function recordRefusedAttempt(steps: StepExecutor, attempt: RefusedAttempt, caller: StepCaller, event: string, elementType: string | null): Promise<void> {
  const { wait, error, data } = attempt;
  const reason = typeof error.details?.reason === 'string' ? error.details.reason : attempt.reason ?? error.code;
  await steps.inTransaction((tx) => keepWithinBound(steps, tx, wait, caller, event, elementType, { ...keptVariables(data), reason, refusal: error.message }));
}

/**
 * Keeps `refused` (refused by the server before the runtime saw it) in the history of the open task or job it
 * addressed, as its refusals in a step are kept, or, for a change or cancel of an order or instance or the retry of
 * an incident, as `change.refused`, `cancel.refused` or `incident.refused` in that instance's
 * (recordRefusedAtInstance); false when nothing has the id.
 */
export async function recordRefusedRequest(steps: StepExecutor, refused: RefusedRequest, caller: StepCaller): Promise<boolean> {
  const { kind, id } = refused;
  if (kind !== 'task' && kind !== 'job') {
    const { event, instanceOf } = ADDRESSED_AS_A_WHOLE[kind];
    return recordRefusedAtInstance(steps, {
      event,
      instanceOf: (tx) => instanceOf(tx, id),
      sent: {
        attempted: refused.attempted, ...(kind === 'incident-retry' && { incidentId: id }), ...(refused.processKey !== undefined && { processKey: refused.processKey }),
        ...(refused.variables !== undefined && { variables: refused.variables }),
      },
      reason: refused.reason,
      refusal: refused.refusal,
    }, caller);
  }
  return steps.inTransaction(async (tx) => {
    const wait = await tx.getWait(refused.id);
    if (!wait || wait.kind !== refused.kind) return false;
    if (refused.ifDecided && !(await decidesAny(steps, tx, wait.instanceId, refused.ifDecided))) return false;
    const about = refused.kind === 'task' ? { name: wait.name } : { jobType: wait.jobType };
    const sent = refused.variables === undefined ? {} : keptVariables({ variables: refused.variables });
    await keepWithinBound(steps, tx, wait, caller, `${refused.kind}.refused`, refused.kind === 'task' ? 'bpmn:UserTask' : null, {
      attempted: refused.attempted, ...about, ...sent, ...(refused.workerId !== undefined && { workerId: refused.workerId }), reason: refused.reason, refusal: refused.refusal,
    });
    return true;
  });
}

/**
 * Keeps a message refused by role, for what it would set (an order field, another element's decision) or for being
 * the engine's own OrderChanged as `message.refused` with its `reason` in the history of the order its business key
 * names; nothing for a key that names no order (a key anyone may make up must not grow the store). One sender's
 * such entries for one reason on one order are kept up to KEPT_PER_PERSON, the last saying `lastKept`. False when
 * nothing was kept.
 */
export async function recordRefusedMessage(steps: StepExecutor, refused: RefusedMessage, caller: StepCaller): Promise<boolean> {
  return steps.inTransaction(async (tx) => {
    const order = await tx.getOrder(refused.businessKey);
    if (!order) return false;
    // the message's own catchers may read what it carries: only another element's decision is refused (messageWrites)
    const catches = (info: ElementInfo) => info.message?.name === refused.name;
    if (refused.ifDecided && !(await decidesAny(steps, tx, order.instanceId, refused.ifDecided, catches))) return false;
    return keepAtInstanceWithinBound(steps, tx, order.instanceId, 'message.refused', caller, {
      attempted: refused.attempted, name: refused.name, businessKey: refused.businessKey, ...(refused.messageId !== undefined && { messageId: refused.messageId }),
      ...(refused.variables !== undefined && keptVariables({ variables: refused.variables })), reason: refused.reason, refusal: refused.refusal,
    });
  });
}

/** For a refused request about an order, instance or incident: the event it is kept as, and the instance that keeps it. */
const ADDRESSED_AS_A_WHOLE: Record<Exclude<RefusedRequest['kind'], 'task' | 'job'>, { event: string; instanceOf: (tx: StoreTx, id: string) => Promise<string | undefined> }> = {
  'order-change': { event: 'change.refused', instanceOf: async (tx, orderNo) => (await tx.getOrder(orderNo))?.instanceId },
  'order-cancel': { event: 'cancel.refused', instanceOf: async (tx, orderNo) => (await tx.getOrder(orderNo))?.instanceId },
  'instance-cancel': { event: 'cancel.refused', instanceOf: async (tx, instanceId) => (await tx.getInstance(instanceId))?.id },
  'incident-retry': { event: 'incident.refused', instanceOf: async (tx, incidentId) => (await tx.getIncident(incidentId))?.instanceId },
  'order-entry': { event: 'entry.refused', instanceOf: async (tx, orderNo) => (await tx.getOrder(orderNo))?.instanceId },
  'process-start': { event: 'start.refused', instanceOf: async (tx, orderNo) => (await tx.getOrder(orderNo))?.instanceId },
};

/** A refused call about an order or an instance as a whole, not one of its waits. */
export interface RefusedInstanceAttempt {
  /** The entry's event: `change.refused`, `cancel.refused`, `incident.refused`. */
  event: string;
  /** The instance whose history keeps it, read in the recording transaction; undefined when there is none (any more). */
  instanceOf: (tx: StoreTx) => Promise<string | undefined>;
  /** What the caller sent, as sent: kept within the budget keptVariables keeps variables to (keptFields). */
  sent: Record<string, unknown>;
  /** The refusal's word (`order-shipped`, `not-a-root`, `role`). */
  reason: string;
  /** The refusal as the caller got it. */
  refusal: string;
}

/**
 * Keeps `refused` in the history of its instance, in a transaction of its own after the refused step rolled back:
 * the caller as actor and route, what they sent, `reason` and `refusal` (the error's message). One person's such
 * entries for one reason on one instance are kept up to KEPT_PER_PERSON, the last saying `lastKept`. False when
 * nothing was kept (no such instance, or the bound reached).
 */
export async function recordRefusedAtInstance(steps: StepExecutor, refused: RefusedInstanceAttempt, caller: StepCaller): Promise<boolean> {
  return steps.inTransaction(async (tx) => {
    const instanceId = await refused.instanceOf(tx);
    if (instanceId === undefined) return false;
    return keepAtInstanceWithinBound(steps, tx, instanceId, refused.event, caller, { ...keptFields(refused.sent), reason: refused.reason, refusal: refused.refusal });
  });
}

/** How many refused attempts of one person at one task or job (or messages of one sender to one order) the history keeps; the last of them says so. */
export const KEPT_PER_PERSON = 10;

/**
 * Appends the refused attempt unless `caller` already has KEPT_PER_PERSON of `event` with its `reason` at `wait`; the
 * last one kept says `lastKept`, after which their further attempts for that reason are refused the same but not kept.
 * Counted per reason, as keepRefused counts refused messages: ten variable-refused completions must not silence a
 * later four-eyes or candidate-group refusal at the same task.
 */
async function keepWithinBound(
  steps: StepExecutor, tx: StoreTx, wait: WaitRow, caller: StepCaller, event: string, elementType: string | null, data: Record<string, unknown>,
): Promise<void> {
  const kept = await keptUnderLock(tx, wait.instanceId, event, caller.actor, (entry) => entry.waitId === wait.id && entry.data?.reason === data.reason);
  if (kept >= KEPT_PER_PERSON) return;
  await tx.appendHistory([callerEntry(steps.rows.waitHistory(wait, caller.actor, event, elementType, withLastKept(data, kept)), caller)]);
}

/**
 * Appends `data` as `event` to the history of `instanceId` (no wait) unless `caller` already has KEPT_PER_PERSON such
 * entries there with its `reason`; the last one kept says `lastKept`. False when nothing was kept.
 */
async function keepAtInstanceWithinBound(
  steps: StepExecutor, tx: StoreTx, instanceId: string, event: string, caller: StepCaller, data: Record<string, unknown> & { reason: string },
): Promise<boolean> {
  const kept = await keptUnderLock(tx, instanceId, event, caller.actor, (entry) => entry.data?.reason === data.reason);
  if (kept >= KEPT_PER_PERSON) return false;
  await tx.appendHistory([callerEntry(steps.rows.history(instanceId, caller.actor, event, null, null, withLastKept(data, kept)), caller)]);
  return true;
}

/**
 * How many `event` entries of `actor` on `instanceId` that `same` counts (the same wait, the same reason) the history
 * keeps already; none for a caller without a name, whose entries are never counted against a bound.
 */
async function keptSoFar(tx: StoreTx, instanceId: string, event: string, actor: string | null, same: (entry: HistoryRow) => boolean): Promise<number> {
  return actor === null ? 0 : (await tx.historyOf([instanceId], { event, actor })).filter(same).length;
}

/**
 * keptSoFar, counted under the instance's lock on refused attempts (StoreTx.lockRefusedAttempts), held until the
 * append commits: on PostgreSQL two refusals of one person at once, on one server or two, would otherwise both count
 * nine and both be kept, the two saying `lastKept`. A transaction that keeps a refusal and nothing else takes it
 * after reads that lock nothing; a message's step (message-buffer.ts keepRefused) takes it last, after its own locks,
 * and locks nothing after it: whoever holds it waits for nothing but its commit, so no cycle of waits goes through it.
 */
export async function keptUnderLock(tx: StoreTx, instanceId: string, event: string, actor: string | null, same: (entry: HistoryRow) => boolean): Promise<number> {
  if (actor !== null) await tx.lockRefusedAttempts(instanceId);
  return keptSoFar(tx, instanceId, event, actor, same);
}

/** `data`, saying `lastKept` when it is the last of KEPT_PER_PERSON entries kept (`kept` before it). */
export function withLastKept<T extends Record<string, unknown>>(data: T, kept: number): T & { lastKept?: true } {
  return kept === KEPT_PER_PERSON - 1 ? { ...data, lastKept: true } : data;
}

/** Where a step notes the refusal it is about to throw, for `recordingRefusal`. */
export type AttemptNote<A extends { error: unknown } = RefusedAttempt> = { current?: A };

/**
 * Runs `check` (a control); a refusal it throws is noted in `attempt`, with its wait and what the caller sent, to be
 * kept under `reason` when the refusal names none.
 */
export async function noteRefusal<T>(attempt: AttemptNote, wait: WaitRow, data: Record<string, unknown>, check: () => T | Promise<T>, reason?: string): Promise<T> {
  try {
    return await check();
  } catch (error) {
    if (error instanceof StratumError) attempt.current = { wait, error, data, ...(reason !== undefined && { reason }) };
    throw error;
  }
}

/**
 * Runs `refusing` (a step); when it throws the refusal it noted in `attempt.current`, records that attempt before
 * passing the refusal on. Any other error (a lost race, a task no longer open) passes unrecorded.
 */
export async function recordingRefusal<T, A extends { error: unknown } = RefusedAttempt>(
  refusing: (attempt: AttemptNote<A>) => Promise<T>,
  record: (attempt: A) => Promise<unknown>,
): Promise<T> {
  const attempt: AttemptNote<A> = {};
  try {
    return await refusing(attempt);
  } catch (error) {
    if (attempt.current && error === attempt.current.error) await record(attempt.current);
    throw error;
  }
}

/** The JSON bytes of the variables one refused attempt keeps, names and values; a 2,000-character comment fits. */
const REFUSED_VARIABLES_BUDGET = 4096;
/** At most this many omitted variables are named with their size; the others are only counted. */
const OMITTED_NAMES = 20;

/**
 * `data` with its `variables` kept, in the order sent, while they fit REFUSED_VARIABLES_BUDGET; each one that does
 * not is left out: the first OMITTED_NAMES are named in `omittedVariables` with their size in JSON bytes, and
 * `omittedVariableCount` counts them all.
 */
export function keptVariables(data: Record<string, unknown>): Record<string, unknown> {
  const sent = data.variables;
  if (sent === null || typeof sent !== 'object' || Array.isArray(sent)) return data;
  const { kept, omitted, omittedCount } = withinBudget(sent as Record<string, unknown>);
  return { ...data, variables: kept, ...(omittedCount > 0 && { omittedVariables: omitted, omittedVariableCount: omittedCount }) };
}

// helpers

/**
 * Whether an element of the order `instanceId` belongs to (its whole call tree) decides one of `names`: what the
 * runtime would have refused had the server not refused the values first.
 */
async function decidesAny(steps: StepExecutor, tx: StoreTx, instanceId: string, names: readonly string[], exempt?: (info: ElementInfo) => boolean): Promise<boolean> {
  const instance = await tx.getInstance(instanceId);
  if (!instance) return false;
  const models = await treeModels(tx, instance.rootId, (key, version) => steps.definition(tx, key, version));
  return decidedAmong(models, names, exempt).length > 0;
}

/**
 * The fields a refused call sent (a change's `description`, a cancel's reason), each kept as keptVariables keeps a
 * variable, within the same budget; those that do not fit are named in `omittedFields` with their size. A field
 * left out of the call (undefined) is not listed.
 */
function keptFields(sent: Record<string, unknown>): Record<string, unknown> {
  const { kept, omitted, omittedCount } = withinBudget(Object.fromEntries(Object.entries(sent).filter(([, value]) => value !== undefined)));
  return { ...kept, ...(omittedCount > 0 && { omittedFields: omitted }) };
}

/**
 * `sent`'s members, in the order sent, while they fit REFUSED_VARIABLES_BUDGET; of those that do not, the first
 * OMITTED_NAMES with their size in JSON bytes, and how many they are.
 */
function withinBudget(sent: Record<string, unknown>): { kept: Record<string, unknown>; omitted: Record<string, number>; omittedCount: number } {
  const kept: [string, unknown][] = [];
  const omitted: [string, number][] = [];
  let omittedCount = 0;
  let used = 0;
  for (const [name, value] of Object.entries(sent)) {
    const bytes = Buffer.byteLength(JSON.stringify(value) ?? 'null');
    const entryBytes = Buffer.byteLength(JSON.stringify(name)) + 2 + bytes; // "name": value,
    if (used + entryBytes <= REFUSED_VARIABLES_BUDGET) {
      kept.push([name, value]);
      used += entryBytes;
      continue;
    }
    omittedCount++;
    if (omitted.length < OMITTED_NAMES) omitted.push([name, bytes]);
  }
  // fromEntries: a variable named like an Object.prototype member stays a plain key
  return { kept: Object.fromEntries(kept), omitted: Object.fromEntries(omitted), omittedCount };
}
