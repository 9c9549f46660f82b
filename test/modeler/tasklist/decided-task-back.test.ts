// Back to a decided task: after deciding, the browser's Back returns to the task's address. The page shows what was
// decided (the decision, its comment, by whom and when), read-only, with a way back to the list; a task someone else
// decided shows their decision; a task whose order was cancelled says it is no longer open. The built page (/tasks)
// on the real server, in Debian's chromium.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { RunningServer } from '../../../server/start.js';
import { browserAvailable } from '../../support/browser.js';
import { INTEGRATION_TOKEN as INTEGRATION, useModelerSession } from '../../support/modeler-session.js';

const DIRK = 'dirk-decided-back-token';
const VERA = 'vera-decided-back-token';

describe.skipIf(!browserAvailable)('coming back to a decided task in the task list', () => {
  let server: RunningServer;
  let page: Page;

  const users = [
    { name: 'erp', token: INTEGRATION, groups: ['integration'] },
    { name: 'dirk', token: DIRK, groups: ['sales-director', 'vice-president'] },
    { name: 'vera', token: VERA, groups: ['vice-president'] },
    // the library's other candidate groups need members, or its deploy is refused
    { name: 'pat', token: 'plant-decided-back-token', groups: ['procurement', 'production', 'inspection'] },
  ];
  useModelerSession({ users, signInWith: null }, (session) => {
    ({ server, page } = session);
  });

  async function api<T>(method: string, path: string, token: string, body?: unknown): Promise<T> {
    const response = await fetch(server.url + path, {
      method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body),
    });
    expect(response.status, `${method} ${path}`).toBeLessThan(300);
    return (await response.json()) as T;
  }

  async function vpTask(orderNo: string): Promise<string> {
    await api('POST', '/api/orders', INTEGRATION, { orderNo, customer: { name: 'Nordwind Logistik AG' }, amount: 800_000, currency: 'CNY', paymentTerms: 'credit' });
    const [task] = await api<{ id: string }[]>('GET', `/api/tasks?businessKey=${orderNo}`, INTEGRATION);
    return task.id;
  }

  const facts = () => page.locator('[data-decision-facts]').evaluate((list) =>
    [...list.querySelectorAll('dt')].map((term) => [term.textContent, term.nextElementSibling!.textContent]));

  it('shows the decision one just sent after Back, read-only, with a way back to the list', async () => {
    const taskId = await vpTask('SO-8001');
    await page.goto(`${server.url}/tasks`);
    await page.locator('[data-dialog=sign-in] input[name=token]').fill(DIRK);
    await page.locator('[data-dialog=sign-in] input[name=token]').press('Enter');
    await page.waitForSelector('body[data-ready=true]');
    await page.locator(`.task-link[data-task-id="${taskId}"]`).click();
    await page.locator('[data-form=form-js]').waitFor();
    await page.getByLabel('Reject the order').check();
    await page.getByLabel('Comment').fill('Credit limit exhausted until March.');
    await page.locator('[data-action=send-decision]').click();
    await expect.poll(() => page.locator('[data-say=decision]').textContent()).toContain('You rejected');
    expect(new URL(page.url()).searchParams.get('task')).toBeNull();

    await page.goBack();
    const decided = page.locator('[data-decided]');
    await decided.waitFor();
    expect(new URL(page.url()).searchParams.get('task')).toBe(taskId);
    expect(await decided.getAttribute('data-decided')).toBe('rejected');
    expect(await decided.textContent()).toBe('You rejected "Review order (vice-president)" for order SO-8001. This task is closed; there is nothing more to do here.');
    expect(await facts()).toEqual([
      ['Order', 'SO-8001'], ['Decision', 'Rejected'], ['Comment', 'Credit limit exhausted until March.'], ['Decided by', 'you (dirk)'], ['Decided', expect.any(String)],
    ]);
    const { history } = await api<{ history: { event: string; at: string }[] }>('GET', `/api/instances/${encodeURIComponent(taskId.split(':')[0])}`, INTEGRATION);
    expect(await page.locator('[data-decision-facts] time').getAttribute('datetime')).toBe(history.find((entry) => entry.event === 'task.completed')!.at);
    // nothing to send, and no "no longer open" beside it
    expect(await page.locator('.task-detail form, [data-action=send-decision], [data-action=claim]').count()).toBe(0);
    expect(await page.locator('[data-say=list]').textContent()).toBe('');

    await page.locator('.task-detail [data-action=back]').click();
    await page.locator('.task-detail[data-empty=true]').waitFor();
    expect(new URL(page.url()).searchParams.get('task')).toBeNull();
  });

  it('shows whoever else decided a task opened by its address, and keeps "no longer open" for a task whose order was cancelled', async () => {
    const decidedByVera = await vpTask('SO-8002');
    await api('POST', `/api/tasks/${encodeURIComponent(decidedByVera)}/complete`, VERA, { variables: { approved: true } });
    await page.goto(`${server.url}/tasks?task=${encodeURIComponent(decidedByVera)}`);
    await page.waitForSelector('body[data-ready=true]');
    expect(await page.locator('[data-decided]').textContent()).toBe('vera approved "Review order (vice-president)" for order SO-8002. This task is closed; there is nothing more to do here.');
    expect(await facts()).toEqual([['Order', 'SO-8002'], ['Decision', 'Approved'], ['Decided by', 'vera'], ['Decided', expect.any(String)]]);

    const cancelled = await vpTask('SO-8003');
    await api('POST', '/api/orders/SO-8003/cancel', INTEGRATION, { reason: 'customer withdrew' });
    await page.goto(`${server.url}/tasks?task=${encodeURIComponent(cancelled)}`);
    await page.waitForSelector('body[data-ready=true]');
    await expect.poll(() => page.locator('[data-say=list]').textContent()).toBe('That task is no longer open.');
    expect(await page.locator('[data-decided]').count()).toBe(0);
  });

  it('shows the decision after Back also when the list has not been asked again since it was sent', async () => {
    const taskId = await vpTask('SO-8004');
    await page.goto(`${server.url}/tasks`);
    await page.waitForSelector('body[data-ready=true]');
    const link = page.locator(`.task-link[data-task-id="${taskId}"]`);
    await link.click();
    await page.locator('[data-form=form-js]').waitFor();
    // the list's refresh after the decision is held until the page has gone Back: it still lists the task
    let release!: () => void;
    const held = new Promise<void>((resolve) => { release = resolve; });
    await page.route((url) => url.pathname === '/api/tasks' && url.searchParams.get('mine') === 'true', async (route) => {
      await held;
      await route.continue();
    });
    try {
      await page.getByLabel('Approve the order').check();
      await page.locator('[data-action=send-decision]').click();
      await expect.poll(() => page.locator('[data-say=decision]').textContent()).toContain('You approved');
      expect(await link.count()).toBe(1);
      await page.goBack();
      await page.locator('[data-decided]').waitFor({ timeout: 10_000 });
      expect(await page.locator('[data-decided]').textContent()).toBe('You approved "Review order (vice-president)" for order SO-8004. This task is closed; there is nothing more to do here.');
      expect(await page.locator('.task-detail form').count()).toBe(0);
    } finally {
      release();
      await page.unrouteAll({ behavior: 'wait' });
    }
  });
});
