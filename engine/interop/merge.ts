// Writes the edits made in bpmn-moddle (or bpmn-js) back onto the preserved
// original tree. The edit is what differs between two moddle serialisations,
// `before` (the model as imported) and `after` (the model as saved): whatever
// moddle cannot represent is missing from both, so it is never touched, and an
// edit changes only the attributes, text and elements it changed.
// Browser-safe.
import { matchKeys, viewOf } from './element-keys.js';
import { BPMN_DI_NS, BPMN_MODEL_NS, DD_DI_NS, STANDARD_NAMESPACES, XSI_NS } from './namespaces.js';
import {
  attributeName,
  childElements,
  directText,
  elementName,
  forgetNamespaceScopes,
  isNamespaceDeclaration,
  namespacesInScope,
  resolveQNameValue,
  splitName,
  type XmlAttribute,
  type XmlDocument,
  type XmlElement,
  type XmlNode,
} from './xml-tree.js';

export interface MergeResult {
  /** Edits that could not be placed in the original (their surroundings were not found). */
  warnings: string[];
  changes: number;
}

interface MergeContext {
  target: XmlDocument;
  /** Ids of elements the edit moved to another parent (e.g. a task dragged into a sub-process). */
  moved: Set<string>;
  /** Where each element of `before` sits in the target, computed before anything changes. */
  counterparts: Map<XmlElement, XmlElement>;
  beforeById: Map<string, XmlElement | null>;
  /** Every prefix declared anywhere in the target; a new root declaration must use a prefix not among them. */
  usedPrefixes: Set<string>;
  /** The line ending the file is written with: inserted lines use it too. */
  newline: string;
  /** Namespaces the model's packages define; what is in others, moddle reads as generic elements and attributes. */
  modelled: Set<string>;
  warnings: string[];
  changes: number;
}

const attributeKey = (element: XmlElement, attribute: XmlAttribute) => {
  const name = attributeName(element, attribute);
  return `${name.uri}|${name.local}`;
};

function comparableAttributes(element: XmlElement): Map<string, XmlAttribute> {
  const map = new Map<string, XmlAttribute>();
  for (const attribute of element.attributes) {
    if (!isNamespaceDeclaration(attribute)) map.set(attributeKey(element, attribute), attribute);
  }
  return map;
}

function isXsiType(element: XmlElement, attribute: XmlAttribute): boolean {
  const name = attributeName(element, attribute);
  return name.uri === XSI_NS && name.local === 'type';
}

/** A prefix bound to `uri` at `scope` in the target; declares one on the root when there is none. */
function prefixFor(uri: string, scope: XmlElement, preferred: string, forAttribute: boolean, context: MergeContext): string {
  if (uri === '') return '';
  const bindings = namespacesInScope(scope);
  if (!forAttribute && bindings.get('') === uri) return '';
  for (const [prefix, bound] of bindings) {
    if (prefix && bound === uri) return prefix;
  }
  let prefix = preferred && preferred !== 'xmlns' ? preferred : 'ns';
  for (let n = 1; context.usedPrefixes.has(prefix); n++) prefix = `${preferred || 'ns'}${n}`;
  context.usedPrefixes.add(prefix);
  context.target.root.attributes.push({ name: `xmlns:${prefix}`, value: uri, quote: '"', leading: ' ' });
  forgetNamespaceScopes();
  return prefix;
}

function qualify(prefix: string, local: string): string {
  return prefix ? `${prefix}:${local}` : local;
}

/** The value of a QName-valued attribute (xsi:type) rewritten for the target's prefixes. */
function translateQName(value: string, from: XmlElement, scope: XmlElement, context: MergeContext): string {
  const resolved = resolveQNameValue(from, value);
  const bindings = namespacesInScope(scope);
  if (bindings.get('') === resolved.uri) return resolved.local;
  return qualify(prefixFor(resolved.uri, scope, splitName(value.trim()).prefix, true, context), resolved.local);
}

function setAttribute(target: XmlElement, source: XmlElement, attribute: XmlAttribute, context: MergeContext): void {
  const key = attributeKey(source, attribute);
  const value = isXsiType(source, attribute) ? translateQName(attribute.value, source, target, context) : attribute.value;
  const existing = target.attributes.find((a) => !isNamespaceDeclaration(a) && attributeKey(target, a) === key);
  if (existing) {
    if (existing.value !== value) {
      existing.value = value;
      existing.raw = undefined;
    }
    return;
  }
  const name = attributeName(source, attribute);
  const prefix = prefixFor(name.uri, target, splitName(attribute.name).prefix, true, context);
  target.attributes.push({ name: qualify(prefix, name.local), value, quote: '"', leading: ' ' });
}

/** A copy of `source` (from a moddle serialisation) written with the target's namespace prefixes. */
function adopt(source: XmlElement, parent: XmlElement, context: MergeContext): XmlElement {
  const name = elementName(source);
  const element: XmlElement = {
    kind: 'element',
    name: '',
    attributes: [],
    children: [],
    parent,
    tagTrailing: '',
    selfClosing: source.selfClosing,
  };
  const bindings = namespacesInScope(parent);
  if (name.uri === '' && bindings.get('')) {
    element.attributes.push({ name: 'xmlns', value: '', quote: '"', leading: ' ' });
    forgetNamespaceScopes();
  }
  element.name = qualify(prefixFor(name.uri, element, splitName(source.name).prefix, false, context), name.local);
  for (const attribute of source.attributes) {
    if (isNamespaceDeclaration(attribute)) continue;
    setAttribute(element, source, attribute, context);
  }
  for (const child of source.children) {
    if (child.kind === 'element') element.children.push(adopt(child, element, context));
    else if (child.kind === 'text') element.children.push({ kind: 'text', value: child.value, cdata: child.cdata });
    else if (child.kind === 'comment') element.children.push({ ...child });
  }
  return element;
}

function isWhitespace(node: XmlNode | undefined): node is XmlNode & { kind: 'text' } {
  return node?.kind === 'text' && node.value.trim() === '';
}

/** The whitespace written before `element` (raw, so a CRLF file keeps its CRs), or a line break. */
function indentationBefore(element: XmlElement, newline: string): string {
  const siblings = element.parent?.children ?? [];
  const previous = siblings[siblings.indexOf(element) - 1];
  return isWhitespace(previous) ? (previous.raw ?? previous.value) : newline;
}

/** `\r\n` when the file's first line break between elements is one, else `\n`. */
function lineEnding(document: XmlDocument): string {
  const stack: XmlNode[] = [...document.children];
  while (stack.length) {
    const node = stack.shift()!;
    if (node.kind === 'text' && node.value.includes('\n') && node.value.trim() === '') return (node.raw ?? node.value).includes('\r\n') ? '\r\n' : '\n';
    if (node.kind === 'element') stack.unshift(...node.children);
  }
  return '\n';
}

function removeElement(element: XmlElement): void {
  const siblings = element.parent!.children;
  const index = siblings.indexOf(element);
  const removeWhitespace = isWhitespace(siblings[index - 1]) ? 1 : 0;
  siblings.splice(index - removeWhitespace, 1 + removeWhitespace);
}

/** `<a/>` that gains content becomes `<a>…</a>` (without the space written before `/>`). */
function open(element: XmlElement): void {
  if (element.selfClosing) {
    element.selfClosing = false;
    element.tagTrailing = '';
  }
}

function insertElement(parent: XmlElement, element: XmlElement, after: XmlElement | null, before: XmlElement | null, newline: string): void {
  const children = parent.children;
  open(parent);
  if (after) {
    const indent = indentationBefore(after, newline);
    children.splice(children.indexOf(after) + 1, 0, { kind: 'text', value: indent, cdata: false }, element);
  } else if (before) {
    const indent = indentationBefore(before, newline);
    children.splice(children.indexOf(before), 0, element, { kind: 'text', value: indent, cdata: false });
  } else {
    const outer = parent.parent ? indentationBefore(parent, newline) : newline;
    const inner = outer.includes('\n') ? `${outer}  ` : `${newline}  `;
    const trailing = isWhitespace(children[children.length - 1]) ? children.pop() : null;
    children.push({ kind: 'text', value: inner, cdata: false }, element, trailing ?? { kind: 'text', value: outer, cdata: false });
  }
}

/** Indents an adopted subtree like its new surroundings (`indent` is the whitespace written before it). */
function reindent(element: XmlElement, indent: string, unit: string): void {
  if (!indent.includes('\n')) return;
  const inner = `${indent}${unit}`;
  const children = element.children;
  if (!children.some((child) => child.kind === 'element')) return;
  children.forEach((child, i) => {
    if (!isWhitespace(child)) return;
    child.value = i === children.length - 1 ? indent : inner;
  });
  for (const child of children) if (child.kind === 'element') reindent(child, inner, unit);
}

/** BPMN elements whose content is formatted text (tDocumentation, tText): any element in them is markup of that text. */
const TEXT_WITH_MARKUP = new Set(['documentation', 'text']);

/**
 * Replaces the text of `target`, keeping CDATA when the original wrote its text
 * that way. Markup in the text (XHTML in a documentation, or any element between
 * pieces of text) is nothing to moddle, so the model's text never had it: the
 * edited text replaces it together with the text around it, rather than
 * leaving it behind.
 */
function replaceText(target: XmlElement, value: string): void {
  const children = target.children;
  const hasText = (child: XmlNode) => child.kind === 'text' && child.value.trim() !== '';
  const firstText = children.findIndex(hasText);
  const lastText = children.findLastIndex(hasText);
  const name = elementName(target);
  const allMarkup = name.uri === BPMN_MODEL_NS && TEXT_WITH_MARKUP.has(name.local);
  const inText = (child: XmlNode, index: number) => child.kind === 'element' && (allMarkup || (index > firstText && index < lastText));
  const firstTextNode = children.findIndex((child) => child.kind === 'text');
  const wasCdata = children.some((child) => child.kind === 'text' && child.cdata && child.value.trim() !== '');
  const kept = children.filter((child, index) => child.kind !== 'text' && !inText(child, index));
  const insertAt = firstTextNode < 0 ? 0 : children.slice(0, firstTextNode).filter((child) => child.kind !== 'text').length;
  const cdata = wasCdata && !value.includes(']]>');
  kept.splice(insertAt, 0, { kind: 'text', value, cdata });
  target.children = kept;
  open(target);
}

function keyed(elements: XmlElement[]): Map<string, XmlElement> {
  const keys = matchKeys(elements.map(viewOf), { referencesByValue: true });
  return new Map(keys.map((key, i) => [key, elements[i]]));
}

/**
 * Applies to `target` what differs between `before` and `after`. `keepUnknown`
 * holds inside an element the edit gave a new type or id: bpmn-js builds the
 * new element by copying only the properties its packages define, so an
 * attribute or extension element in another namespace missing from `after`
 * was left behind by that copy, not removed by the user, and stays.
 */
function mergeElement(target: XmlElement, before: XmlElement, after: XmlElement, path: string, context: MergeContext, keepUnknown = false): void {
  // attributes
  const beforeAttributes = comparableAttributes(before);
  const afterAttributes = comparableAttributes(after);
  for (const [key, attribute] of afterAttributes) {
    const previous = beforeAttributes.get(key);
    const changed = !previous || previous.value !== attribute.value;
    const typeChanged = previous && isXsiType(after, attribute)
      ? (() => {
          const x = resolveQNameValue(before, previous.value);
          const y = resolveQNameValue(after, attribute.value);
          return x.uri !== y.uri || x.local !== y.local;
        })()
      : changed;
    if (typeChanged) {
      setAttribute(target, after, attribute, context);
      context.changes++;
    }
  }
  for (const key of beforeAttributes.keys()) {
    if (afterAttributes.has(key)) continue;
    const uri = key.slice(0, key.lastIndexOf('|'));
    if (keepUnknown && uri !== '' && !context.modelled.has(uri)) continue;
    const index = target.attributes.findIndex((a) => !isNamespaceDeclaration(a) && attributeKey(target, a) === key);
    if (index >= 0) {
      target.attributes.splice(index, 1);
      context.changes++;
    }
  }

  // text
  const beforeText = directText(before);
  const afterText = directText(after);
  if (beforeText !== afterText && (beforeText.trim() !== '' || afterText.trim() !== '')) {
    replaceText(target, afterText);
    context.changes++;
  }

  // children
  const beforeChildren = keyed(childElements(before));
  const afterList = childElements(after);
  const afterChildren = keyed(afterList);
  const targetChildren = keyed(childElements(target));
  const renamed = pairRenamedChildren(beforeChildren, afterChildren, context);
  const renamedFrom = new Set(renamed.values());
  for (const [key, child] of beforeChildren) {
    if (afterChildren.has(key) || renamedFrom.has(key)) continue;
    const id = viewOf(child).id;
    if (id !== undefined && context.moved.has(id)) continue; // taken along where it now belongs
    const counterpart = targetChildren.get(key);
    if (!counterpart) continue;
    if (keepUnknown && !context.modelled.has(elementName(child).uri)) continue;
    if (keepUnknown && isExtensionContainer(child)) {
      // what the new element's packages do not define stays, in its container
      mergeElement(counterpart, child, { ...child, attributes: [], children: [] }, `${path}/${key}`, context, true);
      if (childElements(counterpart).length > 0) continue;
    }
    removeElement(counterpart);
    targetChildren.delete(key);
    context.changes++;
  }
  const afterKeys = [...afterChildren.keys()];
  afterKeys.forEach((key, index) => {
    const child = afterChildren.get(key)!;
    const oldKey = renamed.get(key) ?? key;
    const previous = beforeChildren.get(oldKey);
    const counterpart = targetChildren.get(oldKey);
    if (previous && counterpart) {
      if (oldKey !== key) {
        // an id or a type changed in place: the original element stays, with its new id or name
        targetChildren.delete(oldKey);
        targetChildren.set(key, counterpart);
        const local = elementName(child).local;
        if (elementName(counterpart).local !== local) {
          const { prefix } = splitName(counterpart.name);
          counterpart.name = prefix ? `${prefix}:${local}` : local;
        }
      }
      mergeElement(counterpart, previous, child, `${path}/${key}`, context, keepUnknown || oldKey !== key);
      return;
    }
    if (previous && !counterpart) {
      if (sameSubtree(previous, child)) return;
      context.warnings.push(`${path}/${key}: edited in the model but not found in the original file; written as in the model`);
    }
    const afterSibling = afterKeys.slice(0, index).reverse().map((k) => targetChildren.get(k)).find(Boolean) ?? null;
    const beforeSibling = afterSibling ? null : afterKeys.slice(index + 1).map((k) => targetChildren.get(k)).find(Boolean) ?? null;
    const id = viewOf(child).id;
    const movedFrom = id !== undefined && context.moved.has(id) ? context.beforeById.get(id) ?? undefined : undefined;
    const movedTarget = movedFrom ? context.counterparts.get(movedFrom) : undefined;
    if (movedFrom && movedTarget && movedTarget.parent) {
      // keep the original element (with everything moddle does not know) and apply the edit to it
      removeElement(movedTarget);
      movedTarget.parent = target;
      forgetNamespaceScopes();
      insertElement(target, movedTarget, afterSibling, beforeSibling, context.newline);
      targetChildren.set(key, movedTarget);
      mergeElement(movedTarget, movedFrom, child, `${path}/${key}`, context, keepUnknown);
    } else {
      const adopted = adopt(child, target, context);
      insertElement(target, adopted, afterSibling, beforeSibling, context.newline);
      const indent = indentationBefore(adopted, context.newline);
      const outer = target.parent ? indentationBefore(target, context.newline) : context.newline;
      const unit = indent.startsWith(outer) && indent.length > outer.length ? indent.slice(outer.length) : '  ';
      reindent(adopted, indent, unit);
      targetChildren.set(key, adopted);
    }
    context.changes++;
  });
}

/**
 * Elements of the edit that are an element of the file under a new id or a new
 * type: after-key → before-key. An id changed and nothing else (as when a user
 * edits an id in the properties panel): their references change with them and
 * are merged as ordinary attribute and text edits. The same id in the same
 * namespace under another name is the element's type changed (bpmn-js's
 * "change type" turns a task into a user task with the same id): the file's
 * element is kept, renamed, so what moddle does not know about it stays.
 */
function pairRenamedChildren(before: Map<string, XmlElement>, after: Map<string, XmlElement>, context: MergeContext): Map<string, string> {
  const pairs = new Map<string, string>();
  const removed = [...before].filter(([key, element]) => {
    const id = viewOf(element).id;
    return !after.has(key) && id !== undefined && !context.moved.has(id);
  });
  const paired = (oldKey: string) => [...pairs.values()].includes(oldKey);
  for (const [key, element] of after) {
    const view = viewOf(element);
    if (before.has(key) || view.id === undefined || context.moved.has(view.id)) continue;
    const retyped = removed.find(([oldKey, candidate]) => {
      const old = viewOf(candidate);
      return !paired(oldKey) && old.id === view.id && old.uri === view.uri && old.local !== view.local;
    });
    // a diagram element bpmn-js made anew for a replaced element: the same kind of shape or edge, showing the same element
    const shown = view.uri === BPMN_DI_NS ? element.attributes.find((attribute) => attribute.name === 'bpmnElement')?.value : undefined;
    const redrawn = shown === undefined ? undefined : removed.find(([oldKey, candidate]) => {
      const old = viewOf(candidate);
      return !paired(oldKey) && old.uri === view.uri && old.local === view.local && candidate.attributes.find((attribute) => attribute.name === 'bpmnElement')?.value === shown;
    });
    const match = retyped ?? redrawn ?? removed.find(([oldKey, candidate]) => !paired(oldKey) && sameSubtree(candidate, element, true));
    if (match) pairs.set(key, match[0]);
  }
  return pairs;
}

/** `extensionElements`, and a diagram element's `di:extension`: where extensions of other namespaces live. */
function isExtensionContainer(element: XmlElement): boolean {
  const { uri, local } = elementName(element);
  return (uri === BPMN_MODEL_NS && local === 'extensionElements') || (uri === DD_DI_NS && local === 'extension');
}

function sameSubtree(a: XmlElement, b: XmlElement, ignoreId = false): boolean {
  if (a.name !== b.name || directText(a) !== directText(b)) return false;
  const x = comparableAttributes(a);
  const y = comparableAttributes(b);
  if (ignoreId) {
    x.delete('|id');
    y.delete('|id');
  }
  if (x.size !== y.size) return false;
  for (const [key, attribute] of x) if (y.get(key)?.value !== attribute.value) return false;
  const ca = childElements(a);
  const cb = childElements(b);
  return ca.length === cb.length && ca.every((child, i) => sameSubtree(child, cb[i]));
}

function collectPrefixes(element: XmlElement, into: Set<string>): void {
  for (const attribute of element.attributes) {
    if (isNamespaceDeclaration(attribute)) into.add(attribute.name === 'xmlns' ? '' : attribute.name.slice(6));
    const prefix = splitName(attribute.name).prefix;
    if (prefix) into.add(prefix);
  }
  into.add(splitName(element.name).prefix);
  for (const child of childElements(element)) collectPrefixes(child, into);
}

/** Ids of a document's elements; an id used twice is left out (it cannot say where an element went). */
function indexIds(element: XmlElement, into: Map<string, XmlElement | null>): void {
  const id = viewOf(element).id;
  if (id !== undefined) into.set(id, into.has(id) ? null : element);
  for (const child of childElements(element)) indexIds(child, into);
}

/** Where an element sits: the keys of its ancestors. */
function idPath(element: XmlElement | null): string {
  const keys: string[] = [];
  for (let scope = element; scope; scope = scope.parent) {
    const view = viewOf(scope);
    keys.push(view.id !== undefined ? `${view.uri}|${view.local}#${view.id}` : `${view.uri}|${view.local}`);
  }
  return keys.join('/');
}

function mapCounterparts(before: XmlElement, target: XmlElement, into: Map<XmlElement, XmlElement>): void {
  into.set(before, target);
  const targetChildren = keyed(childElements(target));
  for (const [key, child] of keyed(childElements(before))) {
    const counterpart = targetChildren.get(key);
    if (counterpart) mapCounterparts(child, counterpart, into);
  }
}

/**
 * Applies the differences between `before` and `after` to `target` (in place).
 * `modelled` lists the namespaces the model's packages define (by default the
 * BPMN 2.0 ones).
 */
export function mergeModelChanges(target: XmlDocument, before: XmlDocument, after: XmlDocument, modelled: Iterable<string> = STANDARD_NAMESPACES): MergeResult {
  const usedPrefixes = new Set<string>(['xml', 'xmlns']);
  collectPrefixes(target.root, usedPrefixes);
  const beforeById = new Map<string, XmlElement | null>();
  const afterById = new Map<string, XmlElement | null>();
  indexIds(before.root, beforeById);
  indexIds(after.root, afterById);
  const moved = new Set<string>();
  for (const [id, element] of beforeById) {
    const now = afterById.get(id);
    if (element && now && idPath(now.parent) !== idPath(element.parent)) moved.add(id);
  }
  const counterparts = new Map<XmlElement, XmlElement>();
  mapCounterparts(before.root, target.root, counterparts);
  const context: MergeContext = { target, moved, counterparts, beforeById, usedPrefixes, newline: lineEnding(target), modelled: new Set(modelled), warnings: [], changes: 0 };
  const rootKey = (element: XmlElement) => {
    const name = elementName(element);
    return `${name.uri}|${name.local}`;
  };
  if (rootKey(before.root) !== rootKey(after.root) || rootKey(target.root) !== rootKey(before.root)) {
    context.warnings.push('the root element differs between the model and the original; nothing merged');
    return { warnings: context.warnings, changes: 0 };
  }
  mergeElement(target.root, before.root, after.root, rootKey(target.root), context);
  return { warnings: context.warnings, changes: context.changes };
}
