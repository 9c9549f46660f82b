// A stand-in for bpmn-js in the modeler bridge's tests: bpmn-moddle underneath, importing and saving the XML the
// bridge hands it as bpmn-js does. `imported` lets a subclass change the diagram on import, as bpmn-js does.
import type { BpmnModdle, ModdleElement } from 'bpmn-moddle';
import { createModdle } from '../../../engine/bpmn/moddle.js';
import type { XmlModeler } from '../../../engine/interop/modeler-bridge.js';

export class ModdleModeler implements XmlModeler {
  definitions: ModdleElement | undefined;
  private readonly moddle: BpmnModdle;

  constructor(flavour: 'camunda' | 'zeebe') {
    this.moddle = createModdle(flavour);
  }

  async importXML(xml: string) {
    const { rootElement, warnings } = await this.moddle.fromXML(xml, 'bpmn:Definitions');
    this.definitions = rootElement;
    this.imported(rootElement);
    return { warnings };
  }

  async saveXML(options?: { format?: boolean }) {
    return this.moddle.toXML(this.definitions!, options);
  }

  /** What the modeler changes by itself on import: nothing here. */
  protected imported(_definitions: ModdleElement): void {}
}
