// `npm start`'s entry point as a process: configuration from the environment,
// diagrams deployed at start, graceful shutdown on SIGTERM.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TEST_USERS, TOKENS } from './support/client.js';
import { startMain, startTwoWorkers, until, workerPids, type MainProcess } from './support/main-process.js';
import { DIAGRAMS_DIR, makeDataDir, removeDataDir } from './support/real-server.js';

const dirs: string[] = [];

afterEach(() => {
  dirs.splice(0).forEach(removeDataDir);
});

/** Kills one worker with SIGKILL and resolves with the pid of its replacement the moment the primary forks it. */
async function killAndCatchReplacement(server: MainProcess): Promise<number> {
  const first = server.lines.find((line) => line.msg === 'stratum workers listening')!.pids as number[];
  process.kill(first[0], 'SIGKILL');
  let replacement: number | undefined;
  await until(() => (replacement = workerPids(server.child.pid!).find((pid) => !first.includes(pid))) !== undefined, 2);
  return replacement!;
}

describe('server/main.ts', () => {
  it('starts from the environment with two workers, deploys STRATUM_DIAGRAMS, serves, and stops cleanly on SIGTERM', async () => {
    const dataDir = makeDataDir();
    dirs.push(dataDir);
    const usersFile = join(dataDir, 'users.json');
    writeFileSync(usersFile, JSON.stringify(TEST_USERS));
    const server = await startMain({ HOST: '127.0.0.1', STRATUM_DATA: dataDir, STRATUM_USERS: usersFile, STRATUM_DIAGRAMS: DIAGRAMS_DIR, STRATUM_WORKERS: '2' }, 'stratum workers listening');
    const base = `http://127.0.0.1:${server.port}`;
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const processes = (await (await fetch(`${base}/api/processes`, { headers: { authorization: `Bearer ${TOKENS.erp}` } })).json()) as { key: string }[];
    expect(processes.map((p) => p.key)).toContain('order-to-cash');
    expect(server.lines.find((line) => line.msg === 'diagrams deployed')).toBeDefined();
    // every request schema's code comes from the build: none compiled at the start (precompile-validators.ts)
    const validatorsReady = () => server.lines.filter((line) => line.msg === 'request validators ready');
    await until(() => validatorsReady().length === 2, 30);
    for (const ready of validatorsReady()) expect(ready).toMatchObject({ precompiled: expect.any(Number) as number, compiled: 0 });
    expect(validatorsReady()[0].precompiled).toBeGreaterThan(100);

    server.child.kill('SIGTERM');
    expect(await server.exit).toBe(0);
    const messages = server.lines.map((line) => line.msg);
    // the primary forked two server processes behind its order router (the default); each stopped on its own
    expect(server.lines.find((line) => line.msg === 'stratum workers listening')).toMatchObject({ workers: 2, routing: 'order', port: server.port });
    expect(messages.filter((message) => message === 'stratum server listening')).toHaveLength(2);
    expect(messages.filter((message) => message === 'stratum server stopped')).toHaveLength(2);
    expect(JSON.stringify(server.lines)).not.toContain(TOKENS.erp);
  }, 120_000);

  it('stops cleanly (exit 0) on SIGTERM while the replacement of a killed worker is still starting, the replacement at once', async () => {
    const server = await startTwoWorkers();
    await killAndCatchReplacement(server);
    // the primary does not wait for the replacement's start: signalled at once, it ends its start where it is
    // (or, before its handlers are in place, the signal ends it), having served nothing
    server.child.kill('SIGTERM');
    expect(await server.exit).toBe(0);
    const messages = server.lines.map((line) => line.msg);
    expect(messages.filter((message) => message === 'stratum server listening')).toHaveLength(2);
    expect(messages.filter((message) => message === 'stratum server stopped')).toHaveLength(1);
  }, 120_000);

  it('stops cleanly on a terminal\'s Ctrl-C (SIGINT to the process group) while a replacement worker is starting', async () => {
    const server = await startTwoWorkers({ detached: true });
    await killAndCatchReplacement(server);
    // the replacement dies of the SIGINT before it has a handler: it had served nothing, so that is a clean stop
    process.kill(-server.child.pid!, 'SIGINT');
    expect(await server.exit).toBe(0);
    expect(server.lines.map((line) => line.msg).filter((message) => message === 'stratum server stopped').length).toBeGreaterThanOrEqual(1);
  }, 120_000);

  it('runs in demo mode without STRATUM_USERS: loopback only, a warning, the demo tokens', async () => {
    const dataDir = makeDataDir();
    dirs.push(dataDir);
    const server = await startMain({ STRATUM_DATA: dataDir, STRATUM_DIAGRAMS: join(dataDir, 'no-diagrams-here'), STRATUM_WORKERS: '1' });
    expect(server.lines.find((line) => line.level === 40 && /demo mode/.test(line.msg))).toMatchObject({ host: '127.0.0.1' });
    const response = await fetch(`http://127.0.0.1:${server.port}/api/processes`, { headers: { authorization: 'Bearer demo-director' } });
    expect(response.status).toBe(200);
    expect(await response.json() as unknown).toEqual([]);
    server.child.kill('SIGINT');
    expect(await server.exit).toBe(0);
    expect(server.lines.map((line) => line.msg)).not.toContain('stratum workers listening');
  }, 60_000);

  it('exits with an error when demo mode is asked to listen on all interfaces', async () => {
    await expect(startMain({ HOST: '0.0.0.0' })).rejects.toThrow(/exited with 1/);
  });

  it('routes each order\'s requests to one worker (STRATUM_ROUTING=order), and a killed worker\'s orders to the other', async () => {
    const server = await startTwoWorkers({ routing: 'order' });
    const base = `http://127.0.0.1:${server.port}`;
    const call = async (method: string, path: string, token: string, body?: unknown) => {
      const response = await fetch(`${base}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
        ...(body !== undefined && { body: JSON.stringify(body) }),
      });
      return { status: response.status, worker: response.headers.get('stratum-worker'), routes: response.headers.get('stratum-routes'), body: (await response.json()) as unknown };
    };
    const approve = async (orderNo: string, token: string) => {
      const tasks = await call('GET', `/api/tasks?businessKey=${orderNo}`, token);
      const listed = tasks.body as { id: string }[];
      expect(listed).toHaveLength(1);
      const done = await call('POST', `/api/tasks/${encodeURIComponent(listed[0].id)}/complete`, token, { variables: { approved: true } });
      expect(done.status, JSON.stringify(done.body)).toBe(200);
      return [tasks.worker, done.worker];
    };

    // every request of one order, from its post to its jobs, is answered by the same worker
    const workerOf = new Map<string, string>();
    for (let i = 0; i < 8; i++) {
      const orderNo = `ROUTE-${i}`;
      const posted = await call('POST', '/api/orders', TOKENS.erp, { orderNo, customer: { name: 'Route AG' }, amount: 1_200_000, currency: 'CNY', paymentTerms: 'credit' });
      expect(posted.status).toBe(201);
      expect(posted.worker).toMatch(/^\d+$/);
      expect(posted.routes).toBeNull(); // the workers' hints stay inside
      const seen = [posted.worker, (await call('GET', `/api/orders/${orderNo}`, TOKENS.erp)).worker, ...await approve(orderNo, TOKENS.director), ...await approve(orderNo, TOKENS.vp)];
      expect(new Set(seen), orderNo).toEqual(new Set([posted.worker]));
      workerOf.set(orderNo, posted.worker!);
    }
    // the orders are spread over both workers
    const pids = [...new Set(workerOf.values())];
    expect(pids).toHaveLength(2);
    // a job's completion goes to its order's worker too (its order learnt from the fetch's answer)
    const jobs = await call('POST', '/api/jobs/fetch-and-lock', TOKENS.erp, { type: 'procurement-planning', workerId: 'route', max: 20 });
    expect(jobs.body).toHaveLength(8);
    for (const job of jobs.body as { id: string; businessKey: string }[]) {
      const done = await call('POST', `/api/jobs/${encodeURIComponent(job.id)}/complete`, TOKENS.erp, { variables: {}, workerId: 'route' });
      expect(done.status).toBe(200);
      expect(done.worker, job.businessKey).toBe(workerOf.get(job.businessKey));
    }

    // kill -9 one worker: its orders are served by the other at once
    const killed = pids[0];
    process.kill(Number(killed), 'SIGKILL');
    const orphan = [...workerOf].find(([, pid]) => pid === killed)![0];
    const read = await call('GET', `/api/orders/${orphan}`, TOKENS.erp);
    expect(read.status).toBe(200);
    expect(read.worker).toBe(pids[1]);
    // once the primary saw it die, a write of its order goes to the other as well
    await until(() => server.lines.some((line) => line.msg === 'worker died; starting another'));
    const fetched = await call('POST', '/api/jobs/fetch-and-lock', TOKENS.erp, { type: 'production-planning', workerId: 'route', max: 20 });
    const job = (fetched.body as { id: string; businessKey: string }[]).find((entry) => entry.businessKey === orphan)!;
    const done = await call('POST', `/api/jobs/${encodeURIComponent(job.id)}/complete`, TOKENS.erp, { variables: {}, workerId: 'route' });
    expect(done.status).toBeLessThan(300);
    expect(done.worker).not.toBe(killed);

    // the replacement takes the dead worker's slot, and its orders come back to it
    await until(() => server.lines.filter((line) => line.msg === 'stratum server listening').length === 3);
    let worker: string | null = pids[1];
    while (worker === pids[1]) worker = (await call('GET', `/api/orders/${orphan}`, TOKENS.erp)).worker;
    expect([killed, pids[1]]).not.toContain(worker);

    server.child.kill('SIGTERM');
    expect(await server.exit).toBe(0);
  }, 180_000);

  it('answers a long poll waiting on one worker the moment another worker creates its job (SQLite: the primary relays the signal)', async () => {
    const server = await startTwoWorkers();
    const post = async (path: string, body: unknown) => {
      const response = await fetch(`http://127.0.0.1:${server.port}${path}`, {
        method: 'POST', headers: { authorization: `Bearer ${TOKENS.erp}`, 'content-type': 'application/json' }, body: JSON.stringify(body),
      });
      return { status: response.status, worker: response.headers.get('stratum-worker'), body: (await response.json()) as unknown };
    };
    // A fetch without an order goes to the workers in turn and an order to the worker it hashes to:
    // go on until a fetch waited on the other worker than the one that created its job.
    const rounds: { fetchedOn: string | null; createdOn: string | null; answeredMs: number; jobs: number }[] = [];
    for (let round = 0; round < 12 && !rounds.some((entry) => entry.fetchedOn !== entry.createdOn); round++) {
      const waiting = post('/api/jobs/fetch-and-lock', { type: 'procurement-planning', workerId: 'waits', max: 1, lockMs: 60_000, asyncResponseTimeout: 20_000 });
      await new Promise((resolve) => setTimeout(resolve, 300));
      const posted = await post('/api/orders', { orderNo: `LP-${round}`, customer: { name: 'Wait AG' }, amount: 100, currency: 'CNY', paymentTerms: 'credit' });
      expect(posted.status).toBe(201);
      const created = performance.now();
      const answer = await waiting;
      rounds.push({ fetchedOn: answer.worker, createdOn: posted.worker, answeredMs: performance.now() - created, jobs: (answer.body as unknown[]).length });
    }
    expect(rounds.some((entry) => entry.fetchedOn !== entry.createdOn), JSON.stringify(rounds)).toBe(true);
    // every fetch got its job long before its 20 s timeout
    for (const entry of rounds) expect(entry, JSON.stringify(rounds)).toMatchObject({ jobs: 1, answeredMs: expect.any(Number) as number });
    expect(Math.max(...rounds.map((entry) => entry.answeredMs)), JSON.stringify(rounds)).toBeLessThan(5000);
    server.child.kill('SIGTERM');
    expect(await server.exit).toBe(0);
  }, 180_000);
});
