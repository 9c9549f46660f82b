// When a SQLite store's background checkpointer copies the WAL into the
// database file (STRATUM_SQLITE_CHECKPOINT), and the counts it keeps.
import { ConfigurationError } from '../errors.js';
import { wholeNumberSetting } from '../setting-number.js';

export interface WalCheckpointSettings {
  /** Frames in the WAL (since it last started over) from which PASSIVE checkpoints run until all is copied. */
  pages: number;
  /**
   * Frames in the WAL: from half of it a TRUNCATE checkpoint waits a little for the writer and readers;
   * from all of it the store's commits checkpoint themselves until the WAL starts over.
   */
  limitPages: number;
  /** How often the WAL's size is looked at. */
  intervalMs: number;
  /** How long a TRUNCATE checkpoint waits for the write lock and for readers before it gives up until the next round. */
  escalationWaitMs: number;
}

/** SQLite's own wal_autocheckpoint, which the background checkpointer replaces on write connections. */
const SQLITE_AUTOCHECKPOINT_PAGES = 1000;
const LIMIT_FACTOR = 10;
const INTERVAL_MS = 200;
const ESCALATION_WAIT_MS = 20;

/**
 * `STRATUM_SQLITE_CHECKPOINT`: unset, the background checkpointer at SQLite's
 * threshold (1000 pages); a whole number of pages in decimal digits, at that threshold; `off`,
 * each commit that crosses 1000 pages checkpoints itself (SQLite's default).
 */
export function walCheckpointSettings(value: string | undefined): WalCheckpointSettings | 'off' {
  const text = value?.trim() ?? '';
  if (text === 'off') return 'off';
  const pages = text === '' ? SQLITE_AUTOCHECKPOINT_PAGES : wholeNumberSetting(text);
  if (!Number.isSafeInteger(pages) || pages < 1) throw new ConfigurationError('STRATUM_SQLITE_CHECKPOINT', `STRATUM_SQLITE_CHECKPOINT must be off or a whole number of pages ≥ 1, not ${JSON.stringify(value)}`);
  return { pages, limitPages: pages * LIMIT_FACTOR, intervalMs: INTERVAL_MS, escalationWaitMs: ESCALATION_WAIT_MS };
}

/** Checkpoints of the background checkpointer since the store opened. */
export interface WalCheckpointStats {
  /** Checkpoints by mode; `busy`: SQLite found one busy (another process's ran, or a TRUNCATE's wait ran out: it copied what it could). */
  runs: Record<'passive' | 'truncate', { done: number; busy: number }>;
  /** Frames copied into the database file. */
  frames: number;
  /** Frames the last checkpoint left uncopied (commits went on meanwhile, or a reader still used them). */
  pendingFrames: number;
  /** How long the last checkpoint that ran took, 0 before the first. */
  lastDurationMs: number;
  /** Times the WAL reached its limit, so that commits checkpointed themselves until it started over. */
  commitFallbacks: number;
}

/** Slots of the counts the thread shares with the store (a Float64Array). */
export const STAT = { passive: 0, passiveBusy: 1, truncate: 2, truncateBusy: 3, frames: 4, pendingFrames: 5, lastDurationMs: 6, length: 7 } as const;

export function walCheckpointStats(stats: Float64Array): Omit<WalCheckpointStats, 'commitFallbacks'> {
  return {
    runs: {
      passive: { done: stats[STAT.passive], busy: stats[STAT.passiveBusy] },
      truncate: { done: stats[STAT.truncate], busy: stats[STAT.truncateBusy] },
    },
    frames: stats[STAT.frames],
    pendingFrames: stats[STAT.pendingFrames],
    lastDurationMs: stats[STAT.lastDurationMs],
  };
}
