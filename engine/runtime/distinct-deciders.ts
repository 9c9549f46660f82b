// Four eyes within one instance: a process lists user tasks (`distinctDeciders`) that each need another person
// in the same instance — `special-change-notification` lists its three acknowledgements, so procurement,
// production and inspection acknowledge a special change as three people, not one person in all three groups.
// Deciding the same task again (a department's not-acknowledged loop) is allowed; the next instance (the next
// change) starts afresh. Nor does the change's requester acknowledge it — acknowledging one's own change tells no
// department: whoever requested the change the instance acknowledges (its `changeId`, the change record's
// `requestedBy`), or, for a special change entered with the order (no `changeId`), whoever started the order. They
// are refused as for a separated task. Who decided comes from the instance's task.completed entries.
import type { ProcessModel } from '../bpmn/process-model.js';
import { forbidden, type StratumError } from '../errors.js';
import type { HistoryRow, InstanceRow, StoreTx } from '../store/types.js';
import { distinctDeciderRefusal } from './four-eyes-words.js';
import {
  instancesOfOrder, requesterVerdict, startersOf, type FourEyesInstance, type FourEyesVerdict, type OrderFacts, type SeparatedTask,
} from './four-eyes.js';

/**
 * What the distinct-deciders rule reads about one person: who started the order, whether the person requested the
 * change the instance acknowledges (`changeRequested`: acknowledgedChangeOf, unlike a separated task's their latest
 * change of the order), and their task.completed entries (`completions`, any instances: the history's, or the
 * decisions an impact replay has made so far, which have no other fields).
 */
export type DistinctDeciderFacts = Pick<OrderFacts, 'starters' | 'changeRequested'> & {
  completions: Pick<HistoryRow, 'event' | 'actor' | 'instanceId' | 'elementId' | 'waitId'>[];
};

/**
 * Why `actor` may not decide `task` of `instance` — they requested the change it acknowledges, or started the order
 * when it acknowledges the special change entered with it, or decided another of its process's distinct-decider
 * tasks in this instance — or undefined. A `forbidden` TaskRefusal (`four-eyes-change-requester` with `changeId`,
 * `four-eyes-starter`, `four-eyes-distinct-deciders` with `decidedTask`).
 */
export async function distinctDeciderRefusalOf(
  tx: StoreTx, instance: InstanceRow, model: ProcessModel, task: SeparatedTask, actor: string,
): Promise<StratumError | undefined> {
  if (!model.distinctDeciders.includes(task.elementId)) return undefined;
  const facts: DistinctDeciderFacts = {
    starters: await startersOf(tx, await instancesOfOrder(tx, instance)),
    changeRequested: await acknowledgedChangeRequestedBy(tx, instance, actor),
    completions: await tx.historyOf([instance.id], { event: 'task.completed', actor }),
  };
  const verdict = distinctDeciderVerdict(instance, model, task, actor, facts);
  return verdict && forbidden(verdict.message, verdict.details);
}

/** The distinct-deciders rule on `task`, judged on `facts` (distinctDeciderRefusalOf says what it refuses). */
export function distinctDeciderVerdict(
  instance: FourEyesInstance, model: ProcessModel, task: SeparatedTask, actor: string, facts: DistinctDeciderFacts,
): FourEyesVerdict | undefined {
  if (!model.distinctDeciders.includes(task.elementId)) return undefined;
  // the requester of what the instance acknowledges: the change's, or for a special change entered with the order its starter
  const requester = requesterVerdict(instance, task, actor, acknowledgedChangeOf(instance) === undefined
    ? { starters: facts.starters, changeRequested: undefined }
    : { starters: NOBODY, changeRequested: facts.changeRequested });
  if (requester) return requester;
  const decided = facts.completions.find((entry) => entry.event === 'task.completed' && entry.actor === actor && entry.instanceId === instance.id
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

/**
 * The change of the order `instance` acknowledges: its `changeId` variable, which the order's change loop maps
 * from the engine's own OrderChanged and hands to the acknowledgements it calls (the variable an `orderChange`
 * status names its change by, too). Undefined for a special change entered with the order (its requester is the
 * order's starter) and outside an order (changes are recorded under the order number, the business key).
 */
export function acknowledgedChangeOf(instance: Pick<InstanceRow, 'businessKey' | 'variables'>): string | undefined {
  const changeId = instance.variables.changeId;
  return instance.businessKey !== null && typeof changeId === 'string' ? changeId : undefined;
}

// helpers

const NOBODY: ReadonlySet<string> = new Set();

/** The change `instance` acknowledges, when `actor` requested it (its change record's `requestedBy`). */
async function acknowledgedChangeRequestedBy(tx: StoreTx, instance: InstanceRow, actor: string): Promise<{ changeId: string } | undefined> {
  const changeId = acknowledgedChangeOf(instance);
  if (changeId === undefined) return undefined;
  const change = (await tx.orderChanges(instance.businessKey!)).find((one) => one.changeId === changeId);
  return change?.requestedBy === actor ? { changeId } : undefined;
}
