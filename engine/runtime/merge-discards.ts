// A discarded path ends at the first merge it reaches.
//
// bpmn-elements eliminates dead paths by discarding them: a flow not taken at a
// split is discarded, and so is every element behind it. An element with
// several inbound flows (a merge) runs a discard for each discarded inbound flow
// and passes it on through everything behind it, although the merge's other
// inbound flows reach the same elements: a path not chosen early in a process
// discards most of the process again. In the shipped sales-order-management,
// the branch without a special change discards the fourteen elements behind
// "Special change handled" (the credit approval it is about to enter among
// them) at every order's start: a third of the engine's work of posting an order.
//
// Stratum reads nothing from discards: a parallel join waits for tokens
// (parallel-join.ts), history records the elements entered and completed. So a
// merge still takes the discard (its flow is done; the process no longer waits
// for it), but the discard stops at the merge's outbound flows, by bpmn-elements'
// own rule for discards that come round a loop: a discard whose sequence already
// names a flow's target ends on that flow (`flow.looped`) instead of reaching it.
// Elements on a dead path before its first merge are discarded as before.

const kFlows = Symbol.for('flows');
const kMessageHandlers = Symbol.for('messageHandlers');

interface InboundMessage {
  content: { discardSequence?: string[] } & Record<string, unknown>;
}

interface MergeActivity {
  [kFlows]: { outboundSequenceFlows: { targetId: string }[] };
  [kMessageHandlers]: { onInbound: (routingKey: string, message: InboundMessage) => void };
}

/** An element type as bpmn-elements constructs it (`new Behaviour(activityDef, context)`). */
type ElementConstructor = new (activityDef: unknown, context: unknown) => unknown;

/** The parts of moddle-context-serializer's compiled context read here. */
interface CompiledContext {
  getActivities(): Record<string, unknown>[];
  getSequenceFlows(): Record<string, unknown>[];
}

/** Makes every merge of a compiled definition end the discards it receives (once per compiled definition). */
export function endDiscardsAtMerges<Context extends CompiledContext>(context: Context): Context {
  const inboundFlows = new Map<string, number>();
  for (const { targetId } of context.getSequenceFlows()) {
    if (typeof targetId === 'string') inboundFlows.set(targetId, (inboundFlows.get(targetId) ?? 0) + 1);
  }
  for (const activity of context.getActivities()) {
    const merges = typeof activity.id === 'string' && (inboundFlows.get(activity.id) ?? 0) > 1;
    if (merges && typeof activity.Behaviour === 'function') activity.Behaviour = mergeOf(activity.Behaviour as ElementConstructor);
  }
  return context;
}

function mergeOf(Element: ElementConstructor): ElementConstructor {
  return function Merge(activityDef: unknown, context: unknown) {
    const activity = new Element(activityDef, context) as MergeActivity;
    const targets = activity[kFlows].outboundSequenceFlows.map((flow) => flow.targetId);
    const handlers = activity[kMessageHandlers];
    const onInbound = handlers.onInbound;
    handlers.onInbound = (routingKey, message) => {
      if (routingKey === 'flow.discard') {
        // this queue's message only (its content is shared with other queues); the handler acknowledges it at once
        const sequence = message.content.discardSequence ?? [];
        message.content = { ...message.content, discardSequence: [...sequence, ...targets.filter((target) => !sequence.includes(target))] };
      }
      onInbound(routingKey, message);
    };
    return activity;
  } as unknown as ElementConstructor;
}
