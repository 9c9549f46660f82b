// `npm start` on a data folder an older Stratum left: the store is migrated at start and the log says from which
// version to which; one a newer Stratum wrote is refused in one log line, and its file (or schema) is left as it was.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { POSTGRES_MIGRATIONS } from '../../engine/store/postgres-schema.js';
import { PostgresStore } from '../../engine/store/postgres.js';
import { SQLITE_MIGRATIONS } from '../../engine/store/sqlite-schema.js';
import { compiledPath } from '../support/compiled-sources.js';
import { describePostgres, freshSchema, inSchema, postgresAdmin, schemaUrl } from '../support/postgres.js';
import { TOKENS } from './support/client.js';
import { startMain } from './support/main-process.js';
import { DIAGRAMS_DIR, makeDataDir, removeDataDir } from './support/real-server.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
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

  it('from a newer one: refused in one log line naming both versions and what to do, exit 1, the file unchanged', async () => {
    const dataDir = dataDirAt(SQLITE_MIGRATIONS.length);
    const db = new Database(join(dataDir, 'stratum.db'));
    db.prepare('UPDATE schema_version SET version = ?').run(SQLITE_MIGRATIONS.length + 1);
    db.close();
    const before = readFileSync(join(dataDir, 'stratum.db'));
    expectRefusedAsNewer(await runUntilExit(envFor(dataDir)), SQLITE_MIGRATIONS.length + 1, SQLITE_MIGRATIONS.length);
    expect(readFileSync(join(dataDir, 'stratum.db')).equals(before)).toBe(true);

    // npm start with workers: the first worker's line says why; the primary's adds that it exited, no stack trace
    const pool = await runUntilExit({ ...envFor(dataDir), STRATUM_WORKERS: '2' });
    expect(pool.code).toBe(1);
    expect(pool.stdout).not.toMatch(/\n\s+at /);
    const fatal = pool.stdout.split('\n').filter((line) => line.trim() !== '').map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => line.level === 60);
    expect(fatal).toMatchObject([
      { storeVersion: SQLITE_MIGRATIONS.length + 1, buildVersion: SQLITE_MIGRATIONS.length },
      { code: 1, msg: expect.stringMatching(/^stratum server could not start: worker \d+ exited before it listened \(code 1, signal null\); its log line above says why$/) as unknown },
    ]);
    expect(fatal.some((line) => 'err' in line)).toBe(false);
    expect(readFileSync(join(dataDir, 'stratum.db')).equals(before)).toBe(true);
  }, 60_000);
});

describePostgres('a PostgreSQL database from another version of Stratum', () => {
  const envOn = (databaseUrl: string) => {
    const dataDir = makeDataDir();
    dirs.push(dataDir);
    return { ...envFor(dataDir), DATABASE_URL: databaseUrl };
  };

  it('from a newer one: refused in one log line naming both versions and what to do, exit 1, the schema unchanged', async () => {
    const schema = await freshSchema();
    const store = new PostgresStore(inSchema(schema, 1));
    await store.migrate();
    await store.close();
    await postgresAdmin.query(`UPDATE ${schema}.stratum_schema_version SET version = version + 1`);
    const tables = () => postgresAdmin.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1`, [schema]).then((result) => result.rows as { table_name: string }[]);
    const before = await tables();
    expectRefusedAsNewer(await runUntilExit(envOn(schemaUrl(schema))), POSTGRES_MIGRATIONS.length + 1, POSTGRES_MIGRATIONS.length);
    expect(await tables()).toEqual(before);
    const { rows } = await postgresAdmin.query(`SELECT version FROM ${schema}.stratum_schema_version`);
    expect(rows).toEqual([{ version: POSTGRES_MIGRATIONS.length + 1 }]);
  }, 60_000);

  it('two servers starting at once on an empty database: the one that created the store says so, the other that it found it', async () => {
    const url = schemaUrl(await freshSchema());
    const servers = await Promise.all([startMain(envOn(url)), startMain(envOn(url))]);
    const said = servers.map((server) => server.lines.filter((line) => /^store (created|migrated|found)/.test(line.msg)).map((line) => line.msg));
    expect(said.flat().sort()).toEqual([`store created at schema version ${POSTGRES_MIGRATIONS.length}`, `store found at schema version ${POSTGRES_MIGRATIONS.length}`]);
    for (const server of servers) server.child.kill('SIGTERM');
    expect(await Promise.all(servers.map((server) => server.exit))).toEqual([0, 0]);
  }, 120_000);
});

/** Runs server/main.ts with `env` until it exits (it must: the store stops the start). */
async function runUntilExit(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [compiledPath('server/main.ts')], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', PORT: '0', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  const code = await new Promise<number | null>((resolve) => child.on('exit', (exitCode) => resolve(exitCode)));
  clearTimeout(timer);
  return { code, stdout, stderr };
}

/** One fatal line, no stack trace: the store's version, this build's, and what to do (the newer build, or the backup). */
function expectRefusedAsNewer(run: { code: number | null; stdout: string; stderr: string }, storeVersion: number, buildVersion: number): void {
  expect(run.code).toBe(1);
  expect(run.stderr).toBe('');
  const lines = run.stdout.split('\n').filter((line) => line.trim() !== '').map((line) => JSON.parse(line) as Record<string, unknown>);
  const fatal = lines.filter((line) => line.level === 60);
  expect(fatal).toHaveLength(1);
  expect(fatal[0]).toMatchObject({ storeVersion, buildVersion });
  expect(fatal[0]).not.toHaveProperty('err');
  expect(fatal[0].msg).toMatch(new RegExp(`^stratum server could not start: .* has schema version ${storeVersion}, newer than this Stratum knows \\(${buildVersion}\\): `
    + 'run the newer Stratum that migrated it, or restore the backup taken before that upgrade \\(docs/api.md, Upgrading\\)$'));
  expect(run.stdout).not.toMatch(/\n\s+at /);
}
