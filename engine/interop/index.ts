// Lossless .bpmn exchange: open, edit and save BPMN files written by other
// tools without losing what Stratum does not understand. Browser-safe entry
// used by the CLI, the server and the modeler.
export { importBpmn, exportBpmn, convertBpmn, withModel, setBaseline, type BpmnDocument, type ImportOptions } from './pipeline.js';
export { compareBpmn, formatDifferences, type Difference, type DifferenceKind } from './compare.js';
export { decodeXml, encodeXml, xmlCharset, xmlEncodingOf, charsetName, declaredEncoding, MalformedEncodingError, UnsupportedEncodingError } from './encoding.js';
export { XmlSyntaxError } from './xml-tree.js';
export { loadIntoModeler, saveFromModeler, type XmlModeler } from './modeler-bridge.js';
