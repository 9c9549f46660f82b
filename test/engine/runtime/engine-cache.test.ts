// Warm engines: a hit skips recover, a row changed elsewhere is a miss, the
// budget holds, and an engine whose step rolled back is never used again.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { totalmem } from 'node:os';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openStore, openStratum, type EngineCacheEvent, type InstanceView, type Stratum } from '../../../engine/index.js';
import type { LiveEngine } from '../../../engine/runtime/engine-adapter.js';
import { defaultEngineCacheBytes, EngineCache, estimatedEngineBytes } from '../../../engine/runtime/engine-cache.js';
import type { Store } from '../../../engine/store/types.js';
import { director, enter, erp, ManualClock, order, SAMPLE_RATES, shippedDiagrams, vicePresident } from '../../support/stratum-fixture.js';

const engine = (sound = true) => ({ sound }) as LiveEngine;

describe('EngineCache', () => {
  it('hands out an engine only for the revision it was kept at, and only once', () => {
    const cache = new EngineCache(10_000);
    const kept = engine();
    cache.keep('a', 3, kept, 100);
    expect(cache.take('a', 4)).toBeUndefined(); // the row moved on: a stale entry is dropped
    expect(cache.size).toEqual({ entries: 0, bytes: 0 });
    cache.keep('a', 3, kept, 100);
    expect(cache.take('a', 3)).toBe(kept);
    expect(cache.take('a', 3)).toBeUndefined(); // taken while its step runs
  });

  it('evicts the least recently kept engines to stay within its budget, and keeps none larger than it', () => {
    const events: EngineCacheEvent[] = [];
    const cache = new EngineCache(250, (event) => events.push(event));
    cache.keep('a', 1, engine(), 100);
    cache.keep('b', 1, engine(), 100);
    cache.keep('c', 1, engine(), 100);
    expect(cache.size).toEqual({ entries: 2, bytes: 200 });
    // evicting 100 bytes for room lowered the budget by half of them
    expect(events.at(-1)).toMatchObject({ result: 'kept', evicted: 1, entries: 2, bytes: 200, budgetBytes: 200, ceilingBytes: 250 });
    expect(cache.take('a', 1)).toBeUndefined();
    expect(cache.take('b', 1)).toBeDefined();
    cache.keep('d', 1, engine(), 300);
    expect(cache.size).toEqual({ entries: 1, bytes: 100 });
  });

  describe('a budget that follows what its evictions cost (issue 10: RSS under a cold load)', () => {
    const MB = 1024 * 1024;

    it('falls towards a quarter of the ceiling while nothing it evicts is asked for again', () => {
      const cache = new EngineCache(40 * MB);
      // a cold load: every step is another order's (an approver picking tasks out of 100,000)
      for (let order = 0; order < 200; order++) cache.keep(`cold-${order}`, 1, engine(), 1.5 * MB);
      expect(cache.budgetBytes).toBe(10 * MB);
      expect(cache.size.bytes).toBeLessThanOrEqual(10 * MB);
    });

    it('grows back by each evicted engine a step asks for at the revision it was kept at, up to the ceiling', () => {
      const cache = new EngineCache(40 * MB);
      for (let order = 0; order < 200; order++) cache.keep(`cold-${order}`, 1, engine(), 1.5 * MB);
      const floor = cache.budgetBytes;
      // the 16 orders a busier hour moves, one step after another: more than the floor holds
      const hot = Array.from({ length: 16 }, (_, i) => `hot-${i}`);
      const revisions = new Map(hot.map((id) => [id, 1]));
      for (const id of hot) cache.keep(id, 1, engine(), 1.5 * MB);
      let hits = 0;
      for (let round = 0; round < 20; round++) {
        for (const id of hot) {
          const revision = revisions.get(id)!;
          const warm = cache.take(id, revision);
          if (warm) hits++;
          revisions.set(id, revision + 1);
          cache.keep(id, revision + 1, warm ?? engine(), 1.5 * MB);
        }
      }
      expect(cache.budgetBytes).toBeGreaterThan(floor);
      expect(cache.budgetBytes).toBeGreaterThanOrEqual(24 * MB); // the 16 orders' 24 MB fit again
      expect(cache.budgetBytes).toBeLessThanOrEqual(40 * MB);
      const lastRounds = 16 * 10;
      expect(hits).toBeGreaterThan(16 * 20 - lastRounds); // warm again long before the end
    });

    it('keeps the ceiling while what it holds fits, and counts no regret for a row that moved on elsewhere', () => {
      const cache = new EngineCache(10 * MB);
      for (let i = 0; i < 6; i++) cache.keep(`o-${i}`, 1, engine(), 1.5 * MB);
      expect(cache.budgetBytes).toBe(10 * MB);
      cache.keep('o-6', 1, engine(), 1.5 * MB); // 10.5 MB: o-0 evicted, the budget lowered
      const lowered = cache.budgetBytes;
      expect(lowered).toBeLessThan(10 * MB);
      expect(cache.take('o-0', 2)).toBeUndefined(); // another process moved o-0 on: it would not have been a hit
      expect(cache.budgetBytes).toBe(lowered);
      expect(cache.take('never-kept', 1)).toBeUndefined();
      expect(cache.budgetBytes).toBe(lowered);
    });

    it('forgets an evicted engine whose row changed outside a step', () => {
      const cache = new EngineCache(4 * MB);
      cache.keep('a', 1, engine(), 2 * MB);
      cache.keep('b', 1, engine(), 2 * MB);
      cache.keep('c', 1, engine(), 2 * MB); // a evicted
      const lowered = cache.budgetBytes;
      cache.drop('a');
      expect(cache.take('a', 1)).toBeUndefined();
      expect(cache.budgetBytes).toBe(lowered);
    });
  });

  it('never replaces a newer revision with an older one, nor keeps an engine that erred', () => {
    const cache = new EngineCache(1000);
    const newer = engine();
    cache.keep('a', 5, newer, 10);
    cache.keep('a', 4, engine(), 10);
    expect(cache.take('a', 5)).toBe(newer);
    cache.keep('b', 1, engine(false), 10);
    expect(cache.take('b', 1)).toBeUndefined();
  });

  it('defaults to 5 % of the memory, at most 40 MB: more warm engines took RSS past 300 MB under load (issue 10)', () => {
    vi.stubEnv('STRATUM_ENGINE_CACHE_MB', '');
    try {
      expect(defaultEngineCacheBytes()).toBe(Math.min(40 * 1024 * 1024, Math.floor(totalmem() * 0.05)));
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('estimates a bigger process as a bigger engine', () => {
    expect(estimatedEngineBytes(37)).toBeGreaterThan(estimatedEngineBytes(9));
  });
});

/** A Stratum on a SQLite folder; `failCommits` makes the next transactions roll back after their work ran. */
async function open(dataDir: string, engineCacheBytes: number) {
  const base = await openStore({ dataDir });
  const control = { failCommits: 0 };
  const transaction: Store['transaction'] = (work) => base.transaction(async (tx) => {
    const result = await work(tx);
    if (control.failCommits > 0) {
      control.failCommits--;
      throw new Error('the disk is full');
    }
    return result;
  });
  const store = new Proxy(base, {
    get(target, property) {
      if (property === 'transaction') return transaction;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  const stratum = await openStratum({
    store, clock: new ManualClock(), orderEntry: { rates: SAMPLE_RATES }, engineCacheBytes,
  });
  const events: EngineCacheEvent[] = [];
  stratum.events.on('engine-cache', (event: EngineCacheEvent) => events.push(event));
  const lookups = () => events.filter((event) => event.result !== 'kept').map((event) => event.result);
  return { stratum, control, events, lookups };
}

/** What an order went through, without ids and times: the same with and without warm engines. */
function trail(view: InstanceView) {
  return {
    status: view.status,
    variables: view.variables,
    waiting: view.waiting.map((wait) => [wait.elementId, wait.type]),
    history: view.history.map((entry) => [entry.event, entry.elementId, entry.actor]),
  };
}

describe('the runtime with warm engines', () => {
  const dirs: string[] = [];
  const opened: Stratum[] = [];
  const folder = () => {
    const dir = mkdtempSync(join(tmpdir(), 'stratum-cache-'));
    dirs.push(dir);
    return dir;
  };
  // an explicit budget, whatever STRATUM_ENGINE_CACHE_MB says
  const start = async (dataDir: string, budget = 64 * 1024 * 1024) => {
    const one = await open(dataDir, budget);
    opened.push(one.stratum);
    return one;
  };
  afterEach(async () => {
    for (const stratum of opened.splice(0)) await stratum.close();
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  async function approveAndFulfil(stratum: Stratum, orderNo: string) {
    const { instance } = await enter(stratum.runtime, order(orderNo, 1_000_000.01));
    const [directorTask] = await stratum.runtime.findTasks({ businessKey: orderNo });
    await stratum.runtime.completeTask(directorTask.id, { approved: true }, director);
    const [vpTask] = await stratum.runtime.findTasks({ businessKey: orderNo });
    await stratum.runtime.completeTask(vpTask.id, { approved: true }, vicePresident);
    for (const type of ['procurement-planning', 'production-planning', 'shipping']) {
      const [job] = await stratum.runtime.fetchAndLockJobs({ type, workerId: 'erp' });
      await stratum.runtime.completeJob(job.id, {}, erp, 'erp');
    }
    return (await stratum.runtime.getInstance(instance.id))!;
  }

  it('runs a whole order on warm engines to the same end, history and variables as on recovered ones', async () => {
    const warm = await start(folder());
    await warm.stratum.library.deploy(shippedDiagrams(), { user: 'test' });
    const cold = await start(folder(), 0);
    await cold.stratum.library.deploy(shippedDiagrams(), { user: 'test' });

    const warmOrder = await approveAndFulfil(warm.stratum, 'SO-WARM');
    const coldOrder = await approveAndFulfil(cold.stratum, 'SO-WARM');
    expect(warmOrder.status).toBe('completed');
    expect(trail(warmOrder)).toEqual(trail(coldOrder));
    expect(warm.lookups().filter((result) => result === 'hit').length).toBeGreaterThanOrEqual(5);
    expect(warm.lookups()).not.toContain('miss');
    expect(cold.lookups().every((result) => result === 'miss')).toBe(true);
  });

  it('recovers from the store when another process moved the instance since', async () => {
    const dataDir = folder();
    const first = await start(dataDir);
    await first.stratum.library.deploy(shippedDiagrams(), { user: 'test' });
    const second = await start(dataDir);
    await enter(first.stratum.runtime, order('SO-TWO', 1_000_000.01));
    const [directorTask] = await second.stratum.runtime.findTasks({ businessKey: 'SO-TWO' });
    await second.stratum.runtime.completeTask(directorTask.id, { approved: true }, director); // a miss there: the first process ran the start

    const [vpTask] = await first.stratum.runtime.findTasks({ businessKey: 'SO-TWO' });
    expect(vpTask.candidateGroups).toEqual(['vice-president']);
    const view = await first.stratum.runtime.completeTask(vpTask.id, { approved: true }, vicePresident);
    // The first process still held the engine of the start, one revision behind: it must not use it.
    expect(first.lookups()[0]).toBe('stale');
    expect(second.lookups()).toEqual(['miss']);
    expect(JSON.stringify(view.history)).toContain('vicePresidentApproved');
  });

  it('stays within its memory budget, evicting the engines used longest ago', async () => {
    const perEngine = estimatedEngineBytes(37); // the largest shipped process
    const budget = 3 * perEngine;
    const one = await start(folder(), budget);
    await one.stratum.library.deploy(shippedDiagrams(), { user: 'test' });
    for (let i = 0; i < 4; i++) await enter(one.stratum.runtime, order(`SO-B-${i}`, 1_000_000.01));
    const kept = one.events.filter((event) => event.result === 'kept');
    expect(kept.every((event) => event.bytes <= budget)).toBe(true);
    expect(kept.reduce((sum, event) => sum + event.evicted, 0)).toBeGreaterThan(0);
    // The first order's engines went first: its director's approval recovers from the store.
    const [task] = await one.stratum.runtime.findTasks({ businessKey: 'SO-B-0' });
    await one.stratum.runtime.completeTask(task.id, { approved: true }, director);
    expect(one.lookups()).toEqual(['miss']);
  });

  it('never reuses an engine whose step rolled back: neither after a refused completion nor after a failed commit', async () => {
    const one = await start(folder());
    await one.stratum.library.deploy(shippedDiagrams(), { user: 'test' });
    await enter(one.stratum.runtime, order('SO-RB', 1_000_000.01));
    const [task] = await one.stratum.runtime.findTasks({ businessKey: 'SO-RB' });

    // Refused: the gateway after the director reads a decision the completion did not give.
    await expect(one.stratum.runtime.completeTask(task.id, {}, director)).rejects.toMatchObject({ code: 'invalid' });
    // Rolled back after the engine moved past the task: the engine stands where the store does not.
    one.control.failCommits = 1;
    await expect(one.stratum.runtime.completeTask(task.id, { approved: true }, director)).rejects.toThrow('the disk is full');
    expect(one.lookups()).toEqual(['hit', 'miss']);

    const view = await one.stratum.runtime.completeTask(task.id, { approved: true }, director);
    expect(one.lookups()).toEqual(['hit', 'miss', 'miss']);
    const [next] = await one.stratum.runtime.findTasks({ businessKey: 'SO-RB' });
    expect(next.candidateGroups).toEqual(['vice-president']);
    expect(view.history.filter((entry) => entry.event === 'task.completed')).toHaveLength(1);
  });
});
