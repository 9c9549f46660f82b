// A designer's mission, as done in the browser: open the library, open the level-3 credit approval from its caller,
// move the vice-president's tier from 500,000 to 400,000 in the properties panel, see in the Problems panel that the
// tier's flows still say 500,000 and rename them (and, checking the whole library, that the caller repeats the old tier), read the deploy dialog's changes and impact (the running orders that
// stay on version 1 named by number), deploy, and find the change in the History. Built modeler, real server, Debian's
// chromium; screenshots in test-output/designer-walkthrough/.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { RunningServer } from '../../server/start.js';
import { browserAvailable } from '../support/browser.js';
import { INTEGRATION_TOKEN as INTEGRATION, useModelerSession } from '../support/modeler-session.js';
import type { ModelerWindow } from '../support/modeler-window.js';

const ROOT = resolve(import.meta.dirname, '../..');
const SCREENSHOTS = join(ROOT, 'test-output/designer-walkthrough');
const TIER_FLOW = 'Flow_AmountTier_Above500000';
const DEFAULT_FLOW = 'Flow_AmountTier_UpTo500000';
const RULE = 'flow-name-matches-condition';

describe.skipIf(!browserAvailable)('a designer moves a tier of the credit approval, from the library to the History', () => {
  let server: RunningServer;
  let page: Page;

  useModelerSession({}, async (session) => {
    ({ server, page } = session);
    mkdirSync(SCREENSHOTS, { recursive: true });
    // SO-450 is approved automatically and goes on to its planning; SO-1200 waits for the sales director inside version 1
    for (const [orderNo, amount] of [['SO-450', 450_000], ['SO-1200', 1_200_000]] as const) {
      const response = await fetch(`${server.url}/api/orders`, {
        method: 'POST', headers: { authorization: `Bearer ${INTEGRATION}`, 'content-type': 'application/json' },
        body: JSON.stringify({ orderNo, customer: { name: 'ACME' }, amount, currency: 'CNY', paymentTerms: 'credit' }),
      });
      expect(response.status, await response.clone().text()).toBe(201);
    }
  });

  const shot = (name: string) => page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
  const documentKey = () => page.locator('.document-key').textContent();
  const select = (id: string) => page.evaluate((elementId) => {
    const modeler = (window as unknown as ModelerWindow).stratumModeler;
    modeler.get('selection').select(modeler.get('elementRegistry').get(elementId)!);
  }, id);
  const problems = () => page.locator(`.problem-list li.problem[data-rule=${RULE}]`)
    .evaluateAll((items) => items.map((item) => `${(item as HTMLElement).dataset.element}: ${item.querySelector('.problem-message')?.textContent}`));

  /** Types into the selected element's properties panel entry, as a designer does (select all, then the new text). */
  async function typeInto(groupId: string, entry: string, text: string): Promise<void> {
    const group = page.locator(`[data-group-id=${groupId}]`);
    if (!(await group.locator('.bio-properties-panel-group-entries.open').count())) await group.locator('.bio-properties-panel-group-header').click();
    const field = group.locator(entry);
    await field.click();
    await page.keyboard.press('Control+A');
    await page.keyboard.type(text);
    await page.waitForTimeout(600);
  }

  it('opens the level-3 credit approval from its caller, the breadcrumb leading back', async () => {
    await page.locator('.library-item[data-key=sales-order-management] .library-open').click();
    await expect.poll(documentKey).toBe('sales-order-management');
    await page.locator('.djs-overlays[data-container-id=CallActivity_ApproveCreditOrder] .stratum-drilldown[data-called=credit-order-approval]').click();
    await expect.poll(documentKey).toBe('credit-order-approval');
    expect(await page.locator('.breadcrumbs .crumb').allTextContents()).toEqual(['sales-order-management', 'credit-order-approval']);
    await shot('01-opened-from-its-caller');
  });

  it('moves the tier in the properties panel; the Problems panel says the tier\'s flows still name 500,000 until they are renamed', async () => {
    await select(TIER_FLOW);
    await typeInto('group-condition', '.cm-content', 'reportingAmount > 400000 and reportingAmount <= 1000000');
    await expect.poll(() => page.locator('.stratum-feel-check').textContent()).toContain('Valid FEEL');
    await page.locator('[data-action=toggle-problems]').click();
    await expect.poll(problems).toEqual([
      `${TIER_FLOW}: Sequence flow "more than 500,000 up to 1,000,000" names 500,000, which its condition (=reportingAmount > 400000 and reportingAmount <= 1000000) does not compare with; rename the flow or check the condition`,
      `${DEFAULT_FLOW}: Sequence flow "up to 500,000" is the default flow of exclusive gateway "Amount tier?" and names 500,000, which none of the gateway's conditions compares with; rename the flow or check the conditions`,
    ]);
    // warnings: nothing refuses the change
    expect(await page.locator('.problems-summary').textContent()).toMatch(/^0 error\(s\)/);
    // checking the whole library also names the condition of the caller that repeats the old tier, as stratum validate --server does
    await page.locator('[data-action=check-library]').click();
    const related = page.locator('[data-section=related-conditions] li.problem');
    await related.first().waitFor();
    expect(await related.evaluateAll((items) => items.map((item) => `${(item as HTMLElement).dataset.process}/${(item as HTMLElement).dataset.element}`)))
      .toEqual(['sales-order-management/Flow_ApprovalTierRaised_Yes']);
    // named as the diff names a flow (the caller is not open, its id is not what a designer drew)
    expect(await related.locator('.problem-element').textContent()).toBe('sales-order-management › Approval tier raised? → yes');
    expect(await related.locator('.problem-message').textContent()).toBe('sales-order-management "Approval tier raised?" still compares changeReportingAmount '
      + '(passed as reportingAmount at "Approve changed amount") with 500000, which this change moved to 400000 in credit-order-approval "Amount tier?"');
    await shot('02-tier-moved-names-stale');

    await typeInto('group-general', '#bio-properties-panel-name', 'more than 400,000 up to 1,000,000');
    await select(DEFAULT_FLOW);
    await typeInto('group-general', '#bio-properties-panel-name', 'up to 400,000');
    await expect.poll(problems).toEqual([]);
    await shot('03-flows-renamed');
  }, 60_000);

  it('names the change and the running orders that stay on version 1 before deploying, then deploys and shows it in the History', async () => {
    await page.locator('[data-action=deploy]').click();
    const dialog = page.locator('[data-dialog=deploy]');
    const changes = dialog.locator('.deploy-process[data-key=credit-order-approval]');
    await changes.waitFor({ timeout: 60_000 });
    expect(await changes.locator('.diff-section.conditions li').textContent()).toContain('=reportingAmount > 400000 and reportingAmount <= 1000000');
    expect(await changes.locator('.diff-section.changed li').evaluateAll((items) => items.map((item) => (item as HTMLElement).dataset.element)))
      .toEqual(expect.arrayContaining([TIER_FLOW, DEFAULT_FLOW]));

    const impact = dialog.locator('.deploy-impact');
    await impact.waitFor({ timeout: 60_000 });
    // SO-1200 waits for the sales director in version 1: it is named, and opens its instance, as the other lines' orders do
    const inside = impact.locator('[data-impact-process=credit-order-approval]');
    expect(await inside.textContent()).toBe('Running orders inside credit-order-approval: 1 — SO-1200 (they stay on version 1); '
      + 'running orders that will start credit-order-approval version 2 when they reach a call to it: 0.');
    expect(await inside.locator('button').allTextContents()).toEqual(['SO-1200']);
    // SO-450, past its approval, would only start version 2 if a change to the order led there
    expect(await impact.locator('[data-impact-on-change=credit-order-approval]').textContent()).toContain('SO-450');
    await dialog.locator('textarea[name=note]').fill('Vice-president from 400,000');
    await shot('04-deploy-dialog');
    await dialog.locator('button[type=submit]').click();
    await expect.poll(() => page.locator('.status').textContent()).toContain('credit-order-approval as version 2');
    // the library changed: what the check found before the deploy is marked as describing the library as it was
    await expect.poll(() => page.locator('[data-section=library-check-stale]').textContent()).toContain('The library changed since it was checked');
    await page.locator('[data-action=check-library-again]').click();
    await expect.poll(() => page.locator('[data-section=library-check-stale]').count()).toBe(0);
    expect(await page.locator('[data-section=related-conditions]').count()).toBe(0);

    await page.locator('.side-tab[data-tab=history]').click();
    await page.locator('.version[data-version="2"] [data-action=diff-previous]').click();
    const diff = page.locator('.diff-summary');
    await diff.locator('.diff-section.conditions').waitFor();
    expect(await diff.locator('.diff-section.changed li[data-element] > ul > li').allTextContents()).toEqual(expect.arrayContaining([
      'name: more than 500,000 up to 1,000,000 → more than 400,000 up to 1,000,000', 'name: up to 500,000 → up to 400,000',
    ]));
    await shot('05-history');
  }, 120_000);
});
