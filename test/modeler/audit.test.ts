// Operators read the refused attempts of every order in the modeler's Audit tab (GET /api/audit/refused): newest
// first, who was refused what on which order and why, filtered by reason and by order, a page at a time; the order
// opens on the diagram. Nobody outside the operations group is offered the tab. The built modeler is served by the
// real server and driven in Debian's chromium; screenshots in test-output/audit/.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { RunningServer } from '../../server/start.js';
import { browserAvailable } from '../support/browser.js';
import { DESIGNER_TOKEN, INTEGRATION_TOKEN, collectConsoleErrors, signIn, useModelerSession } from '../support/modeler-session.js';

const ROOT = resolve(import.meta.dirname, '../..');
const SCREENSHOTS = join(ROOT, 'test-output/audit');
const OPERATIONS = 'operations-token-for-tests';
const DIRECTOR = 'director-token-for-tests';
/** May see both approvals of a large order, must not decide both (four eyes). */
const BOTH = 'both-approvals-token-for-tests';
const USERS = [
  { name: 'ann', token: DESIGNER_TOKEN, groups: ['designer'] },
  { name: 'erp', token: INTEGRATION_TOKEN, groups: ['integration'] },
  // the shipped library deploys at start only when every task has someone to complete it
  { name: 'dirk', token: 'approver-token-for-tests', groups: ['sales-director', 'vice-president', 'procurement', 'production', 'inspection'] },
  { name: 'olga', token: OPERATIONS, groups: ['operations'] },
  { name: 'dora', token: DIRECTOR, groups: ['sales-director'] },
  { name: 'bo', token: BOTH, groups: ['sales-director', 'vice-president'] },
];

/** The refusals made below, newest first: [event, actor, order, reason]. */
const REFUSED = [
  ['change.refused', 'dora', 'AUD-2', 'role'],
  ['message.refused', 'erp', 'AUD-2', 'engine-message'],
  ['task.refused', 'dora', 'AUD-1', 'not-offered'],
  ['task.refused', 'bo', 'AUD-1', 'four-eyes-other-task'],
];

describe.skipIf(!browserAvailable)('the Audit tab of the modeler', () => {
  let server: RunningServer;
  let page: Page;
  let consoleErrors: string[] = [];

  async function call<T>(method: string, path: string, token: string, body?: unknown): Promise<{ status: number; body: T }> {
    const response = await fetch(`${server.url}${path}`, {
      method, headers: { authorization: `Bearer ${token}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
  }

  async function expectStatus(answer: Promise<{ status: number; body: unknown }>, status: number): Promise<void> {
    const { status: got, body } = await answer;
    expect(got, JSON.stringify(body)).toBe(status);
  }

  async function enterOrder(orderNo: string, amount: number): Promise<void> {
    await expectStatus(call('POST', '/api/orders', INTEGRATION_TOKEN, { orderNo, customer: { name: 'Druckerei Weiss' }, amount, currency: 'CNY', paymentTerms: 'credit' }), 201);
  }

  async function openTask(orderNo: string, group: string): Promise<string> {
    const tasks = await call<{ id: string }[]>('GET', `/api/tasks?businessKey=${orderNo}&candidateGroup=${group}`, INTEGRATION_TOKEN);
    expect(tasks.body, `one open ${group} task of ${orderNo}`).toHaveLength(1);
    return tasks.body[0].id;
  }

  const complete = (taskId: string, token: string) => call('POST', `/api/tasks/${encodeURIComponent(taskId)}/complete`, token, { variables: { approved: true } });

  /** Refusals of two kinds on two orders, made one after the other so that the list's order is theirs (REFUSED, read backwards). */
  async function makeRefusals(): Promise<void> {
    // four eyes: bo decides the director's approval of a large order, then tries the vice-president's; dora is not offered it
    await enterOrder('AUD-1', 3_000_000);
    await expectStatus(complete(await openTask('AUD-1', 'sales-director'), BOTH), 200);
    const review = await openTask('AUD-1', 'vice-president');
    await expectStatus(complete(review, BOTH), 403);
    await expectStatus(complete(review, DIRECTOR), 403);
    // a forged OrderChanged (changes come through the order's changes resource), and a change by someone without integration
    await enterOrder('AUD-2', 80_000);
    await expectStatus(call('POST', '/api/messages', INTEGRATION_TOKEN, { name: 'OrderChanged', businessKey: 'AUD-2', variables: { change: { changeId: 'forged' } } }), 403);
    await expectStatus(call('POST', '/api/orders/AUD-2/changes', DIRECTOR, { description: 'below my limit', amount: 10_000 }), 403);
  }

  const rows = () => page.locator('[data-pane=audit] .audit-item');
  /** Each listed row as [event, actor, order, reason]. */
  const listed = () => rows().evaluateAll((items) => items.map((item) => ['.audit-event', '.audit-actor', '.audit-order', '.audit-reason']
    .map((cell) => item.querySelector(cell)?.textContent ?? '')));
  const filter = (name: string, value: string) => page.locator(`[data-pane=audit] [name=${name}]`).fill(value);
  const apply = () => page.locator('[data-action=apply-audit-filters]').click();

  useModelerSession({ users: USERS, signInWith: null, timeoutMs: 240_000 }, async (session) => {
    ({ server, page, consoleErrors } = session);
    await makeRefusals();
    mkdirSync(SCREENSHOTS, { recursive: true });
    await signIn(page, server.url, OPERATIONS);
  });

  it('lists the refused attempts of every order newest first: when, event, who and route, order, element, reason and refusal', async () => {
    await page.locator('.side-tab[data-tab=audit]').click();
    await expect.poll(listed).toEqual(REFUSED);
    const fourEyes = rows().nth(3);
    expect(await fourEyes.locator('.audit-via').textContent()).toBe(' via api');
    // the element by its name in the order's version, its id and version in the title
    expect(await fourEyes.locator('.audit-element').textContent()).toBe('Review order (vice-president)');
    expect(await fourEyes.locator('.audit-element').getAttribute('title')).toBe('UserTask_ReviewByVicePresident in credit-order-approval version 1');
    expect(await fourEyes.locator('.audit-refusal').textContent()).toMatch(/four eyes/);
    // the local time on screen, the instant in its title
    const at = await fourEyes.locator('.audit-at time').getAttribute('title');
    expect(at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(await fourEyes.locator('.audit-at time').textContent()).toBe(await page.evaluate((instant) => new Date(instant).toLocaleString(), at!));
    // what was sent, folded, as text
    const sent = fourEyes.locator('.audit-sent');
    expect(await sent.locator('pre').isVisible()).toBe(false);
    await sent.locator('summary').click();
    expect(JSON.parse((await sent.locator('pre').textContent())!)).toMatchObject({ variables: { approved: true } });
    const change = rows().nth(0);
    expect(JSON.parse((await change.locator('.audit-sent pre').textContent())!)).toMatchObject({ attempted: 'postOrderChange' });
    expect(await page.locator('[data-pane=audit] .audit-summary').textContent()).toBe('Newest first: 4.');
    await page.screenshot({ path: join(SCREENSHOTS, 'audit-listed.png') });
  });

  it('filters by reason, then by order, from the first page', async () => {
    await filter('reason', 'four-eyes-other-task');
    await apply();
    await expect.poll(listed).toEqual([REFUSED[3]]);
    await filter('reason', '');
    await filter('businessKey', 'AUD-2');
    await apply();
    await expect.poll(listed).toEqual(REFUSED.slice(0, 2));
    await filter('businessKey', 'AUD-404');
    await apply();
    await expect.poll(listed).toEqual([]);
    expect(await page.locator('[data-pane=audit] .audit-summary').textContent()).toBe('No refused attempts match.');
    await page.screenshot({ path: join(SCREENSHOTS, 'audit-filtered.png') });
    await filter('businessKey', '');
    await apply();
    await expect.poll(listed).toEqual(REFUSED);
  });

  it('pages as the API does: Load more follows next, and a new filter starts again from the first page', async () => {
    // the real server, asked for pages of two so four refusals make two pages
    await page.route('**/api/audit/refused?*', (route) => {
      const url = new URL(route.request().url());
      url.searchParams.set('limit', '2');
      return route.continue({ url: url.href });
    });
    try {
      await apply();
      await expect.poll(listed).toEqual(REFUSED.slice(0, 2));
      await page.locator('[data-action=load-more-refused]').click();
      await expect.poll(listed).toEqual(REFUSED);
      expect(await page.locator('[data-pane=audit] .audit-summary').textContent()).toBe('Newest first: 4.');
      expect(await page.locator('[data-action=load-more-refused]').count()).toBe(0);
      await filter('actor', 'dora');
      await apply();
      await expect.poll(listed).toEqual([REFUSED[0], REFUSED[2]]);
    } finally {
      await page.unroute('**/api/audit/refused?*');
      await filter('actor', '');
    }
  });

  it('shows the server\'s problem when it refuses a query, and keeps the filters', async () => {
    await page.route('**/api/audit/refused?*', (route) => route.fulfill({
      status: 400, contentType: 'application/problem+json',
      body: JSON.stringify({ type: 'about:blank', title: 'Bad Request', status: 400, detail: 'since is not an instant with a time zone' }),
    }));
    try {
      await filter('reason', 'role');
      await apply();
      const failure = page.locator('[data-pane=audit] .audit-failure');
      await expect.poll(() => failure.textContent()).toBe('Listing the refused attempts failed (400 Bad Request): since is not an instant with a time zone');
      expect(await failure.isVisible()).toBe(true);
    } finally {
      await page.unroute('**/api/audit/refused?*');
    }
    await apply();
    await expect.poll(listed).toEqual([REFUSED[0]]);
    expect(await page.locator('[data-pane=audit] .audit-failure').isVisible()).toBe(false);
  });

  it('opens a row\'s order on the diagram and stays on the Audit tab', async () => {
    const [change] = (await call<{ items: { processKey: string }[] }>('GET', '/api/audit/refused?reason=role', OPERATIONS)).body.items;
    await rows().nth(0).locator('[data-action=open-audited-order]').click();
    await expect.poll(() => page.locator('.document-key').textContent()).toBe(change.processKey);
    expect(await page.locator('[data-pane=audit]').isVisible()).toBe(true);
  });

  it('is not offered to someone outside the operations group, whom the API refuses', async () => {
    const director = await page.context().browser()!.newPage({ viewport: { width: 1280, height: 800 } });
    const directorErrors = collectConsoleErrors(director);
    try {
      await signIn(director, server.url, DIRECTOR);
      await director.locator('.side-tab[data-tab=incidents]').waitFor();
      expect(await director.locator('.side-tab[data-tab=audit]').isVisible()).toBe(false);
      expect(await director.locator('[data-pane=audit]').isVisible()).toBe(false);
      expect((await call('GET', '/api/audit/refused', DIRECTOR)).status).toBe(403);
      expect(directorErrors).toEqual([]);
    } finally {
      await director.close();
    }
  });

  it('takes the tab away, and what it listed, when someone outside operations signs in on the same page', async () => {
    await page.locator('.side-tab[data-tab=audit]').click();
    await expect.poll(() => rows().count()).toBeGreaterThan(0);
    await page.locator('[data-action=token]').click();
    await page.locator('[data-dialog=token] input[name=token]').fill(DIRECTOR);
    await page.locator('[data-dialog=token] button[type=submit]').click();
    await expect.poll(() => page.locator('.side-tab[data-tab=audit]').isVisible()).toBe(false);
    expect(await page.locator('[data-pane=audit]').isVisible()).toBe(false);
    expect(await rows().count()).toBe(0);
    // the panel is on another tab, not on none
    expect(await page.locator('.side-tab.selected').count()).toBe(1);
    expect(await page.locator('.side-pane:not([hidden])').count()).toBe(1);
  });

  it('logged no console errors but the refusal it provoked (400)', () => {
    expect(consoleErrors.filter((error) => !/status of 400/.test(error))).toEqual([]);
  });
});
