// Every paged list names its next page in a `Link: <…>; rel="next"` header (RFC 8288), as the task list
// does, beside the cursor in its body: a CRM that follows the header through orders, instances, incidents
// or a webhook's delivery log reads each item once and stops where the body's cursor says the last page is.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobView } from '../../engine/api.js';
import { TOKENS, type ApiClient, type ApiResponse } from './support/client.js';
import { removeDataDir, startTestServer, type TestServer } from './support/real-server.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';

const SECRET = `whsec_${Buffer.from('the CRM and Stratum share these 32 bytes').toString('base64')}`;

let server: TestServer;
let api: ApiClient;
let receiver: WebhookReceiver;

beforeAll(async () => {
  receiver = await new WebhookReceiver(SECRET).start();
  server = await startTestServer({ webhooksAllowPrivate: true });
  api = server.api;
});
afterAll(async () => {
  await server.close();
  await receiver.stop();
  removeDataDir(server.dataDir);
});

/** A page of any list: its items and its cursor (`next`, or the incident list's `nextCursor`). */
type ListPage = { items: Record<string, unknown>[]; next?: unknown; nextCursor?: unknown };

/** Follows `Link: rel="next"` from `path`; each page's items (by `key`), its link, and its body's cursor. */
async function follow(path: string, token: string, key: (item: Record<string, unknown>) => unknown) {
  const pages: { items: unknown[]; link: string | null; cursor: unknown }[] = [];
  let next: string | undefined = path;
  while (next !== undefined) {
    const page: ApiResponse<ListPage> = await api.get<ListPage>(next, token);
    expect(page.status, page.text).toBe(200);
    const link = page.headers.get('link');
    pages.push({ items: page.body.items.map(key), link, cursor: 'next' in page.body ? page.body.next : page.body.nextCursor });
    next = link === null ? undefined : /^<([^>]+)>; rel="next"$/.exec(link)![1];
    expect(pages.length).toBeLessThan(20);
  }
  return pages;
}

async function enter(orderNo: string, paymentTerms = 'credit') {
  const entered = await api.post('/api/orders', TOKENS.erp, { orderNo, customer: { name: 'Link KG' }, amount: 1_000, currency: 'CNY', paymentTerms });
  expect(entered.status, entered.text).toBe(201);
}

describe('Link: rel="next" on every paged list', () => {
  it('orders: the link is the request with `after` set to the body\'s `next`, and none on the last page', async () => {
    for (const n of [1, 2, 3]) await enter(`LINK-${n}`);
    const pages = await follow('/api/orders?customer=Link%20KG&limit=2', TOKENS.erp, (item) => item.orderNo);
    expect(pages.map((page) => page.items)).toEqual([['LINK-3', 'LINK-2'], ['LINK-1']]);
    expect(pages[0].link).toBe(`</api/orders?customer=Link+KG&limit=2&after=${pages[0].cursor as string}>; rel="next"`);
    expect(pages[1]).toMatchObject({ link: null, cursor: null });
  });

  it('instances: the link leaves `offset` out, which would skip rows after the cursor too', async () => {
    const pages = await follow('/api/instances?businessKey=LINK-2&limit=1&offset=0', TOKENS.erp, (item) => item.processKey);
    const keys = pages.flatMap((page) => page.items);
    expect([...keys].sort()).toEqual(['credit-order-approval', 'order-to-cash', 'sales-order-management']);
    expect(pages[0].link).toBe(`</api/instances?businessKey=LINK-2&limit=1&after=${pages[0].cursor as string}>; rel="next"`);
    expect(pages.at(-1)).toMatchObject({ link: null, cursor: null });
  });

  it('incidents: the link sets `after`, as every list\'s does, which this list takes beside its own `cursor`', async () => {
    for (const orderNo of ['LINK-FAIL-1', 'LINK-FAIL-2']) {
      await enter(orderNo);
      const [job] = (await api.post<JobView[]>('/api/jobs/fetch-and-lock', TOKENS.erp, { type: 'procurement-planning', workerId: 'w', businessKey: orderNo })).body;
      expect((await api.post(`/api/jobs/${encodeURIComponent(job.id)}/failure`, TOKENS.erp, { workerId: 'w', message: 'MRP down', retries: 0 })).status).toBe(200);
    }
    const pages = await follow('/api/incidents?businessKey=LINK-FAIL-1&limit=1', TOKENS.erp, (item) => item.processKey);
    expect(pages.map((page) => page.items)).toEqual([['sales-order-management'], ['order-to-cash']]);
    expect(pages[0].link).toBe(`</api/incidents?businessKey=LINK-FAIL-1&limit=1&after=${pages[0].cursor as string}>; rel="next"`);
    expect(pages[1].link).toBeNull();
    // `cursor`, the list's own name for it, reads the same page; a link followed from it names the position once
    const byCursor = await api.get<ListPage>(`/api/incidents?businessKey=LINK-FAIL-1&limit=1&cursor=${pages[0].cursor as string}`, TOKENS.erp);
    expect(byCursor.body.items.map((item) => item.processKey)).toEqual(['order-to-cash']);
    const both = await api.get(`/api/incidents?limit=1&cursor=${pages[0].cursor as string}&after=${pages[0].cursor as string}`, TOKENS.erp);
    expect(both.status).toBe(400);
  });

  it('a webhook\'s delivery log: the link sets `after` to the event number of the body\'s `next`', async () => {
    const subscribed = await api.post<{ id: string }>('/api/webhooks', TOKENS.operations, { url: receiver.url, secret: SECRET });
    expect(subscribed.status, subscribed.text).toBe(201);
    for (const n of [1, 2, 3]) await enter(`LINK-HOOK-${n}`);
    const end = Date.now() + 15_000;
    while (receiver.received.length < 3 && Date.now() < end) await new Promise((resolve) => setTimeout(resolve, 50));
    const pages = await follow(`/api/webhooks/${subscribed.body.id}/deliveries?limit=2`, TOKENS.operations, (item) => item.orderNo);
    expect(pages.map((page) => page.items)).toEqual([['LINK-HOOK-1', 'LINK-HOOK-2'], ['LINK-HOOK-3']]);
    expect(pages[0].link).toBe(`</api/webhooks/${subscribed.body.id}/deliveries?limit=2&after=${pages[0].cursor as number}>; rel="next"`);
    expect(pages[1].link).toBeNull();
  });
});
