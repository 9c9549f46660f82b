// /metrics: the metrics of the engine and view caches, exactly as they were
// before one helper registered both (names, HELP, TYPE, order and values), and
// the engine cache's ceiling beside its budget, which moves below it.
import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { EngineCacheEvent, LostRaceEvent, ViewCacheEvent } from '../../engine/api.js';
import { Metrics } from '../../server/metrics.js';
import { removeDataDir, startTestServer, type TestServer } from './support/real-server.js';

const CACHE_METRICS = `
# HELP stratum_engine_cache_lookups_total Steps that looked for a warm engine: hit, miss (none kept) or stale (one kept for an older revision). Hit rate = hit / all.
# TYPE stratum_engine_cache_lookups_total counter
stratum_engine_cache_lookups_total{result="hit"} 1
stratum_engine_cache_lookups_total{result="stale"} 1
# HELP stratum_engine_cache_evictions_total Warm engines dropped to stay within the memory budget.
# TYPE stratum_engine_cache_evictions_total counter
stratum_engine_cache_evictions_total 2
# HELP stratum_engine_cache_entries Live engines kept warm.
# TYPE stratum_engine_cache_entries gauge
stratum_engine_cache_entries 2
# HELP stratum_engine_cache_bytes Estimated memory of the live engines kept warm.
# TYPE stratum_engine_cache_bytes gauge
stratum_engine_cache_bytes 200
# HELP stratum_engine_cache_budget_bytes Memory budget of the engine cache now: between a quarter of the ceiling and the ceiling, following how much of what it evicts is asked for again.
# TYPE stratum_engine_cache_budget_bytes gauge
stratum_engine_cache_budget_bytes 1000
# HELP stratum_engine_cache_ceiling_bytes The most the engine cache budget grows to (STRATUM_ENGINE_CACHE_MB).
# TYPE stratum_engine_cache_ceiling_bytes gauge
stratum_engine_cache_ceiling_bytes 4000
# HELP stratum_view_cache_lookups_total Views of writes: hit (built from the step), miss (read back), stale (a step found its kept call tree changed elsewhere and dropped it).
# TYPE stratum_view_cache_lookups_total counter
stratum_view_cache_lookups_total{result="miss"} 1
# HELP stratum_view_cache_evictions_total Kept call trees dropped to stay within the view cache budget.
# TYPE stratum_view_cache_evictions_total counter
stratum_view_cache_evictions_total 5
# HELP stratum_view_cache_entries Call trees kept to build the views of writes from.
# TYPE stratum_view_cache_entries gauge
stratum_view_cache_entries 6
# HELP stratum_view_cache_bytes Estimated memory of the kept call trees.
# TYPE stratum_view_cache_bytes gauge
stratum_view_cache_bytes 600
# HELP stratum_view_cache_budget_bytes Memory budget of the view cache (STRATUM_VIEW_CACHE_MB).
# TYPE stratum_view_cache_budget_bytes gauge
stratum_view_cache_budget_bytes 2000
`;

describe('Metrics', () => {
  it('exposes the engine and view cache events as the ten cache metrics, in their order, with their help', async () => {
    const metrics = new Metrics();
    const events = new EventEmitter();
    metrics.watch(events);
    const engineCache = (event: EngineCacheEvent) => events.emit('engine-cache', event);
    const viewCache = (event: ViewCacheEvent) => events.emit('view-cache', event);
    engineCache({ result: 'hit', evicted: 0, entries: 1, bytes: 100, budgetBytes: 1000, ceilingBytes: 4000 });
    engineCache({ result: 'kept', evicted: 2, entries: 3, bytes: 300, budgetBytes: 1000, ceilingBytes: 4000 });
    engineCache({ result: 'stale', evicted: 0, entries: 2, bytes: 200, budgetBytes: 1000, ceilingBytes: 4000 });
    viewCache({ result: 'miss', evicted: 0, entries: 4, bytes: 400, budgetBytes: 2000 });
    viewCache({ result: 'kept', evicted: 5, entries: 6, bytes: 600, budgetBytes: 2000 });
    const text = await metrics.text();
    const cacheLines = text.split('\n').filter((line) => /stratum_(engine|view)_cache_/.test(line));
    expect(`\n${cacheLines.join('\n')}\n`).toBe(CACHE_METRICS);
    // where they stand among the others
    const names = [...text.matchAll(/^# TYPE (stratum_\w+)/gm)].map((match) => match[1]);
    expect(names.slice(3, 16)).toEqual([
      'stratum_engine_step_duration_seconds',
      'stratum_engine_cache_lookups_total', 'stratum_engine_cache_evictions_total', 'stratum_engine_cache_entries',
      'stratum_engine_cache_bytes', 'stratum_engine_cache_budget_bytes', 'stratum_engine_cache_ceiling_bytes',
      'stratum_view_cache_lookups_total', 'stratum_view_cache_evictions_total', 'stratum_view_cache_entries',
      'stratum_view_cache_bytes', 'stratum_view_cache_budget_bytes',
      'stratum_engine_speculation_total',
    ]);
  });

  it('counts lost races by race and outcome', async () => {
    const metrics = new Metrics();
    const events = new EventEmitter();
    const unwatch = metrics.watch(events);
    const lost = (event: LostRaceEvent) => events.emit('lost-race', event);
    lost({ race: 'revision', outcome: 'retried' });
    lost({ race: 'revision', outcome: 'retried' });
    lost({ race: 'duplicate', outcome: 'gave-up' });
    unwatch();
    lost({ race: 'rollback', outcome: 'retried' }); // no longer watched
    const lines = (await metrics.text()).split('\n').filter((line) => line.startsWith('stratum_lost_races_total'));
    expect(lines).toEqual([
      'stratum_lost_races_total{race="revision",outcome="retried"} 2',
      'stratum_lost_races_total{race="duplicate",outcome="gave-up"} 1',
    ]);
  });

  it('shows what the SQLite WAL checkpointer did, as it stands when scraped', async () => {
    const metrics = new Metrics();
    const stats = { runs: { passive: { done: 3, busy: 1 }, truncate: { done: 0, busy: 0 } }, frames: 2500, pendingFrames: 0, lastDurationMs: 12, commitFallbacks: 0 };
    metrics.watchWalCheckpoints(() => stats);
    stats.runs.passive.done = 4;
    stats.frames = 3100;
    const lines = (await metrics.text()).split('\n').filter((line) => line.startsWith('stratum_sqlite_'));
    expect(lines).toEqual([
      'stratum_sqlite_checkpoints_total{mode="passive",result="done"} 4',
      'stratum_sqlite_checkpoints_total{mode="passive",result="busy"} 1',
      'stratum_sqlite_checkpoints_total{mode="truncate",result="done"} 0',
      'stratum_sqlite_checkpoints_total{mode="truncate",result="busy"} 0',
      'stratum_sqlite_checkpointed_frames_total 3100',
      'stratum_sqlite_checkpoint_last_duration_seconds 0.012',
      'stratum_sqlite_checkpoint_commit_fallbacks_total 0',
    ]);
  });

  describe('scraped before the first step', () => {
    let server: TestServer | undefined;
    afterEach(async () => {
      vi.unstubAllEnvs();
      if (!server) return;
      await server.close();
      removeDataDir(server.dataDir);
      server = undefined;
    });

    it('reads the caches\' real budgets and the engine cache\'s ceiling, not 0', async () => {
      vi.stubEnv('STRATUM_ENGINE_CACHE_MB', '12');
      vi.stubEnv('STRATUM_VIEW_CACHE_MB', '3');
      server = await startTestServer();
      const text = (await server.api.get('/metrics')).text;
      const gauge = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1]);
      // no step ran yet: nothing looked up, nothing kept
      expect(text).not.toMatch(/^stratum_engine_cache_lookups_total\{/m);
      expect(gauge('stratum_engine_cache_ceiling_bytes')).toBe(12 * 1024 * 1024);
      expect(gauge('stratum_engine_cache_budget_bytes')).toBe(12 * 1024 * 1024);
      expect(gauge('stratum_engine_cache_entries')).toBe(0);
      expect(gauge('stratum_view_cache_budget_bytes')).toBe(3 * 1024 * 1024);
      expect(gauge('stratum_view_cache_entries')).toBe(0);
    });
  });
});
