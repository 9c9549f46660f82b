// Four eyes as both replays apply it to one recorded order, in the order its
// actions happened, judged by the runtime's own verdicts on the facts the
// replay has gathered so far — the order's starter, who requested each recorded
// change, and every task decision replayed, as the runtime's task.completed
// entries name them: a separated task by separatedTaskVerdictOn (the function
// the runtime's completion and the task list judge by, runtime/four-eyes.ts),
// then a process's `distinctDeciders` by distinctDeciderVerdict
// (runtime/distinct-deciders.ts), as the runtime's completion does (tasks.ts).
// So the fast replay, the engine replay and the runtime refuse the same
// decisions, for the same reasons (the live 403's `four-eyes-…` codes), in the
// same words, and cannot drift apart.
//
// The order's starter: an order is one root (order entry refuses a number
// already in use as a business key, and every other start refuses an order's
// number), and the instances its call activities start belong to it through
// that root, so the root's starter is the order's, as startersOf finds it.
import type { ProcessModel } from '../bpmn/process-model.js';
import { acknowledgedChangeOf, distinctDeciderVerdict } from '../runtime/distinct-deciders.js';
import { ENCLOSING_ITERATIONS } from '../runtime/enclosing-iteration.js';
import {
  MULTI_INSTANCE_BODY, separatedTaskVerdictOn, type FourEyesInstance, type FourEyesVerdict, type SeparatedTask, type SeparatedTaskFacts,
} from '../runtime/four-eyes.js';
import type { InstanceRow } from '../store/types.js';
import type { FourEyesBlock } from './impact-report.js';
import type { RecordedAction, RecordedOrder } from './recorded-orders.js';

/** An instance of the replay whose task is decided: what the verdicts read of it, and the version it runs. */
type ReplayedInstance = FourEyesInstance & Pick<InstanceRow, 'version'>;

export class ReplayFourEyes {
  /** Who started the order: its root's starter. */
  private readonly starters: ReadonlySet<string>;
  /** Who requested a change so far, with their latest change. */
  private readonly changeRequesters = new Map<string, string>();
  /** Who requested each recorded change so far, by change id (an acknowledgement names the change it acknowledges). */
  private readonly requestedBy = new Map<string, string>();
  /** The instances a task was decided in so far, with the version each runs. */
  private readonly instances = new Map<string, SeparatedTaskFacts['order'][number]>();
  /** The model of each process version decided in so far. */
  private readonly models = new Map<string, ProcessModel>();
  /** Every task decision replayed so far, as the runtime's task.completed entries name them. */
  private readonly completions: SeparatedTaskFacts['completions'] = [];

  constructor(order: Pick<RecordedOrder, 'startedBy'>) {
    this.starters = new Set(order.startedBy ? [order.startedBy] : []);
  }

  /** A recorded change request: its requester is a requester of the order from now on. */
  changeRequested(action: Extract<RecordedAction, { kind: 'change' }>): void {
    if (!action.requestedBy) return;
    this.changeRequesters.delete(action.requestedBy); // the latest change is the one named
    this.changeRequesters.set(action.requestedBy, action.changeId);
    this.requestedBy.set(action.changeId, action.requestedBy);
  }

  /**
   * Why `actor` may not decide `task` of `instance` (running `model`), as the runtime's completion judges it: a
   * separated task by separatedTaskVerdictOn, then distinctDeciderVerdict; or undefined, and then it counts as
   * their decision.
   */
  refusal(instance: ReplayedInstance, model: ProcessModel, task: SeparatedTask, actor: string): { message: string; fourEyes: FourEyesBlock } | undefined {
    this.instances.set(instance.id, { id: instance.id, processKey: instance.processKey, version: instance.version });
    this.models.set(modelKey(instance.processKey, instance.version), model);
    const verdict = this.separatedVerdict(instance, model, task, actor) ?? this.distinctDeciderVerdict(instance, model, task, actor);
    if (verdict) return { message: verdict.message, fourEyes: blockOf(verdict, actor) };
    this.completions.push({
      event: 'task.completed', actor, instanceId: instance.id, elementId: task.elementId, waitId: task.id,
      data: task.multiInstanceBody === undefined && task.enclosing === undefined ? null : {
        ...(task.multiInstanceBody !== undefined && { [MULTI_INSTANCE_BODY]: task.multiInstanceBody }),
        ...(task.enclosing !== undefined && { [ENCLOSING_ITERATIONS]: task.enclosing }),
      },
    });
    return undefined;
  }

  private separatedVerdict(instance: ReplayedInstance, model: ProcessModel, task: SeparatedTask, actor: string): FourEyesVerdict | undefined {
    if (!model.separatedTasks.includes(task.elementId)) return undefined;
    const change = this.changeRequesters.get(actor);
    const facts: SeparatedTaskFacts = {
      order: [...this.instances.values()],
      starters: this.starters,
      changeRequested: change === undefined ? undefined : { changeId: change },
      completions: this.completions,
    };
    return separatedTaskVerdictOn(instance, task, actor, facts, (processKey, version) => this.models.get(modelKey(processKey, version))!);
  }

  private distinctDeciderVerdict(instance: ReplayedInstance, model: ProcessModel, task: SeparatedTask, actor: string): FourEyesVerdict | undefined {
    const acknowledged = acknowledgedChangeOf(instance);
    return distinctDeciderVerdict(instance, model, task, actor, {
      starters: this.starters,
      changeRequested: acknowledged !== undefined && this.requestedBy.get(acknowledged) === actor ? { changeId: acknowledged } : undefined,
      completions: this.completions,
    });
  }
}

// helpers

function modelKey(processKey: string, version: number): string {
  return `${processKey}\u0000${version}`;
}

/** The runtime's verdict as a replay block names it: the decider, and the decided task without the ids a replay has not got. */
function blockOf({ details }: FourEyesVerdict, decider: string): FourEyesBlock {
  switch (details.reason) {
    case 'four-eyes-starter':
      return { reason: details.reason, decider };
    case 'four-eyes-change-requester':
      return { reason: details.reason, decider, changeId: details.changeId };
    default: {
      const { processKey, elementId, name } = details.decidedTask;
      return { reason: details.reason, decider, decidedTask: { processKey, elementId, name } };
    }
  }
}
