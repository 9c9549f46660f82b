// Which of a file's diagrams shows a process. Some files hold one diagram
// (BPMNDiagram with its BPMNPlane) per process or per pool (Signavio and Bizagi
// exports, MIWG C.4.0); bpmn-js draws the first one unless it is told which,
// so a process opened by its key would show another process.
import type { BpmnDocument } from '../../../engine/interop/index.js';
import { BPMN_DI_NS, BPMN_MODEL_NS } from '../../../engine/interop/namespaces.js';
import { childElements, elementName, type XmlElement } from '../../../engine/interop/xml-tree.js';
import { canvasIds } from './canvas-ids';

/**
 * The canvas's id of the diagram that shows the process `processKey` (the file's id), for bpmn-js's
 * `importXML(xml, diagramId)`: the diagram whose plane is the process, else the first whose plane is a
 * collaboration (or a participant) with the process in a pool. Undefined when no diagram names it (bpmn-js then
 * draws the first, which may show it in a way bpmn-js finds by itself) or the diagram has no id to ask for.
 */
export function diagramOfProcess(document: Pick<BpmnDocument, 'original' | 'idAliases' | 'xmlForModdle'>, processKey: string): string | undefined {
  // the modeler parses the kept tree only when saving: a file with one diagram has nothing to choose
  if ((document.xmlForModdle.match(DIAGRAM_START_TAG) ?? []).length < 2) return undefined;
  const definitions = document.original.root;
  const diagrams = childElements(definitions).filter((element) => isElement(element, BPMN_DI_NS, 'BPMNDiagram'));
  const shownBy = (ids: Set<string>) => diagrams.find((diagram) => {
    const plane = childElements(diagram).find((element) => isElement(element, BPMN_DI_NS, 'BPMNPlane'));
    return plane !== undefined && ids.has(attribute(plane, 'bpmnElement'));
  });
  const diagram = shownBy(new Set([processKey])) ?? shownBy(poolsAndCollaborationsOf(definitions, processKey));
  const id = diagram && attribute(diagram, 'id');
  return id ? canvasIds(document.idAliases).canvasIdOf(id) : undefined;
}

const DIAGRAM_START_TAG = /<(?:[\w.-]+:)?BPMNDiagram[\s/>]/g;

/** The ids of the participants whose pool is the process, and of the collaborations that hold them. */
function poolsAndCollaborationsOf(definitions: XmlElement, processKey: string): Set<string> {
  const ids = new Set<string>();
  for (const collaboration of childElements(definitions).filter((element) => isElement(element, BPMN_MODEL_NS, 'collaboration'))) {
    const pools = childElements(collaboration)
      .filter((element) => isElement(element, BPMN_MODEL_NS, 'participant') && attribute(element, 'processRef') === processKey);
    if (pools.length === 0) continue;
    ids.add(attribute(collaboration, 'id'));
    for (const pool of pools) ids.add(attribute(pool, 'id'));
  }
  ids.delete('');
  return ids;
}

function isElement(element: XmlElement, uri: string, local: string): boolean {
  const name = elementName(element);
  return name.uri === uri && name.local === local;
}

/** An unprefixed attribute's value, trimmed as the schema reads ids and references ('' when absent). */
function attribute(element: XmlElement, name: string): string {
  return element.attributes.find((candidate) => candidate.name === name)?.value.trim() ?? '';
}
