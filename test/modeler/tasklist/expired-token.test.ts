// The task list when the server stops accepting the approver's token (it was withdrawn or replaced while the page was
// open): the page asks to sign in again at once, says that nothing was sent, and once the same person has signed in
// again shows the same task with what they had filled in, to send. The server's refusal is played by answering the
// page's API requests with 401 for a while. The built page (/tasks) on the real server, in Debian's chromium.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { RunningServer } from '../../../server/start.js';
import { browserAvailable } from '../../support/browser.js';
import { INTEGRATION_TOKEN as INTEGRATION, useModelerSession } from '../../support/modeler-session.js';

const DIRK = 'dirk-expired-token';
const VERA = 'vera-expired-token';
const KEPT = 'The server no longer accepts your token. Sign in again: your decision was not sent, and what you filled in is kept for you to send.';

describe.skipIf(!browserAvailable)('the task list when the server no longer accepts the token', () => {
  let server: RunningServer;
  let page: Page;

  const users = [
    { name: 'erp', token: INTEGRATION, groups: ['integration'] },
    { name: 'dirk', token: DIRK, groups: ['sales-director', 'vice-president'] },
    { name: 'vera', token: VERA, groups: ['vice-president'] },
    // the library's other candidate groups need members, or its deploy is refused
    { name: 'pat', token: 'plant-expired-token', groups: ['procurement', 'production', 'inspection'] },
  ];
  useModelerSession({ users, signInWith: null }, (session) => {
    ({ server, page } = session);
  });

  async function enter(orderNo: string): Promise<void> {
    const response = await fetch(`${server.url}/api/orders`, {
      method: 'POST', headers: { authorization: `Bearer ${INTEGRATION}`, 'content-type': 'application/json' },
      body: JSON.stringify({ orderNo, customer: { name: 'Nordwind Logistik AG' }, amount: 800_000, currency: 'CNY', paymentTerms: 'credit' }),
    });
    expect(response.status).toBe(201);
  }

  /** The server refuses the token from now until the returned function is called. */
  async function refuseToken(): Promise<() => Promise<void>> {
    const refuse = (url: URL) => url.pathname.startsWith('/api/');
    await page.route(refuse, (route) => route.fulfill({
      status: 401, contentType: 'application/problem+json', body: JSON.stringify({ type: 'about:blank', title: 'Unauthorized', status: 401 }),
    }));
    return () => page.unroute(refuse);
  }

  const signIn = async (token: string) => {
    await page.locator('[data-dialog=sign-in] input[name=token]').fill(token);
    await page.locator('[data-dialog=sign-in] input[name=token]').press('Enter');
  };
  const taskLink = (orderNo: string) => page.locator(`.task-item:has(.task-order:text-is("${orderNo} · Nordwind Logistik AG")) .task-link`);
  const comment = () => page.getByLabel('Comment');

  it('asks to sign in again at once when a decision is refused for the token, and keeps the decision to send', async () => {
    await enter('EXP-1');
    await page.goto(`${server.url}/tasks`);
    await signIn(DIRK);
    await page.waitForSelector('body[data-ready=true]');
    await taskLink('EXP-1').click();
    await page.locator('[data-form=form-js]').waitFor();
    await page.getByLabel('Reject the order').check();
    await comment().fill('Credit limit exhausted until March.');

    const accept = await refuseToken();
    await page.locator('[data-action=send-decision]').click();
    // at once, not at the list's next refresh: the sign-in, saying so, the keyboard in the token field
    const notice = page.locator('[data-dialog=sign-in] [role=alert]');
    await notice.waitFor({ timeout: 2_000 });
    expect(await notice.textContent()).toBe(KEPT);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('token');
    expect(new URL(page.url()).searchParams.get('task')).not.toBeNull();
    await accept();

    await signIn(DIRK);
    await page.locator('[data-form=form-js]').waitFor();
    expect(await page.getByLabel('Reject the order').isChecked()).toBe(true);
    expect(await comment().inputValue()).toBe('Credit limit exhausted until March.');
    await page.locator('[data-action=send-decision]').click();
    await expect.poll(() => page.locator('[data-say=decision]').textContent()).toBe('You rejected "Review order (vice-president)" for order EXP-1.');
  });

  it('keeps what was filled in when the list\'s refresh finds the token refused, for the same person only', async () => {
    await enter('EXP-2');
    await taskLink('EXP-2').click();
    await page.locator('[data-form=form-js]').waitFor();
    await comment().fill('Looked at the payment history.');
    let accept = await refuseToken();
    const notice = page.locator('[data-dialog=sign-in] [role=alert]');
    await notice.waitFor({ timeout: 10_000 });
    expect(await notice.textContent()).toBe(KEPT);
    await accept();
    await signIn(DIRK);
    await page.locator('[data-form=form-js]').waitFor();
    expect(await comment().inputValue()).toBe('Looked at the payment history.');

    // refused again: someone else signing in on this browser does not get what dirk filled in
    accept = await refuseToken();
    await notice.waitFor({ timeout: 10_000 });
    await accept();
    await signIn(VERA);
    await page.locator('[data-form=form-js]').waitFor();
    expect(await comment().inputValue()).toBe('');
  });
});
