// Check the whole library reads every process and asks the server for the impact; the library changed while it ran
// (another client deployed, or the designer edited the open diagram, whose XML the check sent) and its findings were
// shown as current: the stale marker was cleared as they arrived. They arrive marked stale, with Check again. The
// server's answer to POST /api/impact is held until the change is made, so the change lands inside the check.
// Built modeler, real server, Debian's chromium.
import type { Page, Route } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { RunningServer } from '../../../../server/start.js';
import { browserAvailable } from '../../../support/browser.js';
import { DESIGNER_TOKEN, useModelerSession } from '../../../support/modeler-session.js';
import type { ModelerWindow } from '../../../support/modeler-window.js';

describe.skipIf(!browserAvailable)('what Check the whole library finds while the library changes', () => {
  let page: Page;
  let server: RunningServer;
  useModelerSession({}, (session) => {
    ({ page, server } = session);
  });

  const staleMarker = () => page.locator('[data-section=library-check-stale]');
  const otherProcesses = () => page.locator('#problems h4').filter({ hasText: 'Other processes of the library' });
  /** Waits until the check has recorded what it found: its button waits while it runs. */
  const checked = () => expect.poll(() => page.locator('[data-action=check-library]').textContent(), { timeout: 30_000 }).toBe('Check the whole library');

  /** Starts Check the whole library and resolves, with the check held, once it has asked the server for the impact. */
  async function checkHeldAtImpact(): Promise<() => Promise<void>> {
    if (await page.locator('#problems').isHidden()) await page.locator('[data-action=toggle-problems]').click();
    let held: (route: Route) => void = () => {};
    const asked = new Promise<Route>((resolve) => {
      held = resolve;
    });
    const isImpact = (url: URL) => url.pathname === '/api/impact';
    await page.route(isImpact, (route) => held(route));
    await page.locator('[data-action=check-library]').click();
    const route = await asked;
    expect(await page.locator('[data-action=check-library]').textContent()).toBe('Checking the library…');
    return async () => {
      await route.continue();
      await page.unroute(isImpact);
    };
  }

  /** Renames the open diagram's start event, as the properties panel does. */
  function renameStartEvent(name: string): Promise<void> {
    return page.evaluate((text) => {
      const modeler = (window as unknown as ModelerWindow).stratumModeler;
      const start = modeler.get('elementRegistry').filter((element) => element.type === 'bpmn:StartEvent')[0];
      modeler.get('modeling').updateProperties(start, { name: text });
    }, name);
  }

  it('marks the findings stale when the designer edits the open diagram while the check runs', async () => {
    await expect.poll(() => page.locator('.document-key').textContent()).toBe('order-to-cash');
    // the first edit makes a draft, a library change of its own: that comes before the check
    await renameStartEvent('Order received (edited)');
    await page.locator('.library-item[data-key=order-to-cash][data-draft=edited]').waitFor({ timeout: 30_000 });

    const release = await checkHeldAtImpact();
    await renameStartEvent('Order received (edited again)');
    await release();

    await checked();
    expect(await otherProcesses().count()).toBe(1);
    expect(await staleMarker().count()).toBe(1);
    await page.locator('[data-action=check-library-again]').click();
    await expect.poll(() => staleMarker().count(), { timeout: 30_000 }).toBe(0);
  }, 90_000);

  it('marks the findings stale when another client deploys while the check runs', async () => {
    await expect.poll(() => staleMarker().count()).toBe(0);
    const release = await checkHeldAtImpact();

    const headers = { authorization: `Bearer ${DESIGNER_TOKEN}` };
    const v1 = await (await fetch(`${server.url}/api/processes/special-change-notification/versions/1/xml`, { headers })).text();
    const v2 = v1.replace(/name="Special change notification"/, 'name="Special change notice"');
    expect(v2).not.toBe(v1);
    const form = new FormData();
    form.append('files', new Blob([v2], { type: 'application/xml' }), 'special-change-notification.bpmn');
    form.append('note', 'renamed while a designer checks the library');
    const deployed = await fetch(`${server.url}/api/deployments`, { method: 'POST', headers, body: form });
    expect(deployed.status, await deployed.clone().text()).toBe(201);
    await release();

    // as the findings come, they come marked: the library they describe is no longer the deployed one
    await checked();
    expect(await staleMarker().count()).toBe(1);
    expect(await staleMarker().textContent()).toContain('The library changed since it was checked');

    await page.locator('[data-action=check-library-again]').click();
    await expect.poll(() => staleMarker().count(), { timeout: 30_000 }).toBe(0);
    expect(await otherProcesses().count()).toBe(1);
  }, 90_000);
});
