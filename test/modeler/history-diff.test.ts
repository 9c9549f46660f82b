// The History tab's diff names what changed inside an element, as the deploy dialog does: a call activity
// pointed at another process is listed with its called process old → new (the server's semantic diff),
// not only as "changed"; a renamed message on the event that catches it, a job's retries; side by side, the older version shows at the newer one's zoom and position, and each
// canvas follows the other's zooming and scrolling. Built modeler, real server, Debian's chromium; screenshots in test-output/history-diff/.
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
    // version 2 of prepaid-entry-control: its payment message renamed (a root element, not a flow element) and its
    // shipping job given 5 retries (inside an extension element)
    const entry1 = await (await fetch(`${server.url}/api/processes/prepaid-entry-control/versions/1/xml`, { headers })).text();
    const entry2 = entry1.replace('name="PaymentReceived"', 'name="PrepaymentReceived"').replace('<zeebe:taskDefinition type="shipping" />', '<zeebe:taskDefinition type="shipping" retries="5" />');
    expect(entry2.match(/PrepaymentReceived|retries="5"/g)).toHaveLength(2);
    const entryForm = new FormData();
    entryForm.append('files', new Blob([entry2], { type: 'application/xml' }), 'prepaid-entry-control.bpmn');
    entryForm.append('note', 'the bank\'s prepayment message; shipping retried five times');
    const entryResponse = await fetch(`${server.url}/api/deployments`, { method: 'POST', headers, body: entryForm });
    expect(entryResponse.status, await entryResponse.clone().text()).toBe(201);
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

  it('names what is not a flow element: a renamed message on the event catching it, a job\'s retries', async () => {
    await page.locator('.side-tab[data-tab=library]').click();
    await page.locator('.library-item[data-key=prepaid-entry-control] .library-open').click();
    await expect.poll(() => page.locator('.document-key').textContent()).toBe('prepaid-entry-control');
    await page.locator('.side-tab[data-tab=history]').click();
    await page.locator('.version[data-version="2"] [data-action=diff-previous]').click();
    const changed = page.locator('.diff-summary .diff-section.changed');
    await changed.waitFor();
    const details = async (id: string) => (await changed.locator(`li[data-element=${id}] li`).allTextContents()).map((line) => line.replace(/\s+/g, ' ').trim());
    expect(await details('IntermediateCatchEvent_PaymentReceived')).toEqual(['message: PaymentReceived → PrepaymentReceived']);
    expect(await details('ServiceTask_ShipOrder')).toEqual(['retries: — → 5']);
    // each marked changed on the canvas
    for (const id of ['IntermediateCatchEvent_PaymentReceived', 'ServiceTask_ShipOrder']) {
      expect(await page.locator(`.djs-element[data-element-id=${id}].stratum-diff-changed`).count(), id).toBe(1);
    }
    await page.screenshot({ path: join(SCREENSHOTS, '04-message-and-retries-changed.png') });
    // back to the sales order management's diff, which the next test reads
    await page.locator('.side-tab[data-tab=library]').click();
    await page.locator('.library-item[data-key=sales-order-management] .library-open').click();
    await expect.poll(() => page.locator('.document-key').textContent()).toBe('sales-order-management');
    await page.locator('.side-tab[data-tab=history]').click();
    await page.locator('.version[data-version="2"] [data-action=diff-previous]').click();
    await page.locator(`.diff-section.changed li[data-element=${CALL}]`).waitFor();
  });

  it('shows the older version side by side at the newer one\'s zoom and position, following either\'s zoom and scroll', async () => {
    // the diff of the test before is open
    await page.locator('[data-action=diff-side-by-side]').click();
    await page.locator('.diff-side-by-side .djs-container svg g.viewport').waitFor({ state: 'attached' });
    const views = () => page.evaluate(() => {
      const newer = (window as unknown as { stratumModeler: { get(name: 'canvas'): { viewbox(): { x: number; y: number; scale: number } } } })
        .stratumModeler.get('canvas').viewbox();
      // the older viewer's own: diagram-js draws the viewbox as the viewport's matrix (scale, -x·scale, -y·scale)
      const matrix = document.querySelector<SVGGElement>('.diff-side-by-side .djs-container svg g.viewport')!.transform.baseVal.consolidate()!.matrix;
      return { newer: { x: newer.x, y: newer.y, scale: newer.scale }, older: { x: -matrix.e / matrix.a, y: -matrix.f / matrix.a, scale: matrix.a } };
    });
    const expectSame = (seen: Awaited<ReturnType<typeof views>>) => {
      expect(seen.older.scale, JSON.stringify(seen)).toBeCloseTo(seen.newer.scale, 3);
      expect(seen.older.x, JSON.stringify(seen)).toBeCloseTo(seen.newer.x, 0);
      expect(seen.older.y, JSON.stringify(seen)).toBeCloseTo(seen.newer.y, 0);
    };
    await expect.poll(async () => (await views()).older.scale).toBeGreaterThan(0);
    const opened = await views();
    expectSame(opened);
    expect(opened.newer.scale).toBeGreaterThanOrEqual(0.75);
    await page.screenshot({ path: join(SCREENSHOTS, '02-side-by-side.png') });

    // zooming the newer one zooms the older
    await page.evaluate(() => (window as unknown as { stratumModeler: { get(name: 'canvas'): { zoom(level: number): void } } }).stratumModeler.get('canvas').zoom(1.4));
    const zoomed = await views();
    expect(zoomed.newer.scale).toBeCloseTo(1.4, 3);
    expectSame(zoomed);

    // scrolling the older one (the wheel over it) scrolls the newer
    const olderBox = (await page.locator('.diff-side-by-side .djs-container').boundingBox())!;
    await page.mouse.move(olderBox.x + olderBox.width / 2, olderBox.y + olderBox.height / 2);
    await page.mouse.wheel(0, 240);
    await expect.poll(async () => (await views()).older.y).not.toBeCloseTo(zoomed.older.y, 0);
    const scrolled = await views();
    expectSame(scrolled);
    await page.screenshot({ path: join(SCREENSHOTS, '03-side-by-side-zoomed-scrolled.png') });
    await page.locator('[data-action=diff-side-by-side]').click();
  });
});
