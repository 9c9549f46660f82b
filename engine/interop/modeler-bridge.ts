// Open and save through bpmn-js with the lossless pipeline. bpmn-js changes a
// few things on import by itself (it adds isMarkerVisible to gateway shapes,
// adds diagrams for collapsed sub-processes, drops DI it cannot draw), so the
// baseline edits are measured against must be what bpmn-js saves right after
// import, not what moddle saves. Browser-safe; bpmn-js is not imported here,
// the caller passes its modeler.
import { exportBpmn, setBaseline, type BpmnDocument } from './pipeline.js';

/** The part of a bpmn-js Modeler (or Viewer) this bridge uses. */
export interface XmlModeler {
  importXML(xml: string): Promise<{ warnings: unknown[] }>;
  saveXML(options?: { format?: boolean }): Promise<{ xml?: string }>;
}

/**
 * Shows `document` in the modeler. Create the modeler with the vendor package
 * the document was read with: `moddleExtensions: document.flavour === 'camunda'
 * ? { camunda } : { zeebe }`.
 */
export async function loadIntoModeler(modeler: XmlModeler, document: BpmnDocument): Promise<{ warnings: unknown[] }> {
  const result = await modeler.importXML(document.xmlForModdle);
  const { xml } = await modeler.saveXML({ format: true });
  if (xml === undefined) throw new Error('the modeler saved no XML after import');
  setBaseline(document, xml);
  return result;
}

/** The file as the user edited it: the modeler's edits merged onto the original. */
export async function saveFromModeler(modeler: XmlModeler, document: BpmnDocument): Promise<string> {
  const { xml } = await modeler.saveXML({ format: true });
  if (xml === undefined) throw new Error('the modeler saved no XML');
  return exportBpmn(document, xml);
}
