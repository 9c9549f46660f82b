// The open diagram's ids between the canvas (moddle's aliases) and the file (what the server answers with).
import { describe, expect, it } from 'vitest';
import { aliasRefusedIds } from '../../../engine/interop/id-aliases.js';
import { parseXml } from '../../../engine/interop/xml-tree.js';
import { canvasIds, SAME_IDS } from '../../../modeler/src/bpmn/canvas-ids.js';

const BPMN = 'xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"';
/** The alias map the modeler's import produces for `body` (the interop pipeline's own step). */
const aliasesOf = (body: string) => aliasRefusedIds(parseXml(`<bpmn:definitions ${BPMN} id="定義_1">${body}</bpmn:definitions>`));

describe('canvas ids of an open diagram', () => {
  it('translates ids in any script both ways, as the import aliased them', () => {
    const ids = canvasIds(aliasesOf('<bpmn:process id="Prüfen"><bpmn:userTask id="مهمة_1"/><bpmn:task id="Task_1"/></bpmn:process><bpmn:process id="確認_1"/>'));
    expect(ids.canvasIdOf('Prüfen')).toBe('Pr_x00FC_fen');
    expect(ids.fileIdOf('Pr_x00FC_fen')).toBe('Prüfen');
    for (const id of ['定義_1', 'Prüfen', 'مهمة_1', '確認_1']) {
      expect(ids.canvasIdOf(id)).toMatch(/^[\w.-]+$/);
      expect(ids.fileIdOf(ids.canvasIdOf(id))).toBe(id);
    }
    expect(ids.canvasIdOf('Task_1')).toBe('Task_1');
    expect(ids.fileIdOf('Task_1')).toBe('Task_1');
  });

  it('leaves an id the file spells like an alias as written, and gives the aliased id the next alias', () => {
    const ids = canvasIds(aliasesOf('<bpmn:process id="Prüfen"><bpmn:task id="Pr_x00FC_fen"/></bpmn:process>'));
    expect(ids.canvasIdOf('Pr_x00FC_fen')).toBe('Pr_x00FC_fen');
    expect(ids.fileIdOf('Pr_x00FC_fen')).toBe('Pr_x00FC_fen');
    expect(ids.canvasIdOf('Prüfen')).toBe('Pr_x00FC_fen_2');
    expect(ids.fileIdOf('Pr_x00FC_fen_2')).toBe('Prüfen');
  });

  it('means the first element by an id used twice, as references do', () => {
    const ids = canvasIds(aliasesOf('<bpmn:process id="P"><bpmn:task id="Check"/><bpmn:task id="Check"/><bpmn:task id="Prüfen"/><bpmn:task id="Prüfen"/></bpmn:process>'));
    expect(ids.canvasIdOf('Check')).toBe('Check');
    expect(ids.fileIdOf('Check_2')).toBe('Check');
    expect(ids.canvasIdOf('Prüfen')).toBe('Pr_x00FC_fen');
    expect(ids.fileIdOf('Pr_x00FC_fen_2')).toBe('Prüfen');
  });

  it('changes nothing in a diagram without aliases', () => {
    expect(SAME_IDS.canvasIdOf('Task_1')).toBe('Task_1');
    expect(SAME_IDS.fileIdOf('Prüfen')).toBe('Prüfen');
  });
});
