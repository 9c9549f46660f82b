// A reload opens the draft being edited (sales-order-management, edited, not the library's first process
// order-to-cash), as a reload of Camunda Modeler's window restores its tabs. Built modeler, real server, Debian's
// chromium; screenshots in test-output/reload-reopens/.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserAvailable } from '../support/browser.js';
import { useModelerSession } from '../support/modeler-session.js';
import type { ModelerWindow } from '../support/modeler-window.js';

const ROOT = resolve(import.meta.dirname, '../..');
const SCREENSHOTS = join(ROOT, 'test-output/reload-reopens');
const EDITED = 'sales-order-management';

describe.skipIf(!browserAvailable)('a reload', () => {
  let page: Page;

  useModelerSession({}, (session) => {
    ({ page } = session);
    mkdirSync(SCREENSHOTS, { recursive: true });
  });

  it('opens the draft being edited, not the first process of the library', async () => {
    await expect.poll(() => page.locator('.document-key').textContent()).toBe('order-to-cash');
    await page.locator(`.library-item[data-key=${EDITED}] .library-open`).click();
    await expect.poll(() => page.locator('.document-key').textContent()).toBe(EDITED);
    await page.evaluate(() => {
      const modeler = (window as unknown as ModelerWindow).stratumModeler;
      const start = modeler.get('elementRegistry').filter((element) => element.type === 'bpmn:StartEvent')[0];
      modeler.get('modeling').updateLabel(start, 'Order entered (edited before the reload)');
    });
    // kept as a draft within a second of the edit
    await expect.poll(() => page.evaluate((key) => Object.keys(JSON.parse(localStorage.getItem('stratum.drafts') ?? '{}') as object).includes(key), EDITED)).toBe(true);

    await page.reload();
    await page.waitForSelector('body[data-ready=true]');
    expect(await page.locator('.document-key').textContent()).toBe(EDITED);
    expect(await page.locator(`.library-item[data-key=${EDITED}]`).getAttribute('data-draft')).toBe('edited');
    const label = await page.evaluate(() => {
      const modeler = (window as unknown as ModelerWindow).stratumModeler;
      const start = modeler.get('elementRegistry').filter((element) => element.type === 'bpmn:StartEvent')[0];
      return start.businessObject.name;
    });
    expect(label).toBe('Order entered (edited before the reload)');
    await page.screenshot({ path: join(SCREENSHOTS, '01-draft-after-reload.png') });

    // a reload after opening another process opens that one
    await page.locator('.library-item[data-key=credit-order-approval] .library-open').click();
    await expect.poll(() => page.locator('.document-key').textContent()).toBe('credit-order-approval');
    await page.reload();
    await page.waitForSelector('body[data-ready=true]');
    expect(await page.locator('.document-key').textContent()).toBe('credit-order-approval');
  });
});
