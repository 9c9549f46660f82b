// Four eyes as both replays apply it to one recorded order, in the order its
// actions happened: the order's starter and whoever requested a change of it
// (from that change on) decide none of its separated tasks, a person decides
// at most one separated task of it (deciding the same step again, after a
// rework loop, is no second pair of eyes missing), and within one activation
// of a separated multi-instance task at most one of its iterations — the
// runtime's rules (runtime/four-eyes.ts), with its words, so the fast replay,
// the engine replay and the runtime refuse the same decisions, for the same
// reasons (the live 403's `four-eyes-…` codes). The acknowledgement rules of a
// process's `distinctDeciders` (each listed task of one instance from another
// person, none by whoever requested the change the instance acknowledges) are
// judged by the runtime's own verdict (runtime/distinct-deciders.ts) on the
// facts the replay has gathered so far: the order's starter, who requested each
// recorded change, and the decisions replayed in each instance.
import type { ProcessModel } from '../bpmn/process-model.js';
import { acknowledgedChangeOf, distinctDeciderVerdict, type DistinctDeciderFacts } from '../runtime/distinct-deciders.js';
import type { FourEyesInstance, FourEyesVerdict, SeparatedTask } from '../runtime/four-eyes.js';
import { changeRequesterRefusal, otherIterationRefusal, otherTaskRefusal, starterRefusal } from '../runtime/four-eyes-words.js';
import type { FourEyesBlock } from './impact-report.js';
import type { RecordedAction, RecordedOrder } from './recorded-orders.js';

/** A separated task about to be decided in the replay. */
export interface ReplayedDecision {
  /** `processKey/elementId`. */
  element: string;
  name: string;
  /** For an iteration of a multi-instance task: its activation (instance and multi-instance body), as the runtime tells them apart. */
  activation?: string;
}

export class ReplayFourEyes {
  /** The separated tasks decided so far, with who decided them, in the order they were decided. */
  private readonly decisions: (ReplayedDecision & { actor: string })[] = [];
  /** Who requested a change so far, with their latest change. */
  private readonly changeRequesters = new Map<string, string>();
  /** Who requested each recorded change so far, by change id (an acknowledgement names the change it acknowledges). */
  private readonly requestedBy = new Map<string, string>();
  /** Every task decision replayed so far, as the runtime's task.completed entries name them. */
  private readonly completions: DistinctDeciderFacts['completions'] = [];

  constructor(private readonly order: Pick<RecordedOrder, 'orderNo' | 'startedBy'>) {}

  /** A recorded change request: its requester is a requester of the order from now on. */
  changeRequested(action: Extract<RecordedAction, { kind: 'change' }>): void {
    if (!action.requestedBy) return;
    this.changeRequesters.delete(action.requestedBy); // the latest change is the one named
    this.changeRequesters.set(action.requestedBy, action.changeId);
    this.requestedBy.set(action.changeId, action.requestedBy);
  }

  /**
   * Why `actor` may not decide `task` of `instance` under its process's `distinctDeciders` — the runtime's
   * distinctDeciderVerdict, on what the replay knows —, or undefined (then it counts as their decision).
   */
  distinctDeciderRefusal(
    instance: FourEyesInstance, model: ProcessModel, task: SeparatedTask, actor: string,
  ): { message: string; fourEyes: FourEyesBlock } | undefined {
    const acknowledged = acknowledgedChangeOf(instance);
    const verdict = distinctDeciderVerdict(instance, model, task, actor, {
      // the order's root is the replay's only root: its starter is the order's
      starters: new Set(this.order.startedBy ? [this.order.startedBy] : []),
      changeRequested: acknowledged !== undefined && this.requestedBy.get(acknowledged) === actor ? { changeId: acknowledged } : undefined,
      completions: this.completions,
    });
    if (verdict) return { message: verdict.message, fourEyes: blockOf(verdict, actor) };
    this.completions.push({ event: 'task.completed', actor, instanceId: instance.id, elementId: task.elementId, waitId: task.id });
    return undefined;
  }

  /** Why `actor` may not decide the separated `task` (the sentence and the reason), or undefined (then it counts as their decision). */
  refusal(task: ReplayedDecision, actor: string): { message: string; fourEyes: FourEyesBlock } | undefined {
    const { orderNo } = this.order;
    if (actor === this.order.startedBy) {
      return { message: starterRefusal(actor, orderNo, task.name), fourEyes: { reason: 'four-eyes-starter', decider: actor } };
    }
    const change = this.changeRequesters.get(actor);
    if (change !== undefined) {
      return {
        message: changeRequesterRefusal(actor, change, orderNo, task.name),
        fourEyes: { reason: 'four-eyes-change-requester', decider: actor, changeId: change },
      };
    }
    for (const decided of this.decisions) {
      if (decided.actor !== actor) continue;
      if (decided.element === task.element) {
        if (task.activation === undefined || decided.activation !== task.activation) continue;
        return {
          message: otherIterationRefusal(actor, task.name, task.element, orderNo),
          fourEyes: { reason: 'four-eyes-other-iteration', decider: actor, decidedTask: decidedTask(decided) },
        };
      }
      return {
        message: otherTaskRefusal(actor, decided.name, decided.element, orderNo, task.name),
        fourEyes: { reason: 'four-eyes-other-task', decider: actor, decidedTask: decidedTask(decided) },
      };
    }
    this.decisions.push({ ...task, actor });
    return undefined;
  }
}

// helpers

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

/** The task a decision was about, as the live refusal's `decidedTask` names it (without the ids a replay has not got). */
function decidedTask(decision: ReplayedDecision): { processKey: string; elementId: string; name: string } {
  const slash = decision.element.indexOf('/'); // element ids are XML names: never a slash
  return { processKey: decision.element.slice(0, slash), elementId: decision.element.slice(slash + 1), name: decision.name };
}
