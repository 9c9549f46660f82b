// An operator (only the operations role) who opens the task list: no task is offered to them, so the page says why
// and links to their work, the modeler's Incidents tab, and lists none of the approvers' open tasks. An approver on
// the same page hears none of it. The built page (/tasks) on the real server, in Debian's chromium.
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TaskView } from '../../../engine/api.js';
import type { RunningServer } from '../../../server/start.js';
import { browserAvailable } from '../../support/browser.js';
import { INTEGRATION_TOKEN, useModelerSession } from '../../support/modeler-session.js';

const OPS = 'ops-operator-token';
const VERA = 'vera-operator-token';

describe.skipIf(!browserAvailable)('the task list for an operator', () => {
  let server: RunningServer;
  let page: Page;
  let consoleErrors: string[] = [];

  const users = [
    { name: 'erp', token: INTEGRATION_TOKEN, groups: ['integration'] },
    { name: 'ops', token: OPS, groups: ['operations'] },
    { name: 'vera', token: VERA, groups: ['vice-president'] },
    // the shipped library's other candidate groups need members, or its deploy is refused
    { name: 'pat', token: 'plant-operator-token', groups: ['sales-director', 'procurement', 'production', 'inspection'] },
  ];
  useModelerSession({ users, signInWith: null }, (session) => {
    ({ server, page, consoleErrors } = session);
  });

  const signInOnTasks = async (token: string) => {
    await page.goto(`${server.url}/tasks`);
    await page.locator('[data-dialog=sign-in] input[name=token]').fill(token);
    await page.locator('[data-dialog=sign-in] input[name=token]').press('Enter');
    await page.waitForSelector('body[data-ready=true]');
  };

  beforeAll(async () => {
    // 800,000 CNY: a vice-president's review waits
    const entered = await fetch(`${server.url}/api/orders`, {
      method: 'POST', headers: { authorization: `Bearer ${INTEGRATION_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ orderNo: 'OPS-1', customer: { name: 'Nordwind Logistik AG' }, amount: 800_000, currency: 'CNY', paymentTerms: 'credit' }),
    });
    expect(entered.status).toBe(201);
    const tasks = await fetch(`${server.url}/api/tasks?businessKey=OPS-1`, { headers: { authorization: `Bearer ${INTEGRATION_TOKEN}` } });
    expect(((await tasks.json()) as TaskView[]).map((task) => task.candidateGroups)).toEqual([['vice-president']]);
  });

  it('says why no task is the operator\'s, lists none of the open ones, and links to the Incidents tab', async () => {
    await signInOnTasks(OPS);
    const empty = page.locator('.task-items .empty');
    await expect.poll(() => empty.getAttribute('data-empty'), { timeout: 10_000 }).toBe('no-task-role');
    expect(await empty.textContent()).toBe('You are in no approvers\' group (operations is a server role), so no task is offered to you here. '
      + 'Your work is the incidents of failed orders, in the modeler\'s Incidents tab. Open the Incidents tab');
    expect(await page.locator('.task-link').count()).toBe(0);
    expect(await page.locator('[data-action=your-work]').getAttribute('href')).toBe('./#incidents');
    // "operations" is a server role no task matches: the Group filter does not offer it
    expect(await page.locator('#filter-group option').evaluateAll((options) => options.map((option) => (option as HTMLOptionElement).value))).toEqual(['']);
    expect(consoleErrors).toEqual([]);
  });

  it('opens the modeler on its Incidents tab, signed in as the operator, who may retry there', async () => {
    await page.locator('[data-action=your-work]').click();
    await page.waitForURL(`${server.url}/#incidents`);
    await page.waitForSelector('body[data-ready=true]');
    await expect.poll(() => page.locator('[data-tab=incidents]').getAttribute('aria-selected'), { timeout: 10_000 }).toBe('true');
    expect(await page.locator('[data-pane=incidents]').isVisible()).toBe(true);
    await expect.poll(() => page.locator('[data-pane=incidents]').getAttribute('data-may-retry'), { timeout: 10_000 }).toBe('true');
    expect(consoleErrors).toEqual([]);
  });

  it('lists the review for the vice-president, with no word about roles', async () => {
    await page.evaluate(() => localStorage.removeItem('stratum.token'));
    await signInOnTasks(VERA);
    await expect.poll(() => page.locator('.task-order').allTextContents(), { timeout: 10_000 }).toEqual(['OPS-1 · Nordwind Logistik AG']);
    expect(await page.locator('[data-empty=no-task-role]').count()).toBe(0);
    expect(await page.locator('#filter-group option').evaluateAll((options) => options.map((option) => (option as HTMLOptionElement).value))).toEqual(['', 'vice-president']);
    expect(consoleErrors).toEqual([]);
  });
});
