// A deploy from inside a called process keeps the way back (docs/modeler.md, "follow a call activity"): the designer
// drills order-to-cash › sales-order-management › credit-order-approval with edits on every level, deploys the child
// with sales-order-management ticked under *Deploy together*, and the breadcrumb is still there. Going back opens
// sales-order-management as the version it became (clean, no draft comes back) and order-to-cash as its draft.
// Built modeler, real server, Debian's chromium; screenshots in test-output/drilldown-deploy/.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserAvailable } from '../support/browser.js';
import { useModelerSession } from '../support/modeler-session.js';

const ROOT = resolve(import.meta.dirname, '../..');
const SCREENSHOTS = join(ROOT, 'test-output/drilldown-deploy');

describe.skipIf(!browserAvailable)('deploying from a called process keeps the way back', () => {
  let page: Page;

  useModelerSession({}, (session) => {
    ({ page } = session);
    mkdirSync(SCREENSHOTS, { recursive: true });
  });

  const shot = (name: string) => page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
  const documentKey = () => page.locator('.document-key').textContent();
  const documentTitle = () => page.locator('.document-title').textContent();
  const dirtyBadges = () => page.locator('[data-badge=dirty]').count();
  const crumbs = () => page.locator('.breadcrumbs .crumb').allTextContents();
  const draftKeys = () => page.evaluate(() => Object.keys(JSON.parse(localStorage.getItem('stratum.drafts') ?? '{}') as object).sort());
  // the page's modeler is reached with code as text: the test does not type bpmn-js's services
  const inModeler = <T>(code: string) => page.evaluate<T>(`(() => { const modeler = window.stratumModeler; ${code} })()`);
  const endEventNames = () => inModeler<string[]>(
    `return modeler.get('elementRegistry').filter((e) => e.type === 'bpmn:EndEvent').map((e) => e.businessObject.name);`);
  /** An unsaved edit through the command stack: the first end event is renamed. */
  const renameEndEvent = (name: string) => inModeler<void>(
    `modeler.get('modeling').updateLabel(modeler.get('elementRegistry').filter((e) => e.type === 'bpmn:EndEvent')[0], ${JSON.stringify(name)});`);

  it('drills down two levels with an edit on every level', async () => {
    await expect.poll(documentKey).toBe('order-to-cash');
    await renameEndEvent('Order closed (draft)');
    await page.locator('.stratum-drilldown[data-called=sales-order-management]').click();
    await expect.poll(documentKey).toBe('sales-order-management');
    await renameEndEvent('Sales order done (deployed together)');
    await page.locator('.djs-overlays[data-container-id=CallActivity_ApproveCreditOrder] .stratum-drilldown[data-called=credit-order-approval]').click();
    await expect.poll(documentKey).toBe('credit-order-approval');
    await renameEndEvent('Approval decided (deployed)');
    await expect.poll(crumbs).toEqual(['order-to-cash •', 'sales-order-management •', 'credit-order-approval']);
  });

  it('deploys the child with sales-order-management ticked, and the breadcrumb stays', async () => {
    await page.locator('[data-action=deploy]').click();
    const dialog = page.locator('[data-dialog=deploy]');
    const together = (key: string) => dialog.locator(`.deploy-together [data-key=${key}] input`);
    await together('sales-order-management').check();
    expect(await together('order-to-cash').isChecked()).toBe(false);
    await dialog.locator('.deploy-process[data-key=sales-order-management]').waitFor();
    await dialog.locator('textarea[name=note]').fill('End events renamed');
    await dialog.locator('button[type=submit]').click();
    await expect.poll(() => page.locator('.status').textContent()).toContain('credit-order-approval as version 2');
    expect(await page.locator('.status').textContent()).toContain('sales-order-management as version 2');

    expect(await documentKey()).toBe('credit-order-approval');
    expect(await documentTitle()).toContain('v2 (latest)');
    expect(await dirtyBadges()).toBe(0);
    // the deployed parent is no longer marked as holding unsaved edits; order-to-cash still is
    await expect.poll(crumbs).toEqual(['order-to-cash •', 'sales-order-management', 'credit-order-approval']);
    expect(await draftKeys()).toEqual(['order-to-cash']);
    await shot('01-breadcrumb-after-deploy');
  }, 60_000);

  it('goes back to sales-order-management as deployed: version 2, clean, and no draft comes back', async () => {
    await page.locator('.breadcrumbs .crumb[data-key=sales-order-management]').click();
    await expect.poll(documentKey).toBe('sales-order-management');
    expect(await endEventNames()).toContain('Sales order done (deployed together)');
    expect(await documentTitle()).toContain('v2 (latest)');
    expect(await dirtyBadges()).toBe(0);
    expect(await crumbs()).toEqual(['order-to-cash •', 'sales-order-management']);
    await shot('02-back-to-the-deployed-parent');
  });

  it('goes back to order-to-cash as its draft, not deployed', async () => {
    await page.locator('.breadcrumbs .crumb[data-key=order-to-cash]').click();
    await expect.poll(documentKey).toBe('order-to-cash');
    expect(await endEventNames()).toContain('Order closed (draft)');
    expect(await documentTitle()).toContain('v1 (latest)');
    expect(await dirtyBadges()).toBe(1);
    expect(await page.locator('.breadcrumbs').isHidden()).toBe(true);
    // leaving sales-order-management kept no draft of it: it is what was deployed
    expect(await draftKeys()).toEqual(['order-to-cash']);
    expect(await page.locator('.library-item[data-key=sales-order-management]').getAttribute('data-draft')).toBeNull();
    expect(await page.locator('.library-item[data-key=order-to-cash]').getAttribute('data-draft')).not.toBeNull();
    await shot('03-back-to-the-draft-root');
  });
});
