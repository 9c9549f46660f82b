// A setting from the environment that cannot be used stops `npm start`'s entry point with exit 1 and one JSON
// log line that names the variable and says why: no stack trace, nothing on stderr, never silently the default.
import { spawn } from 'node:child_process';
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { compiledPath } from '../support/compiled-sources.js';
import { makeDataDir, removeDataDir } from './support/real-server.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const dirs: string[] = [];

afterEach(() => {
  dirs.splice(0).forEach(removeDataDir);
});

interface Refusal {
  code: number | null;
  lines: Record<string, unknown>[];
  stdout: string;
  stderr: string;
}

/** Runs server/main.ts with `env` on a fresh data folder until it exits (it must: the setting stops the start). */
async function startWith(env: Record<string, string>): Promise<Refusal> {
  const dataDir = makeDataDir();
  dirs.push(dataDir);
  const child = spawn(process.execPath, [compiledPath('server/main.ts')], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', PORT: '0', STRATUM_WORKERS: '1', STRATUM_DATA: dataDir, STRATUM_DIAGRAMS: join(dataDir, 'none'), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  // a start that deploys a folder takes 10-30 s on a loaded 2-core machine: the kill is for a start that never ends
  const timer = setTimeout(() => child.kill('SIGKILL'), 80_000);
  const code = await new Promise<number | null>((resolve) => child.on('exit', (exitCode) => resolve(exitCode)));
  clearTimeout(timer);
  const lines = stdout.split('\n').filter((line) => line.trim() !== '').map((line) => JSON.parse(line) as Record<string, unknown>);
  return { code, lines, stdout, stderr };
}

/** The refusal is one fatal line naming `variable`, with its message and no stack trace. */
function expectRefused(refusal: Refusal, variable: string, message: RegExp): void {
  expect(refusal.code).toBe(1);
  expect(refusal.stderr).toBe('');
  const fatal = refusal.lines.filter((line) => line.level === 60);
  expect(fatal).toHaveLength(1);
  expect(fatal[0]).toMatchObject({ variable, msg: expect.stringMatching(message) as unknown });
  expect(fatal[0].msg).toContain(variable);
  expect(refusal.stdout).not.toMatch(/\n\s+at /);
  expect(fatal[0]).not.toHaveProperty('err');
}

describe('settings that do nothing', () => {
  it('a SQLite setting beside DATABASE_URL, a pool setting beside one server: a warning at start naming it and why, before the store is opened', async () => {
    // nothing listens on port 1: the start ends there, after the warnings
    const refusal = await startWith({ DATABASE_URL: 'postgres://stratum@127.0.0.1:1/stratum', STRATUM_SQLITE_CHECKPOINT: '500', STRATUM_ROUTING: 'order' });
    expectRefused(refusal, 'DATABASE_URL', /no connection to PostgreSQL/);
    const warnings = refusal.lines.filter((line) => line.level === 40 && typeof line.variable === 'string');
    expect(warnings.map(({ variable, msg }) => ({ variable, msg }))).toEqual([
      { variable: 'STRATUM_DATA', msg: expect.stringMatching(/^STRATUM_DATA=.* is ignored: DATABASE_URL is set, so the store is PostgreSQL/) as unknown },
      { variable: 'STRATUM_SQLITE_CHECKPOINT', msg: expect.stringMatching(/^STRATUM_SQLITE_CHECKPOINT=500 is ignored: .*no SQLite WAL/) as unknown },
      { variable: 'STRATUM_ROUTING', msg: expect.stringMatching(/^STRATUM_ROUTING=order is ignored: one server process .*\(STRATUM_WORKERS=1\)/) as unknown },
    ]);
    // several workers: the primary says it once, not each worker
    const pool = await startWith({ DATABASE_URL: 'postgres://stratum@127.0.0.1:1/stratum', STRATUM_SQLITE_CHECKPOINT: '500', STRATUM_WORKERS: '2' });
    expect(pool.code).toBe(1);
    expect(pool.lines.filter((line) => line.level === 40 && line.variable === 'STRATUM_SQLITE_CHECKPOINT')).toHaveLength(1);
  }, 90_000);
});

describe('settings that stop the start', () => {
  it('LOG_LEVEL that pino does not know: one JSON line naming it, not pino\'s stack trace', async () => {
    expectRefused(await startWith({ LOG_LEVEL: 'loud' }), 'LOG_LEVEL', /^stratum server could not start: LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, not "loud"$/);
  }, 60_000);

  it('a malformed number, read by the server or by the engine, names its variable without a stack trace', async () => {
    expectRefused(await startWith({ PORT: 'abc' }), 'PORT', /PORT must be a port number, not abc/);
    expectRefused(await startWith({ STRATUM_ENGINE_CACHE_MB: 'lots' }), 'STRATUM_ENGINE_CACHE_MB', /STRATUM_ENGINE_CACHE_MB must be a number of megabytes/);
    expectRefused(await startWith({ STRATUM_SQLITE_CHECKPOINT: 'sometimes' }), 'STRATUM_SQLITE_CHECKPOINT', /STRATUM_SQLITE_CHECKPOINT must be off or a whole number/);
    expectRefused(await startWith({ DATABASE_URL: 'mysql://db/stratum' }), 'DATABASE_URL', /DATABASE_URL must be a postgres:\/\//);
  }, 120_000);

  it('a setting that names something, set but blank: the variable, never silently the default', async () => {
    expectRefused(await startWith({ STRATUM_DEFAULT_TASK_GROUP: ' ' }), 'STRATUM_DEFAULT_TASK_GROUP', /^stratum server could not start: STRATUM_DEFAULT_TASK_GROUP is set but blank: name the group/);
    expectRefused(await startWith({ STRATUM_USERS: '' }), 'STRATUM_USERS', /STRATUM_USERS is set but blank: name a users file, or leave it unset for demo mode/);
  }, 60_000);

  it('a file a variable names that cannot be read: the variable, the file and why', async () => {
    expectRefused(await startWith({ STRATUM_WEBHOOKS: '/nonexistent/webhooks.json' }), 'STRATUM_WEBHOOKS', /STRATUM_WEBHOOKS=\/nonexistent\/webhooks\.json: the subscriptions file cannot be read \(ENOENT\)/);
    expectRefused(await startWith({ STRATUM_RATES: '/nonexistent/rates.json' }), 'STRATUM_RATES', /STRATUM_RATES=\/nonexistent\/rates\.json: the rate table cannot be read \(ENOENT\)/);
    expectRefused(await startWith({ STRATUM_USERS: '/nonexistent/users.json' }), 'STRATUM_USERS', /^stratum server could not start: STRATUM_USERS=\/nonexistent\/users\.json: cannot read users file/);
    const dataDir = makeDataDir();
    dirs.push(dataDir);
    const users = join(dataDir, 'users.json');
    writeFileSync(users, '{"users": [{"name": "erp"}]}');
    expectRefused(await startWith({ STRATUM_USERS: users, HOST: '127.0.0.1' }), 'STRATUM_USERS', /STRATUM_USERS=.*users\.json: .*is invalid/);
    const webhooks = join(dataDir, 'webhooks.json');
    writeFileSync(webhooks, '{"subscriptions": [{"id": "erp"}]}');
    expectRefused(await startWith({ STRATUM_WEBHOOKS: webhooks }), 'STRATUM_WEBHOOKS', /subscription 1 needs an id, an http\(s\) url/);
  }, 120_000);

  it('a webhooks file the engine refuses (a type no event has, a receiver inside the network): the variable and the entry', async () => {
    const dataDir = makeDataDir();
    dirs.push(dataDir);
    const webhooks = join(dataDir, 'webhooks.json');
    const secret = `whsec_${Buffer.from('the ERP and Stratum share these 32 bytes').toString('base64')}`;
    writeFileSync(webhooks, JSON.stringify({ subscriptions: [{ id: 'erp', url: 'https://93.184.216.34/hooks', secret, types: ['stratum.order.fullfilled'] }] }));
    expectRefused(await startWith({ STRATUM_WEBHOOKS: webhooks }), 'STRATUM_WEBHOOKS', /no event has the type "stratum\.order\.fullfilled".* \(\/subscriptions\/erp\/types\/0\)$/);
    writeFileSync(webhooks, JSON.stringify({ subscriptions: [{ id: 'erp', url: 'http://127.0.0.1:5432/', secret }] }));
    expectRefused(await startWith({ STRATUM_WEBHOOKS: webhooks }), 'STRATUM_WEBHOOKS', /webhook URL http:\/\/127\.0\.0\.1:5432\/ reaches 127\.0\.0\.1, a loopback address.* \(\/subscriptions\/erp\/url\)$/);
  }, 120_000);

  it('a store the settings name that cannot be reached: the variable and where, not a stack trace', async () => {
    const dataDir = makeDataDir();
    dirs.push(dataDir);
    const file = join(dataDir, 'a-file');
    writeFileSync(file, '');
    expectRefused(await startWith({ STRATUM_DATA: join(file, 'data') }), 'STRATUM_DATA', /STRATUM_DATA=.*a-file\/data: the folder of the SQLite file cannot be created or opened \(ENOTDIR/);
    // nothing listens on port 1; the password never reaches the log
    const refusal = await startWith({ DATABASE_URL: 'postgres://stratum:s3cret@127.0.0.1:1/stratum' });
    expectRefused(refusal, 'DATABASE_URL', /DATABASE_URL=postgres:\/\/stratum:\*\*\*@127\.0\.0\.1:1\/stratum: no connection to PostgreSQL \(connect ECONNREFUSED/);
    expect(refusal.stdout).not.toContain('s3cret');
  }, 60_000);

  it('an order process that does not take orders: STRATUM_ORDER_PROCESS and why, not a stack trace', async () => {
    const refusal = await startWith({ STRATUM_DIAGRAMS: join(ROOT, 'diagrams'), STRATUM_ORDER_PROCESS: 'credit-order-approval' });
    expectRefused(refusal, 'STRATUM_ORDER_PROCESS', /^stratum server could not start: STRATUM_ORDER_PROCESS=credit-order-approval: orders cannot be entered: credit-order-approval does not declare that it takes orders/);
  }, 90_000);
});

describe('a diagrams folder that does not deploy', () => {
  it('stops the start with one line naming STRATUM_DIAGRAMS, the file and element at fault, and every finding: no separate error line, no stack trace', async () => {
    const diagrams = makeDataDir();
    dirs.push(diagrams);
    copyFileSync(join(ROOT, 'test/fixtures/lint/no-javascript/invalid-camunda-java.bpmn'), join(diagrams, 'java.bpmn'));
    const refusal = await startWith({ STRATUM_DIAGRAMS: diagrams });
    expectRefused(refusal, 'STRATUM_DIAGRAMS', /^stratum server could not start: STRATUM_DIAGRAMS=.+: the diagrams do not deploy: java\.bpmn:\S+: .+ \(no-javascript\); \d+ more errors? in findings$/);
    expect(refusal.lines.filter((line) => (line.level as number) >= 50)).toHaveLength(1);
    const findings = refusal.lines.find((line) => line.level === 60)!.findings as { file: string; rule: string; severity: string }[];
    expect(findings.filter((finding) => finding.rule === 'no-javascript' && finding.file === 'java.bpmn').length).toBeGreaterThan(1);
  }, 90_000);
});
