// Live engines kept warm between steps, within a memory budget. An entry is
// the engine that produced an instance's state at one revision; it is handed
// out only for a step on that same revision (so a row another process or
// another path changed is a miss) and taken out while the step runs (so no two
// steps share an engine). The step executor keeps an engine again only after
// its transaction committed: an engine whose step rolled back is never reused.
import { ByteBudgetLru } from '../collections/byte-budget-lru.js';
import { cacheBudgetBytes } from './cache-budget.js';
import type { EngineCacheEvent, RuntimeCaches } from '../api.js';
import type { LiveEngine } from './engine-adapter.js';

interface Entry {
  revision: number;
  engine: LiveEngine;
}

/**
 * The ceiling, sized for a small server: 5 % of the machine's memory, at most
 * 40 MB — the warm engines of nine orders in flight (an order's three engines
 * are estimated at 4.3 MB), one per client of the workers bench. Each megabyte
 * kept costs 1.6–2.5 MB of RSS even with `npm start`'s heap limit (V8 lets the
 * old generation grow over what is live, evicted engines included), so 128 MB
 * took RSS to 600 MB in the waiting bench, where issue 10 wants 300 MB, and a
 * fixed 40 MB to 313 MB: hence the budget below the ceiling that follows what
 * its evictions cost (docs/engine.md "What the resident set is made of").
 */
export function defaultEngineCacheBytes(): number {
  return cacheBudgetBytes('STRATUM_ENGINE_CACHE_MB', 0.05, 40);
}

/**
 * What one live engine costs in memory, estimated from the size of its
 * process: measured on the shipped diagrams (heap after GC, 200 engines each,
 * docs/engine.md), a started engine holds about 200 KB plus 40 KB per element
 * (order-to-cash, 9 elements: 549 KB; sales-order-management, 37: 1,637 KB).
 */
export function estimatedEngineBytes(elementCount: number): number {
  return 200 * 1024 + 40 * 1024 * elementCount;
}

/**
 * The budget follows what evictions cost. Between a floor (a quarter of the ceiling) and the ceiling, every
 * byte the budget evicts to make room lowers it by half a byte, and every byte of an evicted engine that a
 * later step of the same instance asks for (at the revision it was kept at: it would have been a hit) raises
 * it by a byte. So the budget stays where at least a third of what it evicts comes back: a server whose orders'
 * steps follow each other keeps its engines warm up to the ceiling, while one whose steps come hours apart (an
 * approver's task picked out of 100,000) stops holding engines nobody takes, which V8 would let fill the old
 * generation with garbage (docs/engine.md "Warm engines").
 */
const FLOOR_SHARE = 0.25;
const SHRINK_PER_EVICTED_BYTE = 0.5;

/** An engine evicted for room, remembered (without the engine) to tell whether a bigger budget would have kept a hit. */
interface Ghost {
  revision: number;
  bytes: number;
}

export class EngineCache {
  private readonly entries: ByteBudgetLru<string, Entry>;
  /** Evicted engines, oldest first, at most the ceiling's worth of bytes. */
  private readonly ghosts = new Map<string, Ghost>();
  private ghostBytes = 0;
  private evictedForRoom = 0;
  readonly floorBytes: number;

  /** `ceilingBytes`: the most the budget grows to (STRATUM_ENGINE_CACHE_MB); 0 turns the cache off. */
  constructor(
    readonly ceilingBytes: number,
    private readonly report: (event: EngineCacheEvent) => void = () => {},
  ) {
    this.floorBytes = Math.floor(ceilingBytes * FLOOR_SHARE);
    this.entries = new ByteBudgetLru<string, Entry>(ceilingBytes, undefined, (instanceId, entry, bytes) => this.remember(instanceId, entry.revision, bytes));
  }

  /** The budget now, between the floor and the ceiling. */
  get budgetBytes(): number {
    return this.entries.budgetBytes;
  }

  /** The warm engine standing on `revision` of the instance, taken out of the cache; undefined on a miss. */
  take(instanceId: string, revision: number): LiveEngine | undefined {
    const entry = this.entries.delete(instanceId);
    const hit = entry !== undefined && entry.revision === revision && entry.engine.sound;
    if (!entry) this.regretEviction(instanceId, revision);
    this.emit(hit ? 'hit' : entry ? 'stale' : 'miss', 0);
    return hit ? entry.engine : undefined;
  }

  /** Keeps `engine` as the instance's engine at `revision` (committed), evicting the least recently used beyond the budget. */
  keep(instanceId: string, revision: number, engine: LiveEngine, bytes: number): void {
    const current = this.entries.peek(instanceId);
    // a later step of the same instance committed first: its engine is the newer one
    if (current && current.revision > revision) return;
    if (current) this.entries.delete(instanceId);
    this.forget(instanceId);
    if (bytes > this.budgetBytes || !engine.sound) return;
    this.evictedForRoom = 0;
    let evicted = this.entries.set(instanceId, { revision, engine }, bytes) ?? 0;
    if (this.evictedForRoom) evicted += this.resize(this.budgetBytes - this.evictedForRoom * SHRINK_PER_EVICTED_BYTE);
    this.emit('kept', evicted);
  }

  /** Forgets the instance's engine (its row changed outside a step). */
  drop(instanceId: string): void {
    this.entries.delete(instanceId);
    this.forget(instanceId);
  }

  get size(): { entries: number; bytes: number } {
    return { entries: this.entries.size, bytes: this.entries.bytes };
  }

  /** Sizes, budget and ceiling now, as an event reports them (a scrape before the first step reads these). */
  get state(): RuntimeCaches['engine'] {
    return { entries: this.entries.size, bytes: this.entries.bytes, budgetBytes: this.budgetBytes, ceilingBytes: this.ceilingBytes };
  }

  private remember(instanceId: string, revision: number, bytes: number): void {
    this.evictedForRoom += bytes;
    this.ghosts.set(instanceId, { revision, bytes });
    this.ghostBytes += bytes;
    for (const [oldest] of this.ghosts) {
      if (this.ghostBytes <= this.ceilingBytes) break;
      this.forget(oldest);
    }
  }

  /** A miss on an engine the budget evicted at the revision now asked for: a bigger budget would have hit. */
  private regretEviction(instanceId: string, revision: number): void {
    const ghost = this.ghosts.get(instanceId);
    if (!ghost) return;
    this.forget(instanceId);
    if (ghost.revision === revision) this.resize(this.budgetBytes + ghost.bytes);
  }

  private forget(instanceId: string): void {
    const ghost = this.ghosts.get(instanceId);
    if (!ghost) return;
    this.ghosts.delete(instanceId);
    this.ghostBytes -= ghost.bytes;
  }

  /** Moves the budget to `bytes` within the floor and the ceiling; returns how many engines that evicted. */
  private resize(bytes: number): number {
    return this.entries.resize(Math.round(Math.min(this.ceilingBytes, Math.max(this.floorBytes, bytes))));
  }

  private emit(result: EngineCacheEvent['result'], evicted: number): void {
    this.report({ result, evicted, ...this.state });
  }
}
