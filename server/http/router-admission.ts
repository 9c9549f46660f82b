// Write admission in front of a routed worker. The order router in `npm start`'s
// primary reads every request and proxies it; without a bound of its own it sent
// a burst's writes on as fast as it accepted them, and those beyond the sockets
// to a worker waited in the router, where no worker's admission queue saw them:
// under load, refusals came after 5 s or more. The router now holds at most as
// many writes at a worker as the worker admits (its running turns plus its
// queue) and refuses the rest at once, as the worker would: 503, Retry-After.
import type { HttpProblem } from '../problem.js';
import { busyRefusal, RetryPacer, type AdmissionLimits } from './admission.js';

/** Answers taken as a write's time when nothing was measured yet, and at most. */
const INITIAL_WRITE_MS = 50;
const MAX_WRITE_MS = 5_000;

/** What the router's gates show on the primary's /metrics (primary-metrics.ts). */
export interface RouterAdmission {
  /** Writes the router holds at each worker now, by the worker's slot. */
  inFlight: { slot: number; writes: number }[];
  /** Writes the router refused itself since it started (a replaced worker's gate's refusals included). */
  refused: number;
}

export class WorkerWriteGate {
  private outstanding = 0;
  private refusedCount = 0;
  /** Smoothed time between two answers of the worker while it had writes to work on: its pace. */
  private perWriteMs = INITIAL_WRITE_MS;
  private lastAnswerAt = 0;
  /** Writes were outstanding all the time since the last answer (the gap to the next one is work, not idleness). */
  private busySinceLastAnswer = false;
  private readonly retries = new RetryPacer();

  constructor(private readonly limits: AdmissionLimits) {}

  /** Writes sent to the worker and not answered yet. */
  get inFlight(): number {
    return this.outstanding;
  }

  /** Writes this gate refused. */
  get refused(): number {
    return this.refusedCount;
  }

  /**
   * Lets one write through, returning the call that marks it answered (or failed; once is enough, more are
   * ignored); or the 503 to answer when the worker already holds all it admits.
   */
  enter(): { leave: () => void } | { refusal: HttpProblem } {
    if (this.outstanding >= this.limits.concurrency + this.limits.queueLength) {
      this.refusedCount++;
      const seconds = this.retries.seconds(this.outstanding, this.perWriteMs);
      return { refusal: busyRefusal('queue-full', seconds, this.limits.queueWaitMs) };
    }
    if (this.outstanding === 0) this.busySinceLastAnswer = false;
    this.outstanding++;
    let left = false;
    return {
      leave: () => {
        if (left) return;
        left = true;
        this.outstanding--;
        const now = performance.now();
        if (this.busySinceLastAnswer) this.perWriteMs = Math.min(MAX_WRITE_MS, 0.9 * this.perWriteMs + 0.1 * (now - this.lastAnswerAt));
        this.lastAnswerAt = now;
        this.busySinceLastAnswer = this.outstanding > 0;
      },
    };
  }
}
