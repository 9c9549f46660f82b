// Opening a file that is not a BPMN diagram (an image, a JSON file renamed .bpmn, XML of another kind): the status
// line names the file and says what it is not, in words, never the XML parser's text, and the diagram on the canvas
// stays as it was. Built modeler, real server, Debian's chromium.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserAvailable } from '../../../support/browser.js';
import { useModelerSession } from '../../../support/modeler-session.js';

const FIXTURE = join(import.meta.dirname, '../../fixtures/other-tool.bpmn');
const PNG = readFileSync(join(import.meta.dirname, '../../../../node_modules/playwright-core/lib/server/chromium/appIcon.png'));
const DMN = readFileSync(join(import.meta.dirname, '../../../fixtures/dmn/approval-tier.dmn'));

describe.skipIf(!browserAvailable)('opening a file that is not a BPMN diagram', () => {
  let page: Page;
  useModelerSession({}, (session) => {
    ({ page } = session);
  });

  const status = () => page.locator('#status').textContent();
  const documentKey = () => page.locator('.document-key').textContent();
  const elementIds = () => page.evaluate(() => (window as unknown as { stratumModeler: { get(name: string): { getAll(): { id: string }[] } } })
    .stratumModeler.get('elementRegistry').getAll().map((element) => element.id).sort());

  async function openFile(name: string, buffer: Buffer, mimeType = 'application/octet-stream'): Promise<void> {
    await page.locator('input[data-file-input=bpmn]').setInputFiles({ name, mimeType, buffer });
  }

  it('says which file is not BPMN XML and keeps the diagram on the canvas', async () => {
    await page.locator('input[data-file-input=bpmn]').setInputFiles(FIXTURE);
    await expect.poll(documentKey).toBe('returns-handling');
    const before = await elementIds();

    await openFile('photo.png', PNG, 'image/png');
    await expect.poll(status).toBe('photo.png is not a BPMN diagram: it is not an XML file. Open a .bpmn file saved by a BPMN modeler.');
    expect(await page.locator('#status').getAttribute('data-kind')).toBe('error');
    expect(await documentKey()).toBe('returns-handling');
    expect(await elementIds()).toEqual(before);

    await openFile('order.bpmn', Buffer.from('{"orderNo": "SO-1", "amount": 100}'), 'application/json');
    await expect.poll(status).toBe('order.bpmn is not a BPMN diagram: it is not an XML file. Open a .bpmn file saved by a BPMN modeler.');
    expect(await elementIds()).toEqual(before);

    await openFile('approval-tier.bpmn', DMN, 'application/xml');
    await expect.poll(status).toBe('approval-tier.bpmn is not a BPMN diagram: it is XML, but a DMN decision (<definitions> of DMN), not BPMN. Open a .bpmn file saved by a BPMN modeler.');
    expect(await elementIds()).toEqual(before);

    await openFile('note.xml', Buffer.from('<?xml version="1.0"?><note><to>Tove</to></note>'), 'application/xml');
    await expect.poll(status).toBe('note.xml is not a BPMN diagram: it is XML, but its root element is <note>, not BPMN\'s <definitions>. Open a .bpmn file saved by a BPMN modeler.');
    expect(await elementIds()).toEqual(before);
    expect(await documentKey()).toBe('returns-handling');
  });
});
