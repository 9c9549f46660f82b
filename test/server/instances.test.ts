// Listing, paging, reading and cancelling instances on the real engine.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOKENS, type ApiClient } from './support/client.js';
import { removeDataDir, startTestServer, type TestServer } from './support/real-server.js';

let server: TestServer;
let api: ApiClient;
const ids: string[] = [];

beforeAll(async () => {
  server = await startTestServer();
  api = server.api;
  for (let n = 1; n <= 5; n++) {
    const response = await api.post('/api/orders', TOKENS.erp, { orderNo: `SO-LIST-${n}`, customer: { name: 'Lager AG' }, amount: 600_000 + n, currency: 'CNY', paymentTerms: 'credit' });
    expect(response.status).toBe(201);
    ids.push(response.body.id);
  }
});
afterAll(async () => {
  await server.close();
  removeDataDir(server.dataDir);
});

describe('GET /api/instances', () => {
  it('pages with limit and offset and reports the total', async () => {
    const first = await api.get('/api/instances?processKey=order-to-cash&limit=2', TOKENS.vp);
    expect(first.body).toMatchObject({ total: 5, limit: 2, offset: 0 });
    expect(first.body.items).toHaveLength(2);
    const rest = await api.get('/api/instances?processKey=order-to-cash&limit=2&offset=2', TOKENS.vp);
    const last = await api.get('/api/instances?processKey=order-to-cash&limit=2&offset=4', TOKENS.vp);
    const seen = [...first.body.items, ...rest.body.items, ...last.body.items].map((item: { id: string }) => item.id);
    expect(seen.sort()).toEqual([...ids].sort());
  });

  it('defaults to 50 per page and filters by business key and status', async () => {
    const all = await api.get('/api/instances', TOKENS.vp);
    expect(all.body.limit).toBe(50);
    expect(all.body.offset).toBe(0);
    // the call tree: order-to-cash, sales-order-management and credit-order-approval share the business key
    const tree = await api.get('/api/instances?businessKey=SO-LIST-3', TOKENS.vp);
    expect(tree.body.items.map((item: { processKey: string }) => item.processKey).sort()).toEqual(['credit-order-approval', 'order-to-cash', 'sales-order-management']);
    expect((await api.get('/api/instances?status=completed&processKey=order-to-cash', TOKENS.vp)).body.total).toBe(0);
  });
});

describe('GET /api/instances/{id} and /api/tasks/{id}', () => {
  it('shows the order with its version, variables, children, history and what the call tree waits for', async () => {
    const view = (await api.get(`/api/instances/${ids[0]}`, TOKENS.erp)).body;
    expect(view).toMatchObject({ processKey: 'order-to-cash', version: 1, businessKey: 'SO-LIST-1', status: 'running' });
    expect(view.variables).toMatchObject({ orderNo: 'SO-LIST-1', amount: 600_001, currency: 'CNY', paymentTerms: 'credit', specialChange: null });
    expect(view.children.map((child: { processKey: string }) => child.processKey)).toEqual(['sales-order-management']);
    const task = view.waiting.find((wait: { type: string }) => wait.type === 'task');
    expect(task).toMatchObject({ processKey: 'credit-order-approval', candidateGroups: ['vice-president'] });
    expect(view.history.some((entry: { event: string; actor: string }) => entry.event === 'instance.started' && entry.actor === 'erp')).toBe(true);

    const detail = await api.get(`/api/tasks/${encodeURIComponent(task.taskId)}`, TOKENS.vp);
    expect(detail.body).toMatchObject({ id: task.taskId, businessKey: 'SO-LIST-1', candidateGroups: ['vice-president'] });
  });
});

describe('POST /api/instances/{id}/cancel', () => {
  it('cancels a running order with its children and open tasks, and answers 409 the second time', async () => {
    const reason = { reason: 'customer withdrew the order' };
    const cancelled = await api.post(`/api/instances/${ids[1]}/cancel`, TOKENS.erp, reason);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    expect(cancelled.body.waiting).toEqual([]);
    expect((await api.get('/api/tasks?businessKey=SO-LIST-2', TOKENS.vp)).body).toEqual([]);
    expect((await api.post(`/api/instances/${ids[1]}/cancel`, TOKENS.erp, reason)).status).toBe(409);
    expect((await api.post('/api/instances/no-such-instance/cancel', TOKENS.erp, reason)).status).toBe(404);
    expect((await api.post(`/api/instances/${ids[2]}/cancel`, TOKENS.vp, reason)).status).toBe(403);
  });
});
