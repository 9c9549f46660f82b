// The order router's kept-alive connections to a worker: the router closes an idle one before the worker
// would, so no request is ever sent on a connection the worker is closing (that race reset it under a write,
// answered 502 although the worker was well).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { HttpTimeouts } from '../../server/http/client-errors.js';
import { createOrderRouter, type OrderRouter } from '../../server/routing.js';

const TIMEOUTS: HttpTimeouts = { headersTimeoutMs: 10_000, requestTimeoutMs: 60_000, keepAliveTimeoutMs: 3_000 };

interface FakeWorker {
  server: Server;
  port: number;
  /** Per connection the worker accepted: whether the router closed it (its end arrived) before it closed. */
  closes: Promise<{ closedByRouter: boolean }>[];
}

async function fakeWorker(answerAfterMs = 0): Promise<FakeWorker> {
  const closes: FakeWorker['closes'] = [];
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => setTimeout(() => res.end('{"ok":true}'), answerAfterMs));
  });
  server.keepAliveTimeout = TIMEOUTS.keepAliveTimeoutMs;
  server.on('connection', (socket) => {
    let ended = false;
    socket.on('end', () => (ended = true));
    closes.push(new Promise((resolve) => socket.on('close', () => resolve({ closedByRouter: ended }))));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port, closes };
}

let router: OrderRouter | undefined;
let worker: FakeWorker | undefined;
afterEach(async () => {
  await router?.close();
  const server = worker?.server;
  if (server) await new Promise((resolve) => server.close(resolve));
  router = worker = undefined;
});

async function routedTo(fake: FakeWorker): Promise<string> {
  router = createOrderRouter({ timeouts: TIMEOUTS, bodyLimit: 1_000_000 });
  router.add(0, fake.port);
  return `http://127.0.0.1:${await router.listen(0, '127.0.0.1')}`;
}

describe('the order router\'s connections to a worker', () => {
  it('closes an idle kept-alive connection before the worker\'s keep-alive timeout would', async () => {
    worker = await fakeWorker();
    const url = await routedTo(worker);
    const answer = await fetch(`${url}/api/orders`, { method: 'POST', body: '{"orderNo":"SO-1"}', headers: { 'content-type': 'application/json' } });
    expect(answer.status).toBe(200);
    expect(worker.closes).toHaveLength(1);
    // the worker would close it after 3 s idle (Node's agent alone keeps it until then); the router has closed it by then
    expect(await worker.closes[0]).toEqual({ closedByRouter: true });
  });

  it('does not cut a request the worker takes longer than the idle timeout to answer', async () => {
    worker = await fakeWorker(TIMEOUTS.keepAliveTimeoutMs * 0.75);
    const url = await routedTo(worker);
    const answer = await fetch(`${url}/api/jobs/fetch-and-lock`, { method: 'POST', body: '{"type":"shipping"}', headers: { 'content-type': 'application/json' } });
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ ok: true });
  });
});
