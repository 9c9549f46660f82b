import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { RunningServer } from '../../../server/start.js';
import { browserAvailable } from '../../support/browser.js';
import { INTEGRATION_TOKEN as INTEGRATION, useModelerSession } from '../../support/modeler-session.js';

const DIRK = 'dirk-director-and-vp-token';
const PAT = 'plant-token-for-tests';
describe.skipIf(!browserAvailable)('scratch', () => {
  let server: RunningServer;
  let page: Page;
  let consoleErrors: string[] = [];
  const users = [
    { name: 'erp', token: INTEGRATION, groups: ['integration'] },
    { name: 'dirk', token: DIRK, groups: ['sales-director', 'vice-president'] },
    { name: 'pat', token: PAT, groups: ['procurement', 'production', 'inspection'] },
  ];
  useModelerSession({ users, signInWith: null }, (session) => { ({ server, page, consoleErrors } = session); });
  const api = async (method: string, path: string, token: string, body?: unknown) => {
    const r = await fetch(server.url + path, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: r.status, json: await r.json().catch(() => null) };
  };
  it('walks', async () => {
    await api('POST', '/api/orders', INTEGRATION, { orderNo: 'BIG-1', customer: { name: 'Lager AG' }, amount: 1_700_000, currency: 'EUR', paymentTerms: 'credit' });
    await api('POST', '/api/orders', INTEGRATION, { orderNo: 'SC-1', customer: { name: 'Lager AG' }, amount: 100_000, currency: 'CNY', paymentTerms: 'credit', specialChange: { description: 'blue paint' } });
    await page.goto(`${server.url}/tasks`);
    console.log(await page.locator('body').ariaSnapshot());
    await page.keyboard.type(DIRK);
    await page.keyboard.press('Enter');
    await page.waitForSelector('body[data-ready=true]');
    console.log(await page.locator('body').ariaSnapshot());
    // approve director via UI
    await page.locator('.task-link').first().click();
    await page.locator('[data-form=form-js]').waitFor();
    await page.getByLabel('Approve the order').check();
    await page.locator('[data-action=send-decision]').click();
    await page.waitForTimeout(3500);
    console.log('AFTER DIRECTOR', await page.locator('body').ariaSnapshot());
    await page.locator('.task-link').first().click();
    await page.locator('[data-form=form-js]').waitFor();
    console.log('FOUR EYES DETAIL', await page.locator('.task-detail').ariaSnapshot());
    // sign out, sign in pat
    await page.locator('[data-action=sign-out]').click();
    await page.locator('#token').fill(PAT);
    await page.keyboard.press('Enter');
    await page.waitForSelector('body[data-ready=true]');
    await page.locator('.task-link').first().click();
    await page.locator('[data-form=form-js]').waitFor();
    console.log('ACK DETAIL', await page.locator('.task-detail').ariaSnapshot());
    await page.setViewportSize({ width: 320, height: 640 });
    await page.screenshot({ path: '/tmp/wt4-ack-320.png', fullPage: true });
    console.log('errors', consoleErrors);
    expect(true).toBe(true);
  }, 120_000);
});
