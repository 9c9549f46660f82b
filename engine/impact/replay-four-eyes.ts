// Four eyes as both replays apply it to one recorded order, in the order its
// actions happened: the order's starter and whoever requested a change of it
// (from that change on) decide none of its separated tasks, a person decides
// at most one separated task of it (deciding the same step again, after a
// rework loop, is no second pair of eyes missing), and within one activation
// of a separated multi-instance task at most one of its iterations — the
// runtime's rules (runtime/four-eyes.ts), with its words, so the fast replay,
// the engine replay and the runtime refuse the same decisions, for the same
// reasons (the live 403's `four-eyes-…` codes).
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

  constructor(private readonly order: Pick<RecordedOrder, 'orderNo' | 'startedBy'>) {}

  /** A recorded change request: its requester is a requester of the order from now on. */
  changeRequested(action: Extract<RecordedAction, { kind: 'change' }>): void {
    if (!action.requestedBy) return;
    this.changeRequesters.delete(action.requestedBy); // the latest change is the one named
    this.changeRequesters.set(action.requestedBy, action.changeId);
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

/** The task a decision was about, as the live refusal's `decidedTask` names it (without the ids a replay has not got). */
function decidedTask(decision: ReplayedDecision): { processKey: string; elementId: string; name: string } {
  const slash = decision.element.indexOf('/'); // element ids are XML names: never a slash
  return { processKey: decision.element.slice(0, slash), elementId: decision.element.slice(slash + 1), name: decision.name };
}
