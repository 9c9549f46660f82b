// The background WAL checkpointer of the SQLite store (engine/store/wal-checkpointer.ts):
// commits no longer copy the WAL into the database file; a thread does, soon after.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../../engine/store/sqlite.js';
import { walFrames as framesOf } from '../../../engine/store/wal-size.js';
import type { WalCheckpointSettings } from '../../../engine/store/wal-checkpoint-settings.js';
import { instanceRow, versionRow } from './store-contract.js';

const ROOT = join(import.meta.dirname, '../../..');
const scratch = mkdtempSync(join(tmpdir(), 'stratum-checkpoint-'));
let folders = 0;
const freshFolder = () => join(scratch, `store-${++folders}`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** About two 4 KiB pages of variables per instance row. */
const payload = (id: string) => ({ payload: `${id}:${'x'.repeat(6000)}` });

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function openFileStore(dataDir: string, settings: Partial<WalCheckpointSettings> = {}): Promise<SqliteStore> {
  const store = new SqliteStore({ dataDir, checkpoint: { pages: 100, limitPages: 1000, intervalMs: 20, escalationWaitMs: 20, ...settings } });
  await store.migrate();
  await store.transaction((tx) => tx.insertVersion(versionRow('order-to-cash', 1)));
  return store;
}

async function writeInstances(store: SqliteStore, from: number, count: number): Promise<void> {
  for (let n = from; n < from + count; n++) {
    await store.transaction((tx) => tx.insertInstance(instanceRow(`i${n}`, { variables: payload(`i${n}`) })));
  }
}

/** Frames in the store's WAL, from its size (4 KiB pages). */
const walFrames = (dataDir: string) => framesOf(join(dataDir, 'stratum.db'), 4096);

async function until<T>(what: string, probe: () => T | undefined | false, timeoutMs = 10_000): Promise<T> {
  const giveUpAt = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > giveUpAt) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(10);
  }
}

describe('SQLite WAL checkpoints in the background', () => {
  it('leaves the WAL to the thread: commits past 1000 pages do not checkpoint it', async () => {
    const dataDir = freshFolder();
    // the thread looks only once a minute; a commit that checkpointed would let the WAL start over at 1000 frames
    const store = await openFileStore(dataDir, { pages: 1000, limitPages: 100_000, intervalMs: 60_000 });
    try {
      await writeInstances(store, 1, 700);
      expect(walFrames(dataDir)).toBeGreaterThan(5000);
    } finally {
      await store.close();
    }
  });

  it('copies the WAL soon after it passes the threshold, keeps it bounded under sustained writes, and reports what it did', async () => {
    const dataDir = freshFolder();
    const store = await openFileStore(dataDir);
    const runs = () => Object.values(store.walCheckpoints()!.runs).reduce((sum, mode) => sum + mode.done, 0);
    try {
      // the thread starts beside the store (from the TypeScript sources here, compiled first)
      let written = 0;
      while (runs() === 0) {
        await writeInstances(store, written, 10);
        written += 10;
        await sleep(5);
      }
      // about 12 frames a commit, a commit a millisecond or two (as a server's steps, not a tight loop):
      // 24,000 frames written, with the limit at 1000 frames since the WAL's last reset
      let largest = 0;
      for (let round = 0; round < 2000; round++) {
        await writeInstances(store, written++, 1);
        largest = Math.max(largest, walFrames(dataDir));
        await sleep(1);
      }
      // the limit, and what is written while a checkpoint (on a loaded machine) holds the commits' back
      expect(largest).toBeLessThan(4000);
      // once writes stop, the thread's next checkpoint copies the rest (unless the WAL is below its threshold)
      await until('the whole WAL copied', () => walFrames(dataDir) < 100 || store.walCheckpoints()!.pendingFrames === 0, 5000);
      const stats = store.walCheckpoints()!;
      expect(stats.runs.passive.done).toBeGreaterThan(0);
      expect(stats.frames).toBeGreaterThan(20_000);
      expect(stats.lastDurationMs).toBeGreaterThan(0);
      await store.read(async (tx) => {
        for (const n of [0, 1000, written - 1]) expect((await tx.getInstance(`i${n}`))?.variables).toEqual(payload(`i${n}`));
      });
    } finally {
      await store.close();
    }
  });

  it('empties a WAL that passed its limit once the reader that held it back lets go', async () => {
    const dataDir = freshFolder();
    const store = await openFileStore(dataDir, { pages: 50, limitPages: 300 });
    const wal = join(dataDir, 'stratum.db-wal');
    // a connection outside the store stands for another process's long read: it keeps its snapshot,
    // so no checkpoint may copy past it and the WAL cannot start over
    const reader = new Database(join(dataDir, 'stratum.db'), { readonly: true });
    try {
      reader.exec('BEGIN');
      reader.prepare('SELECT count(*) FROM instances').get();
      await writeInstances(store, 1, 200);
      await until('a TRUNCATE checkpoint found the reader in its way', () => store.walCheckpoints()!.runs.truncate.busy > 0);
      expect(statSync(wal).size).toBeGreaterThan(300 * 4096);
      reader.exec('COMMIT');
      await until('the WAL emptied', () => store.walCheckpoints()!.runs.truncate.done > 0 && statSync(wal).size === 0);
      expect((await store.read((tx) => tx.getInstance('i200')))?.variables).toEqual(payload('i200'));
    } finally {
      reader.close();
      await store.close();
    }
  });

  it('stops its thread on close, so the last connection removes the WAL, and the data is intact when reopened', async () => {
    const dataDir = freshFolder();
    const store = await openFileStore(dataDir);
    await writeInstances(store, 1, 300);
    await until('a checkpoint ran', () => store.walCheckpoints()!.frames > 0);
    const started = Date.now();
    await store.close();
    expect(Date.now() - started).toBeLessThan(2000);
    // a thread still holding its connection would keep the WAL and its index on disk
    expect(existsSync(join(dataDir, 'stratum.db-wal'))).toBe(false);
    expect(existsSync(join(dataDir, 'stratum.db-shm'))).toBe(false);
    const reopened = new SqliteStore({ dataDir, checkpoint: 'off' });
    try {
      await reopened.read(async (tx) => {
        for (let n = 1; n <= 300; n++) expect((await tx.getInstance(`i${n}`))?.variables).toEqual(payload(`i${n}`));
      });
    } finally {
      await reopened.close();
    }
  });

  it('keeps every acknowledged write of a process killed with SIGKILL while it wrote and checkpointed', async () => {
    const dataDir = freshFolder();
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/sqlite-writer-process.ts', dataDir, '50'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    const acknowledged: string[] = [];
    let checkpointedAt: number | undefined;
    let buffered = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      const lines = (buffered + chunk).split('\n');
      buffered = lines.pop()!;
      for (const line of lines) {
        const [word, value] = line.split(' ');
        if (word === 'ack') acknowledged.push(value);
        if (word === 'checkpointed') checkpointedAt = acknowledged.length;
      }
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      // killed well after the thread's first checkpoint, in the middle of writes
      await until('the writer checkpointed and wrote on', () => checkpointedAt !== undefined && acknowledged.length > checkpointedAt + 200, 60_000);
    } finally {
      child.kill('SIGKILL');
      await exited;
    }
    const reopened = new SqliteStore({ dataDir, checkpoint: 'off' });
    try {
      await reopened.read(async (tx) => {
        for (const id of acknowledged) expect((await tx.getInstance(id))?.variables).toEqual(payload(id));
      });
    } finally {
      await reopened.close();
    }
  }, 90_000);
});
