// The Problems panel named a finding's rule in plain text, so the reader who wanted to know what the rule checks and
// why had to find docs/validation.md alone (and nine Stratum rules had no documentation link at all). The rule name
// is now a link to its section of the guide the server serves at /docs/, opened in a new tab so the diagram stays;
// the guide is an HTML page there, scrolled to the rule's heading.
// Built modeler, real server, Debian's chromium.
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { RunningServer } from '../../../../server/start.js';
import { browserAvailable } from '../../../support/browser.js';
import { openFileInModeler, useModelerSession } from '../../../support/modeler-session.js';

const FIXTURE = join(import.meta.dirname, '../../../fixtures/interop-crafted/content-markup.bpmn');

describe.skipIf(!browserAvailable)('the rule of a finding in the Problems panel', () => {
  let page: Page;
  let server: RunningServer;
  useModelerSession({}, (session) => {
    ({ page, server } = session);
  });

  it('links to the rule\'s section of docs/validation.md, served at /docs/ as a page scrolled to it, in a new tab', async () => {
    await openFileInModeler(page, FIXTURE);
    const url = page.url();
    await page.locator('[data-action=toggle-problems]').click();
    const link = page.locator('.problem[data-rule=no-javascript] a.finding-rule').first();
    await link.waitFor({ timeout: 10_000 });
    expect(await link.textContent()).toBe('no-javascript');
    expect(await link.getAttribute('href')).toBe('/docs/validation.md#no-javascript-error');
    expect(await link.getAttribute('target')).toBe('_blank');

    const [tab] = await Promise.all([page.context().waitForEvent('page'), link.click()]);
    await tab.waitForLoadState();
    expect(tab.url()).toBe(`${server.url}/docs/validation.md#no-javascript-error`);
    const heading = tab.locator('h3#no-javascript-error');
    expect(await heading.textContent()).toBe('no-javascript (error)');
    // the browser went to the rule's section, not the top of the guide
    expect(await tab.evaluate(() => window.scrollY)).toBeGreaterThan(1000);
    expect(Math.abs((await heading.boundingBox())?.y ?? Infinity)).toBeLessThan(5);
    // its stylesheet applied under the page's Content-Security-Policy (52rem wide at most)
    expect(await tab.evaluate(() => getComputedStyle(document.body).maxWidth)).toBe('832px');
    await tab.close();
    // the diagram stays open in its own tab
    expect(page.url()).toBe(url);
  }, 120_000);
});
