// Wires the library and the runtime onto one store.
import { EventEmitter } from 'node:events';
import type { Clock, Stratum, StratumOptions } from './api.js';
import { ImpactAnalyser } from './impact/impact-analyser.js';
import { ProcessLibrary } from './library/process-library.js';
import { DefinitionCache } from './runtime/definition-cache.js';
import { DEFAULT_ORDER_PROCESS, InstanceRuntime } from './runtime/runtime.js';
import { TimerScheduler } from './runtime/timer-scheduler.js';

const systemClock: Clock = { now: () => new Date() };

/** Opens the library and runtime on a migrated store (nothing to wait for yet; a promise so that may change). */
export function openStratum(options: StratumOptions): Promise<Stratum> {
  const clock = options.clock ?? systemClock;
  const events = new EventEmitter();
  const library = new ProcessLibrary(options.store, clock);
  const runtime = new InstanceRuntime(options.store, new DefinitionCache(), clock, events, {
    ...(options.messageTimeToLiveMs !== undefined && { messageTimeToLiveMs: options.messageTimeToLiveMs }),
    ...(options.engineCacheBytes !== undefined && { engineCacheBytes: options.engineCacheBytes }),
    ...(options.speculate !== undefined && { speculate: options.speculate }),
    ...(options.feelTiming && { feelTiming: options.feelTiming }),
    orderEntry: {
      processKey: options.orderEntry?.processKey ?? DEFAULT_ORDER_PROCESS,
      ...(options.orderEntry?.rates && { rates: options.orderEntry.rates }),
    },
  });
  const impact = new ImpactAnalyser(options.store, options.orderEntry?.processKey ?? DEFAULT_ORDER_PROCESS, {
    events, ...(options.replayWorkers !== undefined && { replayWorkers: options.replayWorkers }),
  });
  const scheduler = new TimerScheduler(runtime, events, options.schedulerIntervalMs ?? 1000);
  return Promise.resolve({
    library,
    runtime,
    impact,
    events,
    startScheduler: () => scheduler.start(),
    close: async () => {
      await scheduler.stop();
      await options.store.close();
    },
  });
}
