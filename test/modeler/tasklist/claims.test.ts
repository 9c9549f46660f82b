// Assign to me / Unassign in the task list, as Camunda Tasklist has them: two sales directors share one group; the
// one who assigns the approval to themselves sees it marked as theirs, the other no longer lists it, and a task
// someone else claimed while it is open shows who and cannot be decided. The built page (/tasks) on the real
// server, in Debian's chromium.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { TaskView } from '../../../engine/api.js';
import type { RunningServer } from '../../../server/start.js';
import { browserAvailable } from '../../support/browser.js';
import { DESIGNER_TOKEN, INTEGRATION_TOKEN, useModelerSession } from '../../support/modeler-session.js';

const DIRK = 'dirk-claims-token';
const DANA = 'dana-claims-token';

describe.skipIf(!browserAvailable)('assigning a task to oneself in the task list', () => {
  let server: RunningServer;
  let page: Page;
  let consoleErrors: string[] = [];

  const users = [
    { name: 'ann', token: DESIGNER_TOKEN, groups: ['designer'] },
    { name: 'erp', token: INTEGRATION_TOKEN, groups: ['integration'] },
    // the shipped library's candidate groups need members, or its deploy is refused
    { name: 'dirk', token: DIRK, groups: ['sales-director', 'vice-president', 'procurement', 'production', 'inspection'] },
    { name: 'dana', token: DANA, groups: ['sales-director'] },
  ];
  useModelerSession({ users, signInWith: null }, (session) => {
    ({ server, page, consoleErrors } = session);
    return Promise.resolve();
  });

  async function api<T>(method: string, path: string, token: string, body?: unknown): Promise<{ status: number; json: T }> {
    const response = await fetch(server.url + path, {
      method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, json: (await response.json()) as T };
  }

  const item = () => page.locator('.task-item:has(.task-order:text-is("CLAIM-UI-1 · Lager AG"))');
  const assignment = () => page.locator('[data-assignment]');
  const sendButton = () => page.locator('[data-action=send-decision]');

  it('assigns the approval to the director who asks, marks it theirs, keeps it from the other director, and gives it back', async () => {
    const entered = await api('POST', '/api/orders', INTEGRATION_TOKEN, { orderNo: 'CLAIM-UI-1', customer: { name: 'Lager AG' }, amount: 1_500_000, currency: 'CNY', paymentTerms: 'credit' });
    expect(entered.status).toBe(201);
    await page.goto(`${server.url}/tasks`);
    await page.locator('[data-dialog=sign-in] input[name=token]').fill(DIRK);
    await page.locator('[data-dialog=sign-in] input[name=token]').press('Enter');
    await page.waitForSelector('body[data-ready=true]');
    await item().locator('.task-link').click();
    await assignment().locator('[data-action=claim]').waitFor();
    expect(await assignment().textContent()).toBe('UnassignedAssign to me');
    expect(await item().locator('.task-assigned').count()).toBe(0);

    await assignment().locator('[data-action=claim]').click();
    await assignment().locator('[data-action=unclaim]').waitFor();
    expect(await assignment().locator('[data-assigned]').textContent()).toBe('Assigned to you');
    await expect.poll(() => item().locator('.task-assigned').textContent(), { timeout: 10_000 }).toBe('Assigned to you');
    expect(await sendButton().isDisabled()).toBe(false);
    // the other director's list leaves it out, and the server refuses their decision
    const [task] = (await api<TaskView[]>('GET', '/api/tasks?businessKey=CLAIM-UI-1', INTEGRATION_TOKEN)).json;
    expect(task.claimedBy).toBe('dirk');
    expect((await api<TaskView[]>('GET', '/api/tasks?mine=true', DANA)).json.map((one) => one.id)).not.toContain(task.id);
    expect((await api('POST', `/api/tasks/${encodeURIComponent(task.id)}/complete`, DANA, { variables: { approved: true } })).status).toBe(403);

    await assignment().locator('[data-action=unclaim]').click();
    await assignment().locator('[data-action=claim]').waitFor();
    expect(await assignment().locator('[data-assigned]').textContent()).toBe('Unassigned');
    await expect.poll(() => item().locator('.task-assigned').count(), { timeout: 10_000 }).toBe(0);
    expect(consoleErrors).toEqual([]);
  });

  it('shows who claimed the open task meanwhile, and disables its decision until they give it back', async () => {
    const [task] = (await api<TaskView[]>('GET', '/api/tasks?businessKey=CLAIM-UI-1', INTEGRATION_TOKEN)).json;
    expect((await api('POST', `/api/tasks/${encodeURIComponent(task.id)}/claim`, DANA)).status).toBe(200);
    // dana's claim takes it out of dirk's list; the open task says who holds it
    await expect.poll(() => assignment().locator('[data-assigned]').textContent(), { timeout: 10_000 }).toBe('Assigned to dana');
    expect(await assignment().locator('button').count()).toBe(0);
    expect(await sendButton().isDisabled()).toBe(true);
    expect(await page.locator('[data-notice]').textContent()).toBe('dana has assigned this task to themselves: only they can decide it until they unassign it.');
    await expect.poll(() => item().count(), { timeout: 10_000 }).toBe(0);

    expect((await api('POST', `/api/tasks/${encodeURIComponent(task.id)}/unclaim`, DANA)).status).toBe(200);
    await expect.poll(() => item().count(), { timeout: 10_000 }).toBe(1);
    await expect.poll(() => sendButton().isDisabled(), { timeout: 10_000 }).toBe(false);
    expect(await assignment().locator('[data-assigned]').textContent()).toBe('Unassigned');
    expect(consoleErrors).toEqual([]);
  });
});
