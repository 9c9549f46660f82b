// A rule change that turns out wrong is undone from the History tab (docs/modeler.md, "see versions"): version 2 of
// credit-order-approval starts the vice-president tier at 400,000; *Restore as draft* on version 1 makes its diagram the
// process's draft, editable and titled so, and Deploy… deploys it as version 3 with the usual dialog, its changes read
// against version 2 and the note suggested. A draft already kept is replaced only when the designer says so; the
// versions themselves stay read-only. Built modeler, real server, Debian's chromium; screenshots in
// test-output/history-restore/.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { RunningServer } from '../../server/start.js';
import { browserAvailable } from '../support/browser.js';
import { DESIGNER_TOKEN as DESIGNER, signIn, useModelerSession } from '../support/modeler-session.js';

const ROOT = resolve(import.meta.dirname, '../..');
const SCREENSHOTS = join(ROOT, 'test-output/history-restore');
const KEY = 'credit-order-approval';
const TIER_FLOW = 'Flow_AmountTier_Above500000';
const V1_TIER = '=reportingAmount > 500000 and reportingAmount <= 1000000';
const V2_TIER = '=reportingAmount > 400000 and reportingAmount <= 1000000';

interface Draft {
  xml: string;
  meta: { version: number | null; restoredFrom?: number };
}

describe.skipIf(!browserAvailable)('restoring an older version from the History tab', () => {
  let server: RunningServer;
  let page: Page;
  const headers = { authorization: `Bearer ${DESIGNER}` };

  useModelerSession({ signInWith: null }, async (session) => {
    ({ server, page } = session);
    const v1 = await (await fetch(`${server.url}/api/processes/${KEY}/versions/1/xml`, { headers })).text();
    const v2 = v1.replace('&gt; 500000 and', '&gt; 400000 and');
    expect(v2).not.toBe(v1);
    const form = new FormData();
    form.append('files', new Blob([v2], { type: 'application/xml' }), `${KEY}.bpmn`);
    form.append('note', 'vice-president reviews from 400,000');
    const response = await fetch(`${server.url}/api/deployments`, { method: 'POST', headers, body: form });
    expect(response.status, await response.clone().text()).toBe(201);
    mkdirSync(SCREENSHOTS, { recursive: true });
    await signIn(page, server.url, DESIGNER);
  });

  const shot = (name: string) => page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
  const documentKey = () => page.locator('.document-key').textContent();
  const documentTitle = () => page.locator('.document-title').textContent();
  const badges = (name: string) => page.locator(`.document-title [data-badge=${name}]`).count();
  const status = () => page.locator('.status').textContent();
  const draft = () => page.evaluate((key) => (JSON.parse(localStorage.getItem('stratum.drafts') ?? '{}') as Record<string, Draft>)[key] ?? null, KEY);
  // the page's modeler is reached with code as text: the test does not type bpmn-js's services
  const inModeler = <T>(code: string) => page.evaluate<T>(`(() => { const modeler = window.stratumModeler; ${code} })()`);
  const tierCondition = () => inModeler<string | undefined>(
    `return modeler.get('elementRegistry').get(${JSON.stringify(TIER_FLOW)})?.businessObject.conditionExpression?.body;`);
  const endEventNames = () => inModeler<string[]>(
    `return modeler.get('elementRegistry').filter((e) => e.type === 'bpmn:EndEvent').map((e) => e.businessObject.name);`);
  const version = (n: number) => page.locator(`.versions .version[data-version="${n}"]`);
  const api = async <T>(path: string) => {
    const response = await fetch(`${server.url}/api${path}`, { headers });
    expect(response.status, path).toBe(200);
    return await response.json() as T;
  };

  it('offers Restore as draft on older versions only, and opening one stays read-only', async () => {
    await page.locator(`.library-item[data-key=${KEY}] .library-open`).click();
    await expect.poll(documentKey).toBe(KEY);
    await page.locator('.side-tab[data-tab=history]').click();
    await version(1).waitFor();
    expect(await version(2).locator('[data-action=restore-version]').count()).toBe(0);
    expect(await version(1).locator('[data-action=restore-version]').textContent()).toBe('Restore as draft');

    await version(1).locator('[data-action=open-version]').click();
    await expect.poll(() => badges('read-only')).toBe(1);
    expect(await tierCondition()).toBe(V1_TIER);
    expect(await documentTitle()).toContain('v1 of 2');
    expect(await page.locator('.djs-container.stratum-read-only').count()).toBe(1);
    expect(await draft()).toBeNull();
  });

  it('restores version 1 as the draft: editable, titled draft, its tier back on the canvas', async () => {
    await version(1).locator('[data-action=restore-version]').click();
    await expect.poll(() => badges('restored')).toBe(1);
    expect(await badges('read-only')).toBe(0);
    expect(await badges('dirty')).toBe(1);
    expect(await documentTitle()).toContain('restores v1');
    expect(await page.locator('.djs-container.stratum-read-only').count()).toBe(0);
    expect(await tierCondition()).toBe(V1_TIER);
    expect(await status()).toContain('Restored v1 of credit-order-approval as a draft: "Deploy…" makes it version 3');
    const kept = await draft();
    expect(kept?.meta).toMatchObject({ version: 2, restoredFrom: 1 });
    expect(kept?.xml).toContain('&gt; 500000 and');
    await shot('01-restored-as-draft');

    // the version itself is still shown read-only, and the library opens the draft again
    await version(1).locator('[data-action=open-version]').click();
    await expect.poll(() => badges('read-only')).toBe(1);
    expect(await badges('restored')).toBe(0);
    await page.locator('.side-tab[data-tab=library]').click();
    await page.locator(`.library-item[data-key=${KEY}] .library-open`).click();
    await expect.poll(() => badges('restored')).toBe(1);
    expect(await badges('read-only')).toBe(0);
    expect(await tierCondition()).toBe(V1_TIER);
  });

  it('deploys the restored draft as version 3, its changes read against version 2, with the note suggested', async () => {
    await page.locator('[data-action=deploy]').click();
    const dialog = page.locator('[data-dialog=deploy]');
    const process = dialog.locator(`.deploy-process[data-key=${KEY}]`);
    await process.waitFor();
    expect(await dialog.locator('[data-deploy-intro]').textContent())
      .toBe('Version 2 of credit-order-approval is the latest; a changed diagram becomes version 3.');
    expect(await process.locator('h3').textContent()).toBe(`${KEY}: version 2 → 3`);
    const condition = process.locator(`.diff-section.conditions li[data-flow=${TIER_FLOW}]`);
    expect(await condition.locator('code.old').textContent()).toBe(V2_TIER);
    expect(await condition.locator('code.new').textContent()).toBe(V1_TIER);
    const note = dialog.locator('textarea[name=note]');
    expect(await note.inputValue()).toBe('Restores version 1');
    await note.fill('Restores version 1: the vice-president tier starts above 500,000 again');
    await dialog.locator('.deploy-impact').waitFor();
    await shot('02-deploy-dialog');
    await dialog.locator('button[type=submit]').click();
    await expect.poll(status).toContain(`${KEY} as version 3`);

    const detail = await api<{ latestVersion: number; versions: { version: number; note: string; deployedBy: string }[] }>(`/processes/${KEY}`);
    expect(detail.latestVersion).toBe(3);
    expect(detail.versions.find((entry) => entry.version === 3))
      .toMatchObject({ note: 'Restores version 1: the vice-president tier starts above 500,000 again', deployedBy: 'ann' });
    // version 3 is version 1 again, element for element; against version 2 the tier's condition is back
    expect((await api<{ unchanged: boolean }>(`/processes/${KEY}/versions/1/diff?to=3`)).unchanged).toBe(true);
    const back = await api<{ elements: { elementId: string }[] }>(`/processes/${KEY}/versions/2/diff?to=3`);
    expect(back.elements.map((element) => element.elementId)).toEqual([TIER_FLOW]);
    expect(await fetch(`${server.url}/api/processes/${KEY}/versions/3/xml`, { headers }).then((r) => r.text())).toContain('&gt; 500000 and');

    // the canvas is version 3, no draft, no restore mark
    await expect.poll(documentTitle).toContain('v3 (latest)');
    expect(await badges('dirty')).toBe(0);
    expect(await badges('restored')).toBe(0);
    expect(await draft()).toBeNull();
  }, 120_000);

  it('asks before a restore replaces a draft: Cancel keeps it, Replace restores', async () => {
    await inModeler<void>(
      `modeler.get('modeling').updateLabel(modeler.get('elementRegistry').filter((e) => e.type === 'bpmn:EndEvent')[0], 'Approved (my edit)');`);
    await page.locator('.side-tab[data-tab=history]').click();
    await version(3).waitFor();
    // restoring at once: the edit is kept as the draft first, then asked about
    await version(2).locator('[data-action=restore-version]').click();
    const ask = page.locator('[data-dialog=replace-draft]');
    await ask.waitFor();
    expect(await ask.locator('h2').textContent()).toBe(`Replace your draft of ${KEY}?`);
    expect(await ask.textContent()).toContain('edits of version 3');
    await shot('03-replace-draft');
    await ask.locator('button.secondary').click();
    await ask.waitFor({ state: 'detached' });
    expect(await endEventNames()).toContain('Approved (my edit)');
    expect(await badges('restored')).toBe(0);
    expect(await draft()).toMatchObject({ meta: { version: 3 } });
    expect((await draft())?.xml).toContain('Approved (my edit)');

    await version(2).locator('[data-action=restore-version]').click();
    await ask.waitFor();
    await ask.locator('button[type=submit]').click();
    await expect.poll(() => badges('restored')).toBe(1);
    expect(await tierCondition()).toBe(V2_TIER);
    expect(await endEventNames()).not.toContain('Approved (my edit)');
    const kept = await draft();
    expect(kept?.meta).toMatchObject({ version: 3, restoredFrom: 2 });
    expect(kept?.xml).toContain('&gt; 400000 and');
    expect(kept?.xml).not.toContain('Approved (my edit)');
  });
});
