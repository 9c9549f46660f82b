// A task opened by its address that is not the reader's to decide (a vice-president sent a sales director the link
// to a review): the page says for whom it is, as the 403 would, and disables its decision and Assign to me before
// anything is filled in. The built page (/tasks) on the real server, in Debian's chromium.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { TaskView } from '../../../engine/api.js';
import type { RunningServer } from '../../../server/start.js';
import { browserAvailable } from '../../support/browser.js';
import { INTEGRATION_TOKEN, useModelerSession } from '../../support/modeler-session.js';

const DANA = 'dana-not-offered-token';
const VERA = 'vera-not-offered-token';

describe.skipIf(!browserAvailable)('a task offered to others, opened by its address', () => {
  let server: RunningServer;
  let page: Page;
  let consoleErrors: string[] = [];

  const users = [
    { name: 'erp', token: INTEGRATION_TOKEN, groups: ['integration'] },
    { name: 'dana', token: DANA, groups: ['sales-director'] },
    { name: 'vera', token: VERA, groups: ['vice-president'] },
    // the shipped library's other candidate groups need members, or its deploy is refused
    { name: 'pat', token: 'plant-not-offered-token', groups: ['procurement', 'production', 'inspection'] },
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

  const sendButton = () => page.locator('[data-action=send-decision]');

  it('says for whom the review is and disables its decision and its claim, as the server refuses both', async () => {
    // 800,000 CNY: the vice-president's review only
    expect((await api('POST', '/api/orders', INTEGRATION_TOKEN, { orderNo: 'NO-UI-1', customer: { name: 'Nordwind Logistik AG' }, amount: 800_000, currency: 'CNY', paymentTerms: 'credit' })).status).toBe(201);
    const [review] = (await api<TaskView[]>('GET', '/api/tasks?businessKey=NO-UI-1', INTEGRATION_TOKEN)).json;
    expect(review.candidateGroups).toEqual(['vice-president']);

    await page.goto(`${server.url}/tasks?task=${encodeURIComponent(review.id)}`);
    await page.locator('[data-dialog=sign-in] input[name=token]').fill(DANA);
    await page.locator('[data-dialog=sign-in] input[name=token]').press('Enter');
    await page.waitForSelector('body[data-ready=true]');
    await page.locator('[data-form=form-js]').waitFor();
    expect(await page.locator('#task-heading').textContent()).toBe('Review order (vice-president)');
    await expect.poll(() => page.locator('[data-notice]').textContent()).toBe('This task is for vice-president, and you are in none of these groups.');
    expect(await page.locator('[data-notice]').isVisible()).toBe(true);
    expect(await sendButton().isDisabled()).toBe(true);
    expect(await page.locator('[data-assignment] [data-action=claim]').count()).toBe(0);
    // the server refuses dana both, in the same words
    const claim = await api<{ reason: string }>('POST', `/api/tasks/${encodeURIComponent(review.id)}/claim`, DANA);
    expect([claim.status, claim.json.reason]).toEqual([403, 'not-offered']);
    expect((await api('POST', `/api/tasks/${encodeURIComponent(review.id)}/complete`, DANA, { variables: { approved: true } })).status).toBe(403);

    // vera, whose group it is, meets it open
    await page.locator('[data-action=sign-out]').click();
    await page.goto(`${server.url}/tasks?task=${encodeURIComponent(review.id)}`);
    await page.locator('[data-dialog=sign-in] input[name=token]').fill(VERA);
    await page.locator('[data-dialog=sign-in] input[name=token]').press('Enter');
    await page.waitForSelector('body[data-ready=true]');
    await page.locator('[data-form=form-js]').waitFor();
    expect(await page.locator('[data-notice]').isHidden()).toBe(true);
    expect(await sendButton().isDisabled()).toBe(false);
    expect(await page.locator('[data-assignment] [data-action=claim]').count()).toBe(1);
    expect(consoleErrors).toEqual([]);
  });
});
