// The order router stopping: a request whose headers it read before the stop is under way and goes to a worker,
// though its body comes after; only a request that starts after the stop is refused (503 + Retry-After).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_HTTP_TIMEOUTS } from '../../server/http/client-errors.js';
import { createOrderRouter, type OrderRouter } from '../../server/routing.js';
import { postInParts, postUnderWay } from './support/request-under-way.js';

let router: OrderRouter | undefined;
let worker: Server | undefined;
afterEach(async () => {
  await router?.close();
  if (worker) await new Promise((resolve) => worker!.close(resolve));
  router = worker = undefined;
});

/** A worker that answers 201 with the body it received. */
async function echoingWorker(): Promise<number> {
  worker = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => res.writeHead(201, { 'content-type': 'application/json' }).end(Buffer.concat(chunks)));
  });
  await new Promise<void>((resolve) => worker!.listen(0, '127.0.0.1', resolve));
  return (worker.address() as AddressInfo).port;
}

describe('the order router stopping', () => {
  it('sends a request whose body comes after the stop began to its worker, and refuses one that starts after it', async () => {
    router = createOrderRouter({ timeouts: DEFAULT_HTTP_TIMEOUTS, bodyLimit: 1_000_000 });
    router.add(0, await echoingWorker());
    const port = await router.listen(0, '127.0.0.1');

    const body = JSON.stringify({ orderNo: 'SO-1' });
    // 100 Continue: the router has read the headers and handed the request on
    const slow = await postUnderWay(port, '/api/orders', body);
    let closed = false;
    const closing = router.close().then(() => (closed = true));

    const late = postInParts(port, '/api/orders', body);
    late.req.end(body);
    expect(await late.answer).toMatchObject({ status: 503, retryAfter: '1' });
    // the router waits for the request under way before it closes
    expect(closed).toBe(false);
    slow.req.end(body);
    expect(await slow.answer).toEqual({ status: 201, retryAfter: undefined, body });
    await closing;
  });

  it('logs each request it refuses while stopping as its own answer, as it logs its other refusals', async () => {
    const lines: Record<string, unknown>[] = [];
    const logger = { info: (fields: Record<string, unknown>, msg: string) => lines.push({ ...fields, msg }) };
    router = createOrderRouter({ timeouts: DEFAULT_HTTP_TIMEOUTS, bodyLimit: 1_000_000, logger });
    router.add(0, await echoingWorker());
    const port = await router.listen(0, '127.0.0.1');

    const body = JSON.stringify({ orderNo: 'SO-1' });
    // under way, it keeps the router stopping while the others arrive
    const slow = await postUnderWay(port, '/api/orders', body);
    const closing = router.close();
    const late = postInParts(port, '/api/orders', body, { 'x-request-id': 'late-1' });
    late.req.end(body);
    expect(await late.answer).toMatchObject({ status: 503, retryAfter: '1' });
    const read = await fetch(`http://127.0.0.1:${port}/api/orders/SO-4711`);
    expect(read.status).toBe(503);
    slow.req.end(body);
    expect((await slow.answer).status).toBe(201);
    await closing;
    // the one a worker answered is the worker's to log; the template, never the order number
    expect(lines.map(({ durationMs, requestId, ...line }) => ({ ...line, timed: typeof durationMs === 'number', requestId: typeof requestId }))).toEqual([
      { method: 'POST', route: '/api/orders', status: 503, answeredBy: 'router', stopping: true, msg: 'request', timed: true, requestId: 'string' },
      { method: 'GET', route: '/api/orders/{orderNo}', status: 503, answeredBy: 'router', stopping: true, msg: 'request', timed: true, requestId: 'string' },
    ]);
    expect(lines[0].requestId).toBe('late-1');
    // the answer names the line it has, as the API's answers do
    expect(read.headers.get('x-request-id')).toBe(lines[1].requestId);
    expect(JSON.stringify(lines)).not.toContain('SO-');
  });
});
