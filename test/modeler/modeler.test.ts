// The browser modeler end to end: the built modeler served by the real server (temporary SQLite
// folder, shipped diagrams), driven in Debian's chromium. One designer's working session, step by step;
// each step leaves a screenshot in test-output/modeler/.
import { mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../server/start.js';
import { browserAvailable } from '../support/browser.js';
import { DESIGNER_TOKEN as DESIGNER, INTEGRATION_TOKEN as INTEGRATION, type ModelerSession, useModelerSession } from '../support/modeler-session.js';
import { arrayWith } from '../support/matchers.js';
import type { ModelerWindow } from '../support/modeler-window.js';

const ROOT = resolve(import.meta.dirname, '../..');
const SCREENSHOTS = join(ROOT, 'test-output/modeler');
const DIRECTOR_TASK = 'UserTask_ApproveBySalesDirector';
const AMOUNT_FLOW = 'Flow_AmountTier_Above1000000';
/** dirk, of the session's users: a vice-president among his groups. */
const APPROVER = 'approver-token-for-tests';

// One designer's session is a few dozen steps per test, each a browser round trip (the deploy dialog's first impact
// report among them, a second of the server's CPU alone): with the suite's other files running beside chromium on 2
// cores a test took longer than vitest's 30 s, and every test after it failed on the page it left behind.
describe.skipIf(!browserAvailable)('browser modeler against the real server', { timeout: 90_000 }, () => {
  let served: ModelerSession;
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  let consoleErrors: string[] = [];

  // signed in by the first test, through the dialog
  useModelerSession({ signInWith: null }, (session) => {
    served = session;
    ({ server, browser, page, consoleErrors } = session);
    mkdirSync(SCREENSHOTS, { recursive: true });
    page.on('response', (response) => {
      if (response.status() >= 400) consoleErrors.push(`(${response.status()} from ${response.request().method()} ${response.url()})`);
    });
  });

  // a test that fails with a dialog open would fail every test after it on the dialog's backdrop, hiding which
  // one went wrong: close it
  afterEach(async ({ task }) => {
    if (task.result?.state !== 'fail') return;
    await page.evaluate(() => document.querySelectorAll('dialog[open]').forEach((dialog) => (dialog as HTMLDialogElement).close()));
  });

  const shot = (name: string) => page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
  const modelerEval = <T>(fn: string) => page.evaluate<T>(fn);

  async function editCondition(flowId: string, feel: string): Promise<void> {
    await page.evaluate((id) => {
      const modeler = (window as unknown as ModelerWindow).stratumModeler;
      modeler.get('selection').select(modeler.get('elementRegistry').get(id)!);
    }, flowId);
    const group = page.locator('[data-group-id=group-condition]');
    if (!(await group.locator('.bio-properties-panel-group-entries.open').count())) {
      await group.locator('.bio-properties-panel-group-header').click();
    }
    const editor = group.locator('.cm-content');
    await editor.click();
    await page.keyboard.press('Control+A');
    await page.keyboard.type(feel);
    await page.waitForTimeout(600);
  }

  it('signs in with a token kept in the browser and shows the library as a tree by level', async () => {
    await page.goto(server.url + '/');
    await page.locator('[data-dialog=token]').waitFor();
    await shot('00-token-dialog');
    await page.locator('[data-dialog=token] input[name=token]').fill(DESIGNER);
    await page.locator('[data-dialog=token] button[type=submit]').click();
    await page.waitForSelector('body[data-ready=true]');
    expect(await page.evaluate(() => localStorage.getItem('stratum.token'))).toBe(DESIGNER);

    const items = page.locator('.library-item');
    await expect.poll(() => items.count()).toBe(6);
    expect(await page.locator('.library-item[data-key=order-to-cash] .level-badge').textContent()).toBe('L1');
    expect(await page.locator('.library-item[data-key=credit-order-approval] .level-badge').textContent()).toBe('L3');
    expect(await page.locator('.library-item[data-key=credit-order-approval] .where-used').textContent()).toContain('sales-order-management');
    expect(await page.locator('.document-key').textContent()).toBe('order-to-cash');
    await page.locator('.library-search').fill('prepaid');
    await expect.poll(() => items.count()).toBe(2);
    await shot('01-library-search');
    await page.locator('.library-search').fill('');
    await shot('02-library');
  });

  it('keeps the bpmn.io watermark visible and uncovered, the one condition of bpmn-js\'s licence', async () => {
    const watermark = page.locator('.bjs-powered-by');
    await expect.poll(() => watermark.isVisible()).toBe(true);
    const box = (await watermark.boundingBox())!;
    const viewport = page.viewportSize()!;
    expect(box.x >= 0 && box.y >= 0 && box.x + box.width <= viewport.width && box.y + box.height <= viewport.height).toBe(true);
    const onTop = await page.evaluate(([x, y]) => document.elementFromPoint(x, y)?.closest('.bjs-powered-by') != null, [box.x + box.width / 2, box.y + box.height / 2]);
    expect(onTop).toBe(true);
  });

  it('drills down two levels through call activities and back, keeping the parent\'s unsaved edits', async () => {
    // an unsaved edit of the parent: rename the end event through the command stack
    await page.evaluate(() => {
      const modeler = (window as unknown as ModelerWindow).stratumModeler;
      const end = modeler.get('elementRegistry').filter((e) => e.type === 'bpmn:EndEvent')[0];
      modeler.get('modeling').updateLabel(end, 'Order closed (edited)');
    });
    await page.locator('.stratum-drilldown[data-called=sales-order-management]').click();
    await expect.poll(() => page.locator('.document-key').textContent()).toBe('sales-order-management');
    await page.locator('.djs-overlays[data-container-id=CallActivity_ApproveCreditOrder] .stratum-drilldown[data-called=credit-order-approval]').click();
    await expect.poll(() => page.locator('.document-key').textContent()).toBe('credit-order-approval');
    const crumbs = await page.locator('.breadcrumbs .crumb').allTextContents();
    expect(crumbs.map((c) => c.replace(' •', ''))).toEqual(['order-to-cash', 'sales-order-management', 'credit-order-approval']);
    await shot('03-drilled-down-two-levels');

    await page.locator('.breadcrumbs .crumb[data-key=order-to-cash]').click();
    await expect.poll(() => page.locator('.document-key').textContent()).toBe('order-to-cash');
    expect(await page.locator('.breadcrumbs').isHidden()).toBe(true);
    const names = await modelerEval<string[]>(`window.stratumModeler.get('elementRegistry').filter(e => e.type === 'bpmn:EndEvent').map(e => e.businessObject.name)`);
    expect(names).toContain('Order closed (edited)');
    expect(await page.locator('[data-badge=dirty]').count()).toBe(1);
    await shot('04-back-with-unsaved-edit');
  });

  it('edits a condition with FEEL feedback; the lint finding appears on the flow and disappears when fixed', async () => {
    await page.locator('.library-item[data-key=credit-order-approval] .library-open').click();
    await expect.poll(() => page.locator('.document-key').textContent()).toBe('credit-order-approval');

    await editCondition(AMOUNT_FLOW, 'reportingAmount >');
    await expect.poll(() => page.locator('.stratum-feel-check').getAttribute('class')).toContain('invalid');
    await expect.poll(() => page.locator(`.djs-overlay-container [data-container-id=${AMOUNT_FLOW}] .bjsl-overlay`).count()).toBe(1);
    await shot('05-lint-finding-on-condition');

    // the server refuses the same problem, and its findings land on the flow
    await page.locator('[data-action=deploy]').click();
    await page.locator('[data-dialog=deploy] textarea[name=note]').fill('half-typed condition');
    await page.locator('[data-dialog=deploy] button[type=submit]').click();
    await page.locator(`.stratum-finding-badge[data-element=${AMOUNT_FLOW}]`).waitFor();
    expect(await page.locator('.findings li[data-rule]').first().textContent()).toContain(AMOUNT_FLOW);
    await shot('06-deploy-refused-findings');

    // a condition on a variable nothing in the call tree supplies: shown while drawing, as deploy would
    const lintText = () => page.locator(`.djs-overlay-container [data-container-id=${AMOUNT_FLOW}] .bjsl-overlay`).allTextContents().then((texts) => texts.join(' '));
    await editCondition(AMOUNT_FLOW, 'reportingAmount >= 1000000 and rushOrder');
    await expect.poll(lintText).toContain('reads "rushOrder"');
    expect(await lintText()).toContain('condition-variables-supplied');
    // with the library's call graph: the variable would enter where orders enter (or nowhere, once order-to-cash declares its start)
    expect(await lintText()).toMatch(/start event of "order-to-cash", where its variables enter|only called from processes that declare/);
    // and the task groups the server knows members of, so a candidate group nobody is in shows too
    expect(await modelerEval(`window.stratumModeler.get('linting').getLinterConfig().config.rules['stratum/candidate-group-members']`))
      .toEqual(['error', { knownGroups: ['inspection', 'procurement', 'production', 'sales-director', 'vice-president'] }]);
    await shot('06b-lint-unsupplied-variable');

    await editCondition(AMOUNT_FLOW, 'reportingAmount >= 1000000');
    await expect.poll(() => page.locator('.stratum-feel-check').textContent()).toContain('Valid FEEL');
    // what remains at most is the warning that the library's start events do not declare "amount" yet
    await expect.poll(lintText).not.toMatch(/rushOrder|FEEL/);
    expect(await page.locator(`.djs-overlay-container [data-container-id=${AMOUNT_FLOW}] .bjsl-icon-error`).count()).toBe(0);
    expect(await page.locator(`.stratum-finding-badge[data-element=${AMOUNT_FLOW}]`).count()).toBe(0);
    expect(await page.locator(`.findings li.resolved[data-element=${AMOUNT_FLOW}]`).count()).toBe(1);
    await shot('07-condition-fixed-no-finding');

    // the default flow is one checkbox away, and stays the gateway's default
    await page.evaluate(() => {
      const modeler = (window as unknown as ModelerWindow).stratumModeler;
      modeler.get('selection').select(modeler.get('elementRegistry').get('Flow_AmountTier_UpTo500000')!);
    });
    const defaultFlow = page.locator('[data-entry-id=stratum-default-flow] input[type=checkbox]');
    expect(await defaultFlow.isChecked()).toBe(true);
  });

  it('deploys with a change note, then shows version 2 in the history and the diff with the changed condition', async () => {
    // recorded orders: two of exactly 1,000,000 (a vice-president's review today, which rejects them; the director's approval after the change), one below
    for (const [orderNo, amount] of [['BR-1000000', 1_000_000], ['BR-1000000-2', 1_000_000], ['BR-300000', 300_000]] as const) {
      const response = await fetch(`${server.url}/api/orders`, {
        method: 'POST', headers: { authorization: `Bearer ${INTEGRATION}`, 'content-type': 'application/json' },
        body: JSON.stringify({ orderNo, customer: { name: 'ACME' }, amount, currency: 'CNY', paymentTerms: 'credit' }),
      });
      expect(response.status).toBe(201);
    }
    // the vice-president rejects the two: ended orders replay as if entered now (a running one keeps the version it
    // started, and would finish its review there)
    for (const orderNo of ['BR-1000000', 'BR-1000000-2']) {
      const tasks = await fetch(`${server.url}/api/tasks?businessKey=${orderNo}`, { headers: { authorization: `Bearer ${APPROVER}` } });
      const [task] = await tasks.json() as { id: string }[];
      const decided = await fetch(`${server.url}/api/tasks/${encodeURIComponent(task.id)}/complete`, {
        method: 'POST', headers: { authorization: `Bearer ${APPROVER}`, 'content-type': 'application/json' },
        body: JSON.stringify({ variables: { approved: false, comment: 'over the credit limit' } }),
      });
      expect(decided.status).toBe(200);
    }
    await page.locator('[data-action=deploy]').click();
    expect(await page.locator('[data-dialog=deploy] .deploy-changes').textContent()).toMatch(/\d+ changed, 1 of them a condition/);
    // the impact before confirming: the orders at exactly 1,000,000 the vice-president rejected would go to the sales
    // director instead, so they would no longer be rejected
    const impact = page.locator('[data-dialog=deploy] .deploy-impact');
    // the first impact report replays the recorded orders in fresh worker processes: a second of CPU alone, more than
    // the suite's 10 s poll on a loaded runner (as the second report's wait below)
    await expect.poll(() => impact.textContent(), { timeout: 60_000 }).toContain('2 order(s) would no longer be rejected');
    expect(await impact.locator('.impact-no-longer-rejected button').allTextContents()).toEqual(['BR-1000000-2', 'BR-1000000']);
    // each order number a button of its own, the numbers separated as a list reads (not "BR-1000000-2BR-1000000")
    expect(await impact.locator('.impact-no-longer-rejected').textContent()).toBe('2 order(s) would no longer be rejected: BR-1000000-2, BR-1000000');
    // BR-300000, approved automatically and at its planning, has no call to the approval ahead: only a raise would call it again
    expect(await impact.locator('[data-impact-process=credit-order-approval]').textContent()).toContain('when they reach a call to it: 0.');
    expect(await impact.locator('[data-impact-on-change=credit-order-approval]').textContent())
      .toBe('Running orders that would start credit-order-approval version 2 only if a change to the order leads to a call to it: 1 — BR-300000');
    // 1,000,000 itself moved to the director's tier, but two conditions still keep it in the vice-president's: warnings, which do not block
    const related = impact.locator('.impact-related-conditions');
    expect(await related.locator('p').textContent()).toBe('Warning: 2 condition(s) still compare with a constant this change moved. ' +
      'Check whether they should change with it (this does not block the deployment).');
    expect(await related.locator('li.warning').evaluateAll((items) => items.map((item) => `${item.getAttribute('data-process')}/${item.getAttribute('data-element')}`)))
      .toEqual(['credit-order-approval/Flow_AmountTier_Above500000', 'sales-order-management/Flow_ApprovalTierRaised_Yes']);
    expect(await related.locator('li.warning').first().textContent()).toBe('credit-order-approval "Amount tier?" still compares reportingAmount <= 1000000, ' +
      'while this change turned reportingAmount > 1000000 into reportingAmount >= 1000000 in its flow "more than 1,000,000" Open credit-order-approval');
    expect(await page.locator('[data-dialog=deploy] button[type=submit]').textContent()).toBe('Deploy');
    await page.locator('[data-dialog=deploy] textarea[name=note]').fill('Director approval from exactly 1,000,000');
    await shot('07b-deploy-dialog');
    await page.locator('[data-dialog=deploy] button[type=submit]').click();
    await expect.poll(() => page.locator('.status').textContent()).toContain('version 2');
    // deployed without errors (warnings, such as start variables the library does not declare yet, may be listed)
    expect(await page.locator('.findings li.error').count()).toBe(0);
    expect(await page.locator('.library-item[data-key=credit-order-approval] .version-badge').textContent()).toBe('v2');

    // Deploy… again with nothing changed: the orders entered before version 2 ran on an older version, shown apart, not as this change's
    await page.locator('[data-action=deploy]').click();
    const again = page.locator('[data-dialog=deploy]');
    const older = again.locator('.deploy-impact .impact-older-version');
    await older.waitFor({ timeout: 60_000 });
    expect(await older.locator('p').textContent()).toBe('2 order(s) ran on an older version: the deployed library already routes them otherwise, ' +
      'which is an earlier deployment\'s doing, not this change\'s (not counted above)');
    expect(await older.locator('li.impact-older-no-longer-rejected').textContent())
      .toBe('2 order(s) would no longer be rejected on the deployed library: BR-1000000-2, BR-1000000');
    expect(await again.locator('.deploy-impact .impact-groups li').count()).toBe(0);
    expect(await again.locator('.deploy-impact strong').textContent()).toContain('0 would change route, 0 would block');
    await again.locator('.dialog-buttons button.secondary').click();

    await page.locator('.side-tab[data-tab=history]').click();
    const latest = page.locator('.version[data-version="2"]');
    await latest.waitFor();
    expect(await latest.locator('.version-note').textContent()).toBe('Director approval from exactly 1,000,000');
    expect(await latest.locator('.version-author').textContent()).toBe('ann');
    await shot('08-history-version-2');

    await latest.locator('[data-action=diff-previous]').click();
    const condition = page.locator(`.diff-section.conditions li[data-flow=${AMOUNT_FLOW}]`);
    await condition.waitFor();
    expect(await condition.locator('code.old').textContent()).toBe('=reportingAmount > 1000000');
    expect(await condition.locator('code.new').textContent()).toBe('=reportingAmount >= 1000000');
    expect(await modelerEval<boolean>(`window.stratumModeler.get('canvas').hasMarker('${AMOUNT_FLOW}', 'stratum-diff-changed')`)).toBe(true);
    expect(await page.locator('[data-badge=read-only]').count()).toBe(1);
    await shot('09-diff-v1-v2');

    await page.locator('.version[data-version="1"] [data-action=open-version]').click();
    await expect.poll(() => page.locator('.document-title').textContent()).toContain('v1 of 2');
    expect(await page.locator('.djs-palette').isVisible()).toBe(false);
    await shot('10-version-1-read-only');
  });

  it('simulates a 1,200,000 credit order: gateways follow their FEEL conditions, into credit approval and to the sales director', async () => {
    await page.locator('.side-tab[data-tab=library]').click();
    await page.locator('.library-item[data-key=sales-order-management] .library-open').click();
    await expect.poll(() => page.locator('.document-key').textContent()).toBe('sales-order-management');
    await page.locator('[data-action=simulate]').click();
    await page.locator('.simulation-panel').waitFor();
    await page.locator('#sim-amount').fill('1200000');
    await page.locator('#sim-terms').selectOption('credit');
    await expect.poll(() => page.locator('.gateway-decisions li[data-gateway=Gateway_PaymentTerms]').textContent()).toContain('credit');
    // the change loop's gateways read what an OrderChanged message brings: the simulated order supplies it
    expect(await page.locator('.gateway-decisions .decision-errors').count()).toBe(0);
    const tierRaised = page.locator('.gateway-decisions li[data-gateway=Gateway_ApprovalTierRaised]');
    await expect.poll(() => tierRaised.textContent()).toContain('→ no');
    await page.locator('#sim-amount').fill('400000');
    await page.locator('#sim-changed').fill('1500000');
    await expect.poll(() => tierRaised.textContent()).toContain('→ yes');
    await page.locator('#sim-changed').fill('');
    await page.locator('#sim-amount').fill('1200000');
    await expect.poll(() => tierRaised.textContent()).toContain('→ no');
    await page.locator('[data-action=run-simulation]').click();
    const inside = page.locator('.reached-elements [data-action=simulate-inside]', { hasText: 'credit-order-approval' });
    await inside.waitFor({ timeout: 20_000 });
    await shot('11a-simulation-sales-order-management');

    await inside.click();
    await expect.poll(() => page.locator('.document-key').textContent()).toBe('credit-order-approval');
    expect(await page.locator('.breadcrumbs .crumb[data-key=sales-order-management]').count()).toBe(1);
    await expect.poll(() => page.locator('.gateway-decisions li[data-gateway=Gateway_AmountTier]').textContent()).toContain('more than 1,000,000');
    await page.locator(`.reached-elements li[data-element=${DIRECTOR_TASK}]`).waitFor({ timeout: 20_000 });
    await shot('11-simulation-director');
    // the approvers' answer as the approval tasks write it (directorApproved, vicePresidentApproved), not as rejections
    const directorApproved = page.locator('.gateway-decisions li[data-gateway=Gateway_DirectorApproved]');
    expect(await directorApproved.textContent()).toContain('→ yes');
    expect(await page.locator('.gateway-decisions .decision-errors').count()).toBe(0);
    await page.locator('#sim-approvals').selectOption('reject');
    await expect.poll(() => directorApproved.textContent()).toContain('→ no');
    expect(await page.locator('.gateway-decisions .decision-errors').count()).toBe(0);
    await page.locator('#sim-approvals').selectOption('approve');

    await page.locator('#sim-amount').fill('300000');
    await expect.poll(() => page.locator('.gateway-decisions li[data-gateway=Gateway_AmountTier]').textContent()).toContain('up to 500,000');
    // back in the caller by the breadcrumb, still simulating: the called process's trail is not listed as the caller's
    expect(await page.locator('.reached-elements li').count()).toBeGreaterThan(0);
    await page.locator('.breadcrumbs .crumb[data-key=sales-order-management]').click();
    await expect.poll(() => page.locator('.document-key').textContent()).toBe('sales-order-management');
    expect(await page.locator('.simulation-panel').isVisible()).toBe(true);
    await expect.poll(() => page.locator('.reached-elements li').count()).toBe(0);
    await page.locator('[data-action=simulate]').click();
    await page.locator('.simulation-panel').waitFor({ state: 'hidden' });
  }, 60_000);

  it('opens a running order by business key and shows where it waits, down to the director task', async () => {
    const response = await fetch(`${server.url}/api/orders`, {
      method: 'POST',
      headers: { authorization: `Bearer ${INTEGRATION}`, 'content-type': 'application/json' },
      body: JSON.stringify({ orderNo: 'ORD-1200', customer: { name: 'ACME' }, amount: 1_200_000, currency: 'EUR', paymentTerms: 'credit' }),
    });
    expect(response.status).toBe(201);

    await page.locator('.side-tab[data-tab=instances]').click();
    await page.locator('.instance-query').fill('ORD-1200');
    await page.locator('.instance-form button[type=submit]').click();
    await page.locator('.instance-card').waitFor();
    expect(await page.locator('.document-key').textContent()).toBe('order-to-cash');
    expect(await page.locator('.instance-waiting li[data-element=' + DIRECTOR_TASK + ']').textContent()).toContain('sales-director');
    await shot('12-instance-root-waiting');

    // following the call activities of the instance opens the child instances
    await page.locator('.stratum-drilldown[data-called=sales-order-management]').click();
    await expect.poll(() => page.locator('.document-key').textContent()).toBe('sales-order-management');
    expect(await page.locator('.badge.context').textContent()).toContain('ORD-1200');
    await page.locator('.djs-overlays[data-container-id=CallActivity_ApproveCreditOrder] .stratum-drilldown[data-called=credit-order-approval]').click();
    await expect.poll(() => page.locator('.document-key').textContent()).toBe('credit-order-approval');
    await expect.poll(() => modelerEval<boolean>(`window.stratumModeler.get('canvas').hasMarker('${DIRECTOR_TASK}', 'stratum-instance-waiting')`)).toBe(true);
    expect(await modelerEval<boolean>(`window.stratumModeler.get('canvas').hasMarker('Gateway_AmountTier', 'stratum-instance-path')`)).toBe(true);
    await shot('13-instance-waits-at-director');

    await page.locator('.side-tab[data-tab=library]').click();
    await page.locator('.library-item[data-key=credit-order-approval] .library-open').click();
    await expect.poll(() => page.locator('.document-title').textContent()).toContain('v2 (latest)');
    await page.locator('[data-action=waiting-counts]').click();
    await expect.poll(() => page.locator(`.stratum-waiting-count[data-element=${DIRECTOR_TASK}]`).textContent()).toBe('1');
    await shot('14-waiting-counts');
  });

  it('offers the library\'s keys for a call activity\'s called process', async () => {
    await page.locator('.side-tab[data-tab=library]').click();
    await page.locator('.library-item[data-key=sales-order-management] .library-open').click();
    await expect.poll(() => page.locator('.document-key').textContent()).toBe('sales-order-management');
    const callActivity = await modelerEval<string>(`window.stratumModeler.get('elementRegistry').filter(e => e.type === 'bpmn:CallActivity' && e.businessObject.name === 'Approve credit order')[0].id`);
    await page.evaluate((id) => {
      const modeler = (window as unknown as ModelerWindow).stratumModeler;
      modeler.get('selection').select(modeler.get('elementRegistry').get(id)!);
    }, callActivity);
    const group = page.locator('[data-group-id=group-calledElement]');
    if (!(await group.locator('.bio-properties-panel-group-entries.open').count())) await group.locator('.bio-properties-panel-group-header').click();
    const picker = group.locator('[data-entry-id=stratum-called-process] select');
    expect(await picker.inputValue()).toBe('credit-order-approval');
    const options = await picker.locator('option').evaluateAll((nodes) => nodes.map((n) => (n as HTMLOptionElement).value));
    expect(options).toEqual(arrayWith(['order-to-cash', 'credit-order-approval', 'prepaid-entry-control', 'special-change-notification']));
    await shot('15-called-process-picker');

    const calledKey = `window.stratumModeler.get('elementRegistry').get('${callActivity}').businessObject.extensionElements.values.find(v => v.$type === 'zeebe:CalledElement').processId`;
    await picker.selectOption('prepaid-entry-control');
    await expect.poll(() => modelerEval<string>(calledKey)).toBe('prepaid-entry-control');
    expect(await page.locator(`[data-container-id=${callActivity}] .stratum-drilldown`).getAttribute('data-called')).toBe('prepaid-entry-control');
    await page.evaluate(() => (window as unknown as ModelerWindow).stratumModeler.get('commandStack').undo());
    expect(await modelerEval<string>(calledKey)).toBe('credit-order-approval');
  });

  it('opens another tool\'s .bpmn from disk and saves it with its vendor data and comment intact', async () => {
    await page.locator('input[data-file-input=bpmn]').setInputFiles(join(import.meta.dirname, 'fixtures/other-tool.bpmn'));
    await expect.poll(() => page.locator('.document-key').textContent()).toBe('returns-handling');
    await page.evaluate(() => {
      const modeler = (window as unknown as ModelerWindow).stratumModeler;
      modeler.get('modeling').updateLabel(modeler.get('elementRegistry').get('Task_Inspect')!, 'Inspect returned goods');
    });
    await shot('16-opened-from-disk');
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-action=save-bpmn]').click()]);
    expect(download.suggestedFilename()).toBe('other-tool.bpmn');
    const saved = await readFile(await download.path(), 'utf8');
    expect(saved).toContain('<!-- Exported by Acme Process Studio 4.2: keep this comment -->');
    expect(saved).toContain('<acme:owner department="After sales" />');
    expect(saved).toContain('acme:color="teal"');
    expect(saved).toContain('acme:studioVersion="4.2"');
    expect(saved).toContain('name="Inspect returned goods"');

    const [svg] = await Promise.all([page.waitForEvent('download'), page.locator('[data-action=save-svg]').click()]);
    expect(svg.suggestedFilename()).toBe('other-tool.svg');
    expect(await readFile(await svg.path(), 'utf8')).toContain('returned goods');
  });

  it('starts a new process from the template', async () => {
    await page.locator('[data-action=new]').click();
    await page.locator('[data-dialog=new-process] input[name=key]').fill('complaint-handling');
    await page.locator('[data-dialog=new-process] input[name=name]').fill('Complaint handling');
    await page.locator('[data-dialog=new-process] button[type=submit]').click();
    await expect.poll(() => page.locator('.document-key').textContent()).toBe('complaint-handling');
    const types = await modelerEval<string[]>(`window.stratumModeler.get('elementRegistry').getAll().map(e => e.type)`);
    expect(types).toContain('bpmn:StartEvent');
    expect(await page.locator('.djs-palette').isVisible()).toBe(true);
    await shot('17-new-process');
  });

  it('after a reload keeps the token and the unsaved draft, and Revert drops the draft', async () => {
    await page.reload();
    await page.waitForSelector('body[data-ready=true]');
    expect(await page.locator('[data-dialog=token]').count()).toBe(0);
    await page.locator('.library-item[data-key=order-to-cash] .draft-badge').waitFor();
    await page.locator('.library-item[data-key=order-to-cash] .library-open').click();
    await expect.poll(() => modelerEval<string[]>(`window.stratumModeler.get('elementRegistry').filter(e => e.type === 'bpmn:EndEvent').map(e => e.businessObject.name)`))
      .toContain('Order closed (edited)');
    expect(await page.locator('[data-badge=dirty]').count()).toBe(1);
    await shot('18-draft-after-reload');

    await page.locator('[data-action=revert]').click();
    await expect.poll(() => page.locator('.status').textContent()).toContain('Reverted order-to-cash');
    const names = await modelerEval<string[]>(`window.stratumModeler.get('elementRegistry').filter(e => e.type === 'bpmn:EndEvent').map(e => e.businessObject.name)`);
    expect(names).not.toContain('Order closed (edited)');
    expect(await page.locator('[data-badge=dirty]').count()).toBe(0);
    expect(await page.locator('.library-item[data-key=order-to-cash] .draft-badge').count()).toBe(0);
  });

  it('folds the side panels away for a wide process, and back', async () => {
    const canvasWidth = () => page.locator('#canvas').evaluate((node) => node.getBoundingClientRect().width);
    const before = await canvasWidth();
    await page.locator('[data-action=toggle-side]').click();
    await page.locator('[data-action=toggle-properties]').click();
    expect(await page.locator('.side-panel').isHidden()).toBe(true);
    expect(await page.locator('.properties').isHidden()).toBe(true);
    expect(await canvasWidth()).toBe(1280);
    expect(await page.locator('[data-action=toggle-side]').getAttribute('class')).not.toContain('active');
    await shot('20-panels-folded');
    await page.locator('[data-action=toggle-side]').click();
    await page.locator('[data-action=toggle-properties]').click();
    expect(await canvasWidth()).toBe(before);
  });

  it('offers the demo users when the server runs in demo mode', async () => {
    const demo = await served.startDemoServer();
    const demoPage = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const errors: string[] = [];
    demoPage.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    try {
      await demoPage.goto(demo.url + '/');
      await demoPage.locator('[data-dialog=token] .shortcut', { hasText: 'Demo: designer' }).click();
      await demoPage.waitForSelector('body[data-ready=true]');
      await expect.poll(() => demoPage.locator('.library-item').count()).toBe(6);
      expect(await demoPage.evaluate(() => localStorage.getItem('stratum.token'))).toBe('demo-designer');
      await demoPage.screenshot({ path: join(SCREENSHOTS, '19-demo-mode.png') });
      expect(errors).toEqual([]);
    } finally {
      await demoPage.close();
      await demo.close();
    }
  });

  it('logs no console errors along the way', () => {
    // Chromium logs every non-2xx response; the one refused deployment above is the intended 422.
    const expectedRefusal = /Failed to load resource: the server responded with a status of 422|^\(422 from POST .*\/api\/deployments/;
    expect(consoleErrors.filter((text) => !expectedRefusal.test(text))).toEqual([]);
    expect(consoleErrors.filter((text) => expectedRefusal.test(text))).toHaveLength(2);
  });
});
