import { BpmnModdle } from 'bpmn-moddle';
import zeebe from 'zeebe-bpmn-moddle/resources/zeebe.json' with { type: 'json' };
import { describe, expect, it } from 'vitest';
import { isValidKey, newProcessXml } from '../../../../modeler/src/features/files/ProcessTemplate.js';

describe('the new-process template', () => {
  it('is a Zeebe process with the given key and name and a drawn start event', async () => {
    const { rootElement, warnings } = await new BpmnModdle({ zeebe }).fromXML(newProcessXml('returns-handling', 'Returns & refunds'));
    expect(warnings).toEqual([]);
    const process = rootElement.rootElements![0];
    expect(process).toMatchObject({ $type: 'bpmn:Process', id: 'returns-handling', name: 'Returns & refunds', isExecutable: true });
    expect(process.flowElements!.map((e) => e.$type)).toEqual(['bpmn:StartEvent']);
    const plane = rootElement.diagrams![0].plane!;
    expect(plane.bpmnElement).toBe(process);
    expect(plane.planeElement!.map((shape) => shape.bpmnElement!.id)).toEqual(['StartEvent_1']);
  });

  it('accepts keys that are XML ids and refuses the rest', () => {
    expect(['returns-handling', 'order_2', 'a.b'].filter((key) => !isValidKey(key))).toEqual([]);
    expect(['2orders', 'with space', '', 'a/b'].filter(isValidKey)).toEqual([]);
  });
});
