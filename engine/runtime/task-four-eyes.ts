// Which tasks of a page four eyes would refuse their reader (GET /api/tasks?mine=true): the task list marks them, so
// an approver sees at once that "Review order (vice-president)" is not theirs to decide, instead of a 403 after
// filling in the form. The answer comes from two reads per page, whatever its length: the instances of the page's
// orders (one query by business keys, one by call tree for instances without one) and the reader's entries in
// them (task.completed, instance.started, order.changed: one query). The runtime's refusal (four-eyes.ts,
// distinct-deciders.ts) stays the control; this tells it in advance with the same verdicts (separatedTaskVerdict,
// distinctDeciderVerdict), judged on facts read for the whole page.
import type { TaskFourEyes, TaskView } from '../api.js';
import type { ProcessModel } from '../bpmn/process-model.js';
import type { HistoryRow, InstanceRow, StoreTx } from '../store/types.js';
import { groupBy } from '../impact/group-rows.js';
import { acknowledgedChangeOf, distinctDeciderVerdict } from './distinct-deciders.js';
import { enclosingIterationsOf, type EnclosingIteration } from './enclosing-iteration.js';
import { separatedTaskVerdict, type DefinitionOf, type FourEyesVerdict, type OrderFacts, type SeparatedTask } from './four-eyes.js';
import { multiInstanceBodyOf } from './multi-instance.js';

/** The tasks of `tasks` four eyes would refuse `actor`, by task id. */
export async function fourEyesOnTasks(tx: StoreTx, tasks: TaskView[], actor: string, definitionOf: DefinitionOf): Promise<Map<string, TaskFourEyes>> {
  const marked = new Map<string, TaskFourEyes>();
  const instances = new Map<string, InstanceRow>();
  const keys = [...new Set(tasks.flatMap((task) => (task.businessKey === null ? [] : [task.businessKey])))];
  const loose = tasks.filter((task) => task.businessKey === null).map((task) => task.instanceId);
  for (const member of keys.length ? await tx.findInstances({ businessKeys: keys }) : []) instances.set(member.id, member);
  // an instance without a business key is its call tree's: each such instance read once for its root, then the trees
  const looseRoots = new Set<string>();
  for (const id of loose) {
    const instance = instances.get(id) ?? await tx.getInstance(id);
    if (instance) looseRoots.add(instance.rootId);
  }
  for (const member of looseRoots.size ? await tx.findInstances({ rootIds: [...looseRoots] }) : []) instances.set(member.id, member);
  // the tasks four eyes looks at: separated in their order, or decided by distinct people in their instance
  const relevant: { task: TaskView; model: ProcessModel }[] = [];
  for (const task of tasks) {
    const instance = instances.get(task.instanceId);
    if (!instance) continue;
    const { model } = await definitionOf(instance.processKey, instance.version);
    if (model.separatedTasks.includes(task.elementId) || model.distinctDeciders.includes(task.elementId)) relevant.push({ task, model });
  }
  if (relevant.length === 0) return marked;
  const entries = await tx.historyOf([...instances.keys()], { event: ['task.completed', 'instance.started', 'order.changed'], actor });
  // each order (its business key, else its call tree) with its instances and the reader's entries in them, once
  const orderKey = (instance: InstanceRow) => (instance.businessKey !== null ? `key:${instance.businessKey}` : `tree:${instance.rootId}`);
  const orders = groupBy([...instances.values()], orderKey);
  const entriesOf = groupBy(entries, (entry) => orderKey(instances.get(entry.instanceId)!));
  const instanceOf = async (id: string) => instances.get(id) ?? await tx.getInstance(id);
  const modelOf = async (key: string, version: number) => (await definitionOf(key, version)).model;
  for (const { task, model } of relevant) {
    const instance = instances.get(task.instanceId)!;
    const key = orderKey(instance);
    // the multi-instance iterations around the task, from the order's instances read above (their state only where one may be)
    const wait = { instanceId: task.instanceId, elementId: task.elementId, executionId: task.id.slice(task.instanceId.length + 1) };
    const enclosing = model.separatedTasks.includes(task.elementId) ? await enclosingIterationsOf(wait, instanceOf, modelOf) : [];
    const refusal = await refusalOf(task, wait.executionId, instance, model, enclosing, orders.get(key) ?? [], entriesOf.get(key) ?? [], actor, definitionOf);
    if (refusal) marked.set(task.id, refusal);
  }
  return marked;
}

// helpers

/** Four eyes on `task` for `actor`, judged as the runtime judges it (separatedTaskVerdict, then distinctDeciderVerdict). */
async function refusalOf(
  task: TaskView, executionId: string, instance: InstanceRow, model: ProcessModel, enclosing: EnclosingIteration[], order: InstanceRow[],
  entries: HistoryRow[], actor: string, definitionOf: DefinitionOf,
): Promise<TaskFourEyes | undefined> {
  const body = model.elements.get(task.elementId)?.multiInstance ? multiInstanceBodyOf(executionId) : undefined;
  const separated: SeparatedTask = {
    id: task.id, elementId: task.elementId, name: task.name ?? task.elementId,
    ...(body !== undefined && { multiInstanceBody: body }), ...(enclosing.length > 0 && { enclosing }),
  };
  const completions = entries.filter((entry) => entry.event === 'task.completed');
  const starters = new Set(order.flatMap((member) => (member.parentId === null && member.startedBy ? [member.startedBy] : [])));
  // the page reads who requested a change from the order's order.changed entries, the runtime from its change records
  const changes = instance.businessKey === null ? [] : entries.filter((entry) => entry.event === 'order.changed');
  let verdict: FourEyesVerdict | undefined;
  if (model.separatedTasks.includes(task.elementId)) {
    const latest = changes.at(-1)?.data?.changeId;
    const facts: OrderFacts = { order, starters, changeRequested: typeof latest === 'string' ? { changeId: latest } : undefined, completions };
    verdict = await separatedTaskVerdict(instance, separated, actor, facts, definitionOf);
  }
  // a distinct-decider task: the change its instance acknowledges, if the reader requested it
  const acknowledged = acknowledgedChangeOf(instance);
  const changeRequested = acknowledged !== undefined && changes.some((entry) => entry.data?.changeId === acknowledged) ? { changeId: acknowledged } : undefined;
  verdict ??= distinctDeciderVerdict(instance, model, separated, actor, { starters, changeRequested, completions });
  if (!verdict) return undefined;
  const { details } = verdict;
  return {
    refused: true, reason: details.reason, detail: verdict.message,
    ...('decidedTask' in details && { decidedTask: details.decidedTask }),
    ...('changeId' in details && { changeId: details.changeId }),
  };
}
