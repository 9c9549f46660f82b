// `npm start`'s server scavenges its young generation while no request is in
// hand (server/http/idle-collector.ts), also while a worker's long poll waits,
// and not when STRATUM_IDLE_GC=off or node does not expose its collector.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TEST_USERS, TOKENS } from './support/client.js';
import { startMain, type MainProcess } from './support/main-process.js';
import { DIAGRAMS_DIR, makeDataDir, removeDataDir } from './support/real-server.js';

const NPM_START_OPTIONS = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { scripts: { start: string } })
  .scripts.start.split(/\s+/).filter((word) => word.startsWith('--'));

const dirs: string[] = [];
const servers: MainProcess[] = [];

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.child.kill('SIGTERM');
    await server.exit;
  }
  dirs.splice(0).forEach(removeDataDir);
});

async function start(env: Record<string, string>, nodeOptions: string[]): Promise<{ server: MainProcess; base: string }> {
  const dataDir = makeDataDir();
  dirs.push(dataDir);
  const usersFile = join(dataDir, 'users.json');
  writeFileSync(usersFile, JSON.stringify(TEST_USERS));
  const server = await startMain({ HOST: '127.0.0.1', STRATUM_DATA: dataDir, STRATUM_USERS: usersFile, STRATUM_DIAGRAMS: DIAGRAMS_DIR, STRATUM_WORKERS: '1', ...env }, 'stratum server listening', { nodeOptions });
  servers.push(server);
  return { server, base: `http://127.0.0.1:${server.port}` };
}

/** Posts credit orders one after another, each answered before the next. */
async function postOrders(base: string, prefix: string, count: number): Promise<void> {
  for (let n = 0; n < count; n++) {
    const posted = await fetch(`${base}/api/orders`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKENS.erp}`, 'content-type': 'application/json' },
      body: JSON.stringify({ orderNo: `${prefix}-${n}`, customer: { name: 'Idle GmbH' }, amount: 1_200_000, currency: 'CNY', paymentTerms: 'credit' }),
    });
    expect(posted.status).toBe(201);
    // idle for a moment, as between a client's requests
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function idleScavenges(base: string): Promise<number | undefined> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const count = /^stratum_idle_scavenge_duration_seconds_count (\d+)/m.exec(text);
  return count ? Number(count[1]) : undefined;
}

describe('scavenges while idle', () => {
  it('scavenges between posts, although a worker\'s long poll is waiting all along', async () => {
    const { base } = await start({}, NPM_START_OPTIONS);
    expect(NPM_START_OPTIONS).toContain('--expose-gc');
    // a long poll for a job type nobody has: it waits the whole time, and must not count as work in hand
    const polling = fetch(`${base}/api/jobs/fetch-and-lock`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKENS.erp}`, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'nobody-does-this', workerId: 'idle-test', asyncResponseTimeout: 20_000 }),
    });
    await postOrders(base, 'IDLE', 4);
    expect(await idleScavenges(base)).toBeGreaterThanOrEqual(2);
    expect((await polling).status).toBe(200);
  }, 90_000);

  it('does not scavenge with STRATUM_IDLE_GC=off, nor without --expose-gc (and says why)', async () => {
    const off = await start({ STRATUM_IDLE_GC: 'off' }, NPM_START_OPTIONS);
    await postOrders(off.base, 'OFF', 2);
    expect(await idleScavenges(off.base)).toBeUndefined();

    const unexposed = await start({}, NPM_START_OPTIONS.filter((option) => option !== '--expose-gc'));
    await postOrders(unexposed.base, 'NOGC', 2);
    expect(await idleScavenges(unexposed.base)).toBeUndefined();
    expect(unexposed.server.lines.map((line) => line.msg)).toContain('no scavenges while idle: node runs without --expose-gc, which npm start passes');
  }, 90_000);
});
