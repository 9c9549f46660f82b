// What the management port's /healthz knows of `npm start`'s worker processes
// when the primary serves it (STRATUM_HEALTH_PORT with several workers): each
// slot's worker, whether it listens, and when its event loop last beat. The
// primary keeps the roster (workers.ts tells it of forks, listening and exits,
// and passes on the heartbeats the workers send over the cluster channel); the
// management port's thread reads the beats from shared memory and is sent the
// rest on each change, so a probe never waits for the primary's event loop.

/** One slot of the pool: the worker in it now (a replacement takes the slot of the one that died). */
export interface WorkerSlotState {
  /** 1-based, as the problem detail names it. */
  worker: number;
  pid?: number;
  state: 'starting' | 'listening' | 'exited';
  /** How the last worker of the slot ended (`signal SIGKILL`, `code 1`). */
  exit?: string;
}

/** Shared with the management port's thread: the beats (epoch ms, one per slot) and the states. */
export interface WorkerRosterData {
  beats: SharedArrayBuffer;
  states: WorkerSlotState[];
}

export class WorkerRoster {
  readonly beats: SharedArrayBuffer;
  private readonly beat: BigInt64Array;
  private readonly slots: WorkerSlotState[];
  private readonly listeners = new Set<(states: WorkerSlotState[]) => void>();
  /** Workers that died while the pool ran (the replaced ones). */
  restarts = 0;

  constructor(count: number) {
    this.beats = new SharedArrayBuffer(8 * count);
    this.beat = new BigInt64Array(this.beats);
    this.slots = Array.from({ length: count }, (_, slot) => ({ worker: slot + 1, state: 'starting' }));
  }

  get data(): WorkerRosterData {
    return { beats: this.beats, states: this.states };
  }

  get states(): WorkerSlotState[] {
    return this.slots.map((slot) => ({ ...slot }));
  }

  /** Told of every change of state (the management port's thread is sent it). */
  onChange(listener: (states: WorkerSlotState[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  forked(slot: number, pid: number | undefined): void {
    // the last exit stays in view until the replacement listens
    const exit = this.slots[slot]?.exit;
    this.set(slot, { state: 'starting', ...(pid !== undefined && { pid }), ...(exit !== undefined && { exit }) });
  }

  listening(slot: number): void {
    // listening is a beat: the slot is judged by the worker's heartbeats from now on
    this.heartbeat(slot, Date.now());
    const pid = this.slots[slot]?.pid;
    this.set(slot, { state: 'listening', ...(pid !== undefined && { pid }) });
  }

  heartbeat(slot: number, at: number): void {
    if (slot >= 0 && slot < this.slots.length) Atomics.store(this.beat, slot, BigInt(Math.trunc(at)));
  }

  exited(slot: number, code: number | null, signal: string | null, stopping: boolean): void {
    if (!stopping) this.restarts++;
    const pid = this.slots[slot]?.pid;
    this.set(slot, { state: 'exited', ...(pid !== undefined && { pid }), exit: signal ? `signal ${signal}` : `code ${code}` });
  }

  private set(slot: number, next: Omit<WorkerSlotState, 'worker'>): void {
    if (slot < 0 || slot >= this.slots.length) return;
    this.slots[slot] = { worker: slot + 1, ...next };
    for (const listener of this.listeners) listener(this.states);
  }
}

/** Why the pool is not healthy, in the words of a problem detail; null when every worker listens and beats. */
export function workersProblem(states: WorkerSlotState[], beats: BigInt64Array, now: number, stallMs: number): string | null {
  const problems = states.flatMap((slot, index) => {
    const name = `worker ${slot.worker}${slot.pid !== undefined ? ` (pid ${slot.pid})` : ''}`;
    if (slot.state === 'exited') return [`${name} exited (${slot.exit ?? 'unknown'}); a replacement is starting`];
    if (slot.state === 'starting') return [slot.exit ? `${name} is starting, replacing one that exited (${slot.exit})` : `${name} is starting`];
    const stalledMs = now - Number(Atomics.load(beats, index));
    return stalledMs > stallMs ? [`${name}'s event loop has not run for ${Math.round(stalledMs / 1000)} s`] : [];
  });
  return problems.length > 0 ? `Not every server process is serving: ${problems.join('; ')}.` : null;
}
