// The modeler's canvas for a designer (issue 14 B 2, 3, 7, 8, 9): the Problems panel, navigation
// (zoom, fit, minimap, readable zoom, shortcut help), read-only diffs that look read-only, overlays
// beside labels, element templates and the layout on narrow screens. The built modeler is served by
// the real server (shipped diagrams) and driven in Debian's chromium; screenshots in test-output/canvas/.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { RunningServer } from '../../server/start.js';
import { browserAvailable } from '../support/browser.js';
import { INTEGRATION_TOKEN as INTEGRATION, overlaysOverLabels, useModelerSession } from '../support/modeler-session.js';
import type { ModelerWindow } from '../support/modeler-window.js';

const ROOT = resolve(import.meta.dirname, '../..');
const SCREENSHOTS = join(ROOT, 'test-output/canvas');
const AMOUNT_FLOW = 'Flow_AmountTier_Above1000000';
const DIRECTOR_TASK = 'UserTask_ApproveBySalesDirector';

interface Box { x: number; y: number; width: number; height: number }

describe.skipIf(!browserAvailable)('the modeler canvas', () => {
  let server: RunningServer;
  let page: Page;
  let consoleErrors: string[] = [];

  useModelerSession({}, (session) => {
    ({ server, page, consoleErrors } = session);
    mkdirSync(SCREENSHOTS, { recursive: true });
  });

  const shot = (name: string) => page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
  const modelerEval = <T>(fn: string) => page.evaluate<T>(fn);
  const selected = () => modelerEval<string[]>(`window.stratumModeler.get('selection').get().map(e => e.id)`);
  const zoom = () => modelerEval<number>(`window.stratumModeler.get('canvas').zoom()`);

  async function openProcess(key: string): Promise<void> {
    // wait for this open to finish, not just for the title: the same process may already be open, and an edit
    // made before the import ends is lost with the canvas it was made on
    await page.evaluate(() => {
      const w = window as unknown as ModelerWindow;
      w.stratumOpened = false;
      w.stratumModeler.get('eventBus').once('stratum.document.opened', () => { w.stratumOpened = true; });
    });
    await page.locator('.side-tab[data-tab=library]').click();
    await page.locator(`.library-item[data-key=${key}] .library-open`).click();
    await expect.poll(() => page.evaluate(() => (window as unknown as ModelerWindow).stratumOpened)).toBe(true);
    expect(await page.locator('.document-key').textContent()).toBe(key);
  }

  function paletteCoversAShape(): Promise<boolean> {
    return page.evaluate(() => {
      const palette = document.querySelector('.djs-palette')!.getBoundingClientRect();
      return [...document.querySelectorAll('.djs-shape')].some((shape) => {
        const box = shape.getBoundingClientRect();
        return box.right > palette.left && box.left < palette.right && box.bottom > palette.top && box.top < palette.bottom;
      });
    });
  }

  async function setCondition(flowId: string, body: string): Promise<void> {
    await page.evaluate(([id, text]) => {
      const modeler = (window as unknown as ModelerWindow).stratumModeler;
      const flow = modeler.get('elementRegistry').get(id)!;
      const expression = modeler.get('moddle').create('bpmn:FormalExpression', { body: text });
      modeler.get('modeling').updateProperties(flow, { conditionExpression: expression });
    }, [flowId, body]);
  }

  it('lists the diagram\'s problems in a panel the lint button opens; a click selects the element, and fixing it clears the entry', async () => {
    await openProcess('credit-order-approval');
    const toggle = page.locator('[data-action=toggle-problems]');
    await toggle.waitFor();
    expect(await page.locator('.bjsl-button').isVisible()).toBe(false);
    await toggle.click();
    expect(await page.locator('#problems').isVisible()).toBe(true);

    await setCondition(AMOUNT_FLOW, '=reportingAmount > 1000000 and rushOrder');
    const problem = page.locator(`#problems li[data-rule=condition-variables-supplied][data-element=${AMOUNT_FLOW}]`);
    await problem.waitFor({ timeout: 15_000 });
    expect(await problem.textContent()).toContain('reads "rushOrder"');
    // the lint button toggles the panel, never the checks: the overlay on the flow stays
    expect(await modelerEval<boolean>(`window.stratumModeler.get('linting').isActive()`)).toBe(true);
    await shot('01-problems-panel');

    await modelerEval(`window.stratumModeler.get('selection').select(null)`);
    await problem.locator('button').click();
    expect(await selected()).toEqual([AMOUNT_FLOW]);

    await setCondition(AMOUNT_FLOW, '=reportingAmount > 1000000');
    await expect.poll(() => problem.count(), { timeout: 15_000 }).toBe(0);
    expect(await page.locator('[data-action=toggle-problems] .count.error').textContent()).toBe('✖ 0');

    // the whole library, on demand
    await page.locator('[data-action=check-library]').click();
    await expect.poll(() => page.locator('#problems h4').textContent()).toContain('Other processes of the library');
    await page.locator('[data-action=close-problems]').click();
    expect(await page.locator('#problems').isVisible()).toBe(false);
    await modelerEval(`window.stratumModeler.get('commandStack').undo(), window.stratumModeler.get('commandStack').undo()`);
  });

  it('opens every diagram fitted at a readable zoom, beside the palette; zoom buttons, fit, reset, minimap and the shortcut help work', async () => {
    for (const key of ['order-to-cash', 'sales-order-management', 'credit-order-approval']) {
      await openProcess(key);
      expect(await zoom()).toBeGreaterThanOrEqual(0.75);
      expect(await paletteCoversAShape(), `${key}: the palette covers a shape`).toBe(false);
    }
    await shot('02-opened-fitted');

    const before = await zoom();
    await page.locator('[data-action=zoom-in]').click();
    expect(await zoom()).toBeCloseTo(before * 1.2, 5);
    await page.locator('[data-action=zoom-out]').click();
    await page.locator('[data-action=zoom-out]').click();
    expect(await zoom()).toBeLessThan(before);
    await page.locator('[data-action=reset-zoom]').click();
    expect(await zoom()).toBe(1);
    await page.locator('[data-action=fit-diagram]').click();
    expect(await page.locator('.zoom-level').textContent()).toBe(`${Math.round((await zoom()) * 100)} %`);

    const minimap = page.locator('.djs-minimap');
    expect(await minimap.count()).toBe(1);
    await minimap.locator('.toggle').click();
    await expect.poll(() => minimap.getAttribute('class')).toContain('open');
    await shot('03-minimap-and-zoom');
    await minimap.locator('.toggle').click();

    await page.locator('#canvas').click({ position: { x: 600, y: 30 } });
    await page.keyboard.press('Shift+?');
    await page.locator('[data-dialog=shortcuts]').waitFor();
    expect(await page.locator('[data-dialog=shortcuts] tr').count()).toBeGreaterThan(10);
    await shot('04-shortcut-help');
    await page.keyboard.press('Escape');
    await page.locator('[data-dialog=shortcuts]').waitFor({ state: 'detached' });
  }, 60_000);

  it('adds a correct approval step from its element template in one click', async () => {
    await openProcess('credit-order-approval');
    await modelerEval(`(() => { const m = window.stratumModeler, task = m.get('elementRegistry').get('${DIRECTOR_TASK}'); m.get('canvas').zoom(1); m.get('canvas').scrollToElement(task); m.get('selection').select(task); })()`);
    const entry = page.locator('.djs-context-pad [data-action="append.template.stratum.approval"]');
    await entry.click();
    const created = await modelerEval<{ id: string; type: string; groups: string; formKey: string; outputs: string[]; template: string }>(`(() => {
      const element = window.stratumModeler.get('selection').get()[0];
      const values = element.businessObject.extensionElements.values;
      return {
        id: element.id, type: element.type,
        groups: values.find(v => v.$type === 'zeebe:AssignmentDefinition').candidateGroups,
        formKey: values.find(v => v.$type === 'zeebe:FormDefinition').formKey,
        outputs: values.find(v => v.$type === 'zeebe:IoMapping').outputParameters.map(o => o.source + ' -> ' + o.target),
        template: element.businessObject.get('zeebe:modelerTemplate'),
      };
    })()`);
    expect(created).toMatchObject({
      type: 'bpmn:UserTask', groups: 'vice-president', formKey: 'camunda-forms:bpmn:UserTaskForm_ApprovalDecision', template: 'stratum.approval',
      outputs: ['=approved -> vicePresidentApproved', '=comment -> vicePresidentComment'],
    });
    await shot('05-approval-template-applied');
    // valid: no finding of the rules deploy applies is about the new task beyond its dangling end
    await expect.poll(() => modelerEval<string[]>(`window.stratumModeler.get('problemsPanel').problems.filter(p => p.elementId === '${created.id}').map(p => p.rule)`), { timeout: 15_000 })
      .toEqual(expect.not.arrayContaining(['user-task-candidate-groups', 'candidate-group-members', 'separation-of-duties', 'decision-reads-own-output']));
    const xml = await modelerEval<string>(`window.stratumModeler.saveXML().then(r => r.xml)`);
    expect(xml.match(/<zeebe:userTaskForm id="UserTaskForm_ApprovalDecision">/g)).toHaveLength(1);
    await modelerEval(`(() => { const s = window.stratumModeler.get('commandStack'); while (s.canUndo()) s.undo(); })()`);
    expect(await modelerEval<number>(`window.stratumModeler.get('elementRegistry').filter(e => e.type === 'bpmn:UserTask').length`)).toBe(2);
    // the autosaved draft goes once the edits are undone (a second later), so the next test opens the deployed version
    await expect.poll(() => page.evaluate(() => Object.keys(JSON.parse(localStorage.getItem('stratum.drafts') ?? '{}') as object)), { timeout: 10_000 })
      .not.toContain('credit-order-approval');
    // the same template in the palette: one entry per shipped template
    const palette = await page.locator('.djs-palette [data-action^="create.template.stratum."]').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-action')));
    expect(palette.sort()).toEqual(['create.template.stratum.approval', 'create.template.stratum.procurement-planning', 'create.template.stratum.production-planning', 'create.template.stratum.shipping']);
  });

  it('shows a diff read-only: fields and simulation disabled, a change selects its element on click', async () => {
    await openProcess('credit-order-approval');
    await setCondition(AMOUNT_FLOW, '=reportingAmount >= 1000000');
    await page.locator('[data-action=deploy]').click();
    // as a designer does: read the impact before confirming (the dialog deploys once it is known)
    await expect.poll(() => page.locator('[data-dialog=deploy] .deploy-impact').textContent(), { timeout: 60_000 }).toContain('credit-order-approval');
    await page.locator('[data-dialog=deploy] textarea[name=note]').fill('from exactly 1,000,000');
    await page.locator('[data-dialog=deploy] button[type=submit]').click();
    await expect.poll(async () => `${await page.locator('.status').textContent()} ${await page.locator('#findings').textContent()}`).toContain('version 2');

    await page.locator('.side-tab[data-tab=history]').click();
    await page.locator('.version[data-version="2"] [data-action=diff-previous]').click();
    const change = page.locator(`.diff-section.conditions li[data-flow=${AMOUNT_FLOW}]`);
    await change.waitFor();
    expect(await page.locator('fieldset#properties').evaluate((node) => (node as HTMLFieldSetElement).disabled)).toBe(true);
    expect(await page.locator('[data-action=simulate]').isDisabled()).toBe(true);

    await change.click();
    expect(await selected()).toEqual([AMOUNT_FLOW]);
    const inputs = page.locator('fieldset#properties input, fieldset#properties select, fieldset#properties textarea');
    await expect.poll(() => inputs.count()).toBeGreaterThan(0);
    expect(await inputs.evaluateAll((nodes) => nodes.every((n) => (n as HTMLInputElement).matches(':disabled')))).toBe(true);
    await shot('06-diff-read-only');

    await page.locator('[data-action=diff-side-by-side]').click();
    await page.locator('.diff-side-by-side .djs-container').waitFor();
    expect(await page.locator('.diff-side-by-side').textContent()).toContain('v1');
    await shot('07-diff-side-by-side');
    await page.locator('[data-action=diff-side-by-side]').click();
    // the impact alone may take 60 s under load: the test's limit covers it and the deploy and diff after it, so a slow
    // impact fails with its own message, not the test's timeout
  }, 120_000);

  it('fits a document opened from a read-only view beside the palette the new document shows', async () => {
    // the diff of the test before is on the canvas, read-only: no palette while it is
    expect(await page.locator('.djs-palette').isVisible()).toBe(false);
    await openProcess('order-to-cash');
    expect(await page.locator('.djs-palette').isVisible()).toBe(true);
    expect(await paletteCoversAShape(), 'order-to-cash: the palette covers a shape').toBe(false);
  });

  it('places waiting counts, wait cards and drill-down pills beside labels, never over them', async () => {
    const response = await fetch(`${server.url}/api/orders`, {
      method: 'POST', headers: { authorization: `Bearer ${INTEGRATION}`, 'content-type': 'application/json' },
      body: JSON.stringify({ orderNo: 'OV-1', customer: { name: 'ACME' }, amount: 1_200_000, currency: 'CNY', paymentTerms: 'credit' }),
    });
    expect(response.status).toBe(201);
    const intersections = () => overlaysOverLabels(page);

    await openProcess('credit-order-approval');
    await page.locator('[data-action=waiting-counts]').click();
    await page.locator(`.stratum-waiting-count[data-element=${DIRECTOR_TASK}]`).waitFor();
    let result = await intersections();
    expect(result.overlays).toBeGreaterThan(0);
    expect(result.hits).toEqual([]);
    await shot('08-waiting-counts-beside');

    await page.locator('.side-tab[data-tab=instances]').click();
    await page.locator('.instance-query').fill('OV-1');
    await page.locator('.instance-form button[type=submit]').click();
    await page.locator('.instance-card').waitFor();
    await page.locator('.stratum-drilldown[data-called=sales-order-management]').click();
    await expect.poll(() => page.locator('.document-key').textContent()).toBe('sales-order-management');
    await page.locator('.stratum-wait-card').first().waitFor();
    result = await intersections();
    expect(result.overlays).toBeGreaterThan(1);
    expect(result.hits).toEqual([]);
    // an instance is read-only too
    expect(await page.locator('fieldset#properties').evaluate((node) => (node as HTMLFieldSetElement).disabled)).toBe(true);
    await shot('09-instance-wait-cards-beside');
  });

  for (const width of [1024, 768]) {
    it(`works at ${width} px: nothing sticks out, the canvas keeps room, the controls stay reachable`, async () => {
      await page.setViewportSize({ width, height: 768 });
      if (width < 860) {
        // on a narrow screen the modeler starts with the side panel folded away, and it folds over the canvas when opened
        await page.reload();
        await page.waitForSelector('body[data-ready=true]');
        expect(await page.locator('.side-panel').isHidden()).toBe(true);
        await page.locator('[data-action=toggle-side]').click();
      }
      await openProcess('sales-order-management');
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
      const canvas = (await page.locator('#canvas').boundingBox())!;
      expect(canvas.width).toBeGreaterThanOrEqual(width >= 1024 ? 420 : 500);
      for (const selector of ['.toolbar-button', '.navigation-controls', '[data-action=toggle-problems]', '.djs-palette']) {
        const boxes = await page.locator(selector).evaluateAll((nodes) => nodes.filter((n) => (n as HTMLElement).offsetParent).map((n) => n.getBoundingClientRect().toJSON() as Box));
        expect(boxes.length, selector).toBeGreaterThan(0);
        for (const box of boxes) expect(box.x + box.width, `${selector} at ${width} px`).toBeLessThanOrEqual(width);
      }
      // nothing covers the toolbar (a panel folded over the canvas stays below the header)
      const covered = await page.locator('.toolbar-button').evaluateAll((nodes) => nodes.filter((n) => {
        const box = n.getBoundingClientRect();
        return !n.contains(document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2));
      }).map((n) => n.textContent));
      expect(covered).toEqual([]);
      await shot(`10-layout-${width}`);
      await page.setViewportSize({ width: 1280, height: 800 });
    });
  }

  it('logs no console errors along the way', () => {
    expect(consoleErrors).toEqual([]);
  });
});
