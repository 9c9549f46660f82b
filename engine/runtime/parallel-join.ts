// A parallel join as Camunda runs it: it fires when a token has arrived on
// every incoming sequence flow, and only then.
//
// bpmn-elements' own join (Activity's onJoinInbound) fires as soon as every
// incoming flow has been *touched*, taken or discarded. A path not chosen at an
// exclusive gateway is discarded along its flows; behind an exclusive merge the
// discard reaches the join on the merge's outgoing flow although the chosen path
// will still come that way, so the join fires once on the discard and once more
// on the token (the end event behind it is reached twice). Discards now end at
// the first merge they reach (merge-discards.ts), but a dead branch straight from
// a split into the join still touches it. Camunda has no discards: a parallel
// join waits for tokens.
//
// Here a discard is never a token: the join takes it at once (the process no
// longer waits for it; being a merge, the join ends it on its outgoing flows),
// and the takes the join holds stay where they are. Takes are held
// unacknowledged in the join's inbound queue, as bpmn-elements holds them, so
// they are part of the stored engine state and are delivered again to a
// recovered join; a second token on a flow waits for the next firing instead
// of being swallowed.
import * as elements from 'bpmn-elements';

const kFlags = Symbol.for('flags');
const kFlows = Symbol.for('flows');
const kMessageHandlers = Symbol.for('messageHandlers');
/** A token join's way to drop the takes it holds (an interrupting event sub-process ended their scope). */
const kDropHeld = Symbol('dropHeldTokens');

interface InboundMessage {
  content: { id: string; discardSequence?: string[] } & Record<string, unknown>;
  pending: boolean;
  ack(): void;
}

interface JoinActivity {
  id: string;
  broker: { cancel(consumerTag: string): boolean };
  run(runContent: { inbound: unknown[] }): void;
  _runDiscard(discardContent: { inbound: unknown[]; discardSequence?: string[] }): void;
  [kFlags]: { isParallelJoin: boolean };
  [kFlows]: { inboundSequenceFlows: { id: string }[] };
  [kMessageHandlers]: { onInbound: (routingKey: string, message: InboundMessage) => void };
  [kDropHeld]?: () => void;
}

type ElementFactory = (activityDef: unknown, context: unknown) => unknown;
const BaseParallelGateway = elements.ParallelGateway as unknown as ElementFactory;

/** bpmn-elements' ParallelGateway with Camunda's join: one firing per token on every incoming flow. */
export function ParallelGateway(activityDef: unknown, context: unknown): unknown {
  const activity = BaseParallelGateway(activityDef, context) as JoinActivity;
  if (activity[kFlags].isParallelJoin) activity[kMessageHandlers].onInbound = tokenJoin(activity);
  return activity;
}

/**
 * Drops the takes a token join holds, as a discard: the process stops waiting for their flows (bpmn-elements pops a
 * flow a discard names as inbound) and nothing is left in the join's queue for a later round. An interrupting event
 * sub-process calls it for the joins of the scope it ends (interrupting-event-sub-process.ts); anything else is left.
 */
export function dropHeldTokens(activity: unknown): void {
  (activity as Partial<JoinActivity> | undefined)?.[kDropHeld]?.();
}

const INBOUND_CONSUMER = '_run-on-inbound';

function tokenJoin(activity: JoinActivity) {
  const flowIds = activity[kFlows].inboundSequenceFlows.map((flow) => flow.id);
  // The takes delivered to this consumer and not yet joined. A message that is no longer pending was
  // handed back to the queue (the consumer was cancelled) and will be delivered again.
  let held: InboundMessage[] = [];
  activity[kDropHeld] = () => {
    const dropped = held.filter((candidate) => candidate.pending);
    held = [];
    if (!dropped.length) return;
    for (const token of dropped) token.ack();
    activity.broker.cancel(INBOUND_CONSUMER);
    activity._runDiscard({ inbound: dropped.map((token) => copy(token.content)) });
  };

  return function onTokenJoinInbound(routingKey: string, message: InboundMessage) {
    held = held.filter((candidate) => candidate.pending);
    const content = copy(message.content);

    if (routingKey !== 'flow.take') {
      message.ack();
      held = [];
      // Cancelling hands the held takes back to the inbound queue; they are delivered again after the discard.
      activity.broker.cancel(INBOUND_CONSUMER);
      const discardSequence = content.discardSequence?.slice();
      activity._runDiscard({ inbound: [content], ...(discardSequence && { discardSequence }) });
      return;
    }

    held.push(message);
    const joined: InboundMessage[] = [];
    for (const flowId of flowIds) {
      const token = held.find((candidate) => candidate.content.id === flowId);
      if (!token) return;
      joined.push(token);
    }
    for (const token of joined) token.ack();
    held = [];
    // Tokens beyond one per flow go back to the queue and wait for the next firing.
    activity.broker.cancel(INBOUND_CONSUMER);
    activity.run({ inbound: joined.map((token) => copy(token.content)) });
  };
}

function copy<T extends object>(content: T): T {
  return { ...content };
}
