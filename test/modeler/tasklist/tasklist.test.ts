// The task list end to end: the built page (/tasks) served by the real server
// (temporary SQLite folder, shipped diagrams), driven in Debian's chromium.
// One approver's morning, step by step: sign in, filters kept in the address, a
// four-eyes refusal, an approval, a rejection with a comment, a task someone
// else decided first, the phone layout, more tasks than a page, a filter that
// finds a task beyond the loaded pages, a department's special change not
// acknowledged yet, then acknowledged. Each step leaves a screenshot in
// test-output/tasklist/.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { RunningServer } from '../../../server/start.js';
import { browserAvailable } from '../../support/browser.js';
import { collectConsoleErrors, INTEGRATION_TOKEN as INTEGRATION, useModelerSession } from '../../support/modeler-session.js';

const ROOT = resolve(import.meta.dirname, '../../..');
const SCREENSHOTS = join(ROOT, 'test-output/tasklist');
// dirk may decide both tiers; four eyes lets him decide only one per order
const DIRK = 'dirk-director-and-vp-token';
const VERA = 'vera-vice-president-token';
const DIRECTOR_TASK = 'UserTask_ApproveBySalesDirector';
const VP_TASK = 'UserTask_ReviewByVicePresident';

describe.skipIf(!browserAvailable)('task list for approvers against the real server', () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  let consoleErrors: string[] = [];

  // approvers sign in on the task list, in the tests
  const users = [
    { name: 'erp', token: INTEGRATION, groups: ['integration'] },
    { name: 'dirk', token: DIRK, groups: ['sales-director', 'vice-president'] },
    { name: 'vera', token: VERA, groups: ['vice-president'] },
    // the library's other candidate groups need members, or its deploy is refused
    { name: 'pat', token: 'plant-token-for-tests', groups: ['procurement', 'production', 'inspection'] },
  ];
  useModelerSession({ users, signInWith: null }, (session) => {
    ({ server, browser, page, consoleErrors } = session);
    mkdirSync(SCREENSHOTS, { recursive: true });
  });

  // each waits for what the page shows, not a fixed time: under load a poll's answer takes more than vitest's 1 s default
  vi.setConfig({ expect: { poll: { timeout: 10_000 } } });

  // Intl writes "EUR 200,000.00" with a no-break space
  const text = async (locator: { textContent(): Promise<string | null> }) => (await locator.textContent())?.replaceAll('\u00a0', ' ');
  const shot = (name: string, on: Page = page) => on.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });

  async function api<T>(method: string, path: string, token: string, body?: unknown): Promise<{ status: number; json: T }> {
    const response = await fetch(server.url + path, {
      method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, json: (await response.json()) as T };
  }

  const postOrder = async (orderNo: string, amount: number, currency: string, customer: string) =>
    expect((await api('POST', '/api/orders', INTEGRATION, { orderNo, customer: { name: customer }, amount, currency, paymentTerms: 'credit' })).status).toBe(201);

  const taskOf = async (orderNo: string, elementId: string) => {
    const { json } = await api<{ id: string; elementId: string }[]>('GET', `/api/tasks?businessKey=${orderNo}`, DIRK);
    return json.find((task) => task.elementId === elementId)!;
  };

  const link = (orderNo: keyof typeof orderNames, elementId: string) => page.locator(`.task-link:has(.task-order:text-is("${orderNo} · ${orderNames[orderNo]}"))`).filter({ hasText: elementId === DIRECTOR_TASK ? 'sales director' : 'vice-president' });
  const orderNames = { 'SO-7001': 'Hoffmann Maschinenbau GmbH', 'SO-7002': 'Nordwind Logistik AG', 'SO-7003': 'Laval Outillage SA' };

  async function signInAs(token: string): Promise<void> {
    await page.locator('[data-dialog=sign-in] input[name=token]').fill(token);
    await page.locator('[data-dialog=sign-in] input[name=token]').press('Enter');
    await page.waitForSelector('body[data-ready=true]');
  }

  async function decide(decision: 'Approve the order' | 'Reject the order', comment?: string): Promise<void> {
    await page.getByLabel(decision).check();
    if (comment !== undefined) await page.getByLabel('Comment').fill(comment);
    await page.locator('[data-action=send-decision]').click();
  }

  it('signs an approver in with a token and lists the tasks of all their groups, oldest first, with the order', async () => {
    await postOrder('SO-7001', 200_000, 'EUR', orderNames['SO-7001']); // 1,649,000 CNY: sales director, then vice-president
    await postOrder('SO-7002', 800_000, 'CNY', orderNames['SO-7002']); // vice-president only
    await page.goto(`${server.url}/tasks`);
    await page.locator('[data-dialog=sign-in]').waitFor();
    // on a loopback address, every demo approver (server/demo-users.json) is offered, the departments too
    expect(await page.locator('.demo-users button').allTextContents()).toEqual([
      'director (sales-director)', 'vp (vice-president)', 'procurement (procurement)', 'production (production)', 'inspection (inspection)',
    ]);
    await shot('01-sign-in');
    await signInAs(DIRK);
    expect(await page.evaluate(() => localStorage.getItem('stratum.token'))).toBe(DIRK);
    await expect.poll(() => page.locator('.task-link').count()).toBe(2);
    const orders = await page.locator('.task-order').allTextContents();
    expect(orders).toEqual(['SO-7001 · Hoffmann Maschinenbau GmbH', 'SO-7002 · Nordwind Logistik AG']);
    expect(await page.locator('.task-count').textContent()).toBe('2 open tasks');
    expect(await page.locator('[data-action=load-more]').isVisible()).toBe(false);
    const first = page.locator('.task-link').first();
    expect(await text(first.locator('.task-amount'))).toBe('EUR 200,000.00 (CNY 1,649,000.00)');
    expect(await first.locator('.terms').textContent()).toBe('On credit');
    expect(await first.locator('.task-title').textContent()).toBe('Approve order (sales director)');
    expect(await text(page.locator('.task-link').nth(1).locator('.task-amount'))).toBe('CNY 800,000.00');
    await shot('02-task-list');
  });

  it('narrows the list by group and by order, asking the server, and shows it whole again when cleared', async () => {
    // the filters ask the server (GET /api/tasks?mine=true&candidateGroup=…&businessKey=…)
    await page.locator('#filter-group').selectOption('sales-director');
    await expect.poll(() => page.locator('.task-count').textContent()).toBe('1 matching open task');
    expect(await page.locator('.task-title').allTextContents()).toEqual(['Approve order (sales director)']);
    await page.locator('#filter-group').selectOption('');
    expect(await page.locator('.task-count').textContent()).toBe('2 open tasks');
    await page.locator('#filter-order').fill('SO-7002');
    await page.locator('#filter-order').press('Enter');
    await expect.poll(() => page.locator('.task-order').allTextContents()).toEqual(['SO-7002 · Nordwind Logistik AG']);
    await page.locator('#filter-order').fill('');
    await page.locator('#filter-order').press('Enter');
    await expect.poll(() => page.locator('.task-count').textContent()).toBe('2 open tasks');
  });

  it('keeps the filters in the address: Back and Forward restore them, a reload or bookmark shows the filtered list, a bad value is left out', async () => {
    const search = () => decodeURIComponent(new URL(page.url()).search);
    const fields = async () => [await page.locator('#filter-group').inputValue(), await page.locator('#filter-order').inputValue()];
    await page.locator('#filter-group').selectOption('vice-president');
    await expect.poll(() => page.locator('.task-count').textContent()).toBe('1 matching open task');
    expect(search()).toBe('?group=vice-president');
    await page.locator('#filter-order').fill('SO-7001');
    await page.locator('#filter-order').press('Enter');
    await expect.poll(() => page.locator('.task-count').textContent()).toBe('0 matching open tasks');
    expect(search()).toBe('?group=vice-president&order=SO-7001');

    await page.goBack();
    await expect.poll(() => page.locator('.task-order').allTextContents()).toEqual(['SO-7002 · Nordwind Logistik AG']);
    expect(search()).toBe('?group=vice-president');
    expect(await fields()).toEqual(['vice-president', '']);
    await page.goBack();
    await expect.poll(() => page.locator('.task-count').textContent()).toBe('2 open tasks');
    expect(await fields()).toEqual(['', '']);
    await page.goForward();
    await page.goForward();
    await expect.poll(() => page.locator('.task-count').textContent()).toBe('0 matching open tasks');
    expect(await fields()).toEqual(['vice-president', 'SO-7001']);

    // the address sent to someone else, or bookmarked: the director's task of SO-7001
    await page.goto(`${server.url}/tasks?group=sales-director&order=SO-7001`);
    await page.waitForSelector('body[data-ready=true]');
    expect(await fields()).toEqual(['sales-director', 'SO-7001']);
    await expect.poll(() => page.locator('.task-title').allTextContents()).toEqual(['Approve order (sales director)']);
    await shot('02b-filter-from-address');

    // a group dirk is not in and what no order number can be: left out, said, and gone from the address
    await page.goto(`${server.url}/tasks?group=procurement&order=M%C3%BCller`);
    await page.waitForSelector('body[data-ready=true]');
    expect(await page.locator('[data-say=address]').textContent())
      .toBe('You are not in the group "procurement": showing all your groups. "Müller" is not an order number: showing every order.');
    expect(search()).toBe('');
    await expect.poll(() => page.locator('.task-count').textContent()).toBe('2 open tasks');
    await shot('02c-bad-address');
    // typed, the same is no order: none match, and the server is not asked (it would refuse it)
    await page.locator('#filter-order').fill('Müller');
    await page.locator('#filter-order').press('Enter');
    await expect.poll(() => page.locator('.task-items .empty').textContent()).toBe('None of your open tasks match.');
    expect(await page.locator('[data-say=address]').textContent()).toBe('');
    await page.locator('#filter-order').fill('');
    await page.locator('#filter-order').press('Enter');
    await expect.poll(() => page.locator('.task-count').textContent()).toBe('2 open tasks');
    expect(search()).toBe('');
  });

  it('opens a task with the keyboard: the order, why this tier, and the form from the diagram', async () => {
    await page.locator('.task-link').first().focus();
    await page.keyboard.press('Enter');
    await page.locator('[data-form=form-js]').waitFor();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('task-heading');
    expect(new URL(page.url()).searchParams.get('task')).toBe((await taskOf('SO-7001', DIRECTOR_TASK)).id);
    expect(await text(page.locator('[data-why]'))).toContain('This order is CNY 1,649,000.00. Orders on credit of more than 1,000,000');
    expect(await page.locator('.order-facts').textContent()).toContain('Hoffmann Maschinenbau GmbH');
    expect(await page.locator('.order-path [data-step=entered]').textContent()).toContain('Order entered by erp');
    // bpmn.io's licence: form-js's watermark stays visible under the form
    expect(await page.locator('.fjs-powered-by').isVisible()).toBe(true);
    await shot('03-task-opened');
  });

  it('approves as sales director; the list drops the task and shows the vice-president review that follows', async () => {
    await decide('Approve the order', 'Long-standing customer, paid on time for ten years.');
    await expect.poll(() => page.locator('[data-say=decision]').textContent()).toContain('You approved "Approve order (sales director)" for order SO-7001.');
    await expect.poll(() => page.locator('.task-title').allTextContents()).toEqual(['Review order (vice-president)', 'Review order (vice-president)']);
    await shot('03b-after-approval');
  });

  it('refuses the vice-president review to the director who approved the order, in a sentence (four eyes)', async () => {
    await link('SO-7001', VP_TASK).click();
    await page.locator('[data-form=form-js]').waitFor();
    expect(await page.locator('.order-path [data-step=approved]').textContent()).toContain('dirk approved: Approve order (sales director)');
    expect(await page.locator('.order-path .path-comment').textContent()).toBe('Long-standing customer, paid on time for ten years.');
    // the list marked it (GET /api/tasks?mine=true, fourEyes): the page says why before anything is sent, and the
    // decision cannot be sent; the server would refuse it with the same words
    const notice = page.locator('[data-notice][data-four-eyes=four-eyes-other-task]');
    await notice.waitFor();
    expect(await notice.textContent()).toBe('You already decided "Approve order (sales director)" for this order. Four eyes: another person must make this decision.');
    expect(await page.locator('[data-action=send-decision]').isDisabled()).toBe(true);
    await shot('04-four-eyes-refusal');
    const task = await taskOf('SO-7001', VP_TASK);
    expect((await api('POST', `/api/tasks/${task.id}/complete`, DIRK, { variables: { approved: true } })).status).toBe(403);
    expect((await api<{ status: string }>('GET', `/api/tasks/${task.id}`, DIRK)).status).toBe(200);
  });

  it('lets another vice-president approve it; the path shows who decided what', async () => {
    await page.locator('[data-action=sign-out]').click();
    await signInAs(VERA);
    await expect.poll(() => page.locator('.task-link').count()).toBe(2);
    await link('SO-7001', VP_TASK).click();
    await page.locator('[data-form=form-js]').waitFor();
    await decide('Approve the order');
    await expect.poll(() => page.locator('.task-link').count()).toBe(1);
    const root = await api<{ items: { id: string; parentId: string | null }[] }>('GET', '/api/instances?businessKey=SO-7001', VERA);
    const order = await api<{ history: { event: string; actor: string; elementId: string }[] }>('GET', `/api/instances/${root.json.items.find((i) => !i.parentId)!.id}`, VERA);
    const decisions = order.json.history.filter((entry) => entry.event === 'task.completed').map((entry) => [entry.actor, entry.elementId]);
    expect(decisions).toEqual([['dirk', DIRECTOR_TASK], ['vera', VP_TASK]]);
  });

  it('asks for a comment before a rejection is sent, then rejects the order with it', async () => {
    await link('SO-7002', VP_TASK).click();
    await page.locator('[data-form=form-js]').waitFor();
    await decide('Reject the order');
    await expect.poll(() => page.locator('[data-notice]').textContent()).toBe('Say why you reject the order in the comment.');
    await shot('05-rejection-needs-comment');
    await decide('Reject the order', 'Credit limit of Nordwind is exhausted until March.');
    await expect.poll(() => page.locator('[data-say=decision]').textContent()).toContain('You rejected "Review order (vice-president)" for order SO-7002.');
    await expect.poll(() => page.locator('.task-link').count()).toBe(0);
    expect(await page.locator('.task-items .empty').textContent()).toBe('No open tasks for you.');
    const root = await api<{ items: { status: string; parentId: string | null }[] }>('GET', '/api/instances?businessKey=SO-7002', VERA);
    expect(root.json.items.find((i) => !i.parentId)!.status).toBe('rejected');
    await shot('06-after-rejection');
  });

  it('shows a new task without a reload, and says so when someone else decides the open task first', async () => {
    await postOrder('SO-7003', 90_000, 'EUR', orderNames['SO-7003']); // 742,050 CNY: vice-president
    await expect.poll(() => page.locator('.task-link').count()).toBe(1);
    await page.locator('.task-link').click();
    await page.locator('[data-form=form-js]').waitFor();
    const task = await taskOf('SO-7003', VP_TASK);
    expect((await api('POST', `/api/tasks/${task.id}/complete`, DIRK, { variables: { approved: true } })).status).toBe(200);
    await expect.poll(() => page.locator('[data-notice]').textContent()).toBe('Someone else decided this task first, or the order moved on. It is no longer open.');
    expect(await page.locator('[data-action=send-decision]').isDisabled()).toBe(true);
    expect(await page.locator('.task-link').count()).toBe(0);
    await shot('07-decided-by-someone-else');
  });

  it('works on a 390 px phone screen: the list, then the task with a way back', async () => {
    await postOrder('SO-7004', 600_000, 'CNY', 'Kowalski Stal Sp. z o.o.');
    const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'en-US' });
    const phoneErrors = collectConsoleErrors(phone);
    await phone.goto(`${server.url}/tasks`);
    await phone.locator('[data-dialog=sign-in] input[name=token]').fill(VERA);
    await phone.locator('[data-dialog=sign-in] button[type=submit]').click();
    await phone.waitForSelector('body[data-ready=true]');
    await expect.poll(() => phone.locator('.task-link').count()).toBe(1);
    const width = await phone.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(390);
    await shot('08-phone-list', phone);
    await phone.locator('.task-link').click();
    await phone.locator('[data-form=form-js]').waitFor();
    expect(await phone.locator('.task-list').isVisible()).toBe(false);
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await shot('09-phone-task', phone);
    await phone.locator('[data-action=back]').click();
    expect(await phone.locator('.task-list').isVisible()).toBe(true);
    expect(phoneErrors).toEqual([]);
    await phone.close();
  });

  describe('with more tasks than a page', () => {
    // vera has SO-7004 already; 55 more vice-president reviews, entered one after another so that they are listed in
    // this order (here, not before the tests above, whose lists they would fill)
    const orderNos = Array.from({ length: 55 }, (_, index) => `SO-75${String(index).padStart(2, '0')}`);
    beforeAll(async () => {
      for (const orderNo of orderNos) await postOrder(orderNo, 600_000, 'CNY', 'Paging GmbH');
    }, 120_000);
    const loadMore = () => page.locator('[data-action=load-more]');
    let ids: string[] = [];

    it('shows the 50 oldest of 56 tasks without a reload and says there are more', async () => {
      await expect.poll(() => page.locator('.task-count').textContent()).toBe('Showing the 50 oldest open tasks; there are more.');
      expect(await page.locator('.task-link').count()).toBe(50);
      expect(await page.locator('.task-order').first().textContent()).toBe('SO-7004 · Kowalski Stal Sp. z o.o.');
      expect(await loadMore().isVisible()).toBe(true);
      await shot('10-more-than-a-page');
    });

    it('loads the rest with Load more', async () => {
      await loadMore().click();
      await expect.poll(() => page.locator('.task-link').count()).toBe(56);
      expect(await page.locator('.task-count').textContent()).toBe('56 open tasks');
      expect(await loadMore().isVisible()).toBe(false);
      expect(await page.locator('.task-order').last().textContent()).toBe('SO-7554 · Paging GmbH');
      ids = await page.locator('.task-link').evaluateAll((links) => links.map((link) => (link as HTMLElement).dataset.taskId!));
    });

    it('keeps both pages while a task leaves each, decided elsewhere', async () => {
      // one from each page leaves the list; the second page stays loaded
      expect(ids).toHaveLength(56);
      for (const id of [ids[3], ids[52]]) expect((await api('POST', `/api/tasks/${encodeURIComponent(id)}/complete`, DIRK, { variables: { approved: true } })).status).toBe(200);
      await expect.poll(() => page.locator('.task-link').count()).toBe(54);
      const left = await page.locator('.task-link').evaluateAll((links) => links.map((link) => (link as HTMLElement).dataset.taskId!));
      expect(left).toEqual(ids.filter((id) => id !== ids[3] && id !== ids[52]));
      expect(await page.locator('.task-count').textContent()).toBe('54 open tasks');
      await shot('11-after-load-more');
    });

    it('finds a task beyond the loaded page by its whole order number, not by a part of it', async () => {
      // the list afresh (the address of the task decided first above would ask for it again: a 404)
      await page.goto(`${server.url}/tasks`);
      await page.waitForSelector('body[data-ready=true]');
      await expect.poll(() => page.locator('.task-count').textContent()).toBe('Showing the 50 oldest open tasks; there are more.');
      expect(await page.locator('.task-order', { hasText: 'SO-7554' }).count()).toBe(0);
      const order = page.locator('#filter-order');
      // a part of the number, asked for once typing pauses: the API matches whole order numbers
      await order.fill('7554');
      await expect.poll(() => page.locator('.task-items .empty').textContent()).toBe('None of your open tasks match.');
      await order.fill('SO-7554');
      await order.press('Enter');
      await expect.poll(() => page.locator('.task-order').allTextContents()).toEqual(['SO-7554 · Paging GmbH']);
      expect(await page.locator('.task-count').textContent()).toBe('1 matching open task');
      await shot('12-order-filter');
    });

    it('polls the filtered list as the whole one (a task decided elsewhere leaves it), and shows the whole list again when cleared', async () => {
      const order = page.locator('#filter-order');
      expect(await order.inputValue()).toBe('SO-7554');
      const id = await page.locator('.task-link').getAttribute('data-task-id');
      expect((await api('POST', `/api/tasks/${encodeURIComponent(id!)}/complete`, DIRK, { variables: { approved: true } })).status).toBe(200);
      await expect.poll(() => page.locator('.task-items .empty').textContent()).toBe('None of your open tasks match.');
      await order.fill('');
      await order.press('Enter');
      await expect.poll(() => page.locator('.task-count').textContent()).toBe('Showing the 50 oldest open tasks; there are more.');
      expect(await page.locator('.task-order').first().textContent()).toBe('SO-7004 · Kowalski Stal Sp. z o.o.');
    });
  });

  it('lets a department not acknowledge a special change yet, only with a comment saying why', async () => {
    const pat = 'plant-token-for-tests';
    const change = { orderNo: 'SO-7601', customer: { name: 'Ferreira Metais Lda' }, amount: 100_000, currency: 'CNY', paymentTerms: 'credit', specialChange: { description: 'paint in RAL 5015' } };
    expect((await api('POST', '/api/orders', INTEGRATION, change)).status).toBe(201);
    await page.locator('[data-action=sign-out]').click();
    await signInAs(pat);
    await page.locator('#filter-group').selectOption('procurement');
    await expect.poll(() => page.locator('.task-order').allTextContents()).toEqual(['SO-7601 · Ferreira Metais Lda']);
    await page.locator('.task-link').click();
    await page.locator('[data-form=form-js]').waitFor();
    await page.getByLabel(/Not acknowledged yet/).check();
    // not acknowledged says why, as a rejection does
    await page.locator('[data-action=send-decision]').click();
    await expect.poll(() => page.locator('[data-notice]').textContent()).toBe('Say in the comment why you cannot acknowledge the change yet.');
    await page.getByLabel('Comment').fill('RAL 5015 is not in stock until Friday.');
    await page.locator('[data-action=send-decision]').click();
    await expect.poll(() => page.locator('[data-say=decision]').textContent()).toBe(
      'You did not acknowledge "Acknowledge special change (procurement)" for order SO-7601. The task comes back to the department and the order waits.');
  });

  it('brings the task back with the path saying it was not acknowledged and why, then takes the acknowledgement', async () => {
    await expect.poll(() => page.locator('.task-link').count()).toBe(1);
    await page.locator('.task-link').click();
    await page.locator('[data-form=form-js]').waitFor();
    expect(await page.locator('.order-path [data-step=not-acknowledged]').textContent()).toContain('pat did not acknowledge: Acknowledge special change (procurement)');
    await shot('13-not-acknowledged');
    await page.getByLabel('We acknowledge the special change').check();
    await page.locator('[data-action=send-decision]').click();
    await expect.poll(() => page.locator('[data-say=decision]').textContent()).toBe('You acknowledged "Acknowledge special change (procurement)" for order SO-7601.');
    await expect.poll(() => page.locator('.task-link').count()).toBe(0);
  });

  it('logged no console errors', () => {
    // the refusals above are answers the page handled: only 4xx responses of the decisions show up as console errors
    expect(consoleErrors.filter((error) => !/status of (403|409)/.test(error))).toEqual([]);
  });
});
