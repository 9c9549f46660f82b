// Long polling for job workers: a fetch that finds nothing waits until a job
// of one of its types becomes fetchable (the store announces it after the
// commit: in-process on SQLite, LISTEN/NOTIFY across servers on PostgreSQL) or
// its timeout passes. A waiting fetch holds a timer and a map entry, nothing
// polls. When a type's job appears the waiters of that type try in arrival
// order, one at a time, until one takes nothing: one job wakes one query, not
// one per waiting worker.
import type { JobView } from '../api.js';

export interface WaitingFetch {
  types: readonly string[];
  /** Tries to lock jobs; an empty answer keeps the fetch waiting. */
  attempt: () => Promise<JobView[]>;
  /** Its filters (a business key) may pass over jobs another waiter would take. */
  narrow?: boolean;
}

interface Waiter extends WaitingFetch {
  settle: (jobs: JobView[]) => void;
  fail: (error: unknown) => void;
}

/** Runs one attempt at a time per waiter; a timeout during an attempt waits for its jobs rather than dropping them. */
function guarded(attempt: () => Promise<JobView[]>): { run: () => Promise<JobView[]>; busy: () => boolean } {
  let inFlight: Promise<JobView[]> | null = null;
  return {
    run: () => {
      inFlight ??= attempt().finally(() => (inFlight = null));
      return inFlight;
    },
    busy: () => inFlight !== null,
  };
}

export class JobWaiters {
  /** Waiting fetches by type, oldest first. */
  private readonly byType = new Map<string, Set<Waiter>>();
  /** Types announced while a round for them runs: the round goes on. */
  private readonly announcedAgain = new Set<string>();
  private readonly running = new Set<string>();

  /** How many fetches wait now. */
  get size(): number {
    const all = new Set<Waiter>();
    for (const waiters of this.byType.values()) for (const waiter of waiters) all.add(waiter);
    return all.size;
  }

  /**
   * Runs `fetch.attempt` at once and, while it finds nothing, again whenever
   * one of its types is announced, until `timeoutMs` passes (then resolves
   * with []) or `signal` aborts (the client went away).
   */
  wait(fetch: WaitingFetch, timeoutMs: number, signal?: AbortSignal): Promise<JobView[]> {
    return new Promise<JobView[]>((resolve, reject) => {
      let done = false;
      const finish = () => {
        done = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        for (const type of fetch.types) this.byType.get(type)?.delete(waiter);
      };
      const attempts = guarded(fetch.attempt);
      const waiter: Waiter = {
        ...fetch,
        attempt: attempts.run,
        settle: (jobs) => {
          if (done) return;
          finish();
          resolve(jobs);
        },
        fail: (error) => {
          if (done) return;
          finish();
          reject(error instanceof Error ? error : new Error(String(error)));
        },
      };
      const onAbort = () => waiter.settle([]);
      const timeUp = () => (attempts.busy() ? void attempts.run().then((jobs) => waiter.settle(jobs), waiter.fail) : waiter.settle([]));
      const timer = setTimeout(timeUp, timeoutMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      // registered before the first attempt: a job announced meanwhile starts a round that sees this waiter
      for (const type of fetch.types) {
        const waiters = this.byType.get(type) ?? new Set<Waiter>();
        waiters.add(waiter);
        this.byType.set(type, waiters);
      }
      waiter.attempt().then((jobs) => {
        if (jobs.length) waiter.settle(jobs);
      }, waiter.fail);
    });
  }

  /** A job of `type` became fetchable. */
  announce(type: string): void {
    if (!this.byType.get(type)?.size) return;
    if (this.running.has(type)) {
      this.announcedAgain.add(type);
      return;
    }
    this.running.add(type);
    void this.round(type).finally(() => this.running.delete(type));
  }

  /** Announcements may have been lost (the store's LISTEN connection was opened again): every waiting type tries again. */
  announceAll(): void {
    for (const type of [...this.byType.keys()]) this.announce(type);
  }

  /** Every waiting fetch answers now with nothing (server shutdown). */
  releaseAll(): void {
    for (const waiters of this.byType.values()) for (const waiter of [...waiters]) waiter.settle([]);
  }

  private async round(type: string): Promise<void> {
    do {
      this.announcedAgain.delete(type);
      for (const waiter of [...(this.byType.get(type) ?? [])]) {
        let jobs: JobView[];
        try {
          jobs = await waiter.attempt();
        } catch (error) {
          waiter.fail(error);
          continue;
        }
        if (jobs.length) waiter.settle(jobs);
        else if (!waiter.narrow) break; // nothing of this type is left to take
      }
    } while (this.announcedAgain.has(type));
  }
}
