// SIGTERM to `npm start` with two workers behind the order router while orders are posted and workers wait in
// long polls: every request under way is answered (201, or refused 503 + Retry-After), none cut off with 502, the
// long polls answer [] at once, the primary exits 0, and the store holds exactly the orders that were answered 201.
import { writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TEST_USERS, TOKENS } from './support/client.js';
import { startMain } from './support/main-process.js';
import { DIAGRAMS_DIR, makeDataDir, removeDataDir } from './support/real-server.js';
import { postInParts, postUnderWay } from './support/request-under-way.js';

const dirs: string[] = [];
afterEach(() => {
  dirs.splice(0).forEach(removeDataDir);
});

type Outcome = { status: number; retryAfter: string | null; body: string } | { error: string };

describe('graceful stop of two routed workers', () => {
  it('answers every request under way and every waiting fetch before the primary exits 0; nothing is stored unanswered', async () => {
    const dataDir = makeDataDir();
    dirs.push(dataDir);
    const usersFile = join(dataDir, 'users.json');
    writeFileSync(usersFile, JSON.stringify(TEST_USERS));
    const env = {
      HOST: '127.0.0.1', STRATUM_DATA: dataDir, STRATUM_USERS: usersFile, STRATUM_DIAGRAMS: DIAGRAMS_DIR, STRATUM_WORKERS: '2',
      STRATUM_ROUTING: 'order', STRATUM_DEPLOY_NOTE: 'optional',
    };
    const server = await startMain(env, 'stratum workers listening');
    const base = `http://127.0.0.1:${server.port}`;
    const headers = { authorization: `Bearer ${TOKENS.erp}`, 'content-type': 'application/json' };
    const post = (path: string, body: unknown): Promise<Outcome> =>
      fetch(`${base}${path}`, { method: 'POST', headers, body: JSON.stringify(body) }).then(
        async (response) => ({ status: response.status, retryAfter: response.headers.get('retry-after'), body: await response.text() }),
        (error: Error & { cause?: { code?: string } }) => ({ error: error.cause?.code ?? error.message }),
      );

    const polls = [0, 1, 2].map((index) => post('/api/jobs/fetch-and-lock', { type: 'no-such-job-type', workerId: `waiting-${index}`, lockMs: 60_000, asyncResponseTimeout: 60_000 }));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const orderNos = Array.from({ length: 24 }, (_, index) => `STOP-${index}`);
    const answers = orderNos.map((orderNo) => post('/api/orders', { orderNo, customer: { name: 'Stop GmbH' }, amount: 100, currency: 'CNY', paymentTerms: 'credit' }));
    // the workers are busy with the posts (one write at a time each) when the signal comes
    await Promise.race(answers);
    const signalled = performance.now();
    server.child.kill('SIGTERM');
    expect(await server.exit).toBe(0);
    const outcomes = await Promise.all(answers);
    const waited = await Promise.all(polls);

    // the waiting fetches were answered [] when the stop began, not after their 60 s
    for (const poll of waited) expect(poll).toMatchObject({ status: 200, body: '[]' });
    expect(performance.now() - signalled).toBeLessThan(30_000);
    // no answer cut off: created, or refused with a time to come back
    for (const outcome of outcomes) {
      if ('error' in outcome) continue;
      expect([201, 503], JSON.stringify(outcome)).toContain(outcome.status);
      if (outcome.status === 503) expect(outcome.retryAfter).not.toBeNull();
    }
    const created = orderNos.filter((_, index) => (outcomes[index] as { status?: number }).status === 201);
    expect(created.length).toBeGreaterThan(1);
    expect(server.lines.filter((line) => (line.level ?? 0) >= 50)).toEqual([]);

    // started again on the same store: the orders answered 201 are there, no other
    const again = await startMain(env, 'stratum workers listening');
    const stored: string[] = [];
    for (const orderNo of orderNos) {
      const response = await fetch(`http://127.0.0.1:${again.port}/api/orders/${orderNo}`, { headers });
      if (response.status === 200) stored.push(orderNo);
    }
    expect(stored).toEqual(created);
    again.child.kill('SIGTERM');
    expect(await again.exit).toBe(0);
  }, 180_000);
});

describe('graceful stop with connections waiting to be accepted', () => {
  const setups: { name: string; env: Record<string, string>; ready: string }[] = [
    { name: 'one server alone (STRATUM_WORKERS=1)', env: { STRATUM_WORKERS: '1' }, ready: 'stratum server listening' },
    { name: 'the order router of two workers', env: { STRATUM_WORKERS: '2', STRATUM_ROUTING: 'order' }, ready: 'stratum workers listening' },
  ];
  it.each(setups)('$name answers every one (503 + Retry-After + Connection: close) instead of resetting it, and stores only what it answered 201', async ({ env: setup, ready }) => {
    const dataDir = makeDataDir();
    dirs.push(dataDir);
    const usersFile = join(dataDir, 'users.json');
    writeFileSync(usersFile, JSON.stringify(TEST_USERS));
    const env = { HOST: '127.0.0.1', STRATUM_DATA: dataDir, STRATUM_USERS: usersFile, STRATUM_DIAGRAMS: DIAGRAMS_DIR, STRATUM_DEPLOY_NOTE: 'optional', ...setup };
    const server = await startMain(env, ready);
    type Answer = { status: number; retryAfter?: string; connection?: string } | { error: string };
    // each on a connection of its own, opened at once: the server accepts them one per turn of its event loop
    const post = (orderNo: string) =>
      new Promise<Answer>((resolve) => {
        const body = JSON.stringify({ orderNo, customer: { name: 'Queue GmbH' }, amount: 100, currency: 'CNY', paymentTerms: 'credit' });
        const req = request({
          host: '127.0.0.1', port: server.port, method: 'POST', path: '/api/orders', agent: false,
          headers: { authorization: `Bearer ${TOKENS.erp}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        }, (res) => {
          res.resume();
          res.on('end', () => resolve({ status: res.statusCode!, retryAfter: res.headers['retry-after'], connection: res.headers.connection }));
        });
        req.on('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
        req.end(body);
      });
    const orderNos = Array.from({ length: 200 }, (_, index) => `QUEUED-${index}`);
    const answers = orderNos.map(post);
    await Promise.race(answers);
    server.child.kill('SIGTERM');
    expect(await server.exit).toBe(0);
    const outcomes = await Promise.all(answers);

    // every connection was answered: none reset in the accept queue
    expect(outcomes.filter((outcome) => 'error' in outcome)).toEqual([]);
    for (const outcome of outcomes as { status: number; retryAfter?: string; connection?: string }[]) {
      expect([201, 503], JSON.stringify(outcome)).toContain(outcome.status);
      if (outcome.status === 503) expect(outcome.retryAfter).toBeDefined();
    }
    // the ones that came while it stopped were told so, and their connections closed
    expect(outcomes.some((outcome) => 'status' in outcome && outcome.status === 503 && outcome.connection === 'close')).toBe(true);
    const created = orderNos.filter((_, index) => (outcomes[index] as { status: number }).status === 201);
    expect(created.length).toBeGreaterThan(0);

    const again = await startMain(env, ready);
    const stored: string[] = [];
    for (const orderNo of orderNos) {
      const response = await fetch(`http://127.0.0.1:${again.port}/api/orders/${orderNo}`, { headers: { authorization: `Bearer ${TOKENS.erp}` } });
      if (response.status === 200) stored.push(orderNo);
    }
    expect(stored).toEqual(created);
    again.child.kill('SIGTERM');
    expect(await again.exit).toBe(0);
  }, 180_000);
});

describe('graceful stop of a request whose body is still arriving', () => {
  const setups: { name: string; env: Record<string, string>; ready: string; stopping: string }[] = [
    { name: 'one server alone (STRATUM_WORKERS=1)', env: { STRATUM_WORKERS: '1' }, ready: 'stratum server listening', stopping: 'shutting down' },
    { name: 'the order router of two workers', env: { STRATUM_WORKERS: '2', STRATUM_ROUTING: 'order' }, ready: 'stratum workers listening', stopping: 'stopping the workers' },
  ];
  it.each(setups)('$name serves it (201, stored once): its headers came before SIGTERM, the rest of its body after', async ({ env: setup, ready, stopping }) => {
    const dataDir = makeDataDir();
    dirs.push(dataDir);
    const usersFile = join(dataDir, 'users.json');
    writeFileSync(usersFile, JSON.stringify(TEST_USERS));
    const env = { HOST: '127.0.0.1', STRATUM_DATA: dataDir, STRATUM_USERS: usersFile, STRATUM_DIAGRAMS: DIAGRAMS_DIR, STRATUM_DEPLOY_NOTE: 'optional', ...setup };
    const server = await startMain(env, ready);
    const order = (orderNo: string) => JSON.stringify({ orderNo, customer: { name: 'Slow GmbH' }, amount: 100, currency: 'CNY', paymentTerms: 'credit' });
    const headers = { authorization: `Bearer ${TOKENS.erp}` };

    // the server answers 100 Continue once it has read the headers and handed the request on: it is under way
    const slow = await postUnderWay(server.port, '/api/orders', order('SLOW-1'), headers);
    server.child.kill('SIGTERM');
    await server.line((line) => line.msg === stopping);
    // the stop has begun: a request that starts now is refused
    const late = postInParts(server.port, '/api/orders', order('LATE-1'), headers);
    late.req.end(order('LATE-1'));
    expect(await late.answer).toMatchObject({ status: 503, retryAfter: '1' });
    slow.req.end(order('SLOW-1'));
    const answered = await slow.answer;
    expect(answered.status, answered.body).toBe(201);
    expect(await server.exit).toBe(0);

    const again = await startMain(env, ready);
    expect((await fetch(`http://127.0.0.1:${again.port}/api/orders/SLOW-1`, { headers })).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${again.port}/api/orders/LATE-1`, { headers })).status).toBe(404);
    const instances = await (await fetch(`http://127.0.0.1:${again.port}/api/instances?processKey=order-to-cash&businessKey=SLOW-1`, { headers })).json() as { items: unknown[] };
    expect(instances.items).toHaveLength(1);
    again.child.kill('SIGTERM');
    expect(await again.exit).toBe(0);
  }, 180_000);
});
