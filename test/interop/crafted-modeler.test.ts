// The hand-made adversarial files of test/fixtures/interop-crafted/ opened in
// the browser modeler (bpmn-js, the real app), saved without edits and with
// one task renamed: each save is compared with the ORIGINAL file and may differ
// from it only by that edit.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compareBpmn, decodeXml, formatDifferences, importBpmn, type Difference } from '../../engine/interop/index.js';
import { browserAvailable } from '../support/browser.js';
import { type ModelerSession, openFileInModeler, saveFromModeler, useModelerSession } from '../support/modeler-session.js';
import { textMatching } from '../support/matchers.js';
import type { ModelerWindow } from '../support/modeler-window.js';
import { CRAFTED_DIR, craftedFixtures } from './support/crafted-fixtures.js';

const losses = (differences: Difference[]) => differences.filter((difference) => difference.severity === 'loss');
/**
 * bpmn-js draws a participant's process from a second diagram into the same
 * canvas and reports the element shown twice; the file keeps both diagrams.
 */
const IMPORT_WARNINGS: Record<string, RegExp[]> = {
  'di-multiple-diagrams.bpmn': [/failed to import <bpmn:SendTask id="Send" \/> Error: element <Send> already exists/],
};
/** The edit bpmn-js makes beside a rename: a label's DI for an element whose shape had none. */
const isAddedLabel = (difference: Difference) => difference.kind === 'element-added' && /\/BPMNLabel$/.test(difference.path);

describe.skipIf(!browserAvailable)('crafted files through the browser modeler', () => {
  let session: ModelerSession;
  useModelerSession({ timeoutMs: 180_000 }, (opened) => { session = opened; });

  for (const { file } of craftedFixtures()) {
    it(`${file}: saved unedited and with a task renamed, loses nothing`, async () => {
      const path = `${CRAFTED_DIR}/${file}`;
      const original = new Uint8Array(readFileSync(path));
      session.consoleErrors.length = 0; // each file is judged on its own errors
      await openFileInModeler(session.page, path);
      const unedited = losses(compareBpmn(original, await saveFromModeler(session.page)));
      expect(unedited, formatDifferences(unedited)).toEqual([]);

      const renamed = await session.page.evaluate(() => {
        const modeler = (window as unknown as ModelerWindow).stratumModeler;
        const task = modeler.get('elementRegistry').filter((element) => /Task$/.test(element.type) && !element.id.endsWith('_label'))[0];
        if (!task) return false;
        modeler.get('modeling').updateLabel(task, 'Renamed in the modeler');
        return true;
      });
      if (renamed) {
        const differences = losses(compareBpmn(original, await saveFromModeler(session.page))).filter((d) => !isAddedLabel(d));
        // the canvas knows an id moddle refuses by its alias (engine/interop/id-aliases.ts), so the task is found by its new name
        expect(differences.map(({ kind, path: where, exported }) => ({ kind, where: where.split('@').pop(), exported })), formatDifferences(differences)).toEqual([
          { kind: textMatching(/^attribute-(changed|added)$/), where: 'name', exported: 'Renamed in the modeler' },
        ]);
      }
      const expected = IMPORT_WARNINGS[file] ?? [];
      expect(session.consoleErrors).toEqual(expected.map((pattern) => textMatching(pattern)));
    }, 60_000);

    it(`${file}: a task appended, moved and its type changed, changes only that`, async () => {
      const path = `${CRAFTED_DIR}/${file}`;
      const original = new Uint8Array(readFileSync(path));
      session.consoleErrors.length = 0;
      await openFileInModeler(session.page, path);
      const edited = await session.page.evaluate(() => {
        const modeler = (window as unknown as ModelerWindow).stratumModeler;
        const task = modeler.get('elementRegistry').filter((element) => /Task$/.test(element.type) && !element.id.endsWith('_label'))[0];
        if (!task) return false;
        const modeling = modeler.get('modeling');
        const appended = modeling.appendShape(task, { type: 'bpmn:Task' });
        modeling.updateLabel(appended, 'Appended');
        modeling.moveElements([task], { x: 0, y: 20 });
        modeler.get('bpmnReplace').replaceElement(task, { type: task.type === 'bpmn:UserTask' ? 'bpmn:ManualTask' : 'bpmn:UserTask' });
        return true;
      });
      if (!edited) return;
      const saved = await saveFromModeler(session.page);
      const differences = losses(compareBpmn(original, saved));
      // what the edit may change: the new task, its flow and DI, the references to them, the retyped task
      // (whose shape bpmn-js gives a new id), and where shapes, labels and waypoints sit
      const allowed = [
        /^element-(added|lost) .*\/(task|userTask|manualTask|serviceTask|sendTask|scriptTask)\[@id=[^\]]+\]$/,
        /^element-added .*\/(sequenceFlow|BPMNShape|BPMNEdge)\[@id=[^\]]+\]$/,
        /^element-lost .*\/BPMNShape\[@id=[^\]]+\]$/,
        /^element-added .*\/(outgoing|incoming|flowNodeRef)$/,
        /^element-(added|lost) .*\/BPMNEdge\[@id=[^\]]+\]\/waypoint(\[\d+\])?$/,
        /^element-added .*\/BPMNLabel(\/Bounds)?$/,
        // a pool grown around the new task has its label placed anew
        /^element-lost .*\/BPMNShape\[@id=[^\]]+\]\/BPMNLabel\/Bounds$/,
        /^attribute-changed .*\/(Bounds|waypoint(\[\d+\])?)@(x|y|width|height)$/,
      ];
      const unexpected = differences.filter((d) => !allowed.some((pattern) => pattern.test(`${d.kind} ${d.path}`)));
      expect(unexpected, formatDifferences(unexpected)).toEqual([]);
      expect(differences.filter((d) => d.kind === 'element-added' && /\/(userTask|manualTask)\[/.test(d.path))).toHaveLength(1);
      // the retyped task's shape is the file's shape under bpmn-js's new id, not a second one: one shape more, for the new task
      const shapes = (xml: string) => xml.match(/<([\w.-]+:)?BPMNShape\s/g)?.length ?? 0;
      expect(shapes(saved)).toBe(shapes(decodeXml(original)) + 1);
      // it opens again as the edit left it
      const reopened = await importBpmn(saved);
      expect(reopened.definitions, reopened.warnings.join('\n')).not.toBeNull();
      expect(saved).toContain('name="Appended"');
    }, 60_000);
  }
});
