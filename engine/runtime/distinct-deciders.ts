// Four eyes within one instance: a process lists user tasks (`distinctDeciders`) that each need another person
// in the same instance — `special-change-notification` lists its three acknowledgements, so procurement,
// production and inspection acknowledge a special change as three people, not one person in all three groups.
// Deciding the same task again (a department's not-acknowledged loop) is allowed; the next instance (the next
// change) starts afresh. Who decided comes from the instance's task.completed entries, one read of one instance.
import type { ProcessModel } from '../bpmn/process-model.js';
import { forbidden, type StratumError } from '../errors.js';
import type { HistoryRow, InstanceRow, StoreTx } from '../store/types.js';
import { distinctDeciderRefusal } from './four-eyes-words.js';
import type { FourEyesVerdict, SeparatedTask } from './four-eyes.js';

/**
 * Why `actor` may not decide `task` of `instance` — they decided another of its process's distinct-decider tasks in
 * this instance — or undefined. A `forbidden` TaskRefusal (`four-eyes-distinct-deciders`, with `decidedTask`).
 */
export async function distinctDeciderRefusalOf(
  tx: StoreTx, instance: InstanceRow, model: ProcessModel, task: SeparatedTask, actor: string,
): Promise<StratumError | undefined> {
  if (!model.distinctDeciders.includes(task.elementId)) return undefined;
  const verdict = distinctDeciderVerdict(instance, model, task, actor, await tx.historyOf([instance.id], { event: 'task.completed', actor }));
  return verdict && forbidden(verdict.message, verdict.details);
}

/** The distinct-deciders rule on `task`, judged on `actor`'s task.completed entries (`completions`, any instances). */
export function distinctDeciderVerdict(
  instance: InstanceRow, model: ProcessModel, task: SeparatedTask, actor: string, completions: HistoryRow[],
): FourEyesVerdict | undefined {
  if (!model.distinctDeciders.includes(task.elementId)) return undefined;
  const decided = completions.find((entry) => entry.event === 'task.completed' && entry.actor === actor && entry.instanceId === instance.id
    && entry.elementId !== null && entry.elementId !== task.elementId && model.distinctDeciders.includes(entry.elementId));
  if (!decided) return undefined;
  const elementId = decided.elementId!;
  const name = model.elements.get(elementId)?.name ?? elementId;
  const orderName = instance.businessKey ?? instance.rootId;
  return {
    message: distinctDeciderRefusal(actor, name, instance.processKey, orderName, task.name),
    details: {
      reason: 'four-eyes-distinct-deciders',
      task: { id: task.id, instanceId: instance.id, processKey: instance.processKey, elementId: task.elementId, name: task.name },
      businessKey: instance.businessKey, rootInstanceId: instance.rootId,
      decidedTask: { id: decided.waitId, instanceId: instance.id, processKey: instance.processKey, elementId, name },
    },
  };
}
