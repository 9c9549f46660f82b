// The task list with the keyboard only, as an approver who uses no mouse (or a screen reader) works it: after
// signing in the keyboard is at the top of the list; the list refreshing under it (another approver decides a task)
// keeps it on its task; Enter opens a task, Escape closes it and goes back to that task in the list; Assign to me
// and Unassign keep it on the button that replaces the one pressed; after a
// decision it is on the task now in the decided one's place; Load more takes it to the first task it added; on a
// 320 px window too. The built page (/tasks) on the real server, in Debian's chromium.
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { TaskView } from '../../../engine/api.js';
import type { RunningServer } from '../../../server/start.js';
import { browserAvailable } from '../../support/browser.js';
import { INTEGRATION_TOKEN, useModelerSession } from '../../support/modeler-session.js';

const DIRK = 'dirk-keyboard-token';
const VERA = 'vera-keyboard-token';
const ORDERS = 53;

describe.skipIf(!browserAvailable)('the task list with the keyboard only', () => {
  let server: RunningServer;
  let page: Page;
  let consoleErrors: string[] = [];

  const users = [
    { name: 'erp', token: INTEGRATION_TOKEN, groups: ['integration'] },
    { name: 'dirk', token: DIRK, groups: ['sales-director', 'vice-president'] },
    { name: 'vera', token: VERA, groups: ['vice-president'] },
    // the library's other candidate groups need members, or its deploy is refused
    { name: 'pat', token: 'plant-keyboard-token', groups: ['procurement', 'production', 'inspection'] },
  ];
  useModelerSession({ users, signInWith: null }, (session) => {
    ({ server, page, consoleErrors } = session);
  });

  async function api<T>(method: string, path: string, token: string, body?: unknown): Promise<{ status: number; json: T }> {
    const response = await fetch(server.url + path, {
      method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, json: (await response.json()) as T };
  }

  const orderNo = (index: number) => `KEY-${String(index).padStart(3, '0')}`;
  /** Where the keyboard is: a task link by its order number, else the element's id. */
  const focused = () => page.evaluate(() => {
    const active = document.activeElement as HTMLElement | null;
    if (active?.dataset.taskId !== undefined) return active.querySelector('.task-order')?.textContent?.split(' · ')[0] ?? '?';
    return active && active !== document.body ? `#${active.id || active.tagName.toLowerCase()}` : 'body';
  });
  const press = async (key: string, times = 1) => {
    for (let i = 0; i < times; i++) await page.keyboard.press(key);
  };
  const vpTaskOf = async (order: string) => (await api<TaskView[]>('GET', `/api/tasks?businessKey=${order}`, INTEGRATION_TOKEN)).json[0];

  // each waits for what the page shows, not a fixed time: under load a refresh takes more than vitest's 1 s default
  vi.setConfig({ expect: { poll: { timeout: 10_000 } } });

  // more tasks than a page (50), entered one after another so that they are listed in this order
  beforeAll(async () => {
    for (let index = 0; index < ORDERS; index++) {
      const entered = await api('POST', '/api/orders', INTEGRATION_TOKEN, { orderNo: orderNo(index), customer: { name: 'Lager AG' }, amount: 700_000, currency: 'CNY', paymentTerms: 'credit' });
      expect(entered.status).toBe(201);
    }
  }, 120_000);

  it('starts at the list after signing in; Tab goes to Group, Order, then the tasks, oldest first', async () => {
    await page.goto(`${server.url}/tasks`);
    expect(await focused()).toBe('#token');
    await page.keyboard.type(DIRK);
    await press('Enter');
    await page.waitForSelector('body[data-ready=true]');
    expect(await focused()).toBe('#task-list-title');
    expect(await page.locator('.task-count').textContent()).toBe('Showing the 50 oldest open tasks; there are more.');

    // Group, Order, then the tasks, oldest first
    await press('Tab');
    expect(await focused()).toBe('#filter-group');
    await press('Tab', 3);
    expect(await focused()).toBe(orderNo(1));
    expect(consoleErrors).toEqual([]);
  });

  it('stays on its task while the list refreshes under it', async () => {
    // another vice-president decides the first task: the page is sent again and rebuilt, the keyboard stays put
    expect((await api('POST', `/api/tasks/${encodeURIComponent((await vpTaskOf(orderNo(0))).id)}/complete`, VERA, { variables: { approved: true } })).status).toBe(200);
    await page.locator(`.task-order:text-is("${orderNo(0)} · Lager AG")`).waitFor({ state: 'detached', timeout: 10_000 });
    expect(await focused()).toBe(orderNo(1));
    expect(consoleErrors).toEqual([]);
  });

  it('opens a task with Enter and closes it with Escape, back to its place in the list', async () => {
    await press('Enter');
    await page.locator('[data-action=send-decision]').waitFor();
    expect(await focused()).toBe('#task-heading');
    expect(await page.evaluate(() => new URLSearchParams(location.search).has('task'))).toBe(true);
    await press('Escape');
    await page.locator('[data-action=send-decision]').waitFor({ state: 'detached' });
    expect(await page.evaluate(() => location.search)).toBe('');
    expect(await focused()).toBe(orderNo(1));
    expect(consoleErrors).toEqual([]);
  });

  const action = () => page.evaluate(() => document.activeElement?.getAttribute('data-action'));

  it('names the form\'s choice as a required radio group, and keeps the keyboard on the button that replaces Assign to me or Unassign', async () => {
    await press('Enter');
    await page.locator('[data-action=send-decision]').waitFor();
    // a screen reader hears the question with its choices, and that it needs an answer
    const question = page.getByRole('radiogroup', { name: 'Your decision' });
    expect(await question.getByRole('radio').count()).toBe(2);
    expect(await question.getAttribute('aria-required')).toBe('true');
    // Assign to me and Unassign: the keyboard stays on the button that replaces the one pressed
    await press('Tab');
    expect(await action()).toBe('claim');
    await press('Enter');
    await page.locator('[data-assignment] [data-action=unclaim]').waitFor();
    expect(await action()).toBe('unclaim');
    await press('Enter');
    await page.locator('[data-assignment] [data-action=claim]').waitFor();
    expect(await action()).toBe('claim');
    expect(consoleErrors).toEqual([]);
  });

  it('says in an alert that nothing is chosen, then decides with the keyboard and goes on with the task in the decided one\'s place', async () => {
    // from Assign to me: the decision, the comment, form-js's link, Send decision
    await press('Tab', 4);
    expect(await action()).toBe('send-decision');
    // nothing chosen: said in an alert, nothing sent, the keyboard still on Send
    await press('Enter');
    const notice = page.locator('[data-notice]');
    expect(await notice.getAttribute('role')).toBe('alert');
    expect(await notice.textContent()).toBe('Fill in the fields the form marks.');
    expect(await action()).toBe('send-decision');
    await press('Shift+Tab', 3);
    await press('Space');
    expect(await page.locator('input[type=radio]').first().isChecked()).toBe(true);
    // still the named group after form-js re-rendered the choice
    expect(await page.getByRole('radiogroup', { name: 'Your decision' }).count()).toBe(1);
    await press('Tab', 3);
    await press('Enter');
    await expect.poll(() => page.locator('.status-line').textContent()).toBe(`You approved "Review order (vice-president)" for order ${orderNo(1)}.`);
    // the decided task left the list: the keyboard is on the one now in its place
    await page.locator(`.task-order:text-is("${orderNo(1)} · Lager AG")`).waitFor({ state: 'detached', timeout: 10_000 });
    expect(await focused()).toBe(orderNo(2));
    expect(consoleErrors).toEqual([]);
  });

  it('goes on with the first task Load more added', async () => {
    const loadMore = page.locator('[data-action=load-more]');
    await loadMore.focus();
    await press('Enter');
    await expect.poll(() => page.locator('.task-count').textContent()).toBe(`${ORDERS - 2} open tasks`);
    expect(await loadMore.isHidden()).toBe(true);
    // the 51st task, the first of the second page
    expect(await focused()).toBe(orderNo(52));
  });

  it('works the same in a 320 px window, the list and the task one at a time, nothing scrolling sideways', async () => {
    await page.setViewportSize({ width: 320, height: 640 });
    await page.locator('.task-link').first().focus();
    await press('Enter');
    await page.locator('[data-action=send-decision]').waitFor();
    expect(await page.locator('.task-list').isVisible()).toBe(false);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);
    await press('Escape');
    await page.locator('.task-list').waitFor({ state: 'visible' });
    expect(await focused()).toBe(orderNo(2));
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);
    expect(consoleErrors).toEqual([]);
  });
});
