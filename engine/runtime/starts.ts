// The ways an instance begins: a generic start of a level-1 process that takes
// no orders (idempotent with a key), and order entry — the one way in for
// orders: checked, converted to the reporting currency, one order per number.
import type { OrderEntry, OrderEntryOptions, OrderEntryStatus, StartOptions } from '../api.js';
import { TAKES_ORDERS_PROPERTY, type ProcessModel } from '../bpmn/process-model.js';
import { conflict, notFound, StratumError } from '../errors.js';
import type { RateTable } from '../money/rate-table.js';
import { callersOf, refuseDirectStart, refuseOrderNumber } from '../orders/entry-guard.js';
import { checkOrder, isSameOrder, orderAsEntered, orderRow, orderVariables } from '../orders/order-entry.js';
import type { StoreTx } from '../store/types.js';
import { mapStartVariables, startDeclarationOf } from './start-variables.js';
import { recordingRefusal, recordRefusedAtInstance, type AttemptNote } from './refused-attempts.js';
import { callerEntry, namedCaller } from './step-caller.js';
import type { StepExecutor } from './step-executor.js';

export const DEFAULT_ORDER_PROCESS = 'order-to-cash';

export interface OrderEntrySettings {
  processKey: string;
  rates?: RateTable;
}

export class Starts {
  constructor(
    private readonly steps: StepExecutor,
    private readonly orderEntry: OrderEntrySettings,
  ) {}

  /**
   * Starts a process; returns the instance id and whether this call created it (an idempotent repeat did not). A
   * start the entry rules refuse under an order's number (a called process, the order process itself, another
   * process under the order's key) is kept in that order's history as `start.refused` (refused-attempts.ts).
   */
  async start(processKey: string, options: StartOptions): Promise<{ id: string; created: boolean }> {
    const { steps } = this;
    const caller = namedCaller(options.user, options.via);
    // a key is its sender's: another user's same key is another request, and never answers with their instance
    const idempotencyCaller = options.user ?? '';
    const { businessKey } = options;
    return recordingRefusal<{ id: string; created: boolean }, RefusedEntry>((attempt) => steps.step('start', async (tx, moving) => {
      const { idempotency } = options;
      const previous = idempotency && await tx.getIdempotency(idempotency.scope, idempotencyCaller, idempotency.key);
      // a retry answers with what it started, whatever the rules say now
      if (previous && previous.requestHash === idempotency.requestHash) return { id: previous.instanceId, created: false };
      const version = await tx.latestVersionNumber(processKey);
      if (version === undefined) throw notFound(`no process with key ${processKey} is deployed`);
      const { model } = await steps.definition(tx, processKey, version);
      // another request under a used key meets the entry rules first: a start under an order's number is refused
      // and kept as without the key, where the key's 422 left no trace of it
      await noteEntryRefusal(attempt, async () => {
        await refuseDirectStart(tx, model);
        if (businessKey !== undefined) await refuseOrderNumber(tx, businessKey);
      });
      if (previous && idempotency) {
        // 422, as the IETF draft of the Idempotency-Key header has it for a key reused with another payload
        throw new StratumError('invalid', `Idempotency-Key ${idempotency.key} was already used for a different request, which started instance ${previous.instanceId}`, {
          reason: 'idempotency-key-reused', instanceId: previous.instanceId, problem: 'idempotency-key-reused',
        });
      }
      const payload = options.variables ?? {};
      const declaration = startDeclarationOf(model);
      const variables = declaration ? mapStartVariables(model, declaration, payload) : payload;
      const instance = steps.rows.newInstance(processKey, version, options.businessKey ?? null, null, options.user ?? null);
      moving(instance);
      if (idempotency) {
        await tx.insertIdempotency({ ...idempotency, caller: idempotencyCaller, instanceId: instance.id, createdAt: instance.createdAt });
      }
      await steps.runQueue(tx, [{
        instance,
        isNew: true,
        kind: 'start',
        actor: options.user ?? null,
        action: { type: 'start', variables, ...(declaration && { mappedBy: declaration.startEventId }) },
        history: [callerEntry(steps.rows.history(instance.id, options.user ?? null, 'instance.started', null, null, { variables: payload }), caller)],
      }]);
      return { id: instance.id, created: true };
    }, caller), ({ error }) => (businessKey === undefined ? Promise.resolve(false) : recordRefusedAtInstance(steps, {
      event: 'start.refused',
      instanceOf: async (tx) => (await tx.getOrder(businessKey))?.instanceId,
      sent: { attempted: 'start', processKey, variables: options.variables ?? {} },
      reason: String(error.details?.reason),
      refusal: error.message,
    }, caller)));
  }

  /**
   * Enters an order; an identical repeat returns the order already entered. Another entry under the number of an
   * order already entered (other data: `order-exists`) is kept in that order's history as `entry.refused`, with
   * what it sent: an attempt to enter the order again with another amount or terms leaves a trace.
   */
  async enterOrder(order: OrderEntry, options: OrderEntryOptions): Promise<{ id: string; created: boolean }> {
    const { steps } = this;
    const caller = namedCaller(options.user, options.via);
    return recordingRefusal<{ id: string; created: boolean }, RefusedEntry>((attempt) => steps.step('start', async (tx, moving) => {
      // The refusals that only read (no level-1 order process, a business key taken) are the transaction's.
      const checked = !steps.isSpeculation(tx);
      const { model, processKey, version } = await this.orderProcess(tx, checked);
      await tx.lockBusinessKey(order.orderNo);
      const existing = await tx.getOrder(order.orderNo);
      if (existing) {
        if (isSameOrder(existing.order, orderAsEntered(order))) return { id: existing.instanceId, created: false };
        const error = conflict(`order ${order.orderNo} was already entered with different data (instance ${existing.instanceId})`, {
          reason: 'order-exists', instanceId: existing.instanceId,
        });
        attempt.current = { error };
        throw error;
      }
      const conversion = checkOrder(order, this.rates(), steps.rows.nowIso().slice(0, 10));
      const [holder] = checked ? await tx.findInstances({ businessKey: order.orderNo, limit: 1 }) : [];
      if (holder) {
        throw conflict(`${order.orderNo} is already the business key of instance ${holder.id} (${holder.processKey}); an order number names one order`, {
          reason: 'business-key-taken', instanceId: holder.id,
        });
      }
      const entered = orderVariables(order, conversion);
      const declaration = startDeclarationOf(model);
      // The order process declares what it starts with; order entry hands it exactly that.
      const payload = declaration ? Object.fromEntries(Object.entries(entered).filter(([name]) => declaration.declared.includes(name))) : entered;
      const variables = declaration ? mapStartVariables(model, declaration, payload) : payload;
      const instance = steps.rows.newInstance(processKey, version, order.orderNo, null, options.user);
      moving(instance);
      await steps.runQueue(tx, [{
        instance,
        isNew: true,
        kind: 'start',
        actor: options.user,
        action: { type: 'start', variables, ...(declaration && { mappedBy: declaration.startEventId }) },
        history: [callerEntry(steps.rows.history(instance.id, options.user, 'instance.started', null, null, { entry: 'order', variables: entered }), caller)],
      }]);
      await tx.insertOrder(orderRow(order, conversion, {
        processKey, instanceId: instance.id, enteredBy: options.user, enteredAt: instance.createdAt,
      }));
      return { id: instance.id, created: true };
    }, caller), ({ error }) => recordRefusedAtInstance(steps, {
      event: 'entry.refused',
      instanceOf: async (tx) => (await tx.getOrder(order.orderNo))?.instanceId,
      sent: { attempted: 'enter-order', ...order },
      reason: String(error.details?.reason),
      refusal: error.message,
    }, caller));
  }

  async orderEntryStatus(): Promise<OrderEntryStatus> {
    const { processKey } = this.orderEntry;
    const reportingCurrency = this.orderEntry.rates?.reportingCurrency.code ?? null;
    try {
      await this.steps.store.read((tx) => this.orderProcess(tx));
      this.rates();
      return { processKey, ready: true, reportingCurrency };
    } catch (error) {
      if (!(error instanceof StratumError)) throw error;
      return { processKey, ready: false, problem: error.message, reportingCurrency };
    }
  }

  /** The latest version of the configured order process; 503 when it cannot take orders (unless `checked` is false: no caller check). */
  private async orderProcess(tx: StoreTx, checked = true): Promise<{ model: ProcessModel; processKey: string; version: number }> {
    const { processKey } = this.orderEntry;
    const version = await tx.latestVersionNumber(processKey);
    if (version === undefined) throw new StratumError('unavailable', `orders cannot be entered: the order process ${processKey} is not deployed`);
    const { model } = await this.steps.definition(tx, processKey, version);
    if (!model.takesOrders) {
      throw new StratumError('unavailable',
        `orders cannot be entered: ${processKey} does not declare that it takes orders (process property ${TAKES_ORDERS_PROPERTY}=true)`);
    }
    const callers = checked ? callersOf(processKey, await tx.latestCalls()) : [];
    if (callers.length) {
      throw new StratumError('unavailable', `orders cannot be entered: ${processKey} is called by ${callers.join(', ')}, so it is no level-1 process`);
    }
    return { model, processKey, version };
  }

  private rates(): RateTable {
    const { rates } = this.orderEntry;
    if (!rates) throw new StratumError('unavailable', 'orders cannot be entered: no exchange-rate table is configured');
    return rates;
  }
}

/** An entry rule's refusal, noted for its record once the step rolled back. */
interface RefusedEntry {
  error: StratumError;
}

/** Runs `check` (the entry rules); a refusal it throws is noted in `attempt`, to be kept. */
async function noteEntryRefusal(attempt: AttemptNote<RefusedEntry>, check: () => Promise<void>): Promise<void> {
  try {
    await check();
  } catch (error) {
    if (error instanceof StratumError) attempt.current = { error };
    throw error;
  }
}
