// How elements are identified across two documents: by namespace URI, local
// name and id; id-less elements by their position among same-named siblings.
// `<expression xsi:type="tFormalExpression">` is the same element as
// `<formalExpression>` (one substitution group). Browser-safe.
import { BPMN_MODEL_NS, XSI_NS } from './namespaces.js';
import { attributeName, directText, elementName, isNamespaceDeclaration, resolveQNameValue, type XmlElement } from './xml-tree.js';

export interface ViewAttribute {
  key: string;
  local: string;
  uri: string;
  value: string;
  written: string;
}

/** An element as the judging rules see it: expanded name (with formalExpression substitution) and comparable attributes. */
export interface View {
  element: XmlElement;
  uri: string;
  local: string;
  id?: string;
  attributes: ViewAttribute[];
}

function isFormalExpressionType(element: XmlElement, value: string): boolean {
  const type = resolveQNameValue(element, value);
  return type.uri === BPMN_MODEL_NS && type.local === 'tFormalExpression';
}

export function viewOf(element: XmlElement): View {
  let { uri, local } = elementName(element);
  const attributes: ViewAttribute[] = [];
  let substituted = false;
  if (uri === BPMN_MODEL_NS && local === 'expression') {
    const type = element.attributes.find((a) => {
      const name = attributeName(element, a);
      return name.uri === XSI_NS && name.local === 'type';
    });
    if (type && isFormalExpressionType(element, type.value)) {
      local = 'formalExpression';
      substituted = true;
    }
  }
  for (const attribute of element.attributes) {
    if (isNamespaceDeclaration(attribute)) continue;
    const name = attributeName(element, attribute);
    if (substituted && name.uri === XSI_NS && name.local === 'type') continue;
    attributes.push({ key: `${name.uri}|${name.local}`, local: name.local, uri: name.uri, value: attribute.value, written: attribute.name });
  }
  const id = element.attributes.find((a) => a.name === 'id')?.value;
  return { element, uri, local, id, attributes };
}

/** BPMN reference elements (`<incoming>`, `<sourceRef>`, `<flowNodeRef>`, ...) hold an id as text. */
function isReferenceElement(view: View): boolean {
  return view.uri === BPMN_MODEL_NS && /(Refs?|^incoming|^outgoing)$/.test(view.local) && !view.element.children.some((c) => c.kind === 'element');
}

/**
 * A key per element, unique among its siblings. With `referencesByValue`,
 * reference elements are identified by the id they hold rather than by
 * position, so that one dropped by a reader (an unresolved reference) does
 * not shift the others.
 */
export function matchKeys(views: View[], referencesByValue = false): string[] {
  const counts = new Map<string, number>();
  return views.map((view) => {
    let base = view.id !== undefined ? `${view.uri}|${view.local}#${view.id}` : `${view.uri}|${view.local}`;
    if (view.id === undefined && referencesByValue && isReferenceElement(view)) base += `=${directText(view.element).trim()}`;
    const n = (counts.get(base) ?? 0) + 1;
    counts.set(base, n);
    return `${base}[${n}]`;
  });
}
