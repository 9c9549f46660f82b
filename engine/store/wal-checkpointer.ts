// Takes the WAL checkpoint off a SQLite store's commit path. With SQLite's
// wal_autocheckpoint, the commit that takes the WAL past 1000 pages copies it
// into the database file and fsyncs both (10–45 ms here) while it holds the
// write lock, on the event loop (better-sqlite3 is synchronous). The store's
// write connection turns that off, and a thread of its own checkpoints instead
// (wal-checkpoint-thread.ts). Every process on the file runs one; SQLite runs
// one checkpoint at a time and the others find it busy.
//
// The WAL stays bounded even when the thread cannot keep up (starved of a
// core, writers that never leave the lock free, or the thread gone): from the
// limit on, the store's commits checkpoint themselves again until it starts over.
import type Database from 'better-sqlite3';
import type { Worker } from 'node:worker_threads';
import { startThreadModule } from '../thread-module.js';
import type { WalCheckpointThreadData } from './wal-checkpoint-thread.js';
import { STAT, walCheckpointStats, type WalCheckpointSettings, type WalCheckpointStats } from './wal-checkpoint-settings.js';
import { walFrames } from './wal-size.js';

/** How long close() lets the thread finish its checkpoint and close its connection before it is stopped. */
const CLOSE_WAIT_MS = 5000;

export class WalCheckpointer {
  private worker: Worker | undefined;
  private exited: Promise<void> = Promise.resolve();
  private closing = false;
  private failed = false;
  private readonly counts = new Float64Array(new SharedArrayBuffer(STAT.length * Float64Array.BYTES_PER_ELEMENT));
  private readonly pageSize: number;
  /** The write connection's wal_autocheckpoint is on. */
  private commitsCheckpoint = false;
  private commitFallbacks = 0;

  /** Turns `writer`'s own checkpoints off; the thread that makes them instead starts once the WAL first reaches the threshold. */
  constructor(
    private readonly path: string,
    private readonly settings: WalCheckpointSettings,
    private readonly writer: Database.Database,
  ) {
    writer.pragma('wal_autocheckpoint = 0');
    // a WAL copied to its end starts over at the next commit, which cuts the file to what it writes: the
    // file's size then counts the WAL's frames (wal-size.ts), and a burst's WAL does not stay on disk
    writer.pragma('journal_size_limit = 0');
    this.pageSize = writer.pragma('page_size', { simple: true }) as number;
  }

  /** After each commit of the write connection (a stat of the WAL): commits checkpoint from the limit until the WAL starts over. */
  afterCommit(): void {
    if (this.failed) return;
    const frames = walFrames(this.path, this.pageSize);
    // started when there is something to copy: a store that never writes that much (a test's) costs no thread
    if (!this.worker && frames >= this.settings.pages) this.startThread();
    if (!this.commitsCheckpoint && frames >= this.settings.limitPages) {
      this.commitFallbacks++;
      this.switchCommits(true);
    } else if (this.commitsCheckpoint && frames < this.settings.pages) {
      this.switchCommits(false);
    }
  }

  stats(): WalCheckpointStats {
    return { ...walCheckpointStats(this.counts), commitFallbacks: this.commitFallbacks };
  }

  async close(): Promise<void> {
    this.closing = true;
    if (!this.worker) return;
    this.worker.postMessage('close');
    const timeout = setTimeout(() => void this.worker?.terminate(), CLOSE_WAIT_MS);
    await this.exited;
    clearTimeout(timeout);
  }

  private startThread(): void {
    const data: WalCheckpointThreadData = { path: this.path, settings: this.settings, stats: this.counts.buffer };
    const worker = startThreadModule(new URL('./wal-checkpoint-thread.ts', import.meta.url), data);
    this.worker = worker;
    this.exited = new Promise((resolve) => worker.once('exit', () => resolve()));
    // the thread never keeps the process alive: an unclosed store does not either
    worker.unref();
    const fail = () => {
      if (this.closing || this.failed) return;
      // without its thread the WAL would grow without bound: commits checkpoint again, for good
      this.failed = true;
      this.switchCommits(true);
    };
    worker.on('error', fail);
    worker.on('exit', fail);
  }

  private switchCommits(on: boolean): void {
    this.commitsCheckpoint = on;
    // prepared afresh: a PRAGMA takes effect when it is prepared (and again only on a later run of the statement)
    this.writer.pragma(`wal_autocheckpoint = ${on ? this.settings.pages : 0}`);
  }
}
