// Every file of the shared corpus opened in the browser modeler (bpmn-js, the
// real app) and saved again without edits loses nothing: the saved XML is
// compared with the ORIGINAL file, as ../shared/interop/README.md asks.
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareBpmn, formatDifferences } from '../../engine/interop/index.js';
import { readFileSync } from 'node:fs';
import { browserAvailable } from '../support/browser.js';
import { type ModelerSession, openFileInModeler, saveFromModeler, useModelerSession } from '../support/modeler-session.js';
import { INTEROP_DIR, interopAvailable } from '../support/shared-interop.js';
import { textMatching } from '../support/matchers.js';
import type { ModelerWindow } from '../support/modeler-window.js';

function bpmnFiles(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) return bpmnFiles(path);
    return name.endsWith('.bpmn') ? [path] : [];
  });
}

const corpus = interopAvailable ? bpmnFiles(INTEROP_DIR).sort() : [];

describe.skipIf(!browserAvailable || !interopAvailable)('corpus round trip through the browser modeler', () => {
  let session: ModelerSession;
  useModelerSession({ timeoutMs: 180_000 }, (opened) => { session = opened; });

  it('has the corpus', () => expect(corpus.length).toBeGreaterThan(30));

  it('changes exactly one name when a task of a Signavio file is renamed in the modeler', async () => {
    const path = join(INTEROP_DIR, 'vendors/signavio-19.9.0/C.1.0-roundtrip.bpmn');
    await openFileInModeler(session.page, path);
    await session.page.evaluate(() => {
      const modeler = (window as unknown as ModelerWindow).stratumModeler;
      modeler.get('modeling').updateLabel(modeler.get('elementRegistry').get('approveInvoice')!, 'Approve invoice (4 eyes)');
    });
    const saved = await saveFromModeler(session.page);
    const differences = compareBpmn(new Uint8Array(readFileSync(path)), saved);
    expect(differences.map(({ path: where, original, exported }) => ({ where, original, exported }))).toEqual([
      { where: textMatching(/userTask\[@id=approveInvoice\]@name$/), original: 'Approve Invoice', exported: 'Approve invoice (4 eyes)' },
    ]);
  }, 60_000);

  for (const path of corpus) {
    it(`opens and saves ${relative(INTEROP_DIR, path)} without loss`, async () => {
      await openFileInModeler(session.page, path);
      const saved = await saveFromModeler(session.page);
      const losses = compareBpmn(new Uint8Array(readFileSync(path)), saved).filter((difference) => difference.severity === 'loss');
      expect(losses, formatDifferences(losses)).toEqual([]);
      expect(session.consoleErrors).toEqual([]);
    }, 60_000);
  }
});
