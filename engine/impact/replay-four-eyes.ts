// Four eyes as both replays apply it to one recorded order, in the order its
// actions happened: the order's starter and whoever requested a change of it
// (from that change on) decide none of its separated tasks, and a person decides
// at most one separated task of it — the runtime's rules (runtime/four-eyes.ts),
// so the fast replay and the engine replay block the same decisions.
import type { RecordedAction, RecordedOrder } from './recorded-orders.js';

export class ReplayFourEyes {
  /** Who decided which separated task (`processKey/elementId`). */
  private readonly deciders = new Map<string, string>();
  /** Who requested a change so far, with their latest change. */
  private readonly changeRequesters = new Map<string, string>();

  constructor(private readonly order: Pick<RecordedOrder, 'orderNo' | 'startedBy'>) {}

  /** A recorded change request: its requester is a requester of the order from now on. */
  changeRequested(action: Extract<RecordedAction, { kind: 'change' }>): void {
    if (!action.requestedBy) return;
    this.changeRequesters.delete(action.requestedBy); // the latest change is the one named
    this.changeRequesters.set(action.requestedBy, action.changeId);
  }

  /** Why `actor` may not decide the separated task `element` (named `name`), or undefined (then it counts as their decision). */
  refusal(element: string, name: string, actor: string): string | undefined {
    if (actor === this.order.startedBy) return `four eyes: ${actor} started order ${this.order.orderNo}, so another person must decide "${name}"`;
    const change = this.changeRequesters.get(actor);
    if (change !== undefined) return `four eyes: ${actor} requested change ${change} of order ${this.order.orderNo}, so another person must decide "${name}"`;
    const earlier = [...this.deciders].find(([decided, decider]) => decider === actor && decided !== element);
    if (earlier) return `four eyes: ${actor} already decided ${earlier[0]}, so another person must decide "${name}"`;
    this.deciders.set(element, actor);
    return undefined;
  }
}
