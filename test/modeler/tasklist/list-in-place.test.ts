// The task list refreshes in place: an item whose task did not change keeps its DOM node (a screen reader does not
// read the whole list again, a hovered or focused item does not flicker), a changed task's item changes, a task that
// left the list disappears, and the live regions name only what changed. The built page (/tasks) on the real
// server, in Debian's chromium.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { TaskView } from '../../../engine/api.js';
import type { RunningServer } from '../../../server/start.js';
import { browserAvailable } from '../../support/browser.js';
import { INTEGRATION_TOKEN, useModelerSession } from '../../support/modeler-session.js';

const DIRK = 'dirk-in-place-token';
const VERA = 'vera-in-place-token';

describe.skipIf(!browserAvailable)('the task list refreshing in place', () => {
  let server: RunningServer;
  let page: Page;
  let consoleErrors: string[] = [];

  const users = [
    { name: 'erp', token: INTEGRATION_TOKEN, groups: ['integration'] },
    { name: 'dirk', token: DIRK, groups: ['sales-director', 'vice-president'] },
    { name: 'vera', token: VERA, groups: ['vice-president'] },
    // the library's other candidate groups need members, or its deploy is refused
    { name: 'pat', token: 'plant-in-place-token', groups: ['procurement', 'production', 'inspection'] },
  ];
  useModelerSession({ users, signInWith: null }, (session) => {
    ({ server, page, consoleErrors } = session);
  });

  async function api<T>(method: string, path: string, token: string, body?: unknown): Promise<T> {
    const response = await fetch(server.url + path, {
      method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body),
    });
    expect(response.status, path).toBeLessThan(300);
    return (await response.json()) as T;
  }
  const enter = (orderNo: string) => api('POST', '/api/orders', INTEGRATION_TOKEN, { orderNo, customer: { name: 'Lager AG' }, amount: 700_000, currency: 'CNY', paymentTerms: 'credit' });
  const vpTaskOf = async (orderNo: string) => (await api<TaskView[]>('GET', `/api/tasks?businessKey=${orderNo}`, INTEGRATION_TOKEN))[0];
  const item = (orderNo: string) => page.locator(`.task-item:has(.task-order:text-is("${orderNo} · Lager AG"))`);

  it('keeps the items of unchanged tasks, changes a changed one in place, drops a gone one, and says only that', async () => {
    for (const orderNo of ['INP-0', 'INP-1', 'INP-2']) await enter(orderNo);
    await page.goto(`${server.url}/tasks`);
    await page.locator('[data-dialog=sign-in] input[name=token]').fill(DIRK);
    await page.locator('[data-dialog=sign-in] input[name=token]').press('Enter');
    await page.waitForSelector('body[data-ready=true]');
    await expect.poll(() => page.locator('.task-link').count()).toBe(3);

    // each item and link marked by its order; every word the live regions say from now on, recorded
    await page.evaluate(() => {
      const state = window as unknown as { said: string[]; counts: string[] };
      state.said = [];
      state.counts = [document.querySelector('.task-count')!.textContent];
      for (const node of document.querySelectorAll<HTMLElement>('.task-item, .task-link')) {
        (node as unknown as { mark: string }).mark = node.querySelector('.task-order')?.textContent ?? node.closest('.task-item')!.querySelector('.task-order')!.textContent;
      }
      const status = document.querySelector('.status-line')!;
      new MutationObserver(() => state.said.push(status.textContent ?? '')).observe(status, { subtree: true, childList: true, characterData: true });
      const count = document.querySelector('.task-count')!;
      new MutationObserver(() => state.counts.push(count.textContent ?? '')).observe(count, { subtree: true, childList: true, characterData: true });
    });
    const marks = () => page.evaluate(() => [...document.querySelectorAll('.task-item')].map((node) => (node as unknown as { mark?: string }).mark ?? null));
    const linkMarks = () => page.evaluate(() => [...document.querySelectorAll('.task-link')].map((node) => (node as unknown as { mark?: string }).mark ?? null));

    // another vice-president decides INP-0, dirk takes INP-1 (from another window), a new order INP-3 comes
    await api('POST', `/api/tasks/${encodeURIComponent((await vpTaskOf('INP-0')).id)}/complete`, VERA, { variables: { approved: true } });
    await api('POST', `/api/tasks/${encodeURIComponent((await vpTaskOf('INP-1')).id)}/claim`, DIRK);
    await enter('INP-3');
    await item('INP-3').waitFor({ timeout: 10_000 });
    await item('INP-0').waitFor({ state: 'detached', timeout: 10_000 });
    await item('INP-1').locator('[data-assigned=me]').waitFor({ timeout: 10_000 });

    expect(await marks()).toEqual(['INP-1 · Lager AG', 'INP-2 · Lager AG', null]);
    expect(await linkMarks()).toEqual(['INP-1 · Lager AG', 'INP-2 · Lager AG', null]);
    expect(await item('INP-1').locator('.task-assigned').textContent()).toBe('Assigned to you');

    const { said, counts } = await page.evaluate(() => {
      const { said, counts } = window as unknown as { said: string[]; counts: string[] };
      return { said, counts };
    });
    const words = said.join(' | ');
    expect(words).toContain('INP-3');
    expect(words).toContain('Changed: INP-1.');
    expect(words).toContain('No longer in your list: INP-0.');
    expect(words).not.toContain('INP-2');
    // the count is written only when it says something else
    expect(counts.filter((count, index) => index > 0 && count === counts[index - 1])).toEqual([]);

    // a refresh that finds nothing changed says nothing
    const before = said.length;
    await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 3_000)));
    expect((await page.evaluate(() => (window as unknown as { said: string[] }).said)).length).toBe(before);
    expect(consoleErrors).toEqual([]);
  });
});
