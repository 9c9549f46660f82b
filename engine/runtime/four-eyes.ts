// Four eyes: within one order a person decides at most one of the tasks a
// process declares as separated (`separationOfDuties`), and never one of them
// when they started the order or requested a change of it (the requester is
// the first pair of eyes). A multi-instance separated task counts each
// iteration as a decision: within one activation a person decides at most one
// of its iterations. The order is its business key — every instance that
// carries it, whatever route started it — and, for instances without one, the
// call tree. Who decided comes from the history's task.completed entries, whose
// actor is the authenticated user; who started from the roots' `startedBy` (the
// actor of their instance.started); who requested a change from the order's
// change records (`requestedBy`).
import type { RefusedTask, TaskRefusal } from '../api.js';
import { changeRequesterRefusal, otherIterationRefusal, otherTaskRefusal, starterRefusal } from './four-eyes-words.js';
import { forbidden, type StratumError } from '../errors.js';
import type { ElementInfo, ProcessModel } from '../bpmn/process-model.js';
import type { HistoryRow, InstanceRow, OrderChangeRow, StoreTx, WaitRow } from '../store/types.js';
import type { ExecutableDefinition } from './definition-cache.js';
import { enclosingIterationsOf, inOtherIteration, recordedEnclosingIterations, type EnclosingIteration } from './enclosing-iteration.js';
import { multiInstanceBodyOf } from './multi-instance.js';

/** The separated task about to be decided. */
export interface SeparatedTask {
  /** Its task id (the wait's). */
  id: string;
  elementId: string;
  name: string;
  /** For an iteration of a multi-instance task: the execution of the body it belongs to (one activation). */
  multiInstanceBody?: string;
  /**
   * For a task inside an iteration of a multi-instance sub-process, or of a called process started by an iteration
   * of a multi-instance call activity: those iterations, nearest first (enclosing-iteration.ts).
   */
  enclosing?: EnclosingIteration[];
}

export type DefinitionOf = (key: string, version: number) => Promise<ExecutableDefinition>;

/** Where a task.completed entry keeps the multi-instance body of the iteration it decided. */
export const MULTI_INSTANCE_BODY = 'multiInstanceBody';

/** The separated task `wait` is, as four eyes names it: its element's name, and for an iteration its activation. */
export function separatedTaskOf(wait: WaitRow, info: ElementInfo | undefined): SeparatedTask {
  const body = info?.multiInstance ? multiInstanceBodyOf(wait.executionId) : undefined;
  return { id: wait.id, elementId: wait.elementId, name: info?.name ?? wait.elementId, ...(body !== undefined && { multiInstanceBody: body }) };
}

/**
 * The separated task `wait` of `instance` is, as the runtime judges it: separatedTaskOf, with the multi-instance
 * iteration enclosing it (a sub-process's, or a call's that started its instance), read from the stored state.
 */
export async function separatedTaskIn(
  tx: StoreTx, wait: WaitRow, instance: InstanceRow, model: ProcessModel, definitionOf: DefinitionOf,
): Promise<SeparatedTask> {
  const task = separatedTaskOf(wait, model.elements.get(wait.elementId));
  const enclosing = await enclosingIterationsOf(wait, async (id) => (id === instance.id ? instance : await tx.getInstance(id)),
    async (key, version) => (await definitionOf(key, version)).model);
  return enclosing.length ? { ...task, enclosing } : task;
}

/**
 * What four eyes reads about an order to judge one person: gathered by the runtime under the order's lock
 * (fourEyesRefusal), or for a whole page of tasks at once (task-four-eyes.ts). Both judge by separatedTaskVerdict.
 */
export interface OrderFacts {
  /** The order's instances: its business key's and its call tree's. */
  order: InstanceRow[];
  /** Who started the order's roots. */
  starters: ReadonlySet<string>;
  /** The latest change of the order the person requested, if any. */
  changeRequested: { changeId: string } | undefined;
  /** The person's task.completed entries in the order's instances. */
  completions: HistoryRow[];
}

/**
 * What a four-eyes verdict reads of the instance whose task is decided: a stored row, or an instance the impact
 * replay holds only in memory (engine/impact/replay-four-eyes.ts), judged alike.
 */
export type FourEyesInstance = Pick<InstanceRow, 'id' | 'processKey' | 'businessKey' | 'rootId' | 'variables'>;

/** A refusal as four eyes words it: the sentence for the person, the same facts for a program. */
export interface FourEyesVerdict {
  message: string;
  details: Exclude<TaskRefusal, { reason: 'not-offered' }>;
}

/**
 * Why four eyes refuses `actor` deciding `task` (a separated task of `instance`), or undefined when it does not:
 * `actor` started the order, requested a change of it, decided another separated task of it (deciding the same
 * step again, e.g. after a rework loop, is not a second pair of eyes missing), or decided another iteration of this
 * activation of it. The refusal is a `forbidden` error: its message names the person, its details (a TaskRefusal)
 * name the same facts for a program.
 *
 * The caller holds the order's lock (lockWait with `order`): two servers completing separated tasks in two
 * instances of one order would otherwise each read the history before the other's decision commits, and both pass.
 */
export async function fourEyesRefusal(
  tx: StoreTx, instance: InstanceRow, task: SeparatedTask, actor: string, definitionOf: DefinitionOf,
): Promise<StratumError | undefined> {
  const order = await instancesOfOrder(tx, instance);
  const facts: OrderFacts = {
    order,
    starters: await startersOf(tx, order),
    changeRequested: await changeRequestedBy(tx, instance, actor),
    completions: await tx.historyOf(order.map((member) => member.id), { event: 'task.completed', actor }),
  };
  const verdict = await separatedTaskVerdict(instance, task, actor, facts, definitionOf);
  return verdict && forbidden(verdict.message, verdict.details);
}

/** Four eyes' rule on a separated task, judged on `facts` (fourEyesRefusal says what it refuses). */
export async function separatedTaskVerdict(
  instance: InstanceRow, task: SeparatedTask, actor: string, facts: OrderFacts, definitionOf: DefinitionOf,
): Promise<FourEyesVerdict | undefined> {
  // the models of the instances the person decided in, which say whether what they decided was separated
  const byId = new Map(facts.order.map((member) => [member.id, member]));
  const models = new Map<string, SeparatedTasksModel>();
  for (const entry of facts.completions) {
    const decided = byId.get(entry.instanceId);
    if (!decided || entry.event !== 'task.completed' || entry.actor !== actor) continue;
    const key = modelKey(decided.processKey, decided.version);
    if (!models.has(key)) models.set(key, (await definitionOf(decided.processKey, decided.version)).model);
  }
  return separatedTaskVerdictOn(instance, task, actor, facts, (processKey, version) => models.get(modelKey(processKey, version))!);
}

/** What the separated-task rule reads of a process version: which tasks it separates, and their names. */
type SeparatedTasksModel = Pick<ProcessModel, 'separatedTasks' | 'elements'>;

/**
 * What the separated-task rule reads about an order, wherever it comes from: the runtime's store (OrderFacts), or
 * what an impact replay has replayed of a recorded order so far (engine/impact/replay-four-eyes.ts).
 */
export interface SeparatedTaskFacts {
  /** The order's instances the completions were made in: their process and version. */
  order: Pick<InstanceRow, 'id' | 'processKey' | 'version'>[];
  starters: ReadonlySet<string>;
  changeRequested: { changeId: string } | undefined;
  /** The person's decisions, as task.completed entries name them (`data` keeps an iteration's multi-instance body). */
  completions: Pick<HistoryRow, 'event' | 'actor' | 'instanceId' | 'elementId' | 'waitId' | 'data'>[];
}

/**
 * The separated-task rule itself, on facts at hand and the model of each decided instance's version (`modelOf`):
 * the runtime's completion and task list (separatedTaskVerdict) and both impact replays judge by this one function.
 */
export function separatedTaskVerdictOn(
  instance: FourEyesInstance, task: SeparatedTask, actor: string, facts: SeparatedTaskFacts,
  modelOf: (processKey: string, version: number) => SeparatedTasksModel,
): FourEyesVerdict | undefined {
  const orderName = instance.businessKey ?? instance.rootId;
  const about = refusedTaskOf(instance, task);
  const requester = requesterVerdict(instance, task, actor, facts);
  if (requester) return requester;
  const byId = new Map(facts.order.map((member) => [member.id, member]));
  for (const entry of facts.completions) {
    const decided = byId.get(entry.instanceId);
    const elementId = entry.elementId;
    if (!decided || !elementId || entry.event !== 'task.completed' || entry.actor !== actor) continue;
    if (decided.processKey === instance.processKey && elementId === task.elementId) {
      // the same step again (a rework loop) is allowed; another iteration of the same activation is not
      if (!otherIteration(entry, instance, task)) continue;
      return {
        message: otherIterationRefusal(actor, task.name, `${instance.processKey}/${task.elementId}`, orderName),
        details: { reason: 'four-eyes-other-iteration', ...about, decidedTask: { id: entry.waitId, instanceId: entry.instanceId, processKey: decided.processKey, elementId, name: task.name } },
      };
    }
    const model = modelOf(decided.processKey, decided.version);
    if (!model.separatedTasks.includes(elementId)) continue;
    const name = model.elements.get(elementId)?.name ?? elementId;
    return {
      message: otherTaskRefusal(actor, name, `${decided.processKey}/${elementId}`, orderName, task.name),
      details: { reason: 'four-eyes-other-task', ...about, decidedTask: { id: entry.waitId, instanceId: entry.instanceId, processKey: decided.processKey, elementId, name } },
    };
  }
  return undefined;
}

/**
 * The requester's refusal, shared by both four-eyes rules: `actor` started the order (`facts.starters`) or requested
 * the change `facts.changeRequested` names (for a separated task their latest of the order, for a distinct-decider
 * task the change its instance acknowledges), or undefined.
 */
export function requesterVerdict(
  instance: FourEyesInstance, task: SeparatedTask, actor: string, facts: Pick<OrderFacts, 'starters' | 'changeRequested'>,
): FourEyesVerdict | undefined {
  const orderName = instance.businessKey ?? instance.rootId;
  const about = refusedTaskOf(instance, task);
  if (facts.starters.has(actor)) {
    return { message: starterRefusal(actor, orderName, task.name), details: { reason: 'four-eyes-starter', ...about } };
  }
  const change = facts.changeRequested;
  if (!change) return undefined;
  return {
    message: changeRequesterRefusal(actor, change.changeId, orderName, task.name),
    details: { reason: 'four-eyes-change-requester', ...about, changeId: change.changeId },
  };
}

/** The order's instances: its business key's and its call tree's. */
export async function instancesOfOrder(tx: StoreTx, instance: InstanceRow): Promise<InstanceRow[]> {
  const tree = await tx.findInstances({ rootId: instance.rootId });
  if (instance.businessKey === null) return tree;
  const sameKey = await tx.findInstances({ businessKey: instance.businessKey });
  const all = new Map([...tree, ...sameKey].map((member) => [member.id, member]));
  return [...all.values()];
}

/**
 * Who started the order: the starters of its root instances. An instance started without a person (a call
 * activity, a timer, a message nobody sent) is the order's through its root, so the root's starter counts for it.
 */
export async function startersOf(tx: StoreTx, order: InstanceRow[]): Promise<Set<string>> {
  const byId = new Map(order.map((member) => [member.id, member]));
  const starters = new Set<string>();
  for (const rootId of new Set(order.map((member) => member.rootId))) {
    const root = byId.get(rootId) ?? await tx.getInstance(rootId);
    if (root?.startedBy) starters.add(root.startedBy);
  }
  return starters;
}

// helpers

/**
 * The latest change of the order `actor` requested (the one a re-approval most likely handles): a change
 * requester is a requester too. Every change recorded now was requested before this decision; a decision
 * made before a change stays. One read of the order's change records, only for a separated task.
 */
async function changeRequestedBy(tx: StoreTx, instance: InstanceRow, actor: string): Promise<OrderChangeRow | undefined> {
  if (instance.businessKey === null) return undefined; // changes are recorded under the order number, its business key
  return (await tx.orderChanges(instance.businessKey)).filter((change) => change.requestedBy === actor).at(-1);
}

/** Where a process version's model is kept while a verdict reads it. */
function modelKey(processKey: string, version: number): string {
  return `${processKey}\u0000${version}`;
}

/**
 * Whether `entry` decided the same separated element as `task` in another iteration of one activation: of the
 * element's own multi-instance, or of a multi-instance scope enclosing both (a sub-process, a call).
 */
function otherIteration(entry: SeparatedTaskFacts['completions'][number], instance: FourEyesInstance, task: SeparatedTask): boolean {
  if (task.multiInstanceBody !== undefined && entry.instanceId === instance.id && bodyOf(entry) === task.multiInstanceBody) return true;
  return task.enclosing !== undefined && inOtherIteration(task.enclosing, recordedEnclosingIterations(entry.data));
}

/** The multi-instance body of a recorded iteration's decision; entries written before it was recorded name it by their wait. */
function bodyOf(entry: SeparatedTaskFacts['completions'][number]): string | undefined {
  const recorded = entry.data?.[MULTI_INSTANCE_BODY];
  if (typeof recorded === 'string') return recorded;
  const prefix = `${entry.instanceId}:`;
  return entry.waitId?.startsWith(prefix) ? multiInstanceBodyOf(entry.waitId.slice(prefix.length)) : undefined;
}

/** The refused task and its order, as every four-eyes refusal names them. */
function refusedTaskOf(instance: FourEyesInstance, task: SeparatedTask): { task: RefusedTask; businessKey: string | null; rootInstanceId: string } {
  const refused: RefusedTask = { id: task.id, instanceId: instance.id, processKey: instance.processKey, elementId: task.elementId, name: task.name };
  return { task: refused, businessKey: instance.businessKey, rootInstanceId: instance.rootId };
}
