// Messages: a correlated message moves every running instance waiting for it
// (each once), else starts a process whose top-level start event catches it,
// else is buffered for its time-to-live (message-buffer.ts) and delivered in
// the step that opens a matching catch (buffered-delivery.ts).
import type { MessageRequest } from '../api.js';
import type { ElementInfo } from '../bpmn/process-model.js';
import type { StratumError } from '../errors.js';
import { directStartRefusal } from '../orders/entry-guard.js';
import { ENGINE_MESSAGE, refuseOrderChangedMessage } from '../orders/order-change.js';
import type { HistoryRow, InstanceRow, MessageRow, StoreTx, WaitRow } from '../store/types.js';
import { messageWrites, type MessageReach } from './completion-variables.js';
import type { ExecutableDefinition } from './definition-cache.js';
import { recordRefusedMessage, VARIABLE_REFUSED } from './refused-attempts.js';
import { namedCaller, type StepCaller } from './step-caller.js';
import type { StepExecutor } from './step-executor.js';
import { timeToLiveMs } from './time-to-live.js';
import { reachableModels, storeCalledVersionOf } from './tree-models.js';
import { refuseUnderFailedCaller } from './wait-locks.js';

/** What became of a correlated message: refused, kept, or delivered to these instances. */
export type Correlation = { refused: StratumError } | { buffered: MessageRow } | { delivered: MessageRow; moved: Moved[] };

/** An instance a message moved: at the catch `waitId`, or started by it (`waitId` null). */
export interface Moved {
  instanceId: string;
  rootId: string;
  waitId: string | null;
}

type Moving = (instance: InstanceRow) => void;

export class Messages {
  constructor(private readonly steps: StepExecutor) {}

  async correlate(sent: MessageRequest): Promise<Correlation> {
    const caller = namedCaller(sent.actor, sent.via);
    await this.refuseEngineMessage(sent, caller);
    // a caller's message names its route on the entries it writes (the engine's own OrderChanged the change request's)
    const message = { ...sent, via: caller.via };
    const { steps } = this;
    const buffer = steps.messages;
    const timeToLive = message.timeToLive === undefined ? buffer.defaultTimeToLiveMs : timeToLiveMs(message.timeToLive);
    let refusedWrite: StratumError | undefined;
    try {
      return await steps.step('message', async (tx, moving): Promise<Correlation> => {
        // A message adds to what it reaches: never the order as entered, never what another element decides.
        if (message.variables) {
          const { variables } = message;
          const reach = await this.reach(tx, message);
          try {
            messageWrites(variables, message.name, reach);
          } catch (error) {
            refusedWrite = error as StratumError;
            throw error;
          }
        }
        return this.correlateIn(tx, moving, message, timeToLive);
      }, caller);
    } catch (error) {
      // an attempt to rewrite the order is kept in its history, after the step rolled back (refused-attempts.ts)
      if (refusedWrite && error === refusedWrite) {
        await recordRefusedMessage(steps, {
          name: message.name, businessKey: message.businessKey, ...(message.messageId !== undefined && { messageId: message.messageId }),
          variables: message.variables ?? {}, reason: VARIABLE_REFUSED, refusal: refusedWrite.message, attempted: 'correlate',
        }, caller);
      }
      throw error;
    }
  }

  /**
   * Refuses the engine's own OrderChanged from a caller; the forgery is kept in the history of the order its key
   * names, as a message refused for its variables is (nothing when the key names no order).
   */
  private async refuseEngineMessage(sent: MessageRequest, caller: StepCaller): Promise<void> {
    try {
      refuseOrderChangedMessage(sent.name);
    } catch (error) {
      await recordRefusedMessage(this.steps, {
        name: sent.name, businessKey: sent.businessKey, ...(sent.messageId !== undefined && { messageId: sent.messageId }),
        variables: sent.variables ?? {}, reason: ENGINE_MESSAGE, refusal: (error as Error).message, attempted: 'correlate',
      }, caller);
      throw error;
    }
  }

  /** The message's step once its variables passed: received, then delivered, started by, kept or refused. */
  private async correlateIn(tx: StoreTx, moving: Moving, message: MessageRequest, timeToLive: number): Promise<Correlation> {
    const { steps } = this;
    const buffer = steps.messages;
    const now = steps.clock.now();
    const received = await buffer.receive(tx, message, timeToLive, now);
    if ('duplicate' in received) return { refused: received.duplicate };
    const { row } = received;
    let waiting = await this.waitingFor(tx, message);
    if (waiting.length === 0) {
      // Serialise with a step opening this catch right now: it either sees the buffered message or we see its wait.
      await tx.lockCorrelation(message.name, message.businessKey);
      waiting = await this.waitingFor(tx, message);
    }
    // Camunda 7's all: false: more than one instance waiting is the sender's mistake, not a reason to move each
    if (message.exactlyOne && waiting.length > 1) {
      return { refused: await buffer.refuseAmbiguous(tx, row, waiting.map((wait) => wait.instanceId)) };
    }
    let reached = await this.deliverTo(tx, message, row, waiting, moving);
    if (reached.length === 0) {
      const started = await this.startByMessage(tx, message, moving);
      if (started) reached = [{ instanceId: started, rootId: started, waitId: null }];
    }
    if (reached.length > 0) {
      await buffer.delivered(tx, row, reached[0].instanceId, reached[0].rootId, now);
      return { delivered: row, moved: reached };
    }
    const unwaited = await buffer.keepOrRefuse(tx, row);
    return unwaited.kind === 'buffered' ? { buffered: unwaited.message } : { refused: unwaited.error };
  }

  /**
   * An engine-internal message (OrderChanged), in the caller's step: delivered
   * to what waits for it, else kept for the order. Never starts a process.
   */
  async publish(tx: StoreTx, message: MessageRequest, moving: Moving): Promise<void> {
    const buffer = this.steps.messages;
    const now = this.steps.clock.now();
    const received = await buffer.receive(tx, message, timeToLiveMs(message.timeToLive ?? 0), now);
    if ('duplicate' in received) throw received.duplicate;
    await tx.lockCorrelation(message.name, message.businessKey);
    const reached = await this.deliverTo(tx, message, received.row, await this.waitingFor(tx, message), moving);
    if (reached.length) return buffer.delivered(tx, received.row, reached[0].instanceId, reached[0].rootId, now);
    const kept = await buffer.keepOrRefuse(tx, received.row);
    if (kept.kind !== 'buffered') throw kept.error;
  }

  /** Deletes expired buffered messages, a hundred per transaction; returns how many. */
  async purgeExpired(): Promise<number> {
    const { steps } = this;
    let purged = 0;
    for (;;) {
      const count = await steps.inTransaction((tx) => steps.messages.purgeExpired(tx, steps.clock.now(), 100));
      purged += count;
      if (count < 100) return purged;
    }
  }

  /**
   * The processes a message may reach: the versions its business key's running instances run and those of the
   * instances whose catch waits under its key (a `zeebe:subscription` correlationKey may name another variable
   * than the business key), with none the latest versions it would start (startByMessage), and the versions
   * of all they may call (each call resolved by its binding, tree-models.ts). It reaches an order when its key,
   * or the business key of an instance it reaches, is an order's number.
   */
  private async reach(tx: StoreTx, message: MessageRequest): Promise<MessageReach> {
    const { steps } = this;
    const definitionOf = (key: string, version: number) => steps.definition(tx, key, version);
    const running = await tx.findInstances({ businessKey: message.businessKey, status: 'running' });
    const reached = [...running, ...(await catchingInstances(tx, message))];
    const seeds = reached.length
      ? reached.map((instance) => ({ key: instance.processKey, version: instance.version }))
      : await this.messageStarts(tx, message.name);
    const models = await reachableModels(seeds, definitionOf, storeCalledVersionOf(tx, definitionOf));
    const keys = new Set([message.businessKey, ...reached.flatMap((instance) => instance.businessKey ?? [])]);
    let order = false;
    for (const key of keys) order ||= Boolean(await tx.getOrder(key));
    return { order, models };
  }

  /** The catches waiting for the message, one per running instance (one message moves an instance once). */
  private async waitingFor(tx: StoreTx, message: MessageRequest): Promise<WaitRow[]> {
    const waits = await tx.findWaits({ kind: 'message', messageName: message.name, correlationKey: message.businessKey });
    // One order number is one order: its messages move only its call tree, not another process waiting under the
    // number (a correlationKey naming a variable that holds it); the order keeps the message until it waits for it.
    const order = await tx.getOrder(message.businessKey);
    const waiting: WaitRow[] = [];
    const seen = new Set<string>();
    for (const candidate of waits) {
      if (order && candidate.rootId !== order.instanceId) continue;
      if (seen.has(candidate.instanceId)) continue;
      seen.add(candidate.instanceId);
      const instance = await tx.getInstance(candidate.instanceId, { lock: true });
      if (instance?.status === 'running') waiting.push(candidate);
    }
    return waiting;
  }

  /** Moves each instance whose catch still waits (an earlier delivery may have moved it on); returns those it moved. */
  private async deliverTo(tx: StoreTx, message: MessageRequest, row: MessageRow, waiting: WaitRow[], moving: Moving): Promise<Moved[]> {
    const { steps } = this;
    const reached: Moved[] = [];
    for (const candidate of waiting) {
      const instance = await tx.getInstance(candidate.instanceId, { lock: true });
      const wait = await tx.getWait(candidate.id);
      if (!instance || !wait || instance.status !== 'running') continue;
      await refuseUnderFailedCaller(tx, instance, `message ${message.name}`);
      moving(instance);
      const entry = routed(steps.rows.waitHistory(wait, message.actor ?? null, 'message.correlated', null, {
        name: message.name, businessKey: message.businessKey, variables: message.variables ?? {},
        messageKey: row.id, messageId: row.messageId,
      }), message);
      await steps.runQueue(tx, [{
        instance, isNew: false, kind: 'message', history: [entry], actor: message.actor ?? null,
        action: {
          type: 'message', messageId: wait.messageId ?? wait.elementId, elementId: wait.elementId,
          executionId: wait.executionId, variables: message.variables,
        },
      }]);
      reached.push({ instanceId: instance.id, rootId: instance.rootId, waitId: wait.id });
    }
    return reached;
  }

  /**
   * A message that nothing waits for starts the latest version of a process
   * whose (top-level) start event catches it, like Camunda's message start.
   */
  private async startByMessage(tx: StoreTx, message: MessageRequest, moving: Moving): Promise<string | undefined> {
    const { steps } = this;
    // One order number is one order: a message never starts a second instance under it.
    await tx.lockBusinessKey(message.businessKey);
    if (await tx.getOrder(message.businessKey)) return undefined;
    for (const { key, version, definition, startEvent } of await this.messageStarts(tx, message.name)) {
      // Called, retired and order processes have their own ways in: the rule of every direct start (entry-guard.ts).
      if (await directStartRefusal(tx, definition.model)) continue;
      const variables = message.variables ?? {};
      const instance = steps.rows.newInstance(key, version, message.businessKey, null, message.actor ?? null);
      moving(instance);
      await steps.runQueue(tx, [{
        instance, isNew: true, kind: 'start', action: { type: 'start', variables }, actor: message.actor ?? null,
        history: [routed(steps.rows.history(instance.id, message.actor ?? null, 'instance.started', startEvent.id, 'bpmn:StartEvent', { message: message.name, variables }), message)],
      }]);
      const waiting = await tx.getInstance(instance.id, { lock: true });
      const wait = (await tx.findWaits({ instanceId: instance.id, kind: 'message' })).find((candidate) => candidate.elementId === startEvent.id);
      if (waiting && wait) {
        await steps.runQueue(tx, [{
          instance: waiting, isNew: false, kind: 'message', history: [], actor: message.actor ?? null,
          action: { type: 'message', messageId: startEvent.message!.id, elementId: wait.elementId, executionId: wait.executionId },
        }]);
      }
      return instance.rootId;
    }
    return undefined;
  }

  /** The latest process versions whose top-level start event catches messages of `name`, with that event. */
  private async messageStarts(tx: StoreTx, name: string) {
    const starts: { key: string; version: number; definition: ExecutableDefinition; startEvent: ElementInfo }[] = [];
    for (const { key, version } of await tx.latestCalls()) {
      const definition = await this.steps.definition(tx, key, version);
      const startEvent = [...definition.model.elements.values()].find((info) => info.type === 'bpmn:StartEvent' && !info.nested && info.message?.name === name);
      if (startEvent) starts.push({ key, version, definition, startEvent });
    }
    return starts;
  }
}

/** The instances with a catch for the message waiting under its key, whatever their business key. */
async function catchingInstances(tx: StoreTx, message: MessageRequest): Promise<InstanceRow[]> {
  const waits = await tx.findWaits({ kind: 'message', messageName: message.name, correlationKey: message.businessKey });
  const instances: InstanceRow[] = [];
  for (const id of new Set(waits.map((wait) => wait.instanceId))) {
    const instance = await tx.getInstance(id);
    if (instance) instances.push(instance);
  }
  return instances;
}

/** The entry a message writes, naming the route it came by when a caller sent it. */
function routed(entry: HistoryRow, message: MessageRequest): HistoryRow {
  return message.via ? { ...entry, via: message.via } : entry;
}
