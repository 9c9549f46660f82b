// What the main thread and the management port's thread send each other: a module of
// its own so health-thread.ts and health-worker.ts share the shapes without importing each other.
import type { StoreReplica } from '../../engine/store/types.js';
import type { HttpTimeouts } from './client-errors.js';
import type { WorkerRosterData, WorkerSlotState } from './worker-roster.js';

/** Thread → main: a question (metrics, or the store's health); main → thread: `stopping`, `close`, or the workers' states. */
export type HealthThreadRequest = { type: 'metrics' | 'health'; id: number } | { type: 'stopping' } | { type: 'close' } | { type: 'workers'; states: WorkerSlotState[] };
/** Main → thread: the answer to a question. */
export interface HealthThreadAnswer { type: 'metrics' | 'health'; id: number; ok: boolean; text?: string; contentType?: string }
/** Thread → main: it listens, or could not. */
export type HealthThreadReply = { type: 'listening'; port: number } | { type: 'error'; message: string };

/** The thread's `workerData`. */
export interface HealthWorkerData {
  port: number;
  host: string;
  /** How to reach the store from this thread; null: ask the main thread (an in-memory database). */
  replica: StoreReplica | null;
  /** [0]: when the main thread's event loop last ran (epoch ms). */
  heartbeat: SharedArrayBuffer;
  stallMs: number;
  timeouts: HttpTimeouts;
  /** In `npm start`'s primary: its worker processes; null in a server process of its own. */
  workers: WorkerRosterData | null;
}
