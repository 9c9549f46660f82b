// The task list shows what is there: an approval whose order failed in its other branch (a job ran out of
// retries) stays listed, on hold, its decision disabled, and becomes actionable on the next refresh after
// operations retry the incident. It can be assigned to oneself while on hold (a claim moves nothing). The built
// page (/tasks) on the real server, in Debian's chromium.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { RunningServer } from '../../../server/start.js';
import { browserAvailable } from '../../support/browser.js';
import { HELD_APPROVAL_FILES } from '../../support/held-approvals.js';
import { DESIGNER_TOKEN, INTEGRATION_TOKEN, useModelerSession } from '../../support/modeler-session.js';

const DIRK = 'dirk-approver-token';
const OTTO = 'otto-operations-token';

describe.skipIf(!browserAvailable)('a task on hold in the task list', () => {
  let server: RunningServer;
  let page: Page;
  let consoleErrors: string[] = [];

  const users = [
    { name: 'ann', token: DESIGNER_TOKEN, groups: ['designer'] },
    { name: 'erp', token: INTEGRATION_TOKEN, groups: ['integration'] },
    { name: 'otto', token: OTTO, groups: ['operations'] },
    // the shipped library's candidate groups need members, or its deploy is refused
    { name: 'dirk', token: DIRK, groups: ['sales-director', 'vice-president', 'procurement', 'production', 'inspection'] },
  ];
  useModelerSession({ users, signInWith: null }, async (session) => {
    ({ server, page, consoleErrors } = session);
    for (const { name, xml } of HELD_APPROVAL_FILES) {
      const deployed = await fetch(`${server.url}/api/deployments?name=${name}&note=held-approval+tests`, {
        method: 'POST', headers: { authorization: `Bearer ${DESIGNER_TOKEN}`, 'content-type': 'application/xml' }, body: xml,
      });
      expect(deployed.status, await deployed.text()).toBe(201);
    }
  });

  async function api<T>(method: string, path: string, token: string, body?: unknown): Promise<T> {
    const response = await fetch(server.url + path, {
      method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body),
    });
    expect(response.status, path).toBeLessThan(300);
    return (await response.json()) as T;
  }

  const item = () => page.locator('.task-item:has(.task-order:text-is("HELD-UI-1 · held-approval"))');
  const sendButton = () => page.locator('[data-action=send-decision]');

  it('keeps the approval listed on hold with its decision disabled while the order has an incident, and lets it be decided after the retry', async () => {
    await api('POST', '/api/processes/held-approval/instances', INTEGRATION_TOKEN, { businessKey: 'HELD-UI-1' });
    await page.goto(`${server.url}/tasks`);
    await page.locator('[data-dialog=sign-in] input[name=token]').fill(DIRK);
    await page.locator('[data-dialog=sign-in] input[name=token]').press('Enter');
    await page.waitForSelector('body[data-ready=true]');
    await item().waitFor();
    expect(await item().getAttribute('data-held')).toBeNull();
    await item().locator('.task-link').click();
    await sendButton().waitFor();
    expect(await sendButton().isDisabled()).toBe(false);

    const [check] = await api<{ id: string }[]>('POST', '/api/jobs/fetch-and-lock', INTEGRATION_TOKEN, { type: 'held-approval-check', businessKey: 'HELD-UI-1', workerId: 'w', max: 1 });
    await api('POST', `/api/jobs/${encodeURIComponent(check.id)}/failure`, INTEGRATION_TOKEN, { message: 'price list unreachable', retries: 0, workerId: 'w' });
    // the next poll: still listed, on hold, and the open task's decision disabled
    await expect.poll(() => item().getAttribute('data-held'), { timeout: 10_000 }).toBe('instance-failed');
    expect(await item().locator('.task-hold').textContent()).toBe('On hold: the order has an incident that operations must resolve first. You can decide once it is retried.');
    expect(await sendButton().isDisabled()).toBe(true);
    expect(await page.locator('[data-notice]').getAttribute('data-held')).toBe('instance-failed');
    expect(await page.locator('[data-notice]').isVisible()).toBe(true);
    // Assign to me moves nothing: it is offered and taken on hold, and the decision stays disabled
    await page.locator('[data-assignment] [data-action=claim]').click();
    await page.locator('[data-assignment] [data-assigned=dirk]').waitFor();
    expect(await page.locator('[data-assignment]').textContent()).toBe('Assigned to youUnassign');
    expect(await sendButton().isDisabled()).toBe(true);
    expect(await page.locator('[data-notice]').getAttribute('data-held')).toBe('instance-failed');
    expect(await page.locator('[data-notice]').textContent()).toContain('On hold');
    await item().locator('.task-assigned').waitFor();

    const { items: [incident] } = await api<{ items: { id: string }[] }>('GET', '/api/incidents?businessKey=HELD-UI-1', OTTO);
    await api('POST', `/api/incidents/${incident.id}/retry`, OTTO, {});
    await expect.poll(() => item().getAttribute('data-held'), { timeout: 10_000 }).toBeNull();
    expect(await item().locator('.task-hold').count()).toBe(0);
    expect(await sendButton().isDisabled()).toBe(false);
    expect(await page.locator('[data-notice]').isVisible()).toBe(false);
    await sendButton().click();
    await expect.poll(() => item().count(), { timeout: 10_000 }).toBe(0);
    expect(consoleErrors).toEqual([]);
  });
});
