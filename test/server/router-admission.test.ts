// The order router bounds the writes it holds at a worker by the worker's own admission limits and refuses
// the rest at once (503, Retry-After), instead of queueing them where no admission queue sees them.
import { createServer, type ServerResponse, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_HTTP_TIMEOUTS } from '../../server/http/client-errors.js';
import { WorkerWriteGate } from '../../server/http/router-admission.js';
import { WorkerRoster } from '../../server/http/worker-roster.js';
import { poolMetrics } from '../../server/primary-metrics.js';
import { createOrderRouter, type OrderRouter } from '../../server/routing.js';
import { sampleValue as value } from './support/metric-sample.js';

const LIMITS = { concurrency: 1, queueLength: 1, queueWaitMs: 2000 };

describe('WorkerWriteGate', () => {
  it('lets through what the worker admits (running + queued), refuses the next with 503 and Retry-After', () => {
    const gate = new WorkerWriteGate(LIMITS);
    const first = gate.enter();
    const second = gate.enter();
    expect('leave' in first && 'leave' in second).toBe(true);
    const third = gate.enter();
    if (!('refusal' in third)) throw new Error('the third write was let through');
    expect(third.refusal.status).toBe(503);
    expect(Number(third.refusal.headers['Retry-After'])).toBeGreaterThanOrEqual(1);
    expect(gate.refused).toBe(1);
    if ('leave' in first) {
      first.leave();
      first.leave(); // once is enough: a second call changes nothing
    }
    expect(gate.inFlight).toBe(1);
    expect('leave' in gate.enter()).toBe(true);
    expect('refusal' in gate.enter()).toBe(true);
  });
});

interface HoldingWorker {
  server: Server;
  port: number;
  /** Requests the worker received and holds unanswered, by method and path. */
  held: { what: string; res: ServerResponse }[];
}

/** A worker that holds every request until the test answers it. */
async function holdingWorker(): Promise<HoldingWorker> {
  const held: HoldingWorker['held'] = [];
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => held.push({ what: `${req.method} ${req.url}`, res }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port, held };
}

let router: OrderRouter | undefined;
let worker: HoldingWorker | undefined;
afterEach(async () => {
  for (const { res } of worker?.held ?? []) res.end();
  await router?.close();
  const server = worker?.server;
  if (server) await new Promise((resolve) => server.close(resolve));
  router = worker = undefined;
});

const until = async (check: () => boolean) => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(check()).toBe(true);
};

describe('the order router\'s write admission', () => {
  it('holds at most the worker\'s running and queued writes there and refuses the rest at once; long polls and reads pass', async () => {
    worker = await holdingWorker();
    router = createOrderRouter({ timeouts: DEFAULT_HTTP_TIMEOUTS, bodyLimit: 1_000_000, admission: LIMITS });
    router.add(0, worker.port);
    const url = `http://127.0.0.1:${await router.listen(0, '127.0.0.1')}`;
    const post = (path: string, body: unknown) =>
      fetch(`${url}${path}`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });

    const posts = Array.from({ length: 5 }, (_, i) => post('/api/orders', { orderNo: 'SO-1', amount: i }));
    // the refusals are answered while the two admitted writes are still held at the worker
    const settled = await Promise.all(posts.map((answer) => Promise.race([answer, new Promise<'held'>((resolve) => setTimeout(() => resolve('held'), 1500))])));
    const refused = settled.filter((answer): answer is Response => answer !== 'held');
    expect(refused).toHaveLength(3);
    for (const answer of refused) {
      expect(answer.status).toBe(503);
      expect(answer.headers.get('content-type')).toBe('application/problem+json');
      expect(Number(answer.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(await answer.json()).toMatchObject({ status: 503, reason: 'queue-full' });
    }
    expect(worker.held.map((request) => request.what)).toEqual(['POST /api/orders', 'POST /api/orders']);

    // a long poll, reads (a search is a POST that reads) and a what-if analysis (its own queue in the worker) are not
    // writes the worker's queue holds: they still reach it
    void post('/api/jobs/fetch-and-lock', { type: 'shipping' });
    void fetch(`${url}/api/tasks`);
    void post('/v2/incidents/search', {});
    // a search whose path names the instance: the pattern of its path, not the path itself, says it reads
    void post('/v2/process-instances/i-1/incidents/search', {});
    void post('/api/impact', {});
    // Camunda 7's task list and count by a body read as their GETs do
    void post('/engine-rest/task', { candidateGroup: 'sales-director' });
    void post('/engine-rest/task/count', {});
    await until(() => worker!.held.length === 9);
    expect(worker.held.slice(2).map((request) => request.what).sort()).toEqual([
      'GET /api/tasks', 'POST /api/impact', 'POST /api/jobs/fetch-and-lock', 'POST /engine-rest/task', 'POST /engine-rest/task/count',
      'POST /v2/incidents/search', 'POST /v2/process-instances/i-1/incidents/search',
    ]);

    // once the worker answers one, a write finds room again
    worker.held.shift()!.res.end('{}');
    void post('/api/orders', { orderNo: 'SO-2', amount: 1 });
    await until(() => worker!.held.some((request, i) => i >= 8 && request.what === 'POST /api/orders'));
  });

  it('shows its own refusals and the writes it holds at each worker on the primary\'s /metrics, a replaced worker\'s refusals kept', async () => {
    worker = await holdingWorker();
    const metrics = poolMetrics(new WorkerRoster(2), 2);
    router = createOrderRouter({ timeouts: DEFAULT_HTTP_TIMEOUTS, bodyLimit: 1_000_000, admission: LIMITS, metrics: metrics.answer });
    metrics.watchRouter(router.admission);
    router.add(1, worker.port);
    const url = `http://127.0.0.1:${await router.listen(0, '127.0.0.1')}`;
    const post = () => fetch(`${url}/api/orders`, { method: 'POST', body: JSON.stringify({ orderNo: 'SO-1' }), headers: { 'content-type': 'application/json' } });

    void post();
    void post();
    await until(() => worker!.held.length === 2);
    expect((await post()).status).toBe(503);
    // the worker never saw the refused write: only the router can count it
    expect(worker.held).toHaveLength(2);

    // answered by the primary, not proxied to the worker; worker 2 is slot 1, as /healthz numbers it
    const scrape = await fetch(`${url}/metrics`);
    expect([scrape.status, scrape.headers.get('stratum-primary')]).toEqual([200, String(process.pid)]);
    const text = await scrape.text();
    expect(value(text, 'stratum_router_admission_rejected_total{reason="queue-full"}')).toBe(1);
    expect(value(text, 'stratum_router_admission_in_flight{worker="2"}')).toBe(2);
    expect(worker.held).toHaveLength(2);

    // the worker is replaced (its slot gets a new gate): the total does not go down
    router.add(1, worker.port);
    expect(router.admission()).toEqual({ inFlight: [{ slot: 1, writes: 0 }], refused: 1 });
  });

  it('counts a PUT, a PATCH and a DELETE as writes, as the worker does: beyond its limits they are refused at once', async () => {
    worker = await holdingWorker();
    router = createOrderRouter({ timeouts: DEFAULT_HTTP_TIMEOUTS, bodyLimit: 1_000_000, admission: LIMITS });
    router.add(0, worker.port);
    const url = `http://127.0.0.1:${await router.listen(0, '127.0.0.1')}`;
    const put = () => fetch(`${url}/engine-rest/external-task/i-1%3Ajob/retries`, { method: 'PUT', body: JSON.stringify({ retries: 1 }), headers: { 'content-type': 'application/json' } });
    const held = [put(), fetch(`${url}/api/webhooks/w-1`, { method: 'DELETE' })];
    await until(() => worker!.held.length === 2);
    const patch = () => fetch(`${url}/v2/jobs/i-1%3Ajob`, { method: 'PATCH', body: JSON.stringify({ changeset: { retries: 2 } }), headers: { 'content-type': 'application/json' } });
    for (const refused of [await put(), await patch(), await fetch(`${url}/api/webhooks/w-2`, { method: 'DELETE' })]) {
      expect(refused.status).toBe(503);
      expect(await refused.json()).toMatchObject({ status: 503, reason: 'queue-full' });
    }
    // a read is no write: it still reaches the worker
    void fetch(`${url}/engine-rest/incident`);
    await until(() => worker!.held.length === 3);
    for (const { res } of worker.held.splice(0)) res.end('{}');
    await Promise.all(held);
  });

  it('answers a problem (503, Retry-After) when no worker is live', async () => {
    router = createOrderRouter({ timeouts: DEFAULT_HTTP_TIMEOUTS, bodyLimit: 1_000_000, admission: LIMITS });
    const url = `http://127.0.0.1:${await router.listen(0, '127.0.0.1')}`;
    const answer = await fetch(`${url}/api/orders/SO-1`);
    expect([answer.status, answer.headers.get('content-type'), answer.headers.get('retry-after'), answer.headers.get('cache-control')])
      .toEqual([503, 'application/problem+json', '1', 'no-store']);
    expect(await answer.json()).toMatchObject({ status: 503, title: 'Service unavailable', detail: 'No server process is available; try again.', instance: '/api/orders/SO-1' });
  });

  it('logs the answers it gives itself, one line each as a worker logs its requests: the route\'s template, no order number', async () => {
    worker = await holdingWorker();
    const lines: Record<string, unknown>[] = [];
    const logger = { info: (fields: Record<string, unknown>, msg: string) => lines.push({ ...fields, msg }) };
    router = createOrderRouter({ timeouts: DEFAULT_HTTP_TIMEOUTS, bodyLimit: 1_000_000, admission: LIMITS, logger });
    router.add(0, worker.port);
    const url = `http://127.0.0.1:${await router.listen(0, '127.0.0.1')}`;
    const post = (orderNo: string, requestId?: string) => fetch(`${url}/api/orders`, {
      method: 'POST', body: JSON.stringify({ orderNo }), headers: { 'content-type': 'application/json', ...(requestId && { 'x-request-id': requestId }) },
    });
    const held = [post('SO-1'), post('SO-2')];
    await until(() => worker!.held.length === 2);
    expect((await post('SO-3', 'burst-3')).status).toBe(503);
    // what reached the worker is the worker's to log
    expect(lines.map(({ durationMs, ...line }) => ({ ...line, timed: typeof durationMs === 'number' }))).toEqual([
      { requestId: 'burst-3', method: 'POST', route: '/api/orders', status: 503, timed: true, answeredBy: 'router', msg: 'request' },
    ]);

    // the worker is gone: the two writes it held end 502 (it may have served them), a read finds no worker (503)
    router.remove(0);
    expect((await fetch(`${url}/api/orders/SO-4711`)).status).toBe(503);
    await until(() => lines.length === 4);
    expect(lines.slice(1).map(({ method, route, status }) => `${String(method)} ${String(route)} ${String(status)}`).sort())
      .toEqual(['GET /api/orders/{orderNo} 503', 'POST /api/orders 502', 'POST /api/orders 502']);
    expect(lines.every((line) => line.answeredBy === 'router')).toBe(true);
    expect(JSON.stringify(lines)).not.toContain('SO-');
    expect(String(lines[3].requestId)).toMatch(/^[0-9a-f-]{36}$/);
    // it may have served them: the answer says what makes sending one again safe (an order's number, where it said
    // an order's Idempotency-Key, a header order entry does not read)
    for (const answer of await Promise.all(held)) {
      expect(await answer.json()).toMatchObject({
        status: 502,
        detail: 'The server process handling the request stopped, perhaps after serving it; send it again: an order with the same orderNo and body, or a start with the same Idempotency-Key, is still one.',
      });
    }
  });
});
