// The open task of a filtered list decided by someone else: the page says it is no longer open, and finds that out
// without a 404 in the console (it asks its instance's open tasks, not the task). The built page (/tasks) on the
// real server, in Debian's chromium.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { TaskView } from '../../../engine/api.js';
import type { RunningServer } from '../../../server/start.js';
import { browserAvailable } from '../../support/browser.js';
import { INTEGRATION_TOKEN, useModelerSession } from '../../support/modeler-session.js';

const VERA = 'vera-gone-filtered-token';
const VIC = 'vic-gone-filtered-token';

describe.skipIf(!browserAvailable)('the open task of a filtered list, decided by someone else', () => {
  let server: RunningServer;
  let page: Page;
  let consoleErrors: string[] = [];

  const users = [
    { name: 'erp', token: INTEGRATION_TOKEN, groups: ['integration'] },
    { name: 'vera', token: VERA, groups: ['vice-president'] },
    { name: 'vic', token: VIC, groups: ['vice-president'] },
    // the shipped library's other candidate groups need members, or its deploy is refused
    { name: 'pat', token: 'plant-gone-filtered-token', groups: ['sales-director', 'procurement', 'production', 'inspection'] },
  ];
  useModelerSession({ users, signInWith: null }, (session) => {
    ({ server, page, consoleErrors } = session);
    return Promise.resolve();
  });

  async function api<T>(method: string, path: string, token: string, body?: unknown): Promise<{ status: number; json: T }> {
    const response = await fetch(server.url + path, {
      method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, json: (await response.json()) as T };
  }

  it('marks it no longer open, with no error in the console', async () => {
    // 800,000 CNY: the vice-president's review only
    expect((await api('POST', '/api/orders', INTEGRATION_TOKEN, { orderNo: 'GF-1', customer: { name: 'Nordwind Logistik AG' }, amount: 800_000, currency: 'CNY', paymentTerms: 'credit' })).status).toBe(201);
    const [review] = (await api<TaskView[]>('GET', '/api/tasks?businessKey=GF-1', INTEGRATION_TOKEN)).json;

    await page.goto(`${server.url}/tasks?order=GF-1&task=${encodeURIComponent(review.id)}`);
    await page.locator('[data-dialog=sign-in] input[name=token]').fill(VERA);
    await page.locator('[data-dialog=sign-in] input[name=token]').press('Enter');
    await page.waitForSelector('body[data-ready=true]');
    await page.locator('[data-form=form-js]').waitFor();
    await expect.poll(() => page.locator('.task-count').textContent()).toBe('1 matching open task');

    expect((await api('POST', `/api/tasks/${encodeURIComponent(review.id)}/complete`, VIC, { variables: { approved: true } })).status).toBe(200);
    await expect.poll(() => page.locator('[data-notice]').textContent(), { timeout: 15_000 })
      .toBe('Someone else decided this task first, or the order moved on. It is no longer open.');
    expect(await page.locator('[data-action=send-decision]').isDisabled()).toBe(true);
    expect(await page.locator('.task-count').textContent()).toBe('0 matching open tasks');
    expect(consoleErrors).toEqual([]);
  });
});
