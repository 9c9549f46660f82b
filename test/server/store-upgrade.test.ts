// `npm start` on a data folder an older Stratum left: the store is migrated at start and the log says from which
// version to which; one a newer Stratum wrote is refused, and its file is left as it was.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { SQLITE_MIGRATIONS } from '../../engine/store/sqlite-schema.js';
import { TOKENS } from './support/client.js';
import { startMain } from './support/main-process.js';
import { DIAGRAMS_DIR, makeDataDir, removeDataDir } from './support/real-server.js';

const dirs: string[] = [];
afterEach(() => {
  dirs.splice(0).forEach(removeDataDir);
});

/** A data folder whose stratum.db an older (or, past the known migrations, newer) Stratum left at `version`. */
function dataDirAt(version: number): string {
  const dataDir = makeDataDir();
  dirs.push(dataDir);
  const db = new Database(join(dataDir, 'stratum.db'));
  db.pragma('journal_mode = WAL');
  db.exec('CREATE TABLE schema_version (version INTEGER NOT NULL)');
  for (const migration of SQLITE_MIGRATIONS.slice(0, version)) db.exec(migration);
  db.prepare('INSERT INTO schema_version (version) VALUES (?)').run(version);
  db.close();
  return dataDir;
}

const envFor = (dataDir: string) => ({
  HOST: '127.0.0.1', STRATUM_DATA: dataDir, STRATUM_USERS: join(dataDir, 'users.json'), STRATUM_DIAGRAMS: DIAGRAMS_DIR, STRATUM_WORKERS: '1', STRATUM_DEPLOY_NOTE: 'optional',
});

describe('a data folder from another version of Stratum', () => {
  it('from an older one: migrated at start, logged from which version to which, then served', async () => {
    const dataDir = dataDirAt(3);
    const server = await startMain(envFor(dataDir));
    expect(server.lines.find((line) => /^store migrated/.test(line.msg))).toMatchObject({
      msg: `store migrated from schema version 3 to ${SQLITE_MIGRATIONS.length}`, fromVersion: 3, toVersion: SQLITE_MIGRATIONS.length,
    });
    const posted = await fetch(`http://127.0.0.1:${server.port}/api/orders`, {
      method: 'POST', headers: { authorization: `Bearer ${TOKENS.erp}`, 'content-type': 'application/json' },
      body: JSON.stringify({ orderNo: 'UP-1', customer: { name: 'Upgrade AG' }, amount: 100, currency: 'CNY', paymentTerms: 'credit' }),
    });
    expect(posted.status).toBe(201);
    server.child.kill('SIGTERM');
    expect(await server.exit).toBe(0);

    // started again: nothing left to migrate, nothing said
    const again = await startMain(envFor(dataDir));
    expect(again.lines.filter((line) => /^store (migrated|created)/.test(line.msg))).toEqual([]);
    again.child.kill('SIGTERM');
    expect(await again.exit).toBe(0);
  }, 120_000);

  it('a new store says it was created at the current version', async () => {
    const dataDir = makeDataDir();
    dirs.push(dataDir);
    const server = await startMain(envFor(dataDir));
    expect(server.lines.find((line) => /^store created/.test(line.msg))).toMatchObject({ fromVersion: 0, toVersion: SQLITE_MIGRATIONS.length });
    server.child.kill('SIGTERM');
    expect(await server.exit).toBe(0);
  }, 60_000);

  it('from a newer one: refused with the versions named, exit 1, the file unchanged', async () => {
    const dataDir = dataDirAt(SQLITE_MIGRATIONS.length);
    const db = new Database(join(dataDir, 'stratum.db'));
    db.prepare('UPDATE schema_version SET version = ?').run(SQLITE_MIGRATIONS.length + 1);
    db.close();
    const before = readFileSync(join(dataDir, 'stratum.db'));
    const refused = await startMain(envFor(dataDir)).then(() => 'started', (error: Error) => error.message);
    expect(refused).toMatch(/exited with 1/);
    expect(refused).toContain(`has schema version ${SQLITE_MIGRATIONS.length + 1}, newer than this Stratum knows (${SQLITE_MIGRATIONS.length}); upgrade Stratum`);
    expect(readFileSync(join(dataDir, 'stratum.db')).equals(before)).toBe(true);
  }, 60_000);
});
