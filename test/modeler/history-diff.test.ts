// The History tab's diff names what changed inside an element, as the deploy dialog does: a call activity
// pointed at another process is listed with its called process old → new (the server's semantic diff),
// not only as "changed". Built modeler, real server, Debian's chromium; screenshots in test-output/history-diff/.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { RunningServer } from '../../server/start.js';
import { browserAvailable } from '../support/browser.js';
import { DESIGNER_TOKEN as DESIGNER, signIn, useModelerSession } from '../support/modeler-session.js';

const ROOT = resolve(import.meta.dirname, '../..');
const SCREENSHOTS = join(ROOT, 'test-output/history-diff');
const CALL = 'CallActivity_PrepaidShipmentControl';

describe.skipIf(!browserAvailable)('the History tab\'s diff of two versions', () => {
  let server: RunningServer;
  let page: Page;

  // version 2 of sales-order-management calls prepaid-entry-control where version 1 called prepaid-shipment-control
  useModelerSession({ signInWith: null }, async (session) => {
    ({ server, page } = session);
    const headers = { authorization: `Bearer ${DESIGNER}` };
    const v1 = await (await fetch(`${server.url}/api/processes/sales-order-management/versions/1/xml`, { headers })).text();
    const v2 = v1.replace('processId="prepaid-shipment-control"', 'processId="prepaid-entry-control"');
    expect(v2).not.toBe(v1);
    const form = new FormData();
    form.append('files', new Blob([v2], { type: 'application/xml' }), 'sales-order-management.bpmn');
    form.append('note', 'prepaid at shipment controlled at entry for now');
    const response = await fetch(`${server.url}/api/deployments`, { method: 'POST', headers, body: form });
    expect(response.status, await response.clone().text()).toBe(201);
    mkdirSync(SCREENSHOTS, { recursive: true });
    await signIn(page, server.url, DESIGNER);
  });

  it('lists a call activity\'s new called process, old → new', async () => {
    await page.locator('.library-item[data-key=sales-order-management] .library-open').click();
    await expect.poll(() => page.locator('.document-key').textContent()).toBe('sales-order-management');
    await page.locator('.side-tab[data-tab=history]').click();
    const latest = page.locator('.version[data-version="2"]');
    await latest.waitFor();
    await latest.locator('[data-action=diff-previous]').click();

    const call = page.locator(`.diff-section.changed li[data-element=${CALL}]`);
    await call.waitFor();
    const details = await call.locator('li').allTextContents();
    expect(details.some((line) => line.includes('prepaid-shipment-control') && line.includes('prepaid-entry-control')), details.join(' | ')).toBe(true);
    await page.screenshot({ path: join(SCREENSHOTS, '01-called-process-changed.png') });
  });
});
