// The modeler shows DMN decisions read-only with dmn-js's viewer (issue 12): a decision
// deployed to the library, opened from the Decisions tab, and a .dmn file from disk (a
// DMN 1.1 file, migrated as the engine migrates it). The built modeler is served by the
// real server and driven in Debian's chromium; screenshots in test-output/decisions/.
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { RunningServer } from '../../server/start.js';
import { browserAvailable } from '../support/browser.js';
import { DESIGNER_TOKEN as DESIGNER, signIn, useModelerSession } from '../support/modeler-session.js';

const ROOT = resolve(import.meta.dirname, '../..');
const SCREENSHOTS = join(ROOT, 'test-output/decisions');
const DMN_DIR = join(ROOT, 'test/fixtures/dmn');

describe.skipIf(!browserAvailable)('the modeler shows DMN decisions read-only', () => {
  let server: RunningServer;
  let page: Page;
  let consoleErrors: string[] = [];

  // signed in once the decisions are deployed, so the first page shows them
  useModelerSession({ signInWith: null, timeoutMs: 180_000 }, async (session) => {
    ({ server, page, consoleErrors } = session);
    // three decisions in one file (season → dish → beverages), deployed as a designer deploys them
    const form = new FormData();
    form.append('files', new Blob([readFileSync(join(DMN_DIR, 'required-decisions.dmn'))], { type: 'application/xml' }), 'required-decisions.dmn');
    form.append('note', 'the dish decisions, to show in the modeler');
    const response = await fetch(`${server.url}/api/deployments`, { method: 'POST', headers: { authorization: `Bearer ${DESIGNER}` }, body: form });
    expect(response.status, await response.clone().text()).toBe(201);
    mkdirSync(SCREENSHOTS, { recursive: true });
    await signIn(page, server.url, DESIGNER);
  });

  const rows = () => page.locator('.dmn-view .tjs-table tbody tr');

  it('lists the deployed decisions and shows one\'s decision table, with its rules as rows', async () => {
    await page.locator('.side-tab[data-tab=decisions]').click();
    const dish = page.locator('[data-decision=dish]');
    await dish.waitFor();
    expect(await page.locator('.decision-item').evaluateAll((items) => items.map((item) => item.getAttribute('data-decision')).sort()))
      .toEqual(['beverages', 'dish', 'season']);
    expect(await dish.locator('.decision-meta').textContent()).toBe('dish · v1 · required-decisions.dmn');

    await dish.locator('.decision-open').click();
    await rows().first().waitFor();
    expect(await page.locator('.dmn-view').isVisible()).toBe(true);
    expect(await page.locator('.dmn-view-title').textContent()).toBe('Dish (dish), version 1');
    // the Dish table: 4 rules, each a row with its input entries and the dish
    expect(await rows().count()).toBe(4);
    const table = await page.locator('.dmn-view .tjs-table').textContent();
    expect(table).toContain('"Spareribs"');
    expect(table).toContain('Season');
    // read-only: the viewer, not the editor (no editable cells); bpmn.io's watermark stays
    expect(await page.locator('.dmn-view [contenteditable=true]').count()).toBe(0);
    expect(await page.locator('.dmn-view .powered-by-logo, .dmn-view .bjs-powered-by').count()).toBeGreaterThan(0);
    // the file's other decisions are a tab away
    expect(await page.locator('.dmn-view-tab').allTextContents()).toEqual(['Season', 'Dish', 'Beverages']);
    await page.locator('.dmn-view-tab[data-view=beverages]').click();
    await page.locator('.dmn-view-tab.active[data-view=beverages]').waitFor();
    expect(await rows().count()).toBe(3);
    // nothing of the BPMN canvas shows through (the minimap sits above diagram-js's overlays)
    expect(await page.locator('.djs-minimap').isVisible()).toBe(false);
    await page.screenshot({ path: join(SCREENSHOTS, 'deployed-decision.png') });

    await page.locator('.dmn-view-close').click();
    expect(await page.locator('.dmn-view').isVisible()).toBe(false);
    expect(await page.locator('#canvas .djs-container').isVisible()).toBe(true);
    expect(await page.locator('.djs-minimap').isVisible()).toBe(true);
  });

  it('shows a .dmn file from disk (DMN 1.1, migrated to 1.3 as the engine reads it)', async () => {
    await page.locator('.side-tab[data-tab=decisions]').click();
    await page.locator('input[data-file-input=dmn]').setInputFiles(join(DMN_DIR, 'dmn11-camunda7-dish.dmn'));
    await rows().first().waitFor();
    expect(await page.locator('.dmn-view-title').textContent()).toBe('dmn11-camunda7-dish.dmn');
    expect(await rows().count()).toBe(3);
    expect(await page.locator('.dmn-view .tjs-table').textContent()).toContain('"Stew"');
    await page.screenshot({ path: join(SCREENSHOTS, 'file-from-disk.png') });
    await page.locator('.dmn-view-close').click();
  });

  it('says so when a file is no DMN, and shows nothing', async () => {
    await page.locator('input[data-file-input=dmn]').setInputFiles({ name: 'broken.dmn', mimeType: 'application/xml', buffer: Buffer.from('<definitions>not dmn') });
    await page.locator('#status').getByText(/Opening broken\.dmn/).waitFor();
    expect(await page.locator('.dmn-view').isVisible()).toBe(false);
  });

  it('logged no console errors', () => {
    expect(consoleErrors).toEqual([]);
  });
});
