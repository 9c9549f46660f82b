// Wires the library and the runtime onto one store.
import { EventEmitter } from 'node:events';
import type { Clock, Stratum, StratumOptions } from './api.js';
import { WebhookDelivery } from './events/webhook-delivery.js';
import { Webhooks } from './events/webhooks.js';
import { ImpactAnalyser } from './impact/impact-analyser.js';
import { ProcessLibrary } from './library/process-library.js';
import { OrderBook } from './orders/order-book.js';
import { DefinitionCache } from './runtime/definition-cache.js';
import { feelBudgetMs, feelRangeLimit, feelTextLimit } from './feel/feel-budget.js';
import { defaultTaskGroup } from './runtime/task-assignment.js';
import { DEFAULT_ORDER_PROCESS, InstanceRuntime } from './runtime/runtime.js';
import { TimerScheduler } from './runtime/timer-scheduler.js';
import { JobWorkers } from './workers/job-workers.js';

const systemClock: Clock = { now: () => new Date() };

/** Opens the library and runtime on a migrated store (nothing to wait for yet; a promise so that may change). */
export async function openStratum(options: StratumOptions): Promise<Stratum> {
  // a blank STRATUM_DEFAULT_TASK_GROUP is refused now, not at the first unassigned task
  defaultTaskGroup();
  // so are FEEL budgets that are not whole numbers, not at the first expression that loops
  feelBudgetMs();
  feelRangeLimit();
  feelTextLimit();
  const clock = options.clock ?? systemClock;
  const events = new EventEmitter();
  const library = new ProcessLibrary(options.store, clock);
  const runtime = new InstanceRuntime(options.store, new DefinitionCache(), clock, events, {
    ...(options.messageTimeToLiveMs !== undefined && { messageTimeToLiveMs: options.messageTimeToLiveMs }),
    ...(options.engineCacheBytes !== undefined && { engineCacheBytes: options.engineCacheBytes }),
    ...(options.viewCacheBytes !== undefined && { viewCacheBytes: options.viewCacheBytes }),
    ...(options.speculate !== undefined && { speculate: options.speculate }),
    ...(options.feelTiming && { feelTiming: options.feelTiming }),
    ...(options.serverRoles && { serverRoles: options.serverRoles }),
    orderEntry: {
      processKey: options.orderEntry?.processKey ?? DEFAULT_ORDER_PROCESS,
      ...(options.orderEntry?.rates && { rates: options.orderEntry.rates }),
    },
  });
  const impact = new ImpactAnalyser(options.store, options.orderEntry?.processKey ?? DEFAULT_ORDER_PROCESS, {
    events, clock, ...(options.replayWorkers !== undefined && { replayWorkers: options.replayWorkers }),
    // the replay refuses what the runtime's assignments refuse
    ...(options.serverRoles && { serverRoles: options.serverRoles }),
  });
  const scheduler = new TimerScheduler(runtime, events, options.schedulerIntervalMs ?? 1000);
  const workers = new JobWorkers(options.store, runtime, clock);
  await workers.start();
  const delivery = new WebhookDelivery(options.store, clock, options.webhooks, (error) => events.emit('webhook-error', error));
  // a step that wrote order events wakes the delivery loop (other servers find them on their next round)
  events.on('order-events', () => delivery.wake());
  return {
    library,
    runtime,
    impact,
    orders: new OrderBook(options.store, runtime),
    workers,
    outbox: new Webhooks(options.store, clock, delivery),
    events,
    startScheduler: () => scheduler.start(),
    close: async () => {
      await scheduler.stop();
      await delivery.stop();
      await workers.close();
      await options.store.close();
    },
  };
}
