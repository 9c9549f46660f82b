// Namespace URIs of BPMN 2.0 and of the XML infrastructure it uses.
export const BPMN_MODEL_NS = 'http://www.omg.org/spec/BPMN/20100524/MODEL';
export const BPMN_DI_NS = 'http://www.omg.org/spec/BPMN/20100524/DI';
export const DC_NS = 'http://www.omg.org/spec/DD/20100524/DC';
export const DD_DI_NS = 'http://www.omg.org/spec/DD/20100524/DI';
export const XSI_NS = 'http://www.w3.org/2001/XMLSchema-instance';

/** Namespaces defined by the BPMN 2.0 specification itself (not vendor extensions). */
export const STANDARD_NAMESPACES = new Set([BPMN_MODEL_NS, BPMN_DI_NS, DC_NS, DD_DI_NS]);
