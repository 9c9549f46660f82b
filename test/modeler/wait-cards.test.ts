// An order that waits at seven places in the call tree: the wait card on the call activity it waits in lists every
// wait, and every line of it is on screen at 1,280 × 800 and 1,024 × 768 (the card used to grow upwards from the call
// activity, so the first waits went off the top of the canvas). The instance is a fixture served in place of
// GET /api/instances (the shipped order-to-cash diagram, a real server and Debian's chromium); screenshots in
// test-output/wait-cards/.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { InstanceView, WaitingElement } from '../../engine/api.js';
import type { RunningServer } from '../../server/start.js';
import { browserAvailable } from '../support/browser.js';
import { useModelerSession } from '../support/modeler-session.js';

const ROOT = resolve(import.meta.dirname, '../..');
const SCREENSHOTS = join(ROOT, 'test-output/wait-cards');
const CALL = 'CallActivity_ManageSalesOrder';
const AT = '2026-12-01T10:00:00.000Z';

/** Seven waits of the child (sales-order-management) and its child (credit-order-approval). */
function sevenWaits(): WaitingElement[] {
  const child = (elementId: string, name: string, type: WaitingElement['type'], extra: Partial<WaitingElement> = {}): WaitingElement =>
    ({ instanceId: 'child-1', processKey: 'sales-order-management', elementId, name, type, held: null, ...extra });
  // a raise's open change holds the planning jobs (the runtime refuses them with 409 order-change-open)
  const held = { reason: 'order-change-open' as const, changeId: 'OC-1' };
  return [
    child('IntermediateCatchEvent_OrderChanged', 'Order changed', 'message', { message: 'OrderChanged' }),
    child('IntermediateCatchEvent_RaisePaymentReceived', 'Payment for the raise received', 'message', { message: 'RaisePaymentReceived' }),
    child('ServiceTask_PlanProcurement', 'Plan procurement', 'job', { jobType: 'procurement-planning', held }),
    child('ServiceTask_PlanProduction', 'Plan production', 'job', { jobType: 'production-planning', held }),
    child('ServiceTask_ShipOrder', 'Ship order', 'job', { jobType: 'shipping' }),
    { instanceId: 'grandchild-1', processKey: 'credit-order-approval', elementId: 'UserTask_Director', name: 'Director approval', type: 'task', candidateGroups: ['sales-director'], held: null },
    { instanceId: 'grandchild-1', processKey: 'credit-order-approval', elementId: 'UserTask_VicePresident', name: 'Vice president approval', type: 'task', candidateGroups: ['vice-president'], held: null },
  ];
}

function instance(): InstanceView {
  const summary = { processKey: 'order-to-cash', version: 1, businessKey: 'SO-SEVEN', status: 'running' as const, createdAt: AT, updatedAt: AT, endedAt: null };
  return {
    id: 'root-1', parentId: null, ...summary, variables: {}, incident: null,
    waiting: [{ instanceId: 'root-1', processKey: 'order-to-cash', elementId: CALL, name: 'Manage sales order', type: 'call', held: null }, ...sevenWaits()],
    children: [{ ...summary, id: 'child-1', processKey: 'sales-order-management', parentId: 'root-1' }],
    history: [],
  };
}

/** The wait lines' boxes, the card's and the canvas's, on the page. */
function placed(page: Page) {
  return page.evaluate(() => {
    const box = (node: Element) => {
      const { left, top, right, bottom } = node.getBoundingClientRect();
      return { left, top, right, bottom };
    };
    const card = document.querySelector('.stratum-wait-card')!;
    const list = card.querySelector('.wait-lines') ?? card;
    return {
      canvas: box(document.querySelector('#canvas')!),
      list: box(list),
      lines: [...card.querySelectorAll('.wait-line')].map((line) => ({ text: line.textContent ?? '', box: box(line) })),
    };
  });
}

describe.skipIf(!browserAvailable)('an order that waits at seven places', () => {
  let server: RunningServer;
  let page: Page;

  useModelerSession({}, async (session) => {
    ({ server, page } = session);
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.route('**/api/instances?*', (route) => route.fulfill({ json: { items: [instance()], total: 1 } }));
    await page.route('**/api/instances/root-1', (route) => route.fulfill({ json: instance() }));
  });

  for (const [width, height] of [[1280, 800], [1024, 768]]) {
    it(`lists every wait on the call activity's card, the first one on screen and inside the card, at ${width} × ${height}`, async () => {
      expect(server.url).toBeTruthy();
      await page.setViewportSize({ width, height });
      await page.locator('.side-tab[data-tab=instances]').click();
      await page.locator('.instance-query').fill('SO-SEVEN');
      await page.locator('.instance-form button[type=submit]').click();
      await page.locator('.instance-card[data-instance=root-1]').waitFor();
      await page.locator('.stratum-wait-card').waitFor();
      await page.screenshot({ path: join(SCREENSHOTS, `01-seven-waits-${width}.png`) });

      const { canvas, list, lines } = await placed(page);
      expect(lines.map((line) => line.text)).toHaveLength(7);
      // a held wait's line says what holds it; the others read as before
      expect(lines.map((line) => line.text)).toContain('sales-order-management › Plan production: job production-planning — held: order change OC-1 open');
      expect(lines.map((line) => line.text)).toContain('sales-order-management › Ship order: job shipping');
      expect(await page.locator('.stratum-wait-card .wait-line.held').count()).toBe(2);
      const first = lines[0].box;
      // on the canvas: not above its top edge (where it was cut off), nor past any other edge
      expect(first.top, JSON.stringify({ canvas, first })).toBeGreaterThanOrEqual(canvas.top);
      expect(first.bottom).toBeLessThanOrEqual(canvas.bottom);
      expect(first.left).toBeGreaterThanOrEqual(canvas.left);
      expect(first.right).toBeLessThanOrEqual(canvas.right);
      // and inside the card's list, which scrolls rather than grow past the canvas
      expect(first.top).toBeGreaterThanOrEqual(list.top);
      expect(first.bottom).toBeLessThanOrEqual(list.bottom);
      expect(list.top).toBeGreaterThanOrEqual(canvas.top);
      expect(list.bottom).toBeLessThanOrEqual(canvas.bottom);

      // the last wait is a scroll of the list away, inside it
      await page.locator('.stratum-wait-card .wait-lines').evaluate((node) => { node.scrollTop = node.scrollHeight; });
      const scrolled = await placed(page);
      const last = scrolled.lines[6].box;
      expect(last.top).toBeGreaterThanOrEqual(scrolled.list.top - 0.5);
      expect(last.bottom).toBeLessThanOrEqual(scrolled.list.bottom + 0.5);
      await page.screenshot({ path: join(SCREENSHOTS, `02-seven-waits-scrolled-${width}.png`) });
    });
  }
});
