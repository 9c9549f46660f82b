// Token simulation inside Stratum's modeler (issue 14 B 3, 8): the drill-down pills of call activities
// stay while simulating and lead into the called process, still simulating (a gateway's button still picks its
// flow by hand: token simulation calls Stratum's exclusiveGatewaySettings); and token simulation's
// bars (palette, log, animation speed, notifications) never cover Stratum's controls, each other or the
// diagram's labels at 1,280, 1,024 and 768 px. The built modeler is served by the real server (shipped
// diagrams) and driven in Debian's chromium; screenshots in test-output/simulation-layout/.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserAvailable } from '../support/browser.js';
import { overlaysOverLabels, useModelerSession } from '../support/modeler-session.js';

const ROOT = resolve(import.meta.dirname, '../..');
const SCREENSHOTS = join(ROOT, 'test-output/simulation-layout');
const PARENT = 'sales-order-management';
const CHILD = 'credit-order-approval';

/** What floats over the canvas while simulating: token simulation's bars and Stratum's controls. */
const CONTROLS: Record<string, string> = {
  'simulation palette': '.bts-palette',
  'simulation log': '.bts-log',
  'animation speed': '.bts-set-animation-speed',
  'simulation notification': '.bts-notifications .bts-notification',
  'scope filter': '.bts-scopes',
  'Problems button': '.problems-toggle',
  'zoom controls': '.navigation-controls',
  minimap: '.djs-minimap',
  'bpmn.io logo': '.bjs-powered-by',
};
/**
 * Over the diagram by design, as before simulating: the log, a panel the designer opens (as in bpmn.io's demo),
 * and Stratum's zoom controls and minimap in the lower right corner (a fitted diagram leaves them room; a larger
 * one scrolls beneath them). Token simulation's bars and the Problems button never cover the diagram.
 */
const OVER_THE_DIAGRAM = ['simulation log', 'zoom controls', 'minimap'];

interface Placed { name: string; box: { left: number; top: number; right: number; bottom: number } }

/** Visible controls, and labels (and drill-down pills) where the diagram shows, with their boxes on the page. */
function placedOnCanvas(page: Page, controls: Record<string, string>): Promise<{ controls: Placed[]; labels: Placed[] }> {
  return page.evaluate((selectors) => {
    // the diagram shows in the svg (while simulating, the bars' strip is below it)
    const canvas = document.querySelector('#canvas .djs-container > svg')!.getBoundingClientRect();
    const boxOf = (node: Element) => {
      const { left, top, right, bottom } = node.getBoundingClientRect();
      return { left, top, right, bottom };
    };
    const shown = (node: Element) => {
      const style = getComputedStyle(node);
      const box = node.getBoundingClientRect();
      return style.display !== 'none' && style.visibility !== 'hidden' && Number(style.opacity) > 0 && box.width > 0 && box.height > 0
        && !node.closest('.hidden, [hidden], .djs-overlays[style*="display: none"]');
    };
    const onCanvas = (node: Element) => {
      const box = node.getBoundingClientRect();
      return box.right > canvas.left && box.left < canvas.right && box.bottom > canvas.top && box.top < canvas.bottom;
    };
    const controls = Object.entries(selectors).flatMap(([name, selector]) => [...document.querySelectorAll(selector)]
      .filter(shown).map((node) => ({ name, box: boxOf(node) })));
    const shownPart = (node: Element) => {
      const { left, top, right, bottom } = boxOf(node);
      return { left: Math.max(left, canvas.left), top: Math.max(top, canvas.top), right: Math.min(right, canvas.right), bottom: Math.min(bottom, canvas.bottom) };
    };
    const labels = [...document.querySelectorAll('.djs-element text, .stratum-drilldown')]
      .filter((node) => (node.textContent ?? '').trim() && shown(node) && onCanvas(node))
      .map((node) => ({ name: `"${(node.textContent ?? '').trim()}"`, box: shownPart(node) }));
    return { controls, labels };
  }, controls);
}

function overlapping(a: Placed[], b: Placed[]): string[] {
  const hits: string[] = [];
  for (const x of a) {
    for (const y of b) {
      if (x === y) continue;
      if (x.box.left < y.box.right && y.box.left < x.box.right && x.box.top < y.box.bottom && y.box.top < x.box.bottom) hits.push(`${x.name} covers ${y.name}`);
    }
  }
  return hits;
}

describe.skipIf(!browserAvailable)('token simulation in the modeler', () => {
  let page: Page;
  let consoleErrors: string[] = [];

  useModelerSession({}, (session) => {
    ({ page, consoleErrors } = session);
    mkdirSync(SCREENSHOTS, { recursive: true });
  });

  const shot = (name: string) => page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
  const documentKey = () => page.locator('.document-key').textContent();
  const simulating = () => page.locator('.bjs-container.simulation').count().then((count) => count === 1);

  /** Opens the latest version of a process, as the library does, and waits until it is on the canvas. */
  async function openProcess(key: string): Promise<void> {
    await page.evaluate((name) => (window as unknown as { stratumModeler: { get(service: 'workspace'): { openLatest(key: string): Promise<void> } } })
      .stratumModeler.get('workspace').openLatest(name), key);
    await expect.poll(documentKey).toBe(key);
  }

  it('keeps the pills to called processes while simulating; one leads into the called process, still simulating, and the breadcrumb back', async () => {
    await openProcess(PARENT);
    await page.locator('[data-action=simulate]').click();
    await page.locator('.simulation-panel').waitFor();
    expect(await simulating()).toBe(true);

    const pill = page.locator(`.stratum-drilldown[data-called=${CHILD}]`).first();
    expect(await pill.isVisible()).toBe(true);
    expect(await page.locator('.stratum-drilldown').evaluateAll((pills) => pills.filter((p) => (p as HTMLElement).offsetParent).length)).toBeGreaterThanOrEqual(4);
    await page.locator('[data-action=run-simulation]').click();
    await page.locator('.bts-element-notification').first().waitFor();
    const badges = await overlaysOverLabels(page);
    expect(badges.hits).toEqual([]);
    await shot('01-pills-while-simulating');

    // token simulation's gateway button still chooses a flow by hand (it calls Stratum's exclusiveGatewaySettings)
    const decision = page.locator('.gateway-decisions li[data-gateway=Gateway_PaymentTerms]');
    expect(await decision.textContent()).not.toContain('set by hand');
    await page.evaluate(() => {
      const modeler = (window as unknown as { stratumModeler: { get(name: 'overlays'): { get(search: object): { html: HTMLElement }[] } } }).stratumModeler;
      modeler.get('overlays').get({ element: 'Gateway_PaymentTerms', type: 'bts-context-menu' })[0].html.click();
    });
    await expect.poll(() => decision.textContent()).toContain('set by hand');

    await pill.click();
    await expect.poll(documentKey).toBe(CHILD);
    expect(await simulating()).toBe(true);
    expect(await page.locator('.simulation-panel').isVisible()).toBe(true);
    // the same simulated order decides the child's gateways
    await expect.poll(() => page.locator('.gateway-decisions li[data-gateway=Gateway_AmountTier]').textContent()).toContain('more than 1,000,000');
    await shot('02-followed-into-the-child');

    await page.locator(`.breadcrumbs .crumb[data-key=${PARENT}]`).click();
    await expect.poll(documentKey).toBe(PARENT);
    expect(await simulating()).toBe(true);
    expect(await pill.isVisible()).toBe(true);

    await page.locator('[data-action=simulate]').click();
    await page.locator('.simulation-panel').waitFor({ state: 'hidden' });
    expect(await pill.isVisible()).toBe(true);
  }, 60_000);

  it('lists as deciding only the gateways a 450,000 credit order reaches, marking the approvals\' gateways as not reached (yet), and follows the token', async () => {
    await openProcess(CHILD);
    await page.locator('[data-action=simulate]').click();
    await page.locator('.simulation-panel').waitFor();
    await page.locator('#sim-terms').selectOption('credit');
    await page.locator('#sim-amount').fill('450000');
    const decision = (gateway: string) => page.locator(`.gateway-decisions li[data-gateway=${gateway}]`);
    await expect.poll(() => decision('Gateway_AmountTier').textContent()).toContain('up to 500,000');
    // before the token runs, no gateway is reached: each says which way it would go
    expect(await decision('Gateway_AmountTier').textContent()).toContain('not reached (yet)');

    await page.locator('[data-action=run-simulation]').click();
    await page.locator('.reached-elements li[data-element=EndEvent_ApprovedAutomatically]').waitFor({ timeout: 20_000 });
    await expect.poll(() => decision('Gateway_AmountTier').getAttribute('class')).toContain(' reached');
    expect(await decision('Gateway_AmountTier').textContent()).not.toContain('not reached');
    for (const gateway of ['Gateway_DirectorApproved', 'Gateway_VicePresidentApproved']) {
      expect(await decision(gateway).textContent(), gateway).toContain('not reached (yet)');
    }
    // the gateways the token reached come first
    expect(await page.locator('.gateway-decisions li').first().getAttribute('data-gateway')).toBe('Gateway_AmountTier');
    await shot('03-decisions-of-a-450000-order');

    await page.locator('[data-action=simulate]').click();
    await page.locator('.simulation-panel').waitFor({ state: 'hidden' });
  }, 60_000);

  it('keeps the flow a 450,000 order took at the amount tier once the amount is changed to 1,200,000, beside where the changed order would go, until it runs again', async () => {
    await openProcess(CHILD);
    await page.locator('[data-action=simulate]').click();
    await page.locator('.simulation-panel').waitFor();
    await page.locator('#sim-terms').selectOption('credit');
    await page.locator('#sim-amount').fill('450000');
    const decision = (gateway: string) => page.locator(`.gateway-decisions li[data-gateway=${gateway}]`);
    await page.locator('[data-action=run-simulation]').click();
    await page.locator('.reached-elements li[data-element=EndEvent_ApprovedAutomatically]').waitFor({ timeout: 20_000 });
    await expect.poll(() => decision('Gateway_AmountTier').getAttribute('class')).toContain(' reached');

    await page.locator('#sim-amount').fill('1200000');
    const amountTier = decision('Gateway_AmountTier');
    await expect.poll(() => amountTier.textContent(), { timeout: 20_000 }).toContain('more than 1,000,000');
    expect(await amountTier.getAttribute('class')).toContain(' reached');
    expect(await amountTier.locator('.chosen-flow').first().getAttribute('data-flow')).toBe('Flow_AmountTier_UpTo500000');
    expect(await amountTier.locator('.decision-now').textContent()).toContain('more than 1,000,000');
    expect(await decision('Gateway_DirectorApproved').textContent()).toContain('not reached (yet)');
    await shot('04-decisions-after-the-amount-changed');

    await page.locator('[data-action=run-simulation]').click();
    await page.locator('.reached-elements li[data-element=UserTask_ApproveBySalesDirector]').waitFor({ timeout: 20_000 });
    await expect.poll(() => amountTier.getAttribute('class')).toContain(' reached');
    expect(await amountTier.locator('.chosen-flow').first().getAttribute('data-flow')).toBe('Flow_AmountTier_Above1000000');
    expect(await amountTier.locator('.decision-now').count()).toBe(0);

    await page.locator('[data-action=simulate]').click();
    await page.locator('.simulation-panel').waitFor({ state: 'hidden' });
  }, 90_000);

  for (const width of [1280, 1024, 768]) {
    it(`at ${width} px, token simulation's bars cover neither Stratum's controls nor each other nor a label`, async () => {
      await page.setViewportSize({ width, height: width >= 1024 ? 800 : 768 });
      // the layout of the width from the start (a narrow screen starts with the side panel folded away)
      await page.reload();
      await page.waitForSelector('body[data-ready=true]');
      await openProcess(PARENT);
      await page.locator('[data-action=simulate]').click();
      await page.locator('.simulation-panel').waitFor();
      await page.locator('[data-action=run-simulation]').click();
      // token simulation's notifications go after two seconds: measured while one is there, then with the log open
      await page.locator('.bts-notifications .bts-notification').first().waitFor();
      const running = await placedOnCanvas(page, CONTROLS);
      await shot(`1${[1280, 1024, 768].indexOf(width)}-simulating-at-${width}`);
      await page.locator('.bts-palette .bts-entry[title="Toggle Simulation Log"]').click();
      await page.locator('.bts-log').waitFor();
      const withLog = await placedOnCanvas(page, CONTROLS);
      await shot(`2${[1280, 1024, 768].indexOf(width)}-simulation-log-at-${width}`);

      const names = new Set([...running.controls, ...withLog.controls].map((control) => control.name));
      for (const name of Object.keys(CONTROLS).filter((name) => name !== 'scope filter')) {
        expect(names, `${name} is shown at ${width} px`).toContain(name);
      }
      const canvas = (await page.locator('#canvas').boundingBox())!;
      for (const placed of [running, withLog]) {
        expect(placed.labels.length).toBeGreaterThan(5);
        expect(overlapping(placed.controls, placed.controls), 'controls over controls').toEqual([]);
        const bars = placed.controls.filter((control) => !OVER_THE_DIAGRAM.includes(control.name));
        expect(overlapping(bars, placed.labels), 'controls over labels').toEqual([]);
        // nothing sticks out of the canvas
        for (const control of placed.controls) {
          expect(control.box.left, control.name).toBeGreaterThanOrEqual(canvas.x);
          expect(control.box.right, control.name).toBeLessThanOrEqual(canvas.x + canvas.width);
          expect(control.box.bottom, control.name).toBeLessThanOrEqual(canvas.y + canvas.height);
        }
      }

      await page.locator('[data-action=simulate]').click();
      await page.locator('.simulation-panel').waitFor({ state: 'hidden' });
    }, 60_000);
  }

  it('logs no console errors along the way', () => {
    expect(consoleErrors).toEqual([]);
  });
});
