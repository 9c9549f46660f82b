// Which tasks of a page four eyes would refuse their reader (GET /api/tasks?mine=true): the task list marks them, so
// an approver sees at once that "Review order (vice-president)" is not theirs to decide, instead of a 403 after
// filling in the form. The answer comes from two reads per page, whatever its length: the instances of the page's
// orders (one query by business keys, one by call tree for instances without one) and the reader's entries in
// them (task.completed, instance.started, order.changed: one query). The runtime's refusal (four-eyes.ts,
// distinct-deciders.ts) stays the control; this tells it in advance, by the same rules and in the same words.
import type { TaskFourEyes, TaskView } from '../api.js';
import type { ProcessModel } from '../bpmn/process-model.js';
import type { HistoryRow, InstanceRow, StoreTx } from '../store/types.js';
import { bodyOf, type DefinitionOf } from './four-eyes.js';
import { changeRequesterRefusal, distinctDeciderRefusal, otherIterationRefusal, otherTaskRefusal, starterRefusal } from './four-eyes-words.js';
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
  for (const { task, model } of relevant) {
    const instance = instances.get(task.instanceId)!;
    const order = [...instances.values()].filter((member) => (instance.businessKey !== null ? member.businessKey === instance.businessKey : member.rootId === instance.rootId));
    const refusal = await refusalOf(task, instance, model, order, entries.filter((entry) => order.some((member) => member.id === entry.instanceId)), actor, definitionOf);
    if (refusal) marked.set(task.id, refusal);
  }
  return marked;
}

// helpers

/** Four eyes on `task` for `actor`, in the order of fourEyesRefusal and distinctDeciderRefusalOf. */
async function refusalOf(
  task: TaskView, instance: InstanceRow, model: ProcessModel, order: InstanceRow[], entries: HistoryRow[], actor: string, definitionOf: DefinitionOf,
): Promise<TaskFourEyes | undefined> {
  const name = task.name ?? task.elementId;
  const orderName = instance.businessKey ?? instance.rootId;
  const byId = new Map(order.map((member) => [member.id, member]));
  if (model.separatedTasks.includes(task.elementId)) {
    if (order.some((member) => member.parentId === null && member.startedBy === actor)) {
      return { refused: true, reason: 'four-eyes-starter', detail: starterRefusal(actor, orderName, name) };
    }
    const change = instance.businessKey === null ? undefined : entries.filter((entry) => entry.event === 'order.changed').at(-1);
    const changeId = change?.data?.changeId;
    if (typeof changeId === 'string') {
      return { refused: true, reason: 'four-eyes-change-requester', detail: changeRequesterRefusal(actor, changeId, orderName, name), changeId };
    }
    const body = model.elements.get(task.elementId)?.multiInstance ? multiInstanceBodyOf(task.id.slice(task.instanceId.length + 1)) : undefined;
    for (const entry of entries.filter((one) => one.event === 'task.completed' && one.elementId)) {
      const decided = byId.get(entry.instanceId)!;
      const elementId = entry.elementId!;
      if (decided.processKey === instance.processKey && elementId === task.elementId) {
        if (body === undefined || entry.instanceId !== instance.id || bodyOf(entry) !== body) continue;
        return {
          refused: true, reason: 'four-eyes-other-iteration', detail: otherIterationRefusal(actor, name, `${instance.processKey}/${task.elementId}`, orderName),
          decidedTask: { id: entry.waitId, instanceId: entry.instanceId, processKey: decided.processKey, elementId, name },
        };
      }
      const definition = await definitionOf(decided.processKey, decided.version);
      if (!definition.model.separatedTasks.includes(elementId)) continue;
      const decidedName = definition.model.elements.get(elementId)?.name ?? elementId;
      return {
        refused: true, reason: 'four-eyes-other-task', detail: otherTaskRefusal(actor, decidedName, `${decided.processKey}/${elementId}`, orderName, name),
        decidedTask: { id: entry.waitId, instanceId: entry.instanceId, processKey: decided.processKey, elementId, name: decidedName },
      };
    }
  }
  if (model.distinctDeciders.includes(task.elementId)) {
    const decided = entries.find((entry) => entry.event === 'task.completed' && entry.instanceId === instance.id && entry.elementId !== null
      && entry.elementId !== task.elementId && model.distinctDeciders.includes(entry.elementId));
    if (decided) {
      const elementId = decided.elementId!;
      const decidedName = model.elements.get(elementId)?.name ?? elementId;
      return {
        refused: true, reason: 'four-eyes-distinct-deciders', detail: distinctDeciderRefusal(actor, decidedName, instance.processKey, orderName, name),
        decidedTask: { id: decided.waitId, instanceId: instance.id, processKey: instance.processKey, elementId, name: decidedName },
      };
    }
  }
  return undefined;
}
