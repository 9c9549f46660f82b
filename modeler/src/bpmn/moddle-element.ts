// bpmn-js hands out moddle elements untyped (diagram-js declares
// `businessObject: any`); the modeler reads them through this one type.
export interface ModdleElement {
  $type: string;
  id?: string;
  name?: string;
  get?(name: string): unknown;
  [property: string]: unknown;
}

/** The moddle element behind a diagram element (a shape, a connection or the root). */
export function businessObjectOf(element: { businessObject?: unknown } | undefined): ModdleElement | undefined {
  return element?.businessObject as ModdleElement | undefined;
}
