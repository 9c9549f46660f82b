// Listing, paging, reading and cancelling instances on the real engine.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InstanceView, TaskView } from '../../engine/api.js';
import { problemOf, TOKENS, type ApiClient, type ApiResponse, type InstancePage } from './support/client.js';
import { removeDataDir, startTestServer, type TestServer } from './support/real-server.js';
import { objectWith } from '../support/matchers.js';

let server: TestServer;
let api: ApiClient;
const ids: string[] = [];

beforeAll(async () => {
  server = await startTestServer();
  api = server.api;
  for (let n = 1; n <= 5; n++) {
    const response = await api.post<InstanceView>('/api/orders', TOKENS.erp, { orderNo: `SO-LIST-${n}`, customer: { name: 'Lager AG' }, amount: 600_000 + n, currency: 'CNY', paymentTerms: 'credit' });
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
    const first = await api.get<InstancePage>('/api/instances?processKey=order-to-cash&limit=2', TOKENS.vp);
    expect(first.body).toMatchObject({ total: 5, limit: 2, offset: 0 });
    expect(first.body.items).toHaveLength(2);
    const rest = await api.get<InstancePage>('/api/instances?processKey=order-to-cash&limit=2&offset=2', TOKENS.vp);
    const last = await api.get<InstancePage>('/api/instances?processKey=order-to-cash&limit=2&offset=4', TOKENS.vp);
    const seen = [...first.body.items, ...rest.body.items, ...last.body.items].map((item) => item.id);
    expect(seen.sort()).toEqual([...ids].sort());
  });

  it('defaults to 50 per page and filters by business key and status', async () => {
    const all = await api.get<InstancePage>('/api/instances', TOKENS.vp);
    expect(all.body.limit).toBe(50);
    expect(all.body.offset).toBe(0);
    // the call tree: order-to-cash, sales-order-management and credit-order-approval share the business key
    const tree = await api.get<InstancePage>('/api/instances?businessKey=SO-LIST-3', TOKENS.vp);
    expect(tree.body.items.map((item) => item.processKey).sort()).toEqual(['credit-order-approval', 'order-to-cash', 'sales-order-management']);
    expect((await api.get<InstancePage>('/api/instances?status=completed&processKey=order-to-cash', TOKENS.vp)).body.total).toBe(0);
  });
});

describe('cursor pages', () => {
  /** Follows `Link: <…>; rel="next"` from `path` to the last page. */
  async function taskPages(path: string): Promise<{ ids: string[][]; links: string[] }> {
    const ids: string[][] = [];
    const links: string[] = [];
    let next: string | undefined = path;
    while (next) {
      const page: ApiResponse<TaskView[]> = await api.get<TaskView[]>(next, TOKENS.vp);
      expect(page.status).toBe(200);
      expect(Array.isArray(page.body)).toBe(true);
      ids.push(page.body.map((task) => task.id));
      const link: string | null = page.headers.get('link');
      if (link) links.push(link);
      next = link ? /^<([^>]+)>; rel="next"$/.exec(link)?.[1] : undefined;
    }
    return { ids, links };
  }

  it('pages GET /api/tasks as arrays, oldest first, with the next page in a Link header', async () => {
    const all = await api.get<TaskView[]>('/api/tasks?candidateGroup=vice-president', TOKENS.vp);
    expect(all.body).toHaveLength(5);
    expect(all.headers.get('link')).toBeNull();
    const { ids: pages, links } = await taskPages('/api/tasks?candidateGroup=vice-president&limit=2');
    expect(pages.map((page) => page.length)).toEqual([2, 2, 1]);
    expect(pages.flat()).toEqual(all.body.map((task) => task.id));
    // the link keeps the filters and the page size
    expect(links[0]).toMatch(/^<\/api\/tasks\?candidateGroup=vice-president&limit=2&after=[A-Za-z0-9_-]+>; rel="next"$/);
  });

  it('pages GET /api/instances with the next cursor in the body, null on the last page', async () => {
    const seen: string[] = [];
    let after = '';
    for (let page = 0; page < 5; page++) {
      const response = await api.get<InstancePage>(`/api/instances?processKey=order-to-cash&limit=2${after}`, TOKENS.vp);
      expect(response.body).toMatchObject({ total: 5, limit: 2 });
      seen.push(...response.body.items.map((item) => item.id));
      if (response.body.next === null) break;
      after = `&after=${response.body.next}`;
    }
    expect(seen).toHaveLength(5);
    expect([...seen].sort()).toEqual([...ids].sort());
    // newest first
    expect(seen).toEqual([...ids].reverse());
  });

  it('refuses a cursor it did not hand out and a page larger than the maximum', async () => {
    const forged = await api.get('/api/tasks?after=bm90LWEtY3Vyc29y', TOKENS.vp);
    expect(forged.status).toBe(400);
    expect(problemOf(forged).errors).toEqual([objectWith({ field: 'query.after' })]);
    expect((await api.get('/api/instances?after=%22%3B', TOKENS.vp)).status).toBe(400);
    expect((await api.get('/api/tasks?limit=1001', TOKENS.vp)).status).toBe(400);
    expect((await api.get('/api/instances?limit=201', TOKENS.vp)).status).toBe(400);
  });
});

describe('GET /api/instances/{id} and /api/tasks/{id}', () => {
  it('shows the order with its version, variables, children, history and what the call tree waits for', async () => {
    const view = (await api.get<InstanceView>(`/api/instances/${ids[0]}`, TOKENS.erp)).body;
    expect(view).toMatchObject({ processKey: 'order-to-cash', version: 1, businessKey: 'SO-LIST-1', status: 'running' });
    expect(view.variables).toMatchObject({ orderNo: 'SO-LIST-1', amount: 600_001, currency: 'CNY', paymentTerms: 'credit', specialChange: null });
    expect(view.children.map((child) => child.processKey)).toEqual(['sales-order-management']);
    const task = view.waiting.find((wait) => wait.type === 'task')!;
    expect(task).toMatchObject({ processKey: 'credit-order-approval', candidateGroups: ['vice-president'] });
    expect(view.history.some((entry) => entry.event === 'instance.started' && entry.actor === 'erp')).toBe(true);

    const detail = await api.get(`/api/tasks/${encodeURIComponent(task.taskId!)}`, TOKENS.vp);
    expect(detail.body).toMatchObject({ id: task.taskId, businessKey: 'SO-LIST-1', candidateGroups: ['vice-president'] });
  });
});

describe('POST /api/instances/{id}/cancel', () => {
  it('cancels a running order with its children and open tasks, and answers 409 the second time', async () => {
    const reason = { reason: 'customer withdrew the order' };
    const cancelled = await api.post<InstanceView>(`/api/instances/${ids[1]}/cancel`, TOKENS.erp, reason);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    expect(cancelled.body.waiting).toEqual([]);
    expect((await api.get('/api/tasks?businessKey=SO-LIST-2', TOKENS.vp)).body).toEqual([]);
    expect((await api.post(`/api/instances/${ids[1]}/cancel`, TOKENS.erp, reason)).status).toBe(409);
    expect((await api.post('/api/instances/no-such-instance/cancel', TOKENS.erp, reason)).status).toBe(404);
    expect((await api.post(`/api/instances/${ids[2]}/cancel`, TOKENS.vp, reason)).status).toBe(403);
  });
});
