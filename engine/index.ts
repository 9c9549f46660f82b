// Stratum's engine: the process library and the durable runtime behind one
// small typed API (engine/api.ts). The server, the CLI and the tests start here.
import { EventEmitter } from 'node:events';
import type { Clock, Library, Runtime } from './api.js';
import type { Store } from './store/types.js';

export * from './api.js';
export { StratumError } from './errors.js';
export type { Store } from './store/types.js';

export interface StratumOptions {
  store: Store;
  /** Injectable for tests: timers fire by this clock. */
  clock?: Clock;
  /** How often the scheduler looks for due timers and expired job locks (ms). */
  schedulerIntervalMs?: number;
}

/** Emitted as `step` on `Stratum.events` after every committed or failed runtime step. */
export interface StepEvent {
  action: 'start' | 'complete-task' | 'complete-job' | 'fail-job' | 'message' | 'timer' | 'cancel' | 'call-return';
  processKey: string;
  durationMs: number;
  outcome: 'ok' | 'conflict' | 'error';
}

export interface Stratum {
  library: Library;
  runtime: Runtime;
  events: EventEmitter;
  /** Starts firing due timers in the background (the server calls this; tests call runtime.fireDueTimers()). */
  startScheduler(): void;
  /** Stops the scheduler and closes the store. */
  close(): Promise<void>;
}

export { openStratum } from './stratum.js';
export { openStore, type StoreConfig } from './store/open.js';
