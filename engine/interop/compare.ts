// Judges a BPMN round trip: compares an exported document with the ORIGINAL
// file by the rules of /shared/interop/README.md ("How a roundtrip should be
// judged"). Semantic differences are `loss`es; dropped comments and
// processing instructions, removed unused namespace declarations and changed
// child order are `notice`s. Browser-safe.
import { decodeXml } from './encoding.js';
import { matchKeys, viewOf, type View, type ViewAttribute } from './element-keys.js';
import { DC_NS, DD_DI_NS, STANDARD_NAMESPACES, XSI_NS } from './namespaces.js';
import {
  attributeName,
  childElements,
  declaredPrefix,
  directText,
  elementName,
  isNamespaceDeclaration,
  lookupNamespace,
  parseXml,
  resolveQNameValue,
  splitName,
  type XmlDocument,
  type XmlNode,
} from './xml-tree.js';

export type DifferenceKind =
  | 'element-lost'
  | 'element-added'
  | 'attribute-lost'
  | 'attribute-added'
  | 'attribute-changed'
  | 'text-changed'
  | 'namespace-rebound'
  | 'namespace-lost'
  | 'comment-dropped'
  | 'processing-instruction-dropped'
  | 'unused-namespace-removed'
  | 'order-changed'
  | 'unreadable';

export interface Difference {
  severity: 'loss' | 'notice';
  kind: DifferenceKind;
  /** Where, e.g. `definitions/process[@id=P1]/userTask[@id=T1]@name`. */
  path: string;
  message: string;
  original?: string;
  exported?: string;
}

/** Unqualified BPMN attributes whose omission (or addition) with this value changes nothing: XSD defaults. */
const DEFAULT_VALUES: Record<string, string[]> = {
  isInterrupting: ['true'],
  startQuantity: ['1'],
  completionQuantity: ['1'],
  isForCompensation: ['false'],
  gatewayDirection: ['Unspecified'],
  isCollection: ['false'],
  triggeredByEvent: ['false'],
  cancelActivity: ['true'],
  parallelMultiple: ['false'],
  textFormat: ['text/plain'],
  expressionLanguage: ['http://www.w3.org/1999/XPath'],
  typeLanguage: ['http://www.w3.org/2001/XMLSchema'],
  isClosed: ['false'],
  isExecutable: ['false'],
  processType: ['None'],
  instantiate: ['false'],
  eventGatewayType: ['Exclusive'],
  isSequential: ['false'],
  behavior: ['All'],
  implementation: ['##WebService', '##unspecified'],
  ordering: ['Parallel'],
  cancelRemainingInstances: ['true'],
  isImmediate: ['true'],
  waitForCompletion: ['true'],
  associationDirection: ['None'],
  method: ['##WebService'],
  minimum: ['0'],
  maximum: ['1'],
};

/** Attributes whose value is whatever tool wrote the file. */
const TOOL_ATTRIBUTES = new Set(['exporter', 'exporterVersion']);

const NUMBER = /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/;

function sameNumber(a: string, b: string): boolean {
  return NUMBER.test(a) && NUMBER.test(b) && Math.abs(Number(a) - Number(b)) <= 1e-6 * Math.max(1, Math.abs(Number(a)));
}

const normaliseSpace = (text: string) => text.replace(/\s+/g, ' ').trim();

function segment(view: View, ordinal: number | null): string {
  const display = STANDARD_NAMESPACES.has(view.uri) ? view.local : view.element.name;
  if (view.id !== undefined) return `${display}[@id=${view.id}]`;
  return ordinal === null ? display : `${display}[${ordinal}]`;
}

interface Context {
  differences: Difference[];
  /** URIs declared anywhere in the original: attributes/elements in other namespaces are tool additions. */
  originalNamespaces: Set<string>;
}

function isToleratedDefault(local: string, uri: string, value: string): boolean {
  return uri === '' && (DEFAULT_VALUES[local]?.includes(value.trim()) ?? false);
}

function isToleratedPointType(view: View, attribute: ViewAttribute): boolean {
  return (
    view.uri === DD_DI_NS &&
    view.local === 'waypoint' &&
    attribute.uri === XSI_NS &&
    attribute.local === 'type' &&
    (() => {
      const type = resolveQNameValue(view.element, attribute.value);
      return type.uri === DC_NS && type.local === 'Point';
    })()
  );
}

function sameAttributeValue(original: View, exported: View, a: ViewAttribute, b: ViewAttribute): boolean {
  if (a.value === b.value) return true;
  if (sameNumber(a.value, b.value)) return true;
  if (a.uri === XSI_NS && a.local === 'type') {
    const x = resolveQNameValue(original.element, a.value);
    const y = resolveQNameValue(exported.element, b.value);
    return x.uri === y.uri && x.local === y.local;
  }
  return false;
}

function compareAttributes(original: View, exported: View, path: string, context: Context): void {
  const remaining = [...exported.attributes];
  const isRoot = original.element.parent === null;
  for (const attribute of original.attributes) {
    const index = remaining.findIndex((candidate) => candidate.key === attribute.key);
    const where = `${path}@${attribute.written}`;
    if (isRoot && attribute.uri === '' && TOOL_ATTRIBUTES.has(attribute.local)) {
      if (index >= 0) remaining.splice(index, 1);
      continue;
    }
    if (index < 0) {
      if (isToleratedDefault(attribute.local, attribute.uri, attribute.value) || isToleratedPointType(original, attribute)) continue;
      context.differences.push({ severity: 'loss', kind: 'attribute-lost', path: where, message: `attribute ${attribute.written}="${attribute.value}" lost`, original: attribute.value });
      continue;
    }
    const counterpart = remaining.splice(index, 1)[0];
    if (!sameAttributeValue(original, exported, attribute, counterpart)) {
      context.differences.push({
        severity: 'loss',
        kind: 'attribute-changed',
        path: where,
        message: `attribute ${attribute.written} changed from "${attribute.value}" to "${counterpart.value}"`,
        original: attribute.value,
        exported: counterpart.value,
      });
    }
  }
  for (const added of remaining) {
    if (added.uri !== '' && !context.originalNamespaces.has(added.uri)) continue;
    if (isToleratedDefault(added.local, added.uri, added.value) || isToleratedPointType(exported, added)) continue;
    if (isRoot && added.uri === '' && TOOL_ATTRIBUTES.has(added.local)) continue;
    context.differences.push({ severity: 'loss', kind: 'attribute-added', path: `${path}@${added.written}`, message: `attribute ${added.written}="${added.value}" added`, exported: added.value });
  }
}

function compareElements(original: View, exported: View, path: string, context: Context): void {
  compareAttributes(original, exported, path, context);

  const originalText = normaliseSpace(directText(original.element));
  const exportedText = normaliseSpace(directText(exported.element));
  if (originalText !== exportedText) {
    context.differences.push({ severity: 'loss', kind: 'text-changed', path, message: `text changed from "${originalText}" to "${exportedText}"`, original: originalText, exported: exportedText });
  }

  const originalChildren = childElements(original.element).map(viewOf);
  const exportedChildren = childElements(exported.element).map(viewOf);
  // references (<incoming>, <flowNodeRef>, ...) are matched by the id they hold: their order carries no meaning
  const originalKeys = matchKeys(originalChildren, { regeneratedByPosition: true, referencesByValue: true });
  const exportedKeys = matchKeys(exportedChildren, { regeneratedByPosition: true, referencesByValue: true });
  const exportedByKey = new Map(exportedKeys.map((key, i) => [key, exportedChildren[i]]));
  const sameNameCount = new Map<string, number>();
  const position: number[] = [];
  for (const view of originalChildren) {
    const name = `${view.uri}|${view.local}`;
    sameNameCount.set(name, (sameNameCount.get(name) ?? 0) + 1);
    position.push(sameNameCount.get(name)!);
  }

  const matchedOrder: string[] = [];
  originalChildren.forEach((child, i) => {
    const key = originalKeys[i];
    const ordinal = child.id === undefined && (sameNameCount.get(`${child.uri}|${child.local}`) ?? 0) > 1 ? position[i] : null;
    const childPath = `${path}/${segment(child, ordinal)}`;
    const counterpart = exportedByKey.get(key);
    if (!counterpart) {
      context.differences.push({ severity: 'loss', kind: 'element-lost', path: childPath, message: `element ${child.element.name}${child.id !== undefined ? ` id="${child.id}"` : ''} lost` });
      return;
    }
    exportedByKey.delete(key);
    matchedOrder.push(key);
    compareElements(child, counterpart, childPath, context);
  });
  for (const [key, added] of exportedByKey) {
    if (!context.originalNamespaces.has(added.uri)) continue;
    context.differences.push({ severity: 'loss', kind: 'element-added', path: `${path}/${segment(added, null)}`, message: `element ${added.element.name} added (${key})` });
  }
  const exportedOrder = exportedKeys.filter((key) => matchedOrder.includes(key));
  if (exportedOrder.join('\n') !== matchedOrder.join('\n')) {
    context.differences.push({ severity: 'notice', kind: 'order-changed', path, message: 'order of child elements changed' });
  }
}

function* walk(nodes: XmlNode[]): Generator<XmlNode> {
  for (const node of nodes) {
    yield node;
    if (node.kind === 'element') yield* walk(node.children);
  }
}

function compareMarkup(original: XmlDocument, exported: XmlDocument, context: Context): void {
  const collect = (document: XmlDocument) => {
    const comments: string[] = [];
    const instructions: string[] = [];
    for (const node of walk(document.children)) {
      if (node.kind === 'comment') comments.push(normaliseSpace(node.value));
      if (node.kind === 'pi' && node.target.toLowerCase() !== 'xml') instructions.push(`${node.target} ${normaliseSpace(node.data)}`);
    }
    return { comments, instructions };
  };
  const before = collect(original);
  const after = collect(exported);
  for (const comment of before.comments) {
    const index = after.comments.indexOf(comment);
    if (index >= 0) after.comments.splice(index, 1);
    else context.differences.push({ severity: 'notice', kind: 'comment-dropped', path: '', message: `comment dropped: <!--${comment.slice(0, 80)}-->`, original: comment });
  }
  for (const instruction of before.instructions) {
    const index = after.instructions.indexOf(instruction);
    if (index >= 0) after.instructions.splice(index, 1);
    else context.differences.push({ severity: 'notice', kind: 'processing-instruction-dropped', path: '', message: `processing instruction dropped: <?${instruction}?>`, original: instruction });
  }
}

function compareNamespaces(original: XmlDocument, exported: XmlDocument, context: Context): void {
  const usedUris = new Set<string>();
  const valuePrefixes = new Set<string>();
  const exportedUris = new Set<string>();
  for (const node of walk(original.children)) {
    if (node.kind !== 'element') continue;
    usedUris.add(elementName(node).uri);
    for (const attribute of node.attributes) {
      if (isNamespaceDeclaration(attribute)) continue;
      const name = attributeName(node, attribute);
      usedUris.add(name.uri);
      // xsi:type values are compared as resolved QNames, so their prefix may change freely.
      if (name.uri === XSI_NS && name.local === 'type') continue;
      const qname = /^([A-Za-z_][\w.-]*):[^\s:]+$/.exec(attribute.value.trim());
      if (qname) valuePrefixes.add(qname[1]);
    }
    const text = /^([A-Za-z_][\w.-]*):[^\s:]+$/.exec(directText(node).trim());
    if (text) valuePrefixes.add(text[1]);
  }
  for (const node of walk(exported.children)) {
    if (node.kind !== 'element') continue;
    for (const attribute of node.attributes) if (isNamespaceDeclaration(attribute)) exportedUris.add(attribute.value);
  }
  for (const declaration of original.root.attributes) {
    if (!isNamespaceDeclaration(declaration)) continue;
    const prefix = declaredPrefix(declaration);
    const uri = declaration.value;
    const rebound = prefix ? lookupNamespace(exported.root, prefix) : undefined;
    const path = `${original.root.name.includes(':') ? splitName(original.root.name).local : original.root.name}@${declaration.name}`;
    if (rebound !== undefined && rebound !== uri) {
      context.differences.push({ severity: 'loss', kind: 'namespace-rebound', path, message: `prefix ${prefix} rebound from ${uri} to ${rebound}`, original: uri, exported: rebound });
    } else if (prefix && valuePrefixes.has(prefix) && rebound === undefined) {
      context.differences.push({ severity: 'loss', kind: 'namespace-lost', path, message: `prefix ${prefix} (${uri}) is used in attribute values but no longer declared on the root`, original: uri });
    } else if (!usedUris.has(uri) && !valuePrefixes.has(prefix) && !exportedUris.has(uri)) {
      context.differences.push({ severity: 'notice', kind: 'unused-namespace-removed', path, message: `unused namespace declaration ${declaration.name}="${uri}" removed`, original: uri });
    }
  }
}

/** Differences between an original BPMN file and an export of it (bytes are decoded with their declared encoding). */
export function compareBpmn(originalXml: string | Uint8Array, exportedXml: string | Uint8Array): Difference[] {
  const original = parseXml(decodeXml(originalXml));
  let exported: XmlDocument;
  try {
    exported = parseXml(decodeXml(exportedXml));
  } catch (error) {
    return [{ severity: 'loss', kind: 'unreadable', path: '', message: `exported document is not well-formed XML: ${(error as Error).message}` }];
  }
  const originalNamespaces = new Set<string>();
  for (const node of walk(original.children)) {
    if (node.kind !== 'element') continue;
    for (const attribute of node.attributes) if (isNamespaceDeclaration(attribute)) originalNamespaces.add(attribute.value);
  }
  originalNamespaces.add('');
  const context: Context = { differences: [], originalNamespaces };
  const rootOriginal = viewOf(original.root);
  const rootExported = viewOf(exported.root);
  const rootPath = segment(rootOriginal, null).replace(/\[@id=.*\]$/, '');
  if (rootOriginal.uri !== rootExported.uri || rootOriginal.local !== rootExported.local) {
    context.differences.push({ severity: 'loss', kind: 'element-lost', path: rootPath, message: `root element ${original.root.name} replaced by ${exported.root.name}` });
  } else {
    compareElements(rootOriginal, rootExported, rootPath, context);
  }
  compareNamespaces(original, exported, context);
  compareMarkup(original, exported, context);
  return context.differences;
}

/** One line per difference, for test and CLI output. */
export function formatDifferences(differences: Difference[]): string {
  return differences.map((d) => `${d.severity === 'loss' ? 'LOSS  ' : 'notice'} ${d.kind.padEnd(24)} ${d.path}  ${d.message}`).join('\n');
}

