// One server stopping (STRATUM_WORKERS=1, and each worker): its gate refuses a request that arrives after the stop
// began (503 + Retry-After) before express sees it, and logs and counts it all the same, as every answer is logged
// and counted.
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { TOKENS } from './support/client.js';
import { removeDataDir, startTestServer } from './support/real-server.js';
import { postInParts, postUnderWay } from './support/request-under-way.js';

describe('one server stopping', () => {
  it('logs each request it refuses while stopping in the request line, marked stopping, with the X-Request-Id its answer carries, and counts it in the HTTP metrics', async () => {
    const lines: Record<string, unknown>[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) });
    const server = await startTestServer({ logger });
    try {
      const auth = { authorization: `Bearer ${TOKENS.erp}` };
      const order = JSON.stringify({ orderNo: 'SO-1', customer: { name: 'Stop GmbH' }, amount: 100, currency: 'CNY', paymentTerms: 'credit' });
      // under way, it keeps the server stopping while the others arrive
      const slow = await postUnderWay(server.port, '/api/orders', order, { ...auth, 'x-request-id': 'slow-1' });
      const closing = server.close();
      const late = postInParts(server.port, '/api/orders', order, { ...auth, 'x-request-id': 'late-1' });
      late.req.end(order);
      expect(await late.answer).toMatchObject({ status: 503, retryAfter: '1' });
      const read = await fetch(`${server.url}/api/orders/SO-4711`, { headers: auth });
      expect(read.status).toBe(503);
      slow.req.end(order);
      expect((await slow.answer).status).toBe(201);
      await closing;

      const requests = lines.filter((line) => line.msg === 'request');
      // the template, never the order number; no user (the gate reads no token)
      expect(requests.map(({ requestId, method, route, status, stopping, user }) => ({ requestId, method, route, status, stopping, user }))).toEqual([
        { requestId: 'late-1', method: 'POST', route: '/api/orders', status: 503, stopping: true, user: undefined },
        { requestId: read.headers.get('x-request-id'), method: 'GET', route: '/api/orders/{orderNo}', status: 503, stopping: true, user: undefined },
        { requestId: 'slow-1', method: 'POST', route: '/api/orders', status: 201, stopping: undefined, user: 'erp' },
      ]);
      for (const line of requests) expect(typeof line.durationMs).toBe('number');
      // and counted in the HTTP metrics as every answer express gives is, under the same route templates
      const counted = (await server.metrics.getSingleMetric('stratum_http_requests_total')!.get()).values;
      expect(counted.filter(({ labels }) => labels.status === '503').map(({ labels, value }) => ({ ...labels, value }))).toEqual(expect.arrayContaining([
        { method: 'POST', route: '/api/orders', status: '503', value: 1 },
        { method: 'GET', route: '/api/orders/{orderNo}', status: '503', value: 1 },
      ]));
      expect(counted.find(({ labels }) => labels.route === '/api/orders' && labels.status === '201')?.value).toBe(1);
      expect(read.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
      expect(JSON.stringify(requests)).not.toContain('SO-');
    } finally {
      await server.close();
      removeDataDir(server.dataDir);
    }
  }, 60_000);
});
