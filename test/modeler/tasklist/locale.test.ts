// Amounts and times in the task list as the approver's browser writes them: a German browser reads
// "200.000,00 EUR", not "EUR 200,000.00". The built page (/tasks) on the real server, in Debian's chromium.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../../server/start.js';
import { browserAvailable } from '../../support/browser.js';
import { INTEGRATION_TOKEN, collectConsoleErrors, useModelerSession } from '../../support/modeler-session.js';

const DIRK = 'dirk-locale-token';

describe.skipIf(!browserAvailable)('the task list in the approver\'s locale', () => {
  let server: RunningServer;
  let browser: Browser;
  let german: Page;
  let germanErrors: string[] = [];

  const users = [
    { name: 'erp', token: INTEGRATION_TOKEN, groups: ['integration'] },
    // the shipped library's candidate groups need members, or its deploy is refused
    { name: 'dirk', token: DIRK, groups: ['sales-director', 'vice-president', 'procurement', 'production', 'inspection'] },
  ];
  useModelerSession({ users, signInWith: null }, (session) => {
    ({ server, browser } = session);
    return Promise.resolve();
  });

  beforeAll(async () => {
    // 200,000 EUR is 1,649,000 CNY at the sample rates: the sales director's tier
    const entered = await fetch(`${server.url}/api/orders`, {
      method: 'POST',
      headers: { authorization: `Bearer ${INTEGRATION_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ orderNo: 'LOC-1', customer: { name: 'Hoffmann Maschinenbau GmbH' }, amount: 200_000, currency: 'EUR', paymentTerms: 'credit' }),
    });
    expect(entered.status).toBe(201);
    german = await browser.newPage({ locale: 'de-DE', timezoneId: 'Europe/Berlin' });
    germanErrors = collectConsoleErrors(german);
    await german.goto(`${server.url}/tasks`);
    await german.locator('[data-dialog=sign-in] input[name=token]').fill(DIRK);
    await german.locator('[data-dialog=sign-in] input[name=token]').press('Enter');
    await german.waitForSelector('body[data-ready=true]');
  });
  afterAll(() => german?.close());

  // Intl writes a no-break space between the number and the currency
  const text = async (locator: { textContent(): Promise<string | null> }) => (await locator.textContent())?.replaceAll('\u00a0', ' ');

  it('lists the order\'s amount and the reporting amount with German separators', async () => {
    const item = german.locator('.task-link:has(.task-order:text-is("LOC-1 · Hoffmann Maschinenbau GmbH"))');
    await item.waitFor();
    expect(await text(item.locator('.task-amount'))).toBe('200.000,00 EUR (1.649.000,00 CNY)');
  });

  it('writes the opened task\'s amounts, the compared amount and the path\'s times the same way', async () => {
    await german.locator('.task-link:has(.task-order:text-is("LOC-1 · Hoffmann Maschinenbau GmbH"))').click();
    await german.locator('[data-form=form-js]').waitFor();
    expect(await text(german.locator('[data-why]'))).toMatch(/^This order is 1\.649\.000,00 CNY\. /);
    const facts = await german.locator('.order-facts').innerText();
    expect(facts.replaceAll('\u00a0', ' ')).toContain('200.000,00 EUR');
    expect(facts.replaceAll('\u00a0', ' ')).toContain('1.649.000,00 CNY');
    // a German medium date: "06.12.2026, 18:08"
    expect(await german.locator('.order-path [data-step=entered] .path-time').textContent()).toMatch(/^\d{2}\.\d{2}\.\d{4}, \d{2}:\d{2}$/);
    expect(germanErrors).toEqual([]);
  });
});
