// Changes to a running order (POST /api/orders/{orderNo}/changes): one step
// that checks and records the change (orders/order-change.ts) and hands it to
// the order process as the engine's own `OrderChanged` message. What a change
// needs — acknowledgements, approval of a raised amount — the order process
// decides (docs/modelling.md, "Changes to a running order").
import { randomUUID } from 'node:crypto';
import type { OrderChangeRequest, OrderChangesView, OrderEntryOptions } from '../api.js';
import { StratumError } from '../errors.js';
import { changeAcknowledgements, changeHistory, changeSteps, ORDER_CHANGED_MESSAGE, orderChangesView, recordOrderChange } from '../orders/order-change.js';
import type { InstanceRow, OrderChangeRow } from '../store/types.js';
import type { Messages } from './messages.js';
import { recordingRefusal, recordRefusedAtInstance } from './refused-attempts.js';
import type { OrderEntrySettings } from './starts.js';
import { namedCaller } from './step-caller.js';
import type { StepExecutor } from './step-executor.js';
import { releaseClaimsFourEyesRefuses } from './void-claims.js';

export class OrderChanges {
  constructor(
    private readonly steps: StepExecutor,
    private readonly messages: Messages,
    private readonly orderEntry: OrderEntrySettings,
  ) {}

  /** Records a change (a repeat of its changeId returns it unchanged); returns it and the order's root instance id. */
  async change(orderNo: string, request: OrderChangeRequest, options: OrderEntryOptions): Promise<{ row: OrderChangeRow; created: boolean; instanceId: string }> {
    const { steps } = this;
    const caller = namedCaller(options.user, options.via);
    // a change refused for the order's state (shipped, ended, failed, not changeable) is kept in the order's history
    return recordingRefusal<{ row: OrderChangeRow; created: boolean; instanceId: string }, { error: StratumError }>((attempt) => steps.step('message', async (tx, moving) => {
      await tx.lockBusinessKey(orderNo);
      const { rates } = this.orderEntry;
      if (!rates) throw new StratumError('unavailable', 'orders cannot be changed: no exchange-rate table is configured');
      const recorded = await recordOrderChange(tx, orderNo, request, {
        actor: options.user, via: caller.via, rates, now: steps.rows.nowIso(), changeId: randomUUID(),
        refusing: (error) => { attempt.current = { error }; },
        catchesChanges: async (tree) => {
          for (const instance of tree) {
            const { model } = await steps.definition(tx, instance.processKey, instance.version);
            if ([...model.elements.values()].some((info) => info.message?.name === ORDER_CHANGED_MESSAGE)) return true;
          }
          return false;
        },
      });
      if (recorded.message) await this.messages.publish(tx, recorded.message, moving);
      // the requester decides no separated task of the order from now on (four eyes): their claims on them hold nothing
      const root = recorded.created && !steps.isSpeculation(tx) ? await tx.getInstance(recorded.instanceId) : undefined;
      if (root) await releaseClaimsFourEyesRefuses(tx, steps.rows, root, options.user, (key, version) => steps.definition(tx, key, version));
      return recorded;
    }, caller), ({ error }) => recordRefusedAtInstance(steps, {
      event: 'change.refused',
      instanceOf: async (tx) => (await tx.getOrder(orderNo))?.instanceId,
      sent: { changeId: request.changeId, description: request.description, amount: request.amount },
      reason: String(error.details?.reason),
      refusal: error.message,
    }, caller));
  }

  /** The order with its changes; undefined when no order has this number. */
  view(orderNo: string): Promise<OrderChangesView | undefined> {
    return this.steps.store.read(async (tx) => {
      const order = await tx.getOrder(orderNo);
      if (!order) return undefined;
      const groupsOf = async (instance: InstanceRow, elementId: string) => {
        const { model } = await this.steps.definition(tx, instance.processKey, instance.version);
        return [...(model.elements.get(elementId)?.candidateGroups ?? [])];
      };
      const history = await changeHistory(tx, order);
      return orderChangesView(order, await tx.orderChanges(orderNo), changeSteps(history), await changeAcknowledgements(history, groupsOf));
    });
  }
}
