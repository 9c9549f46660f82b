// The deploy dialog warns of a message whose catchers the change alters: prepaid-entry-control's "Payment received"
// renamed from PaymentReceived to PaymentArrived. Each name is a warning for the systems that send it, with the running
// orders still waiting for the old name and those it is buffered for (each opening its instance) and the catch's process to open; it does not
// block. Check the whole library in the Problems panel names them before the dialog. Built modeler, real server,
// Debian's chromium.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { RunningServer } from '../../../../server/start.js';
import { browserAvailable } from '../../../support/browser.js';
import { INTEGRATION_TOKEN, useModelerSession } from '../../../support/modeler-session.js';

const ENTRY_CONTROL = readFileSync(join(import.meta.dirname, '../../../../diagrams/prepaid-entry-control.bpmn'), 'utf8');

describe.skipIf(!browserAvailable)('the deploy dialog and the Problems panel of a renamed message', () => {
  let page: Page;
  let server: RunningServer;
  useModelerSession({}, (session) => {
    ({ page, server } = session);
  });

  it('names who now waits for PaymentArrived and who still catches PaymentReceived, with the order waiting for it, as warnings, here and in the Problems panel', async () => {
    const entered = await fetch(`${server.url}/api/orders`, {
      method: 'POST',
      headers: { authorization: `Bearer ${INTEGRATION_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ orderNo: 'MSG-PRE', customer: { name: 'ACME' }, amount: 450_000, currency: 'CNY', paymentTerms: 'prepaid-at-entry' }),
    });
    expect(entered.status).toBe(201);
    // a credit order waits for no payment: the PaymentReceived sent for it is buffered for its time-to-live
    const credit = await fetch(`${server.url}/api/orders`, {
      method: 'POST',
      headers: { authorization: `Bearer ${INTEGRATION_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ orderNo: 'MSG-CREDIT', customer: { name: 'ACME' }, amount: 300_000, currency: 'CNY', paymentTerms: 'credit' }),
    });
    expect(credit.status).toBe(201);
    const buffered = await fetch(`${server.url}/api/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${INTEGRATION_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'PaymentReceived', businessKey: 'MSG-CREDIT', timeToLive: 'PT1H' }),
    });
    expect(buffered.status).toBe(202);
    await page.locator('input[data-file-input=bpmn]').setInputFiles({
      name: 'prepaid-entry-control.bpmn', mimeType: 'application/octet-stream', buffer: Buffer.from(ENTRY_CONTROL.replace('name="PaymentReceived"', 'name="PaymentArrived"')),
    });
    await expect.poll(() => page.locator('.document-key').textContent()).toBe('prepaid-entry-control');

    await page.locator('[data-action=deploy]').click();
    const messages = page.locator('[data-dialog=deploy] .deploy-impact .impact-messages');
    await messages.waitFor({ timeout: 20_000 });
    expect(await messages.locator('p').textContent()).toBe('Warning: 2 message(s) are caught by other elements after this change. ' +
      'Tell whoever runs the systems that send them (this does not block the deployment).');
    const received = messages.locator('li.warning[data-message=PaymentReceived]');
    expect(await received.textContent()).toMatch(/^PaymentReceived: prepaid-entry-control "Payment received" no longer catches it \(it waits for PaymentArrived instead\), .* Running orders waiting for it now: 1 — MSG-PRE Messages of it buffered now, not yet correlated: 1 — MSG-CREDIT Open prepaid-entry-control$/);
    expect(await received.getAttribute('title')).toContain('caught after: prepaid-shipment-control IntermediateCatchEvent_PaymentReceived (=orderNo)');
    expect(await messages.locator('li.warning[data-message=PaymentArrived]').textContent()).toMatch(/^No process caught PaymentArrived before: /);
    // warnings: the deployment is not held back
    expect(await page.locator('[data-dialog=deploy] .impact-blocking').count()).toBe(0);

    // before the deploy dialog, Check the whole library names them too, each at the catch it is about
    await page.locator('[data-dialog=deploy] .dialog-buttons button.secondary').click();
    await page.locator('[data-action=toggle-problems]').click();
    await page.locator('[data-action=check-library]').click();
    const listed = page.locator('[data-section=message-catchers] li.problem');
    await listed.first().waitFor({ timeout: 20_000 });
    expect(await listed.evaluateAll((items) => items.map((item) => `${(item as HTMLElement).dataset.process}/${(item as HTMLElement).dataset.element}`)))
      .toEqual(['prepaid-entry-control/IntermediateCatchEvent_PaymentReceived', 'prepaid-entry-control/IntermediateCatchEvent_PaymentReceived']);
    expect(await listed.locator('.problem-message').allTextContents()).toEqual([
      expect.stringMatching(/^No process caught PaymentArrived before: /),
      expect.stringMatching(/^PaymentReceived: prepaid-entry-control "Payment received" no longer catches it /),
    ]);
  }, 60_000);
});
