// The people's screens against data an attacker controls: an order an integration posts with markup in its number
// and customer, a rejection comment with markup, a form-js form and a .bpmn from another tool with markup in their
// text, names and documentation, refused attempts and an incident that quote such data. Nothing of it may run in the
// task list or the modeler (a script there reads the token kept in localStorage), and the page's
// Content-Security-Policy stops markup that would slip in some day from running, and a form from loading another
// server's image or frame.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../server/start.js';
import { browserAvailable } from '../support/browser.js';
import { DESIGNER_TOKEN, INTEGRATION_TOKEN, openFileInModeler, useModelerSession } from '../support/modeler-session.js';

const ROOT = resolve(import.meta.dirname, '../..');
const DIRK = 'approver-token-for-tests';
const OPERATIONS = 'operations-token-for-tests';
const USERS = [
  { name: 'ann', token: DESIGNER_TOKEN, groups: ['designer'] },
  { name: 'erp', token: INTEGRATION_TOKEN, groups: ['integration'] },
  { name: 'dirk', token: DIRK, groups: ['sales-director', 'vice-president', 'procurement', 'production', 'inspection'] },
  { name: 'olga', token: OPERATIONS, groups: ['operations'] },
];
/** Each payload names itself in window.stratumXss when it runs. */
const payload = (name: string) => `<img src=x onerror="window.stratumXss='${name}'"><script>window.stratumXss='${name}-script'</script>`;
const ORDER_NO = `SO-9"><svg onload="window.stratumXss='orderNo'">`;
const CUSTOMER = `Evil ${payload('customer')} GmbH`;
const COMMENT = `No. ${payload('comment')} </textarea><a href="javascript:window.stratumXss='link'">x</a>`;

const HOSTILE_BPMN = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI"
  xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI" id="Defs" targetNamespace="http://example.com">
  <bpmn:process id="hostile" name="${escapeXml(payload('process'))}" isExecutable="true">
    <bpmn:documentation>${escapeXml(payload('documentation'))}</bpmn:documentation>
    <bpmn:startEvent id="Start" name="${escapeXml(`"><svg onload="window.stratumXss='start'">`)}" />
    <bpmn:userTask id="Task" name="${escapeXml(payload('task'))}">
      <bpmn:documentation>${escapeXml(payload('task-documentation'))}</bpmn:documentation>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="Flow" name="${escapeXml('</text><foreignObject><img src=x onerror="window.stratumXss=\'flow\'"></foreignObject>')}" sourceRef="Start" targetRef="Task" />
  </bpmn:process>
  <bpmndi:BPMNDiagram id="Diagram">
    <bpmndi:BPMNPlane id="Plane" bpmnElement="hostile">
      <bpmndi:BPMNShape id="Start_di" bpmnElement="Start"><dc:Bounds x="100" y="100" width="36" height="36" /></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="Task_di" bpmnElement="Task"><dc:Bounds x="200" y="78" width="100" height="80" /></bpmndi:BPMNShape>
      <bpmndi:BPMNEdge id="Flow_di" bpmnElement="Flow"><di:waypoint x="136" y="118" /><di:waypoint x="200" y="118" /></bpmndi:BPMNEdge>
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</bpmn:definitions>`;

function escapeXml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('"', '&quot;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

interface WatchedWindow {
  stratumXss?: string;
  stratumViolations: string[];
  stratumDialogs?: number;
}

describe.skipIf(!browserAvailable)('data an attacker controls on the task list and the modeler', () => {
  let server: RunningServer;
  let page: Page;
  const dialogs: string[] = [];
  const work = mkdtempSync(join(tmpdir(), 'stratum-hostile-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  useModelerSession({ users: USERS, signInWith: null }, async (session) => {
    ({ server, page } = session);
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    // every policy violation of every page load, from before the page's own scripts run
    await page.addInitScript(() => {
      const watched = window as unknown as WatchedWindow;
      watched.stratumViolations = [];
      document.addEventListener('securitypolicyviolation', (event) => watched.stratumViolations.push(`${event.violatedDirective} ${event.blockedURI}`));
    });
  });

  const ran = () => page.evaluate(() => (window as unknown as WatchedWindow).stratumXss ?? null);
  const violations = () => page.evaluate(() => (window as unknown as WatchedWindow).stratumViolations);

  async function api(method: string, path: string, token: string, body?: unknown): Promise<Response> {
    return fetch(server.url + path, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  }

  it('shows an order\'s hostile number, customer and a rejection comment as text in the task list, where none of it runs', async () => {
    const entered = await api('POST', '/api/orders', INTEGRATION_TOKEN, { orderNo: ORDER_NO, customer: { name: CUSTOMER }, amount: 200_000, currency: 'EUR', paymentTerms: 'credit' });
    expect(entered.status).toBe(201);
    await page.goto(`${server.url}/tasks`);
    await page.locator('[data-dialog=sign-in] input[name=token]').fill(DIRK);
    await page.locator('[data-dialog=sign-in] input[name=token]').press('Enter');
    await page.waitForSelector('body[data-ready=true]');
    await expect.poll(() => page.locator('.task-order').allTextContents()).toContain(`${ORDER_NO} · ${CUSTOMER}`);
    await page.locator('.task-link').filter({ hasText: CUSTOMER }).first().click();
    // the director's form-js form from the diagram
    await page.getByLabel('Reject the order').check();
    await page.getByLabel('Comment').fill(COMMENT);
    expect(await page.locator('body').textContent()).toContain(CUSTOMER);
    await page.locator('[data-action=send-decision]').click();
    expect(await violations()).toEqual([]);
    await expect.poll(async () => (await api('GET', `/api/orders/${encodeURIComponent(ORDER_NO)}`, DIRK)).status).toBe(200);
    await expect.poll(async () => JSON.stringify(await (await api('GET', `/api/orders/${encodeURIComponent(ORDER_NO)}`, DIRK)).json())).toContain('</textarea>');
    // the decided task, read back from the server, as the approver sees it after a reload
    await page.reload();
    await page.waitForSelector('body[data-ready=true]');
    expect(await ran()).toBeNull();
    expect(dialogs).toEqual([]);
    expect(await violations()).toEqual([]);
  });

  it('shows a hostile form from a deployed diagram without running its markup or loading another server\'s image or frame', async () => {
    // a credit approval whose form (form-js JSON in the diagram) writes markup, a javascript: link, an image and a frame of another server
    const hostile = [
      { type: 'text', id: 'Field_HostileText', text: `# Read this\n\n${payload('form-text')} [open](javascript:void(window.stratumXss='form-link'))` },
      { type: 'html', id: 'Field_HostileHtml', content: `<p>${payload('form-html')}</p><a href="javascript:void(window.stratumXss='html-link')">open</a>` },
      { type: 'image', id: 'Field_HostileImage', source: 'https://evil.example/track.png', alt: 'tracker' },
      { type: 'iframe', id: 'Field_HostileFrame', url: 'https://evil.example/phish', label: 'Sign in again' },
    ];
    const shipped = readFileSync(join(ROOT, 'diagrams/credit-order-approval.bpmn'), 'utf8');
    const xml = shipped.replace(/("schemaVersion":16,"components":\[)/, (start) => `${start}${escapeXml(hostile.map((component) => JSON.stringify(component)).join(','))},`);
    expect(xml).not.toBe(shipped);
    const form = new FormData();
    form.append('files', new Blob([xml], { type: 'application/xml' }), 'credit-order-approval.bpmn');
    form.append('note', 'a form from another tool');
    const deployed = await fetch(`${server.url}/api/deployments`, { method: 'POST', headers: { authorization: `Bearer ${DESIGNER_TOKEN}` }, body: form });
    expect(deployed.status, await deployed.clone().text()).toBe(201);
    const requestedElsewhere: string[] = [];
    await page.route('https://evil.example/**', (route) => {
      requestedElsewhere.push(route.request().url());
      return route.abort();
    });
    const orderNo = 'SO-9-FORM';
    expect((await api('POST', '/api/orders', INTEGRATION_TOKEN, { orderNo, customer: { name: 'Form Customer' }, amount: 200_000, currency: 'EUR', paymentTerms: 'credit' })).status).toBe(201);
    await page.goto(`${server.url}/`);
    await page.evaluate((token) => localStorage.setItem('stratum.token', token), DIRK);
    await page.goto(`${server.url}/tasks`);
    await page.waitForSelector('body[data-ready=true]');
    await page.locator('.task-link').filter({ hasText: 'Form Customer' }).first().click();
    await page.locator('.fjs-form-field-text').first().waitFor();
    expect(await page.locator('.fjs-form').textContent()).toContain('Read this');
    for (const link of await page.locator('.fjs-form a').all()) await link.click({ noWaitAfter: true }).catch(() => undefined);
    expect(await ran()).toBeNull();
    expect(dialogs).toEqual([]);
    // nothing asked of another server: the policy refused the image and the frame before any request (form-js's
    // sanitizers parse the markup in inert documents, which chromium reports as refused inline handlers too)
    const refusedElsewhere = async () => (await violations()).filter((violation) => violation.includes('evil.example'));
    await expect.poll(async () => requestedElsewhere.length > 0 || (await refusedElsewhere()).length >= 2).toBe(true);
    expect(requestedElsewhere).toEqual([]);
    expect(await refusedElsewhere()).toEqual(expect.arrayContaining(['frame-src https://evil.example', 'img-src https://evil.example/track.png']));
  });

  it('shows a .bpmn from another tool with markup in its names and documentation as text in the modeler, where none of it runs', async () => {
    // the modeler and the task list keep the token under one key: the designer's replaces the approver's
    await page.goto(`${server.url}/`);
    await page.evaluate((token) => localStorage.setItem('stratum.token', token), DESIGNER_TOKEN);
    await page.reload();
    await page.waitForSelector('body[data-ready=true]');
    const file = join(work, 'hostile.bpmn');
    writeFileSync(file, HOSTILE_BPMN);
    await openFileInModeler(page, file);
    // the properties panel names the selected task in its header, and shows its documentation
    await page.locator('[data-element-id=Task]').first().click();
    await expect.poll(() => page.locator('#properties .bio-properties-panel-header').textContent()).toContain(`window.stratumXss='task'`);
    expect(await page.locator('[data-element-id=Task] text').first().textContent()).toContain('<img');
    expect(await ran()).toBeNull();
    expect(dialogs).toEqual([]);
    expect(await violations()).toEqual([]);
  });

  it('shows refused attempts that quote hostile data (an order sent again, a forged message) as text in the Audit tab, where none of it runs', async () => {
    // the order of the first test sent again with another amount (entry.refused, with the order as sent), and a
    // forged OrderChanged carrying markup (message.refused, with what it carried)
    expect((await api('POST', '/api/orders', INTEGRATION_TOKEN, { orderNo: ORDER_NO, customer: { name: CUSTOMER }, amount: 300_000, currency: 'EUR', paymentTerms: 'credit' })).status).toBe(409);
    expect((await api('POST', '/api/messages', INTEGRATION_TOKEN, { name: 'OrderChanged', businessKey: ORDER_NO, variables: { change: { changeId: payload('message') } } })).status).toBe(403);
    await page.goto(`${server.url}/`);
    await page.evaluate((token) => localStorage.setItem('stratum.token', token), OPERATIONS);
    await page.reload();
    await page.waitForSelector('body[data-ready=true]');
    await page.locator('.side-tab[data-tab=audit]').click();
    const rows = page.locator('[data-pane=audit] .audit-item');
    await expect.poll(() => rows.count()).toBe(2);
    for (const summary of await page.locator('[data-pane=audit] .audit-sent summary').all()) await summary.click();
    const pane = await page.locator('[data-pane=audit]').textContent();
    expect(pane).toContain(ORDER_NO);
    expect(pane).toContain(`window.stratumXss='message'`);
    expect(await ran()).toBeNull();
    expect(dialogs).toEqual([]);
    expect(await violations()).toEqual([]);
  });

  it('shows an incident whose message a worker wrote with markup as text in the Incidents tab and on its instance, where none of it runs', async () => {
    const orderNo = 'SO-9-JOB';
    expect((await api('POST', '/api/orders', INTEGRATION_TOKEN, { orderNo, customer: { name: CUSTOMER }, amount: 80_000, currency: 'CNY', paymentTerms: 'credit' })).status).toBe(201);
    const jobs = await (await api('POST', '/api/jobs/fetch-and-lock', INTEGRATION_TOKEN, { type: 'procurement-planning', workerId: 'evil-worker', businessKey: orderNo })).json() as { id: string }[];
    expect(jobs).toHaveLength(1);
    const failed = await api('POST', `/api/jobs/${encodeURIComponent(jobs[0].id)}/failure`, INTEGRATION_TOKEN, { message: payload('incident'), retries: 0, workerId: 'evil-worker' });
    expect(failed.status, await failed.clone().text()).toBeLessThan(300);
    await page.goto(`${server.url}/`);
    await page.evaluate((token) => localStorage.setItem('stratum.token', token), OPERATIONS);
    await page.reload();
    await page.waitForSelector('body[data-ready=true]');
    await page.locator('.side-tab[data-tab=incidents]').click();
    await expect.poll(() => page.locator('[data-pane=incidents]').textContent()).toContain(`window.stratumXss='incident'`);
    await page.locator('[data-pane=incidents] .incident-item').first().click();
    expect(await ran()).toBeNull();
    expect(dialogs).toEqual([]);
    expect(await violations()).toEqual([]);
  });

  it('runs no inline handler, script or javascript: link that slips into a page: the policy refuses each', async () => {
    for (const path of ['/tasks', '/']) {
      await page.goto(`${server.url}${path}`);
      await page.waitForSelector('body[data-ready=true]');
      // markup written into the page as an innerHTML would, and a javascript: link followed
      await page.evaluate(() => {
        document.body.insertAdjacentHTML('beforeend', `<img id="hostile-img" src="/nothing.png" onerror="window.stratumXss='handler'"><a id="hostile-link" href="javascript:void(window.stratumXss='link')">x</a>`);
        document.getElementById('hostile-link')!.click();
      });
      await page.waitForFunction(() => (window as unknown as WatchedWindow).stratumXss !== undefined || (window as unknown as WatchedWindow).stratumViolations.length >= 2);
      expect([path, await ran()]).toEqual([path, null]);
      expect([path, await violations()]).toEqual([path, [expect.stringMatching(/^script-src/), expect.stringMatching(/^script-src/)]]);
    }
    expect(dialogs).toEqual([]);
  });
});
