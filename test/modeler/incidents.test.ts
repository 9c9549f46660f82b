// Operators see open incidents in the modeler's Incidents tab, each with its reason in words, open one's instance
// with the failed element marked, and retry it (variables optional); anyone else reads them and is not offered the
// retry, and the API refuses them anyway. The tab keeps itself current while shown: incidents raised or resolved
// meanwhile come and go without a click. The built modeler is served by the real server and driven in Debian's
// chromium; screenshots in test-output/incidents/.
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page, Request } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { RunningServer } from '../../server/start.js';
import { browserAvailable } from '../support/browser.js';
import { DESIGNER_TOKEN, INTEGRATION_TOKEN, collectConsoleErrors, signIn, useModelerSession } from '../support/modeler-session.js';

const ROOT = resolve(import.meta.dirname, '../..');
const SCREENSHOTS = join(ROOT, 'test-output/incidents');
const OPERATIONS = 'operations-token-for-tests';
/** The tab's refresh interval (IncidentsPanel POLL_MS). */
const POLL_MS = 5000;
const DIRECTOR = 'director-token-for-tests';
const USERS = [
  { name: 'ann', token: DESIGNER_TOKEN, groups: ['designer'] },
  { name: 'erp', token: INTEGRATION_TOKEN, groups: ['integration'] },
  // the shipped library deploys at start only when every task has someone to complete it
  { name: 'dirk', token: 'approver-token-for-tests', groups: ['sales-director', 'vice-president', 'procurement', 'production', 'inspection'] },
  { name: 'olga', token: OPERATIONS, groups: ['operations'] },
  { name: 'dora', token: DIRECTOR, groups: ['sales-director'] },
];

/** An approval offered to the group a start variable names: naming a server role's group fails the instance. */
const PICKED_APPROVAL = readFileSync(new URL('../fixtures/engine/picked-approval.bpmn', import.meta.url), 'utf8');

interface Incident {
  id: string;
  instanceId: string;
  processKey: string;
  businessKey: string | null;
  elementId: string | null;
  causeIncidentId: string | null;
  reason?: { kind: string };
  resolution?: string;
}

describe.skipIf(!browserAvailable)('the Incidents tab of the modeler', () => {
  let server: RunningServer;
  let page: Page;
  let consoleErrors: string[] = [];

  async function call<T>(method: string, path: string, token: string, body?: unknown): Promise<{ status: number; body: T }> {
    const response = await fetch(`${server.url}${path}`, {
      method, headers: { authorization: `Bearer ${token}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
  }

  /** An order whose procurement job fails for good: the job's incident, and its caller's that follows from it. */
  async function failProcurement(orderNo: string): Promise<void> {
    const entered = await call('POST', '/api/orders', INTEGRATION_TOKEN, { orderNo, customer: { name: 'ACME' }, amount: 120_000, currency: 'CNY', paymentTerms: 'credit' });
    expect(entered.status, JSON.stringify(entered.body)).toBe(201);
    const jobs = await call<{ id: string; businessKey: string }[]>('POST', '/api/jobs/fetch-and-lock', INTEGRATION_TOKEN, { type: 'procurement-planning', workerId: 'mrp', max: 10 });
    const job = jobs.body.find((candidate) => candidate.businessKey === orderNo);
    expect(job, JSON.stringify(jobs.body)).toBeDefined();
    const failed = await call('POST', `/api/jobs/${encodeURIComponent(job!.id)}/failure`, INTEGRATION_TOKEN, { message: 'MRP system down', retries: 0, workerId: 'mrp' });
    expect(failed.status, JSON.stringify(failed.body)).toBe(200);
  }

  const openIncidents = async (orderNo: string) =>
    (await call<{ items: Incident[] }>('GET', '/api/incidents?limit=200', OPERATIONS)).body.items.filter((incident) => incident.businessKey === orderNo);
  const item = (id: string) => page.locator(`.incident-item[data-incident="${id}"]`);
  const status = () => page.locator('#status').textContent();
  const updatedAt = () => page.locator('.incidents-freshness').getAttribute('data-updated');

  // signed in once the incidents exist, so the tab lists them at once
  useModelerSession({ users: USERS, signInWith: null, timeoutMs: 240_000 }, async (session) => {
    ({ server, page, consoleErrors } = session);
    await failProcurement('INC-1');
    const deployed = await fetch(`${server.url}/api/deployments?name=picked-approval.bpmn&note=${encodeURIComponent('an approval whose group a start variable names')}`, {
      method: 'POST', headers: { authorization: `Bearer ${DESIGNER_TOKEN}`, 'content-type': 'application/xml' }, body: PICKED_APPROVAL,
    });
    expect(deployed.status, await deployed.text()).toBe(201);
    mkdirSync(SCREENSHOTS, { recursive: true });
    await signIn(page, server.url, OPERATIONS);
  });

  let jobIncident: Incident;
  let callerIncident: Incident;

  it('lists the open incidents with their order, process, failed element, message and reason in words', async () => {
    const incidents = await openIncidents('INC-1');
    jobIncident = incidents.find((incident) => incident.reason?.kind === 'job-no-retries')!;
    callerIncident = incidents.find((incident) => incident.causeIncidentId === jobIncident.id)!;
    expect(jobIncident).toBeDefined();
    expect(callerIncident).toBeDefined();

    await page.locator('.side-tab[data-tab=incidents]').click();
    await item(jobIncident.id).waitFor();
    expect(await page.locator('[data-pane=incidents]').getAttribute('data-may-retry')).toBe('true');
    const job = item(jobIncident.id);
    expect(await job.locator('[data-action=open-incident]').textContent()).toBe('INC-1');
    expect(await job.locator('.incident-where').textContent()).toBe(`${jobIncident.processKey} · ${jobIncident.elementId}`);
    expect(await job.locator('.incident-reason').textContent()).toBe('No worker may take the job: its retries ran out (job type procurement-planning)');
    expect(await job.locator('.incident-message').textContent()).toContain('MRP system down');
    expect(await item(callerIncident.id).locator('.incident-reason').textContent()).toContain('Its called process failed');
    expect(await page.locator('.incidents-freshness').textContent()).toMatch(/^Updated .+; refreshes itself while shown\.$/);
    await page.screenshot({ path: join(SCREENSHOTS, 'incidents-listed.png') });
  });

  it('pages them as the API does: Load more asks for the next page with its cursor', async () => {
    // the real server, asked for pages of one so two incidents make two pages
    await page.route('**/api/incidents?*', (route) => {
      const url = new URL(route.request().url());
      url.searchParams.set('limit', '1');
      return route.continue({ url: url.href });
    });
    try {
      await page.locator('[data-action=refresh-incidents]').click();
      await expect.poll(() => page.locator('.incident-item').count()).toBe(1);
      expect(await item(jobIncident.id).count() + await item(callerIncident.id).count()).toBe(1);
      await page.locator('[data-action=load-more-incidents]').click();
      await expect.poll(() => page.locator('.incident-item').count()).toBe(2);
      expect(await item(jobIncident.id).count()).toBe(1);
      expect(await item(callerIncident.id).count()).toBe(1);
      // the API said whether a third page follows; with two incidents the second page may still offer one, empty
      const more = page.locator('[data-action=load-more-incidents]');
      if (await more.count()) {
        await more.click();
        await expect.poll(() => more.count()).toBe(0);
        expect(await page.locator('.incident-item').count()).toBe(2);
      }
    } finally {
      await page.unroute('**/api/incidents?*');
    }
    await page.locator('[data-action=refresh-incidents]').click();
    await expect.poll(() => page.locator('.incident-item').count()).toBe(2);
  });

  it('opens an incident\'s instance on the diagram with the failed element marked, and names the element', async () => {
    await item(jobIncident.id).locator('[data-action=open-incident]').click();
    await page.locator(`.djs-element.stratum-instance-incident[data-element-id="${jobIncident.elementId}"]`).waitFor();
    expect(await page.locator('.document-key').textContent()).toBe(jobIncident.processKey);
    // on screen, though the diagram opens at its start
    const failed = (await page.locator(`.djs-element[data-element-id="${jobIncident.elementId}"]`).boundingBox())!;
    const canvas = (await page.locator('#canvas').boundingBox())!;
    expect(failed.x).toBeGreaterThanOrEqual(canvas.x);
    expect(failed.y).toBeGreaterThanOrEqual(canvas.y);
    expect(failed.x + failed.width).toBeLessThanOrEqual(canvas.x + canvas.width);
    expect(failed.y + failed.height).toBeLessThanOrEqual(canvas.y + canvas.height);
    // still on the Incidents tab, the entry selected and its element named as the diagram names it
    expect(await page.locator('[data-pane=incidents]').isVisible()).toBe(true);
    expect(await item(jobIncident.id).getAttribute('class')).toContain('selected');
    expect(await item(jobIncident.id).locator('.incident-where').textContent()).toBe(`${jobIncident.processKey} · Plan procurement`);
    await page.screenshot({ path: join(SCREENSHOTS, 'incident-opened.png') });
  });

  it('says which incident to retry first when a caller\'s incident is retried, and selects it', async () => {
    await item(callerIncident.id).locator('[data-action=retry-incident]').click();
    await expect.poll(status).toContain('first');
    expect(await status()).toContain('Plan procurement');
    const select = item(callerIncident.id).locator('[data-action=select-root-cause]');
    expect(await select.getAttribute('data-root-cause')).toBe(jobIncident.id);
    await select.click();
    await expect.poll(() => item(jobIncident.id).getAttribute('class')).toContain('selected');
    expect(await item(callerIncident.id).getAttribute('class')).not.toContain('selected');
    expect((await openIncidents('INC-1')).map((incident) => incident.id).sort()).toEqual([jobIncident.id, callerIncident.id].sort());
  });

  it('checks the variables are a JSON object before sending, and shows the server\'s refusal of a variable no retry may set', async () => {
    const variables = item(jobIncident.id).locator('textarea[name=variables]');
    const retry = item(jobIncident.id).locator('[data-action=retry-incident]');
    await variables.fill('{"mrpNote": ');
    await retry.click();
    await expect.poll(status).toContain('The variables are not JSON');
    await variables.fill('["mrpNote"]');
    await retry.click();
    await expect.poll(status).toBe('The variables must be a JSON object, like {"name": "value"}');
    // an order field: 422, nothing changed
    await variables.fill('{"amount": 1}');
    await retry.click();
    await expect.poll(status).toContain('422');
    expect(await item(jobIncident.id).isVisible()).toBe(true);
    expect(await openIncidents('INC-1')).toHaveLength(2);
  });

  it('retries an incident with variables: it leaves the list with the incident that followed from it', async () => {
    await item(jobIncident.id).locator('textarea[name=variables]').fill('{"mrpNote": "MRP back up"}');
    await item(jobIncident.id).locator('[data-action=retry-incident]').click();
    await expect.poll(status).toContain('Retried the incident at Plan procurement of INC-1');
    expect(await item(jobIncident.id).count()).toBe(0);
    expect(await item(callerIncident.id).count()).toBe(0);
    expect(await openIncidents('INC-1')).toEqual([]);
    expect((await call<Incident>('GET', `/api/incidents/${jobIncident.id}`, OPERATIONS)).body.resolution).toBe('retried');
    await page.screenshot({ path: join(SCREENSHOTS, 'incident-retried.png') });
  });

  let pickedIncident: Incident;

  it('lists an incident raised after the tab was opened without a click, and drops one resolved elsewhere', async () => {
    const before = await updatedAt();
    // the instance fails at once: its candidate group grants a server role
    const started = await call<{ status: string }>('POST', '/api/processes/picked-approval/instances', INTEGRATION_TOKEN, { businessKey: 'INC-3', variables: { approverGroup: 'integration' } });
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    expect(started.body.status).toBe('failed');
    [pickedIncident] = await openIncidents('INC-3');
    await item(pickedIncident.id).waitFor({ timeout: 15_000 });
    expect(await updatedAt()).not.toBe(before);
    expect(await item(pickedIncident.id).locator('.incident-reason').textContent())
      .toBe('The candidate groups expression gave "integration", a group that grants a server role: the task was not created');

    // one retried by someone else (here the API) leaves the list on its own
    await failProcurement('INC-4');
    const [elsewhere] = (await openIncidents('INC-4')).filter((incident) => incident.reason?.kind === 'job-no-retries');
    await item(elsewhere.id).waitFor({ timeout: 15_000 });
    expect((await call('POST', `/api/incidents/${elsewhere.id}/retry`, OPERATIONS, {})).status).toBe(200);
    await item(elsewhere.id).waitFor({ state: 'detached', timeout: 15_000 });
    expect(await page.locator('.incident-item[data-incident]').count()).toBe(1);
    await page.screenshot({ path: join(SCREENSHOTS, 'incident-appeared.png') });
  });

  it('shows the incident a retry would raise again (422) and that nothing changed; the incident stays listed', async () => {
    const entry = item(pickedIncident.id);
    // another group that grants a server role: the retry would fail the same way
    await entry.locator('textarea[name=variables]').fill('{"approverGroup": "designer"}');
    await entry.locator('[data-action=retry-incident]').click();
    await expect.poll(status).toBe('The retry would fail again at Approve: nothing changed');
    const outcome = entry.locator('.incident-outcome');
    expect(await outcome.isVisible()).toBe(true);
    expect(await outcome.textContent()).toContain('The retry would raise an incident at Approve: '
      + 'The candidate groups expression gave "designer", a group that grants a server role: the task was not created. Nothing changed.');
    // still open on the server, and still listed after the next refresh, with the refusal and the operator's variables
    expect((await openIncidents('INC-3')).map((incident) => incident.id)).toEqual([pickedIncident.id]);
    const before = await updatedAt();
    await expect.poll(updatedAt, { timeout: 15_000 }).not.toBe(before);
    expect(await entry.isVisible()).toBe(true);
    expect(await outcome.isVisible()).toBe(true);
    expect(await entry.locator('textarea[name=variables]').inputValue()).toBe('{"approverGroup": "designer"}');
    expect(await entry.locator('.incident-reason').textContent()).toContain('"integration"');
    await page.screenshot({ path: join(SCREENSHOTS, 'incident-retry-would-fail.png') });
  });

  /** A picked-approval instance that fails at once, and its incident. */
  async function failApproval(orderNo: string): Promise<Incident> {
    const started = await call('POST', '/api/processes/picked-approval/instances', INTEGRATION_TOKEN, { businessKey: orderNo, variables: { approverGroup: 'integration' } });
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    return (await openIncidents(orderNo))[0];
  }

  it('does not refresh while the operator types retry variables, and catches up once they leave the field', async () => {
    const field = item(pickedIncident.id).locator('textarea[name=variables]');
    await field.fill('{"approverGroup": "sales-');
    const before = await updatedAt();
    const raised = await failApproval('INC-5');
    await page.waitForTimeout(POLL_MS + 1500);
    expect(await updatedAt()).toBe(before);
    expect(await item(raised.id).count()).toBe(0);
    await field.blur();
    await item(raised.id).waitFor({ timeout: 15_000 });
    expect(await field.inputValue()).toBe('{"approverGroup": "sales-');
  });

  it('says when a refresh failed and keeps the list it had', async () => {
    await page.route('**/api/incidents?*', (route) => route.fulfill({
      status: 503, contentType: 'application/problem+json',
      body: JSON.stringify({ type: 'about:blank', title: 'Service Unavailable', status: 503, detail: 'The server is busy; try again shortly.' }),
    }));
    const freshness = page.locator('.incidents-freshness');
    try {
      await expect.poll(() => freshness.getAttribute('data-failed'), { timeout: 15_000 }).toBe('true');
      expect(await freshness.textContent()).toMatch(
        /^Refreshing the incidents failed \(503 Service Unavailable\): The server is busy; try again shortly\. Listed as of .+\.$/);
      expect(await item(pickedIncident.id).isVisible()).toBe(true);
      await page.screenshot({ path: join(SCREENSHOTS, 'incidents-refresh-failed.png') });
    } finally {
      await page.unroute('**/api/incidents?*');
    }
    await expect.poll(() => freshness.getAttribute('data-failed'), { timeout: 15_000 }).toBe('false');
  });

  it('asks nothing while the side panel is folded away, and once at once when it is unfolded', async () => {
    const asked: string[] = [];
    const countLists = (request: Request) => {
      if (/\/api\/incidents\?/.test(request.url())) asked.push(request.url());
    };
    page.on('request', countLists);
    try {
      await page.locator('[data-action=toggle-side]').click();
      expect(await page.locator('[data-pane=incidents]').isVisible()).toBe(false);
      // a refresh sent just before the fold may still be reported
      await page.waitForTimeout(300);
      asked.length = 0;
      await page.waitForTimeout(POLL_MS * 2 + 500);
      expect(asked).toEqual([]);
      await page.locator('[data-action=toggle-side]').click();
      await expect.poll(() => asked.length, { timeout: POLL_MS / 2 }).toBe(1);
      expect(await page.locator('[data-pane=incidents]').isVisible()).toBe(true);
    } finally {
      page.off('request', countLists);
      // the tests that follow need the panel, whatever went wrong here
      if (await page.locator('.side-panel').isHidden()) await page.locator('[data-action=toggle-side]').click();
    }
  }, 30_000);

  it('shows incidents read-only to a sales director, whom the API refuses the retry', async () => {
    await failProcurement('INC-2');
    const [incident] = (await openIncidents('INC-2')).filter((candidate) => candidate.reason?.kind === 'job-no-retries');
    const director = await page.context().browser()!.newPage({ viewport: { width: 1280, height: 800 } });
    const directorErrors = collectConsoleErrors(director);
    try {
      await signIn(director, server.url, DIRECTOR);
      await director.locator('.side-tab[data-tab=incidents]').click();
      const entry = director.locator(`.incident-item[data-incident="${incident.id}"]`);
      await entry.waitFor();
      expect(await director.locator('[data-pane=incidents]').getAttribute('data-may-retry')).toBe('false');
      expect(await director.locator('[data-pane=incidents]').textContent()).toContain('Read-only: retrying an incident needs the operations group');
      expect(await entry.locator('.incident-reason').textContent()).toBe('No worker may take the job: its retries ran out (job type procurement-planning)');
      expect(await director.locator('[data-action=retry-incident], .incident-retry').count()).toBe(0);
      // around the modeler: the API refuses the director's retry, and the incident stays open
      const refused = await call<{ detail: string }>('POST', `/api/incidents/${incident.id}/retry`, DIRECTOR, {});
      expect(refused.status).toBe(403);
      expect((await openIncidents('INC-2')).map((open) => open.id)).toContain(incident.id);
      await director.screenshot({ path: join(SCREENSHOTS, 'director-read-only.png') });
      expect(directorErrors).toEqual([]);
    } finally {
      await director.close();
    }
  });

  it('logged no console errors but the refusals it provoked (409, 422 twice) and the refreshes it failed (503)', () => {
    expect(consoleErrors.filter((error) => !/status of (409|422|503)/.test(error))).toEqual([]);
    expect(consoleErrors.filter((error) => /status of (409|422)/.test(error))).toHaveLength(3);
  });
});
