// A designer who changed only a decision table (in Camunda Modeler) opens the .dmn in the
// modeler and deploys it with the process calling it: the deploy dialog's impact preview
// names the changed decision, its new version, its file, the process whose business rule
// task calls it and the running order that will evaluate it, and the deployment carries the file. Built modeler, real server, Debian's
// chromium; screenshot in test-output/deploy-decision/.
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { RunningServer } from '../../server/start.js';
import { browserAvailable } from '../support/browser.js';
import { DESIGNER_TOKEN as DESIGNER, INTEGRATION_TOKEN, signIn, useModelerSession } from '../support/modeler-session.js';

const ROOT = resolve(import.meta.dirname, '../..');
const SCREENSHOTS = join(ROOT, 'test-output/deploy-decision');
const PROCESS = readFileSync(join(import.meta.dirname, 'fixtures/decision-route.bpmn'), 'utf8');
const DECISION = readFileSync(join(ROOT, 'test/fixtures/dmn/benchmark-decision.dmn'), 'utf8');
// the table as the designer changed it: the fast route is now called express
const CHANGED_DECISION = DECISION.replace('<text>"fast"</text>', '<text>"express"</text>');

describe.skipIf(!browserAvailable)('deploying a changed decision table from the modeler', () => {
  let server: RunningServer;
  let page: Page;
  let consoleErrors: string[] = [];

  async function deployWithApi(files: Record<string, string>, note: string): Promise<void> {
    const form = new FormData();
    for (const [name, xml] of Object.entries(files)) form.append('files', new Blob([xml], { type: 'application/xml' }), name);
    form.append('note', note);
    const response = await fetch(`${server.url}/api/deployments`, { method: 'POST', headers: { authorization: `Bearer ${DESIGNER}` }, body: form });
    expect(response.status, await response.clone().text()).toBe(201);
  }

  async function latestDecisionVersion(id: string): Promise<number | undefined> {
    const response = await fetch(`${server.url}/api/decisions`, { headers: { authorization: `Bearer ${DESIGNER}` } });
    const decisions = (await response.json()) as { id: string; latestVersion: number }[];
    return decisions.find((decision) => decision.id === id)?.latestVersion;
  }

  /** What the Decisions tab says of the decision: id, latest version, file. */
  const listedDecision = () => page.locator('.decision-item[data-decision=benchmark-decision] .decision-meta').textContent();

  // signed in once the process and its decision are deployed, so the library shows them
  useModelerSession({ signInWith: null, timeoutMs: 180_000 }, async (session) => {
    ({ server, page, consoleErrors } = session);
    await deployWithApi({ 'decision-route.bpmn': PROCESS, 'benchmark-decision.dmn': DECISION }, 'a process deciding its route with a decision table');
    // a running order waiting before the business rule task: it will evaluate the changed table
    const started = await fetch(`${server.url}/api/processes/decision-route/instances`, {
      method: 'POST', headers: { authorization: `Bearer ${INTEGRATION_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ businessKey: 'DR-1', variables: {} }),
    });
    expect(started.status, await started.clone().text()).toBe(201);
    mkdirSync(SCREENSHOTS, { recursive: true });
    await signIn(page, server.url, DESIGNER);
  });

  it('lists the changed decision in the impact preview, with its version, file and the process calling it', async () => {
    await page.locator('.library-item[data-key=decision-route] .library-open').click();
    await expect.poll(() => page.locator('.document-key').textContent()).toBe('decision-route');
    // the changed file, opened from disk as the Decisions tab opens it
    await page.locator('.side-tab[data-tab=decisions]').click();
    await page.locator('input[data-file-input=dmn]').setInputFiles({ name: 'benchmark-decision.dmn', mimeType: 'application/xml', buffer: Buffer.from(CHANGED_DECISION) });
    await page.locator('.dmn-view .tjs-table').waitFor();
    await page.locator('.dmn-view-close').click();
    await expect.poll(listedDecision).toContain('· v1 ·');

    await page.locator('[data-action=deploy]').click();
    const dialog = page.locator('[data-dialog=deploy]');
    const file = dialog.locator('.deploy-together [data-file="benchmark-decision.dmn"] input');
    // offered, not taken along unasked: the process alone changes nothing, and its impact says so
    expect(await file.isChecked()).toBe(false);
    const impact = dialog.locator('.deploy-impact');
    await impact.waitFor();
    expect(await impact.locator('[data-impact-decision]').count()).toBe(0);
    // the process is deployed as it is: the server keeps its version 1, and the dialog does not promise a version 2
    const process = dialog.locator('.deploy-process[data-key=decision-route]');
    expect(await process.locator('h3').textContent()).toBe('decision-route: unchanged (version 1)');
    expect(await process.locator('.deploy-counts').textContent()).toBe('No changes: deploying keeps version 1.');

    await file.check();
    const decision = impact.locator('[data-impact-decision=benchmark-decision]');
    await decision.waitFor({ timeout: 60_000 });
    expect(await decision.locator('h3').textContent()).toBe('Decision Benchmark decision (benchmark-decision) in benchmark-decision.dmn: version 1 → 2');
    const caller = decision.locator('.impact-caller[data-caller=decision-route]');
    expect(await caller.textContent()).toBe('decision-route ("Decide the route"; deployed version(s) 1)');
    expect(await caller.locator('button').getAttribute('title')).toBe('Open decision-route');
    expect(await decision.locator('.impact-decision-orders').textContent()).toBe('Running orders that will evaluate version 2 when they reach a task calling it: 1.');
    const order = decision.locator('.impact-reaching-orders li[data-order=DR-1]');
    expect(await order.textContent()).toBe('DR-1 (waits at "Check the request" in decision-route; reaches "Decide the route" in decision-route)');
    expect(await order.locator('button').getAttribute('title')).toBe('Open order DR-1');
    expect(await impact.locator('strong').textContent()).toMatch(/^Impact on orders: 1 decision\(s\) change, /);
    await dialog.locator('textarea[name=note]').fill('The fast route is called express now');
    await page.screenshot({ path: join(SCREENSHOTS, 'changed-decision.png') });

    await dialog.locator('button[type=submit]').click();
    await expect.poll(() => page.locator('.status').textContent()).toContain('decision benchmark-decision as version 2');
    expect(await page.locator('.status').textContent()).toContain('decision-route (no changes, stays at version 1)');
    expect(await latestDecisionVersion('benchmark-decision')).toBe(2);
  }, 120_000);

  it('lists the new version in the Decisions tab on screen once the deployment is done, without a reload', async () => {
    expect(await page.locator('.side-tab[data-tab=decisions]').getAttribute('aria-selected')).toBe('true');
    await expect.poll(listedDecision, { timeout: 10_000 }).toBe('benchmark-decision · v2 · benchmark-decision.dmn');
  });

  it('sends a deployed file once: the next Deploy… no longer offers it', async () => {
    await page.locator('[data-action=deploy]').click();
    const dialog = page.locator('[data-dialog=deploy]');
    await dialog.locator('.deploy-impact').waitFor({ timeout: 60_000 });
    expect(await dialog.locator('.deploy-together [data-file]').count()).toBe(0);
    await dialog.locator('.dialog-buttons button.secondary').click();
  }, 90_000);

  it('says a .dmn file opened again as it was deployed changes no decision, and deploying it keeps version 2', async () => {
    await page.locator('.side-tab[data-tab=decisions]').click();
    await page.locator('input[data-file-input=dmn]').setInputFiles({ name: 'benchmark-decision.dmn', mimeType: 'application/xml', buffer: Buffer.from(CHANGED_DECISION) });
    await page.locator('.dmn-view .tjs-table').waitFor();
    await page.locator('.dmn-view-close').click();

    await page.locator('[data-action=deploy]').click();
    const dialog = page.locator('[data-dialog=deploy]');
    await dialog.locator('.deploy-together [data-file="benchmark-decision.dmn"] input').check();
    const impact = dialog.locator('.deploy-impact');
    const unchanged = impact.locator('[data-unchanged-file="benchmark-decision.dmn"]');
    await unchanged.waitFor({ timeout: 60_000 });
    expect(await unchanged.textContent()).toBe('benchmark-decision.dmn: unchanged, its decisions keep their latest versions');
    expect(await impact.locator('[data-impact-decision]').count()).toBe(0);
    expect(await impact.locator('strong').textContent()).not.toContain('decision(s) change');
    expect(await dialog.locator('.deploy-process[data-key=decision-route] h3').textContent()).toBe('decision-route: unchanged (version 1)');
    await page.screenshot({ path: join(SCREENSHOTS, 'unchanged-decision.png') });

    await dialog.locator('textarea[name=note]').fill('The same table once more');
    await dialog.locator('button[type=submit]').click();
    await expect.poll(() => page.locator('.status').textContent()).toContain('decision benchmark-decision (no changes, stays at version 2)');
    expect(await latestDecisionVersion('benchmark-decision')).toBe(2);
  }, 120_000);

  it('logged no console errors', () => {
    expect(consoleErrors).toEqual([]);
  });
});
