// What the primary's merged /metrics keeps between scrapes, so that the pool's
// counters and histograms never go down (rate() reads any decrease as a
// counter reset, a false spike in a burst or a restart): each slot's last
// answer, with its worker's pid, stands in for a worker that misses a scrape
// (its counters frozen, its gauges as they were); the counters and histograms
// of a worker that exited or was replaced are folded into one retired total,
// added to every later merge, while its gauges (queue depth, cache bytes) go
// with it. Python prometheus_client's multiprocess mode keeps dead processes'
// counters the same way.
import { AggregatorRegistry } from 'prom-client';
import type { WorkerSlotState } from './http/worker-roster.js';
import type { WorkerMetrics } from './worker-metrics.js';

/** A worker's fresh answer to one scrape: its slot (0-based) and pid, as the roster named them when it was asked. */
export interface SlotAnswer {
  slot: number;
  pid: number;
  metrics: WorkerMetrics;
}

/** What one scrape merges: the kept answers (and the retired total), how many are of this scrape, how old the oldest other is. */
export interface WorkerAnswers {
  metrics: WorkerMetrics[];
  scraped: number;
  staleSeconds: number;
}

interface Kept {
  pid: number;
  metrics: WorkerMetrics;
  /** The scrape that asked for it: an older scrape's answer, arriving late, never replaces it. */
  round: number;
  at: number;
}

// prom-client's typings call the type an enum of numbers; at run time it is the name
const cumulative = (metric: WorkerMetrics[number]) => ['counter', 'histogram'].includes(String(metric.type));

export class KeptWorkerMetrics {
  private readonly kept = new Map<number, Kept>();
  private retired: Promise<WorkerMetrics> = Promise.resolve([]);
  private rounds = 0;

  /** Numbers a scrape before it asks the workers. */
  begin(): number {
    return ++this.rounds;
  }

  /**
   * Keeps scrape `round`'s answers, retires the workers `states` (the roster now) no longer has in their slot,
   * and gives what the merge sums.
   */
  async merge(states: readonly WorkerSlotState[], answers: readonly SlotAnswer[], round: number, now = Date.now()): Promise<WorkerAnswers> {
    // everything up to the await runs at once, so concurrent scrapes never fold one answer twice
    for (const answer of answers) {
      const kept = this.kept.get(answer.slot);
      // a worker that has exited since it answered: its kept answer retires below; this one would count it twice
      if (!isCurrent(states[answer.slot], answer.pid)) continue;
      if (kept && kept.pid === answer.pid && kept.round > round) continue;
      if (kept && kept.pid !== answer.pid) this.retire(kept);
      this.kept.set(answer.slot, { pid: answer.pid, metrics: answer.metrics, round, at: now });
    }
    for (const [slot, kept] of this.kept) {
      if (isCurrent(states[slot], kept.pid)) continue;
      this.retire(kept);
      this.kept.delete(slot);
    }
    const kept = [...this.kept.values()];
    const stale = kept.filter((each) => each.round < round);
    const retired = await this.retired;
    return {
      metrics: [...kept.map((each) => each.metrics), ...(retired.length > 0 ? [retired] : [])],
      scraped: kept.length - stale.length,
      staleSeconds: stale.length > 0 ? (now - Math.min(...stale.map((each) => each.at))) / 1000 : 0,
    };
  }

  /** Adds a gone worker's counters and histograms to the retired total: one registry's worth, however many retire. */
  private retire(kept: Kept): void {
    const counts = kept.metrics.filter(cumulative);
    this.retired = this.retired.then((total) => AggregatorRegistry.aggregate([total, counts]).getMetricsAsJSON());
  }
}

/** Whether `pid` is still the slot's worker (a replacement, or an exit, ends it). */
function isCurrent(slot: WorkerSlotState | undefined, pid: number): boolean {
  return slot !== undefined && slot.pid === pid && slot.state !== 'exited';
}
