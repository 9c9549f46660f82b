// `stratum backup`: a consistent copy of the SQLite store while a server holds it open and writes (WAL mode).
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../../engine/cli/main.js';
import { SQLITE_MIGRATIONS } from '../../../engine/store/sqlite-schema.js';
import { SqliteStore } from '../../../engine/store/sqlite.js';

const scratch = mkdtempSync(join(tmpdir(), 'stratum-backup-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function stratum(...args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (line) => out.push(line), err: (line) => err.push(line) });
  return { code, out, err };
}

const versionOf = (file: string): unknown => {
  const db = new Database(file, { readonly: true });
  try {
    const table = db.prepare("SELECT name FROM sqlite_master WHERE name = 'schema_version'").get();
    return table ? (db.prepare('SELECT max(version) AS version FROM schema_version').get() as { version: number }).version : undefined;
  } finally {
    db.close();
  }
};

describe('stratum backup', () => {
  it('copies what the WAL holds while the store is open and written, which a copy of stratum.db alone loses', async () => {
    const dataDir = mkdtempSync(join(scratch, 'data-'));
    // as a running server holds it: WAL mode, no checkpoint yet, the migrations' commits still in stratum.db-wal
    const store = new SqliteStore({ dataDir, checkpoint: 'off' });
    const writer = new Database(join(dataDir, 'stratum.db'));
    try {
      await store.migrate();
      writer.exec('CREATE TABLE scratch_writes (n INTEGER NOT NULL)');
      const insert = writer.prepare('INSERT INTO scratch_writes (n) VALUES (?)');
      for (let n = 1; n <= 100; n++) insert.run(n);
      expect(existsSync(join(dataDir, 'stratum.db-wal'))).toBe(true);

      // the naive copy: the file without its WAL has none of the committed schema
      const naive = join(scratch, 'naive.db');
      copyFileSync(join(dataDir, 'stratum.db'), naive);
      expect(versionOf(naive)).toBeUndefined();

      const output = join(scratch, 'backup.db');
      // a writer keeps committing while the copy is taken
      let n = 100;
      const writing = setInterval(() => insert.run(++n), 1);
      const result = await stratum('backup', '--data', dataDir, output);
      clearInterval(writing);
      expect(result).toEqual({ code: 0, out: [`${join(dataDir, 'stratum.db')} → ${output}: schema version ${SQLITE_MIGRATIONS.length}, integrity ok`], err: [] });
      // one file, nothing beside it: the copy is not left in WAL mode with an empty stratum.db-wal and -shm of its own
      expect(['-wal', '-shm'].filter((suffix) => existsSync(`${output}${suffix}`))).toEqual([]);
      expect(versionOf(output)).toBe(SQLITE_MIGRATIONS.length);
      const copy = new Database(output, { readonly: true });
      try {
        const rows = copy.prepare('SELECT count(*) AS count, max(n) AS last FROM scratch_writes').get() as { count: number; last: number };
        // one consistent state: every row up to the last one it saw, none missing in between
        expect(rows.count).toBe(rows.last);
        expect(rows.count).toBeGreaterThanOrEqual(100);
      } finally {
        copy.close();
      }
      // a restored copy opens and migrates as the server's store
      const restoredDir = mkdtempSync(join(scratch, 'restored-'));
      copyFileSync(output, join(restoredDir, 'stratum.db'));
      const restored = new SqliteStore({ dataDir: restoredDir, checkpoint: 'off' });
      try {
        await restored.migrate();
        expect(await restored.schemaVersion()).toBe(SQLITE_MIGRATIONS.length);
      } finally {
        await restored.close();
      }
    } finally {
      writer.close();
      await store.close();
    }
  });

  it('never overwrites a file, never creates a store where none is, and sends PostgreSQL to pg_dump', async () => {
    const dataDir = mkdtempSync(join(scratch, 'empty-'));
    const missing = await stratum('backup', '--data', dataDir, join(scratch, 'nothing.db'));
    expect(missing.code).toBe(2);
    expect(missing.err[0]).toMatch(new RegExp(`^stratum backup: ${join(dataDir, 'stratum.db')}: cannot open`));
    expect(existsSync(join(dataDir, 'stratum.db'))).toBe(false);
    expect(existsSync(join(scratch, 'nothing.db'))).toBe(false);

    const existing = join(scratch, 'existing.db');
    copyFileSync(join(scratch, 'backup.db'), existing);
    const refused = await stratum('backup', '--data', dataDir, existing);
    expect(refused).toMatchObject({ code: 2, err: [`stratum backup: ${existing} exists; name a new file (a backup never overwrites one)`] });

    const previous = process.env.DATABASE_URL;
    process.env.DATABASE_URL = 'postgres://db/stratum';
    try {
      const postgres = await stratum('backup', join(scratch, 'pg.db'));
      expect(postgres.code).toBe(2);
      expect(postgres.err[0]).toMatch(/pg_dump/);
    } finally {
      if (previous === undefined) delete process.env.DATABASE_URL;
      else process.env.DATABASE_URL = previous;
    }
    expect((await stratum('backup')).code).toBe(2);
  });

  describe('a setting set but blank', () => {
    afterEach(() => {
      vi.unstubAllEnvs();
    });

    it('refuses a blank DATABASE_URL (exit 2, naming it) instead of copying the SQLite file as if it were unset', async () => {
      const dataDir = mkdtempSync(join(scratch, 'blank-url-'));
      const store = new SqliteStore({ dataDir });
      await store.migrate();
      await store.close();
      vi.stubEnv('STRATUM_DATA', dataDir);
      vi.stubEnv('DATABASE_URL', '  ');
      const output = join(scratch, 'blank-url.db');
      expect(await stratum('backup', output)).toEqual({
        code: 2, out: [],
        err: ['stratum backup: DATABASE_URL is set but blank: name a postgres:// URL (then back up with pg_dump), or leave it unset to copy the SQLite file in STRATUM_DATA'],
      });
      expect(existsSync(output)).toBe(false);
      // with --data as well: the blank setting is still a mistake worth saying
      expect((await stratum('backup', '--data', dataDir, output)).err).toEqual([expect.stringMatching(/^stratum backup: DATABASE_URL is set but blank/)]);
    });

    it('refuses a blank STRATUM_DATA when --data is left out (exit 2, naming it) instead of reading ./data', async () => {
      vi.stubEnv('STRATUM_DATA', '');
      const output = join(scratch, 'blank-data.db');
      expect(await stratum('backup', output)).toEqual({
        code: 2, out: [], err: ['stratum backup: STRATUM_DATA is set but blank: name the folder of stratum.db, or leave it unset for ./data'],
      });
      expect(existsSync(output)).toBe(false);
    });
  });
});
