// Admission control for writes: at most `concurrency` write requests run at
// once, at most `queueLength` wait behind them, and none waits for a turn longer
// than `queueWaitMs` after it arrived (reading its body counts: the client's
// clock started then). Anything beyond is refused at once with 503 and Retry-After,
// so a burst is shaped into a steady stream instead of a pile every request
// (and every liveness probe) waits behind. Reads never pass through here.
import { HttpProblem } from '../problem.js';

export interface AdmissionLimits {
  /** Write requests handled at the same time. */
  concurrency: number;
  /** Write requests waiting for a turn; one more is refused. */
  queueLength: number;
  /** How long after its arrival a write may still wait for its turn; later it is refused. */
  queueWaitMs: number;
}

/**
 * Sized for 2 cores on SQLite, where a step is CPU work that never waits for I/O:
 * a second step at once only lengthens the stretches in which the event loop
 * reads no socket (the burst bench answered twice as fast with 1 as with 2).
 * 64 waiting are about 2 s of work, the longest a write waits for a turn.
 */
export const DEFAULT_ADMISSION: AdmissionLimits = { concurrency: 1, queueLength: 64, queueWaitMs: 2000 };

/** On PostgreSQL a step waits for the database, so several steps overlap usefully. */
export const DEFAULT_POSTGRES_WRITE_CONCURRENCY = 4;

/**
 * What-if analyses (POST /api/impact) store nothing but may run for seconds: they never take a write's turn
 * (on SQLite the only one, so live writes stalled and were refused behind a designer's analysis) and have a
 * queue of their own, one at a time per server process (each spreads its replay over worker processes already),
 * a few waiting.
 */
export const DEFAULT_ANALYSIS_ADMISSION: AdmissionLimits = { concurrency: 1, queueLength: 4, queueWaitMs: 120_000 };

/** How a queue's 503 names what it queues. */
export interface QueueWords {
  /** "The server is busy with …". */
  busyWith: string;
  /** "(… is full)". */
  queue: string;
  /** What the refused client should know. */
  after: string;
}

const WRITE_WORDS: QueueWords = {
  busyWith: 'other writes',
  queue: 'the write queue',
  after: 'Nothing was written. A retried order with the same orderNo (or a start with the same Idempotency-Key) is still one order.',
};

export const ANALYSIS_WORDS: QueueWords = {
  busyWith: 'other impact analyses',
  queue: 'the analysis queue',
  after: 'Nothing was analysed; send the same request again.',
};

const MAX_RETRY_AFTER_S = 60;

export type RejectionReason = 'queue-full' | 'queue-timeout';

/** Hands a turn to the next write; default: after pending I/O (see release()). `stepMs`: a write's smoothed duration. */
export type HandOff = (admit: () => void, stepMs: number) => void;

const afterPendingIo: HandOff = (admit) => setImmediate(admit);

interface Waiter {
  admit: () => void;
  timer: NodeJS.Timeout;
}

export class AdmissionQueue {
  private running = 0;
  private readonly waiting: Waiter[] = [];
  /** Smoothed duration of an admitted write (ms): the basis of Retry-After. */
  private serviceMs = 50;
  private readonly rejections: Record<RejectionReason, number> = { 'queue-full': 0, 'queue-timeout': 0 };
  private readonly retries = new RetryPacer();

  constructor(
    readonly limits: AdmissionLimits = DEFAULT_ADMISSION,
    private readonly handOff: HandOff = afterPendingIo,
    private readonly words: QueueWords = WRITE_WORDS,
  ) {}

  /** Writes waiting for a turn. */
  get depth(): number {
    return this.waiting.length;
  }

  /** Writes being handled. */
  get inFlight(): number {
    return this.running;
  }

  /** Refusals since start, by reason. */
  get rejected(): Readonly<Record<RejectionReason, number>> {
    return this.rejections;
  }

  /**
   * Runs `work` when a turn is free; throws a 503 HttpProblem when the queue is full or no turn
   * comes within `queueWaitMs` of `arrivedAt` (performance.now() when the request arrived).
   */
  async run<T>(work: () => Promise<T>, arrivedAt = performance.now()): Promise<T> {
    if (this.running >= this.limits.concurrency) {
      await this.turn(arrivedAt + this.limits.queueWaitMs - performance.now());
    } else {
      // a free turn starts like a handed-over one: pending I/O (and connections) first
      this.running++;
      await new Promise<void>((resolve) => this.handOff(resolve, this.serviceMs));
    }
    const started = performance.now();
    try {
      return await work();
    } finally {
      this.serviceMs = 0.9 * this.serviceMs + 0.1 * (performance.now() - started);
      this.release();
    }
  }

  /**
   * Seconds until a retry is likely to find room: the queue's work spread over the running turns, plus
   * the retries of the clients refused before (RetryPacer).
   */
  retryAfterSeconds(): number {
    return this.retries.seconds(this.waiting.length + this.running, this.serviceMs / Math.max(1, this.limits.concurrency));
  }

  private turn(waitMs: number): Promise<void> {
    if (this.waiting.length >= this.limits.queueLength) return Promise.reject(this.refuse('queue-full'));
    // it already waited its time on the way here (a slow body, a busy server): no place in the queue
    if (waitMs <= 0) return Promise.reject(this.refuse('queue-timeout'));
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        // the turn passes from release() directly: `running` stays counted
        admit: resolve,
        timer: setTimeout(() => {
          const index = this.waiting.indexOf(waiter);
          if (index >= 0) this.waiting.splice(index, 1);
          reject(this.refuse('queue-timeout'));
        }, waitMs),
      };
      this.waiting.push(waiter);
    });
  }

  private release(): void {
    const next = this.waiting.shift();
    if (!next) {
      this.running--;
      return;
    }
    clearTimeout(next.timer);
    // A SQLite step never waits for I/O, so a turn handed over at once would start the
    // next step in the same microtask run: the queue would drain without the event
    // loop ever reading a socket. The next turn starts after pending I/O instead
    // (and, with an AcceptDrain, after the pending connections are accepted).
    this.handOff(() => next.admit(), this.serviceMs);
  }

  private refuse(reason: RejectionReason): HttpProblem {
    this.rejections[reason]++;
    return busyRefusal(reason, this.retryAfterSeconds(), this.limits.queueWaitMs, this.words);
  }
}

/** The 503 a refused write gets, from a worker's queue or from the order router in front of it (or a refused analysis, `words`). */
export function busyRefusal(reason: RejectionReason, seconds: number, queueWaitMs: number, words: QueueWords = WRITE_WORDS): HttpProblem {
  return new HttpProblem(
    503,
    `The server is busy with ${words.busyWith} (${reason === 'queue-full' ? `${words.queue} is full` : `no turn within ${queueWaitMs} ms of its arrival`}); retry in ${seconds} s. ` +
      words.after,
    { retryAfter: seconds, reason },
    { 'Retry-After': String(seconds) },
  );
}

/**
 * What a refused write is told to wait (Retry-After, whole seconds, 1 to 60): until the writes ahead of it
 * and the retries of every client refused before it are likely served, one write's time after the last of
 * them. Each refused client is told a later time than the one before, so a refused burst comes back at the
 * pace writes are served, not all at once again.
 */
export class RetryPacer {
  /** When the writes of the clients already told to retry are likely served (performance.now() ms). */
  private retriesServedAt = 0;

  /** `ahead`: writes running or waiting now; `perWriteMs`: how long one takes, on average. */
  seconds(ahead: number, perWriteMs: number): number {
    const now = performance.now();
    const queueFreeAt = now + ahead * perWriteMs;
    this.retriesServedAt = Math.min(now + MAX_RETRY_AFTER_S * 1000, Math.max(this.retriesServedAt, queueFreeAt) + perWriteMs);
    return Math.min(MAX_RETRY_AFTER_S, Math.max(1, Math.ceil((this.retriesServedAt - now) / 1000)));
  }
}
