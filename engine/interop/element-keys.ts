// How elements are identified across two documents: by namespace URI, local
// name and id; id-less elements by their position among same-named siblings.
// `<expression xsi:type="tFormalExpression">` is the same element as
// `<formalExpression>` (one substitution group). Browser-safe.
import { BPMN_DI_NS, BPMN_MODEL_NS, XSI_NS } from './namespaces.js';
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
  const { uri, local: name } = elementName(element);
  let local = name;
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
 * Elements whose ids tools tend to regenerate; the MIWG comparison matches them
 * by name and position, so a changed id shows up as a changed attribute.
 */
const MATCHED_BY_POSITION = new Set([
  `${BPMN_MODEL_NS}|definitions`,
  `${BPMN_MODEL_NS}|collaboration`,
  `${BPMN_MODEL_NS}|globalTask`,
  `${BPMN_MODEL_NS}|ioSpecification`,
  `${BPMN_MODEL_NS}|dataState`,
  `${BPMN_MODEL_NS}|transformation`,
  `${BPMN_MODEL_NS}|laneSet`,
  `${BPMN_MODEL_NS}|documentation`,
  `${BPMN_DI_NS}|BPMNDiagram`,
  `${BPMN_DI_NS}|BPMNPlane`,
]);

export interface MatchOptions {
  /** Identify reference elements by the id they hold rather than by position, so that one dropped by a reader does not shift the others. */
  referencesByValue?: boolean;
  /** Match the elements tools regenerate ids for by name and position (as the MIWG xml-compare does). */
  regeneratedByPosition?: boolean;
}

/** A key per element, unique among its siblings. */
export function matchKeys(views: View[], options: MatchOptions = {}): string[] {
  const counts = new Map<string, number>();
  return views.map((view) => {
    const name = `${view.uri}|${view.local}`;
    const byId = view.id !== undefined && !(options.regeneratedByPosition && MATCHED_BY_POSITION.has(name));
    let base = byId ? `${name}#${view.id}` : name;
    if (view.id === undefined && options.referencesByValue && isReferenceElement(view)) base += `=${directText(view.element).trim()}`;
    const n = (counts.get(base) ?? 0) + 1;
    counts.set(base, n);
    return `${base}[${n}]`;
  });
}
