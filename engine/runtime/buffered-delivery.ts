// Messages that arrived before a step opened their catch (message-buffer.ts) are delivered in that
// step: the step executor's hook, in a module of its own that needs only the few parts of the executor it uses.
import type { Clock } from '../api.js';
import type { StoreTx, WaitRow } from '../store/types.js';
import type { InstanceRows } from './instance-rows.js';
import type { ExecutableDefinition } from './definition-cache.js';
import type { MessageBuffer } from './message-buffer.js';
import { messagesReceivedSince } from './messages-received-since.js';
import type { QueuedStep, StepOutcome } from './queued-step.js';

/** What of the step executor a delivery runs on. */
interface DeliverySteps {
  readonly messages: MessageBuffer;
  readonly clock: Clock;
  readonly rows: InstanceRows;
  runStep(tx: StoreTx, step: QueuedStep): Promise<StepOutcome>;
  definition(tx: StoreTx, key: string, version: number): Promise<ExecutableDefinition>;
}

/** Runs a step for each buffered message a step's new catches take. */
export async function deliverBuffered(tx: StoreTx, steps: DeliverySteps, previousWaits: WaitRow[], waits: WaitRow[]): Promise<StepOutcome> {
  const buffer = steps.messages;
  const follow: QueuedStep[] = [];
  for (const wait of buffer.newCatches(previousWaits, waits)) {
    const instance = await tx.getInstance(wait.instanceId, { lock: true });
    // an earlier delivery of this loop may have moved the instance past this catch
    if (!instance || instance.status !== 'running' || !(await tx.getWait(wait.id))) continue;
    const element = (await steps.definition(tx, instance.processKey, instance.version)).model.elements.get(wait.elementId);
    const since = messagesReceivedSince(element, instance.variables);
    if (!since.ok) {
      // fail closed: the catch waits for a message sent from now on, and the history says why
      await tx.appendHistory([steps.rows.waitHistory(wait, null, 'message.buffer-not-read', null, { name: wait.messageName, messagesReceivedSince: element?.messagesReceivedSince, problem: since.problem })]);
      continue;
    }
    const message = await buffer.claim(tx, wait, steps.clock.now(), since.since);
    if (!message) continue;
    const result = await steps.runStep(tx, {
      instance, isNew: false, kind: 'message', history: [buffer.deliveryEntry(wait, message, steps.rows.nowIso())], actor: message.receivedBy,
      action: { type: 'message', messageId: wait.messageId ?? wait.elementId, elementId: wait.elementId, executionId: wait.executionId, variables: message.variables },
    });
    follow.push(...result.follow);
    if (result.incident) return { ...result, follow };
  }
  return { follow, incident: null };
}
