import { readFileSync } from 'node:fs';
import type { ModdleElement } from 'bpmn-moddle';
import { describe, expect, it } from 'vitest';
import { compareBpmn } from '../../engine/interop/compare.js';
import { loadIntoModeler, saveFromModeler } from '../../engine/interop/modeler-bridge.js';
import { importBpmn } from '../../engine/interop/pipeline.js';
import { ModdleModeler } from './support/moddle-modeler.js';

const hostile = new Uint8Array(readFileSync(new URL('../fixtures/interop/hostile.bpmn', import.meta.url)));

/**
 * A stand-in for bpmn-js: moddle underneath, and, like bpmn-js, it changes the
 * diagram on import by itself (here: it drops the shape of an element it cannot
 * draw and marks every shape as horizontal).
 */
class ModelerStandIn extends ModdleModeler {
  protected override imported(definitions: ModdleElement): void {
    const plane = definitions.diagrams![0].plane!;
    plane.planeElement = plane.planeElement!.filter((e) => e.bpmnElement);
    for (const element of plane.planeElement as DiagramElement[]) if (element.$type === 'bpmndi:BPMNShape') element.isHorizontal = true;
  }
  element(id: string): ModdleElement {
    return this.definitions!.rootElements!.flatMap((root) => root.flowElements ?? []).find((e) => e.id === id)!;
  }
}

/** A bpmndi element with the one attribute the stand-in sets that ModdleElement does not list. */
type DiagramElement = ModdleElement & { isHorizontal?: boolean };

describe('open and save through a bpmn-js modeler', () => {
  it('does not take what the modeler changes on import for an edit', async () => {
    const document = await importBpmn(hostile);
    const modeler = new ModelerStandIn(document.flavour);
    await loadIntoModeler(modeler, document);
    expect(compareBpmn(hostile, await saveFromModeler(modeler, document))).toEqual([]);
  });

  it('saves the user’s edit and only that', async () => {
    const document = await importBpmn(hostile);
    const modeler = new ModelerStandIn(document.flavour);
    await loadIntoModeler(modeler, document);
    modeler.element('Wait').name = 'Zahlung erhalten';
    const saved = await saveFromModeler(modeler, document);
    expect(compareBpmn(hostile, saved).map((d) => `${d.kind} ${d.path}`)).toEqual([
      'attribute-changed definitions/process[@id=Orders]/intermediateCatchEvent[@id=Wait]@name',
    ]);
  });

  it('without the modeler’s own baseline its import changes would be saved as edits (why loadIntoModeler exists)', async () => {
    const document = await importBpmn(hostile);
    const modeler = new ModelerStandIn(document.flavour);
    await modeler.importXML(document.xmlForModdle);
    const saved = await saveFromModeler(modeler, document);
    expect(compareBpmn(hostile, saved).map((d) => d.kind)).toContain('attribute-added');
  });
});
