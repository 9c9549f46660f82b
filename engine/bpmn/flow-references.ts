// BPMN makes a flow node's <incoming>/<outgoing> optional, and several tools
// omit them; bpmn-js and bpmnlint's connectivity rules read them. Filling them
// in from the sequence flows (as bpmn-js does on import) lets files from any
// tool be judged the same way. Changes only the in-memory model.
import type { ModdleElement } from 'bpmn-moddle';
import { allFlowElements } from './process-model.js';

export function completeFlowReferences(definitions: ModdleElement): void {
  for (const container of definitions.rootElements ?? []) {
    if (container.$type !== 'bpmn:Process') continue;
    for (const flow of allFlowElements(container)) {
      if (flow.$type !== 'bpmn:SequenceFlow') continue;
      addOnce(flow.sourceRef, 'outgoing', flow);
      addOnce(flow.targetRef, 'incoming', flow);
    }
  }
}

function addOnce(node: ModdleElement | undefined, property: 'incoming' | 'outgoing', flow: ModdleElement) {
  // Only a flow node has incoming and outgoing flows. A reference can resolve to something else when two elements
  // share an id (moddle keeps the first it read, the definitions even): the import warning about the duplicate id
  // is the file's finding, and filling in must not crash on it.
  if (!node || typeof node !== 'object' || !isFlowNode(node)) return;
  // moddle's get() creates the collection as moddle does (a reference, not enumerated)
  const list = (typeof node.get === 'function' ? node.get(property) : (node[property] ??= [])) as ModdleElement[];
  if (!list.includes(flow)) list.push(flow);
}

function isFlowNode(node: ModdleElement): boolean {
  return typeof node.$instanceOf !== 'function' || node.$instanceOf('bpmn:FlowNode');
}
