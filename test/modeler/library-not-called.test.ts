// A process no latest version calls any more (sales-order-management's version 2 calls prepaid-entry-control where
// version 1 called prepaid-shipment-control) is listed in the Library tab under "Not called any more", badged so and
// with the orders still running inside it, not as a level-1 process beside order-to-cash. Built modeler, real
// server, Debian's chromium; screenshots in test-output/library-not-called/.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { RunningServer } from '../../server/start.js';
import { browserAvailable } from '../support/browser.js';
import { DESIGNER_TOKEN as DESIGNER, signIn, useModelerSession } from '../support/modeler-session.js';

const ROOT = resolve(import.meta.dirname, '../..');
const SCREENSHOTS = join(ROOT, 'test-output/library-not-called');
const RETIRED = 'prepaid-shipment-control';

describe.skipIf(!browserAvailable)('a process nobody calls any more, in the Library tab', () => {
  let server: RunningServer;
  let page: Page;

  useModelerSession({ signInWith: null }, async (session) => {
    ({ server, page } = session);
    const headers = { authorization: `Bearer ${DESIGNER}` };
    const v1 = await (await fetch(`${server.url}/api/processes/sales-order-management/versions/1/xml`, { headers })).text();
    const v2 = v1.replace(`processId="${RETIRED}"`, 'processId="prepaid-entry-control"');
    expect(v2).not.toBe(v1);
    const form = new FormData();
    form.append('files', new Blob([v2], { type: 'application/xml' }), 'sales-order-management.bpmn');
    form.append('note', 'prepaid at shipment controlled at entry for now');
    const response = await fetch(`${server.url}/api/deployments`, { method: 'POST', headers, body: form });
    expect(response.status, await response.clone().text()).toBe(201);
    const listed = await (await fetch(`${server.url}/api/processes`, { headers })).json() as { key: string; level: number; retired: boolean }[];
    expect(listed.find((process) => process.key === RETIRED)).toMatchObject({ level: 1, retired: true });
    mkdirSync(SCREENSHOTS, { recursive: true });
    await signIn(page, server.url, DESIGNER);
  });

  it('groups it under "Not called any more" with its running orders, and opens order-to-cash first', async () => {
    await expect.poll(() => page.locator('.document-key').textContent()).toBe('order-to-cash');
    const row = page.locator(`.library-item[data-key=${RETIRED}]`);
    await row.waitFor();
    expect(await page.locator(`[data-group=not-called] .library-item[data-key=${RETIRED}]`).count()).toBe(1);
    expect(await page.locator('[data-group=not-called] .level-heading').textContent()).toBe('Not called any more');
    expect(await row.locator('.level-badge').textContent()).toBe('not called');
    await expect.poll(() => row.locator('.running-inside').getAttribute('data-running')).toBe('0');
    expect(await row.locator('.running-inside').textContent()).toContain('no orders run inside it');
    // the value chain stays level 1, outside the group
    expect(await page.locator('.library-item[data-key=order-to-cash] .level-badge').textContent()).toBe('L1');
    expect(await page.locator('[data-group=not-called] .library-item[data-key=order-to-cash]').count()).toBe(0);
    await page.screenshot({ path: join(SCREENSHOTS, '01-not-called.png') });
  });
});
