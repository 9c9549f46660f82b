// A task four eyes would refuse the reader stays in their task list, as Camunda Tasklist lists every task of one's
// groups, but says why under its name and, opened, has its decision and its Assign to me disabled: dirk, in both
// approval groups, approved as sales director and is not the vice-president who reviews. Another vice-president
// decides it as usual. The built page (/tasks) on the real server, in Debian's chromium.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { TaskView } from '../../../engine/api.js';
import type { RunningServer } from '../../../server/start.js';
import { browserAvailable } from '../../support/browser.js';
import { DESIGNER_TOKEN, INTEGRATION_TOKEN, useModelerSession } from '../../support/modeler-session.js';

const DIRK = 'dirk-four-eyes-token';
const VERA = 'vera-four-eyes-token';

describe.skipIf(!browserAvailable)('a task four eyes would refuse the reader, in the task list', () => {
  let server: RunningServer;
  let page: Page;
  let consoleErrors: string[] = [];

  const users = [
    { name: 'ann', token: DESIGNER_TOKEN, groups: ['designer'] },
    { name: 'erp', token: INTEGRATION_TOKEN, groups: ['integration'] },
    // the shipped library's candidate groups need members, or its deploy is refused
    { name: 'dirk', token: DIRK, groups: ['sales-director', 'vice-president', 'procurement', 'production', 'inspection'] },
    { name: 'vera', token: VERA, groups: ['vice-president'] },
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

  const item = () => page.locator('.task-item:has(.task-order:text-is("FE-UI-1 · Lager AG"))');

  it('lists the review marked with why, and disables its decision and its claim', async () => {
    expect((await api('POST', '/api/orders', INTEGRATION_TOKEN, { orderNo: 'FE-UI-1', customer: { name: 'Lager AG' }, amount: 1_500_000, currency: 'CNY', paymentTerms: 'credit' })).status).toBe(201);
    const [approval] = (await api<TaskView[]>('GET', '/api/tasks?businessKey=FE-UI-1', INTEGRATION_TOKEN)).json;
    expect((await api('POST', `/api/tasks/${encodeURIComponent(approval.id)}/complete`, DIRK, { variables: { approved: true } })).status).toBe(200);

    await page.goto(`${server.url}/tasks`);
    await page.locator('[data-dialog=sign-in] input[name=token]').fill(DIRK);
    await page.locator('[data-dialog=sign-in] input[name=token]').press('Enter');
    await page.waitForSelector('body[data-ready=true]');
    await item().waitFor();
    expect(await item().getAttribute('data-four-eyes')).toBe('four-eyes-other-task');
    expect(await item().locator('.task-four-eyes').textContent())
      .toBe('You already decided "Approve order (sales director)" for this order. Four eyes: another person must make this decision.');
    await item().locator('.task-link').click();
    await page.locator('[data-action=send-decision]').waitFor();
    expect(await page.locator('[data-action=send-decision]').isDisabled()).toBe(true);
    expect(await page.locator('[data-assignment] [data-action=claim]').count()).toBe(0);
    // vera's list has it unmarked, and she decides it
    const [review] = (await api<TaskView[]>('GET', '/api/tasks?mine=true', VERA)).json;
    expect(review.fourEyes).toBeUndefined();
    expect((await api('POST', `/api/tasks/${encodeURIComponent(review.id)}/complete`, VERA, { variables: { approved: true } })).status).toBe(200);
    expect(consoleErrors).toEqual([]);
  });

  it('disables the decision once the server refuses it for four eyes, when the list had not marked the task yet', async () => {
    // the list as a server without the marks sends it (or before it could know): the review unmarked. Routed before the
    // order exists, so that no poll of the list in between shows the review marked
    const list = (url: URL) => url.pathname === '/api/tasks' && url.searchParams.get('mine') === 'true';
    await page.route(list, async (route) => {
      const response = await route.fetch();
      const tasks = (await response.json()) as TaskView[];
      await route.fulfill({ response, json: tasks.map(({ fourEyes: _mark, ...task }) => task) });
    });
    try {
      expect((await api('POST', '/api/orders', INTEGRATION_TOKEN, { orderNo: 'FE-UI-2', customer: { name: 'Lager AG' }, amount: 1_500_000, currency: 'CNY', paymentTerms: 'credit' })).status).toBe(201);
      const [approval] = (await api<TaskView[]>('GET', '/api/tasks?businessKey=FE-UI-2', INTEGRATION_TOKEN)).json;
      expect((await api('POST', `/api/tasks/${encodeURIComponent(approval.id)}/complete`, DIRK, { variables: { approved: true } })).status).toBe(200);
      const review = page.locator('.task-item:has(.task-order:text-is("FE-UI-2 · Lager AG"))');
      await review.waitFor({ timeout: 10_000 });
      expect(await review.getAttribute('data-four-eyes')).toBeNull();
      await review.locator('.task-link').click();
      const send = page.locator('[data-action=send-decision]');
      await send.waitFor();
      expect(await send.isDisabled()).toBe(false);
      await page.getByLabel('Approve the order').check();
      await send.click();
      const notice = page.locator('[data-notice]');
      await expect.poll(() => notice.getAttribute('data-status')).toBe('403');
      expect(await notice.getAttribute('role')).toBe('alert');
      expect(await notice.textContent()).toBe('You already decided "Approve order (sales director)" for this order. Four eyes: another person must make this decision.');
      // nothing this person sends will do: the decision and the claim are gone, as for a marked task
      expect(await send.isDisabled()).toBe(true);
      expect(await page.getByLabel('Approve the order').isDisabled()).toBe(true);
      expect(await page.locator('[data-assignment] [data-action=claim]').count()).toBe(0);
    } finally {
      await page.unroute(list);
    }
    // the browser logs the refused request itself; nothing else went wrong
    expect(consoleErrors.filter((error) => !error.includes('status of 403'))).toEqual([]);
  });
});
