// BPMN makes a flow node's <incoming>/<outgoing> optional, and several tools
// omit them; bpmn-js and bpmnlint's connectivity rules read them. Filling them
// in from the sequence flows (as bpmn-js does on import) lets files from any
// tool be judged the same way. Changes only the in-memory model.
import { allFlowElements } from './process-model.js';

export function completeFlowReferences(definitions: any): void {
  for (const container of definitions.rootElements ?? []) {
    if (container.$type !== 'bpmn:Process') continue;
    for (const flow of allFlowElements(container)) {
      if (flow.$type !== 'bpmn:SequenceFlow') continue;
      addOnce(flow.sourceRef, 'outgoing', flow);
      addOnce(flow.targetRef, 'incoming', flow);
    }
  }
}

function addOnce(node: any, property: 'incoming' | 'outgoing', flow: any) {
  if (!node || typeof node !== 'object') return;
  const list: any[] = node.get ? node.get(property) : (node[property] ??= []);
  if (!list.includes(flow)) list.push(flow);
}
