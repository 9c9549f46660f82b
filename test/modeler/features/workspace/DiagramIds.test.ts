// The open diagram's ids where the canvas meets the server: the element registry finds a shape by the file's id.
import { describe, expect, it } from 'vitest';
import DiagramIds from '../../../../modeler/src/features/workspace/DiagramIds.js';

/** The registry's lookup by id, over the shapes bpmn-js drew (under moddle's aliases). */
function registryOf(ids: string[]) {
  const shapes = new Map(ids.map((id) => [id, { id }]));
  return { get: (id: string) => shapes.get(id) };
}

const callActivity = (processId: string) => ({
  id: 'Aufruf_x78BA__x8A8D_',
  businessObject: { $type: 'bpmn:CallActivity', extensionElements: { values: [{ $type: 'zeebe:CalledElement', processId }] } },
});

describe('the open diagram\'s ids', () => {
  it('finds a shape by the file\'s id the server names, and by its canvas id', () => {
    const registry = registryOf(['_x0645__x0647__x0645__x0629__1', 'Task_1']);
    const ids = new DiagramIds(registry);
    ids.use(new Map([['_x0645__x0647__x0645__x0629__1', 'مهمة_1']]));
    expect(registry.get('مهمة_1')).toEqual({ id: '_x0645__x0647__x0645__x0629__1' });
    expect(registry.get('_x0645__x0647__x0645__x0629__1')).toEqual({ id: '_x0645__x0647__x0645__x0629__1' });
    expect(registry.get('Task_1')).toEqual({ id: 'Task_1' });
    expect(registry.get('記録')).toBeUndefined();
  });

  it('follows the diagram opened last', () => {
    const registry = registryOf(['Pr_x00FC_fen']);
    const ids = new DiagramIds(registry);
    ids.use(new Map([['Pr_x00FC_fen', 'Prüfen']]));
    expect(ids.fileIdOf('Pr_x00FC_fen')).toBe('Prüfen');
    expect(registry.get('Prüfen')).toEqual({ id: 'Pr_x00FC_fen' });
    ids.use(new Map());
    expect(registry.get('Prüfen')).toBeUndefined();
    expect(ids.fileIdOf('Pr_x00FC_fen')).toBe('Pr_x00FC_fen');
  });

  it('names a called process of the same file, which moddle reads under its alias, by its key', () => {
    const ids = new DiagramIds(registryOf([]));
    ids.use(new Map([['_x78BA__x8A8D__1', '確認_1']]));
    expect(ids.calledKeyOf(callActivity('_x78BA__x8A8D__1'))).toBe('確認_1');
    expect(ids.calledKeyOf(callActivity('credit-order-approval'))).toBe('credit-order-approval');
    expect(ids.calledKeyOf({ businessObject: { $type: 'bpmn:Task' } })).toBeNull();
  });

  it('writes the file\'s ids into a text about the canvas\'s model, whole words only', () => {
    const ids = new DiagramIds(registryOf([]));
    expect(ids.withFileIds('process "Pr_x00FC_fen"')).toBe('process "Pr_x00FC_fen"'); // nothing opened yet
    ids.use(new Map([['Pr_x00FC_fen', 'Prüfen'], ['Check_2', 'Check'], ['Nachricht__x00E4_', 'Nachricht_ä']]));
    expect(ids.withFileIds('process "Pr_x00FC_fen" waits for message Nachricht__x00E4_, which has no name'))
      .toBe('process "Prüfen" waits for message Nachricht_ä, which has no name');
    expect(ids.withFileIds('Check_2 and Check_20 and Pr_x00FC_fen.x')).toBe('Check and Check_20 and Pr_x00FC_fen.x');
    ids.use(new Map());
    expect(ids.withFileIds('process "Pr_x00FC_fen"')).toBe('process "Pr_x00FC_fen"');
  });
});
