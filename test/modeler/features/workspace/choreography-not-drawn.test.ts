// A file with a choreography beside a process: bpmn-js draws the process and nothing of the choreography, and said
// nothing of it. The status line now says it is kept but not drawn (as the server's choreography-not-run warning
// does), the Problems panel lists that warning (a click on it says again that it is not drawn, where before it did
// nothing), and saving keeps the choreography. Built modeler, real server,
// Debian's chromium.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserAvailable } from '../../../support/browser.js';
import { useModelerSession } from '../../../support/modeler-session.js';

const FIXTURE = join(import.meta.dirname, '../../../fixtures/interop-crafted/choreography-beside-process.bpmn');
const SENTENCE = 'Choreography "Quote choreography" is kept in the file but not run, and the modeler does not draw it: Stratum runs the processes beside it';

describe.skipIf(!browserAvailable)('a choreography beside a process in the modeler', () => {
  let page: Page;
  useModelerSession({}, (session) => {
    ({ page } = session);
  });

  it('opens the process, says on the status line that the choreography is kept but not drawn (also when its finding is clicked), and saves it', async () => {
    await page.locator('input[data-file-input=bpmn]').setInputFiles(FIXTURE);
    await expect.poll(() => page.locator('.document-key').textContent()).toBe('quote-handling');
    await expect.poll(() => page.locator('#status').textContent()).toContain(SENTENCE);

    await page.locator('[data-action=toggle-problems]').click();
    const finding = page.locator('.problem[data-rule=choreography-not-run]');
    await finding.waitFor({ timeout: 10_000 });
    expect(await finding.getAttribute('class')).toContain('warning');
    expect(await page.locator('.problem.error').count()).toBe(0);
    // a click on it cannot select what is not drawn: the status line says where it is, and nothing is selected
    await finding.locator('.problem-open').click();
    await expect.poll(() => page.locator('#status').textContent()).toBe('Choreography "Quote choreography" is not drawn: kept in the file');
    expect(await page.evaluate(() => (window as unknown as { stratumModeler: { get(name: string): { get(): unknown[] } } }).stratumModeler.get('selection').get().length)).toBe(0);

    const saved = await page.evaluate(() => (window as unknown as { stratumModeler: { get(name: string): { xml(): Promise<string> } } }).stratumModeler.get('workspace').xml());
    expect(saved).toBe(readFileSync(FIXTURE, 'utf8'));
  });
});
