// Prometheus metrics: HTTP requests by route template and status, engine
// steps from `stratum.events`, and the default process metrics. With several
// workers `npm start`'s primary merges every worker's registry into one answer
// (primary-metrics.ts) by each metric's `aggregator`: counters and histograms
// sum, and so do the gauges of amounts (queue depths, cache entries, bytes and
// budgets: the pool's total); a gauge of the last event takes the max (the
// slowest). prom-client's process metrics bring their own (event-loop delay:
// average of the percentiles and means, min of the min, max of the max;
// start time left out; the rest summed).
import type { EventEmitter } from 'node:events';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { EngineCacheEvent, LostRaceEvent, ReplayEvent, RuntimeCaches, SpeculationEvent, StepEvent, ViewCacheEvent, WalCheckpointStats } from '../engine/index.js';
import type { AdmissionQueue } from './http/admission.js';

export class Metrics {
  readonly registry = new Registry();
  private readonly httpRequests: Counter<'method' | 'route' | 'status'>;
  private readonly httpDuration: Histogram<'method' | 'route' | 'status'>;
  private readonly engineSteps: Counter<'action' | 'process_key' | 'outcome'>;
  private readonly engineStepDuration: Histogram<'action' | 'outcome'>;
  private readonly onEngineCache: (event: EngineCacheEvent) => void;
  private readonly onViewCache: (event: ViewCacheEvent) => void;
  private readonly setCaches: (caches: RuntimeCaches) => void;
  private readonly speculations: Counter<'result'>;
  private readonly lostRaces: Counter<'race' | 'outcome'>;
  private readonly replayWorkers: Gauge;
  private readonly replayWorkerReplacements: Counter;
  private readonly replays: Counter<'outcome'>;
  private readonly replayedOrders: Counter;
  private idleScavenges: Histogram | undefined;

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    this.httpRequests = new Counter({
      name: 'stratum_http_requests_total',
      help: 'HTTP requests by method, route template and status.',
      labelNames: ['method', 'route', 'status'],
      registers: [this.registry],
    });
    this.httpDuration = new Histogram({
      name: 'stratum_http_request_duration_seconds',
      help: 'HTTP request duration by method, route template and status.',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [this.registry],
    });
    this.engineSteps = new Counter({
      name: 'stratum_engine_steps_total',
      help: 'Runtime steps (start, task, job, message, timer, cancel) by action, process key and outcome.',
      labelNames: ['action', 'process_key', 'outcome'],
      registers: [this.registry],
    });
    this.engineStepDuration = new Histogram({
      name: 'stratum_engine_step_duration_seconds',
      help: 'Duration of runtime steps by action and outcome.',
      labelNames: ['action', 'outcome'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [this.registry],
    });
    const engineCache = cacheMetrics(this.registry, 'stratum_engine_cache', {
      lookups: 'Steps that looked for a warm engine: hit, miss (none kept) or stale (one kept for an older revision). Hit rate = hit / all.',
      evictions: 'Warm engines dropped to stay within the memory budget.',
      entries: 'Live engines kept warm.',
      bytes: 'Estimated memory of the live engines kept warm.',
      budget: 'Memory budget of the engine cache now: between a quarter of the ceiling and the ceiling, following how much of what it evicts is asked for again.',
    });
    const engineCacheCeiling = new Gauge({
      name: 'stratum_engine_cache_ceiling_bytes',
      help: 'The most the engine cache budget grows to (STRATUM_ENGINE_CACHE_MB).',
      registers: [this.registry],
    });
    this.onEngineCache = (event) => {
      engineCache.record(event);
      engineCacheCeiling.set(event.ceilingBytes);
    };
    const viewCache = cacheMetrics(this.registry, 'stratum_view_cache', {
      lookups: 'Views of writes: hit (built from the step), miss (read back), stale (a step found its kept call tree changed elsewhere and dropped it).',
      evictions: 'Kept call trees dropped to stay within the view cache budget.',
      entries: 'Call trees kept to build the views of writes from.',
      bytes: 'Estimated memory of the kept call trees.',
      budget: 'Memory budget of the view cache (STRATUM_VIEW_CACHE_MB).',
    });
    this.onViewCache = viewCache.record;
    this.setCaches = ({ engine, view }) => {
      engineCache.set(engine);
      engineCacheCeiling.set(engine.ceilingBytes);
      viewCache.set(view);
    };
    this.speculations = new Counter({
      name: 'stratum_engine_speculation_total',
      help: 'Engine steps run ahead outside the write lock: used (taken by the transaction) or recomputed (the instance changed meanwhile).',
      labelNames: ['result'],
      registers: [this.registry],
    });
    this.lostRaces = new Counter({
      name: 'stratum_lost_races_total',
      help: 'Step transactions that lost a race, by race (revision, duplicate, resolved, rollback) and outcome (retried, or gave-up: lost on every attempt, answered 409). Refusals are not counted.',
      labelNames: ['race', 'outcome'],
      registers: [this.registry],
    });
    this.replayWorkers = new Gauge({
      name: 'stratum_replay_workers',
      help: 'Worker processes of what-if replays (POST /api/impact) running now, working or idle.',
      registers: [this.registry],
    });
    this.replays = new Counter({
      name: 'stratum_replays_total',
      help: 'What-if replays by outcome: completed, cancelled (the client went away) or failed.',
      labelNames: ['outcome'],
      registers: [this.registry],
    });
    this.replayedOrders = new Counter({
      name: 'stratum_replayed_orders_total',
      help: 'Recorded orders replayed by what-if replays.',
      registers: [this.registry],
    });
    this.replayWorkerReplacements = new Counter({
      name: 'stratum_replay_worker_replacements_total',
      help: 'Replay worker processes that stopped before they answered (killed from outside, crashed) and were replaced by a new one.',
      registers: [this.registry],
    });
  }

  observeRequest(method: string, route: string, status: number, seconds: number): void {
    const labels = { method, route, status: String(status) };
    this.httpRequests.inc(labels);
    this.httpDuration.observe(labels, seconds);
  }

  /**
   * Counts the engine's `step`, `engine-cache`, `view-cache`, `speculation`, `lost-race` and `replay` events until
   * the returned function is called. `caches` (the runtime's, as they stand) sets the cache gauges at once, so that
   * a scrape before the first step reads the real budgets and ceiling rather than 0.
   */
  watch(events: EventEmitter, caches?: RuntimeCaches): () => void {
    if (caches) this.setCaches(caches);
    const onStep = (step: StepEvent) => {
      this.engineSteps.inc({ action: step.action, process_key: step.processKey, outcome: step.outcome });
      this.engineStepDuration.observe({ action: step.action, outcome: step.outcome }, step.durationMs / 1000);
    };
    const onSpeculation = (event: SpeculationEvent) => this.speculations.inc({ result: event.result });
    const onLostRace = (event: LostRaceEvent) => this.lostRaces.inc({ race: event.race, outcome: event.outcome });
    const onReplay = (event: ReplayEvent) => {
      if (event.phase === 'worker-replaced') {
        this.replayWorkerReplacements.inc();
        return;
      }
      if (event.phase === 'started') {
        this.replayWorkers.inc(event.workers);
        return;
      }
      this.replayWorkers.dec(event.workers);
      this.replays.inc({ outcome: event.outcome ?? 'completed' });
      this.replayedOrders.inc(event.orders);
    };
    events.on('step', onStep);
    events.on('engine-cache', this.onEngineCache);
    events.on('view-cache', this.onViewCache);
    events.on('speculation', onSpeculation);
    events.on('lost-race', onLostRace);
    events.on('replay', onReplay);
    return () => {
      events.off('step', onStep);
      events.off('engine-cache', this.onEngineCache);
      events.off('view-cache', this.onViewCache);
      events.off('speculation', onSpeculation);
      events.off('lost-race', onLostRace);
      events.off('replay', onReplay);
    };
  }

  /**
   * Depth, turns in use and refusals of an admission queue, read when scraped: the writes' (`stratum_admission_*`)
   * or the what-if analyses' (`stratum_analysis_admission_*`, a queue of its own: app.ts).
   */
  /** A scavenge the idle collector ran (server/http/idle-collector.ts); the histogram exists once it is on. */
  observeIdleScavenge(seconds: number): void {
    this.idleScavenges ??= new Histogram({
      name: 'stratum_idle_scavenge_duration_seconds',
      help: 'Young-generation collections run while no request was in hand (STRATUM_IDLE_GC), so that the next request does not pay for them.',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1],
      registers: [this.registry],
    });
    this.idleScavenges.observe(seconds);
  }

  watchAdmission(queue: AdmissionQueue, kind: keyof typeof ADMISSION_METRICS = 'write'): void {
    const { prefix, what } = ADMISSION_METRICS[kind];
    const registers = [this.registry];
    new Gauge({
      name: `${prefix}_queue_depth`,
      help: `${what} waiting for a turn in the admission queue.`,
      registers,
      collect() {
        this.set(queue.depth);
      },
    });
    new Gauge({
      name: `${prefix}_in_flight`,
      help: `${what} being handled (at most the admission concurrency).`,
      registers,
      collect() {
        this.set(queue.inFlight);
      },
    });
    new Counter({
      name: `${prefix}_rejected_total`,
      help: `${what} refused with 503 by the admission queue, by reason (queue-full, queue-timeout).`,
      labelNames: ['reason'],
      registers,
      // the queue keeps the running totals; a scrape copies them
      collect() {
        this.reset();
        for (const [reason, count] of Object.entries(queue.rejected)) this.inc({ reason }, count);
      },
    });
  }

  /** What the SQLite store's background WAL checkpointer did (engine/store/wal-checkpointer.ts), read when scraped. */
  watchWalCheckpoints(stats: () => WalCheckpointStats): void {
    const registers = [this.registry];
    // the checkpointer keeps the running totals; a scrape copies them
    new Counter({
      name: 'stratum_sqlite_checkpoints_total',
      help: 'WAL checkpoints of the background checkpointer by mode (passive, truncate once the WAL nears its limit) and result (done, or busy: another process checkpointed, or the wait ran out).',
      labelNames: ['mode', 'result'],
      registers,
      collect() {
        this.reset();
        for (const [mode, { done, busy }] of Object.entries(stats().runs)) {
          this.inc({ mode, result: 'done' }, done);
          this.inc({ mode, result: 'busy' }, busy);
        }
      },
    });
    new Counter({
      name: 'stratum_sqlite_checkpointed_frames_total',
      help: 'WAL frames (pages) the background checkpointer copied into the database file.',
      registers,
      collect() {
        this.reset();
        this.inc(stats().frames);
      },
    });
    new Gauge({
      name: 'stratum_sqlite_checkpoint_last_duration_seconds',
      help: 'Duration of the last checkpoint the background checkpointer ran (copying and fsyncs), outside any commit.',
      registers,
      // of several workers, the slowest one's last
      aggregator: 'max',
      collect() {
        this.set(stats().lastDurationMs / 1000);
      },
    });
    new Counter({
      name: 'stratum_sqlite_checkpoint_commit_fallbacks_total',
      help: 'Times the WAL reached its limit (STRATUM_SQLITE_CHECKPOINT) before the background checkpointer emptied it, so that commits checkpointed themselves until it started over.',
      registers,
      collect() {
        this.reset();
        this.inc(stats().commitFallbacks);
      },
    });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }
}

// helpers

/**
 * The names of each admission queue's metrics. The analyses' are names of their own, not a `queue` label on the
 * writes': a label added to the existing series would change what every dashboard's `stratum_admission_*` sums.
 */
const ADMISSION_METRICS = {
  write: { prefix: 'stratum_admission', what: 'Write requests' },
  analysis: { prefix: 'stratum_analysis_admission', what: 'What-if analyses (POST /api/impact)' },
} as const;

/** The HELP text of each of a cache's five metrics. */
interface CacheHelp {
  lookups: string;
  evictions: string;
  entries: string;
  bytes: string;
  budget: string;
}

/** What one of a cache's events or a look at the cache as it stands sets. */
type CacheState = Omit<ViewCacheEvent, 'result' | 'evicted'>;

/**
 * Registers the five metrics of a cache kept within a byte budget (`<prefix>_lookups_total` by result,
 * `_evictions_total`, `_entries`, `_bytes`, `_budget_bytes`); returns what records one of its events, and what
 * sets its gauges from the cache as it stands (before its first event).
 */
function cacheMetrics(registry: Registry, prefix: string, help: CacheHelp): { record: (event: EngineCacheEvent | ViewCacheEvent) => void; set: (state: CacheState) => void } {
  const registers = [registry];
  const lookups = new Counter({ name: `${prefix}_lookups_total`, help: help.lookups, labelNames: ['result'], registers });
  const evictions = new Counter({ name: `${prefix}_evictions_total`, help: help.evictions, registers });
  const entries = new Gauge({ name: `${prefix}_entries`, help: help.entries, registers });
  const bytes = new Gauge({ name: `${prefix}_bytes`, help: help.bytes, registers });
  const budget = new Gauge({ name: `${prefix}_budget_bytes`, help: help.budget, registers });
  const set = (state: CacheState) => {
    entries.set(state.entries);
    bytes.set(state.bytes);
    budget.set(state.budgetBytes);
  };
  const record = (event: EngineCacheEvent | ViewCacheEvent) => {
    if (event.result === 'kept') evictions.inc(event.evicted);
    else lookups.inc({ result: event.result });
    set(event);
  };
  return { record, set };
}
