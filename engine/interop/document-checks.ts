// What must hold before a file is read as BPMN, checked on the lossless tree so
// that the message can name the element and its line: every prefix is
// declared (a name whose namespace is unknown cannot be matched with anything,
// so edits to the file could not be placed), and the root is BPMN 2.0's
// `definitions`. Browser-safe.
import { BPMN_MODEL_NS } from './namespaces.js';
import { elementName, elementsOf, lineAt, lookupNamespace, splitName, type XmlDocument, XmlSyntaxError } from './xml-tree.js';


/** Throws XmlSyntaxError naming the first element or attribute whose prefix is declared nowhere in scope. */
export function assertPrefixesDeclared(document: XmlDocument, text: string): void {
  for (const element of elementsOf(document.root)) {
    const names = [element.name, ...element.attributes.map((attribute) => attribute.name)];
    for (const name of names) {
      const { prefix } = splitName(name);
      if (!prefix || prefix === 'xmlns' || lookupNamespace(element, prefix) !== undefined) continue;
      const offset = element.offset ?? 0;
      const what = name === element.name ? `<${name}>` : `attribute ${name} of <${element.name}>`;
      throw new XmlSyntaxError(`the prefix ${prefix} of ${what} is not declared (no xmlns:${prefix}="…" in scope)`, offset, lineAt(text, offset));
    }
  }
}

/** Why the document is not a BPMN 2.0 file, or null when its root is BPMN's `definitions`. */
export function notBpmnReason(document: XmlDocument, text: string): string | null {
  const root = document.root;
  const { uri, local } = elementName(root);
  if (uri === BPMN_MODEL_NS && local === 'definitions') return null;
  const line = lineAt(text, root.offset ?? 0);
  const where = uri ? ` in the namespace ${uri}` : ' in no namespace';
  return `not a BPMN 2.0 file: its root element is <${root.name}>${where} (line ${line}); a BPMN 2.0 file has <definitions> in ${BPMN_MODEL_NS}`;
}

/**
 * Quick look at the text: is some prefix used that is declared nowhere? (A
 * prefix declared only on another branch is missed here; the tree check finds it.)
 */
export function mayHaveUndeclaredPrefixes(text: string): boolean {
  const declared = new Set(['xml', 'xmlns']);
  for (const [, prefix] of text.matchAll(/\sxmlns:([A-Za-z_][\w.-]*)\s*=/g)) declared.add(prefix);
  for (const [, prefix] of text.matchAll(/<([A-Za-z_][\w.-]*):[A-Za-z_]/g)) if (!declared.has(prefix)) return true;
  for (const [, prefix] of text.matchAll(/\s([A-Za-z_][\w.-]*):[A-Za-z_][\w.-]*\s*=\s*["']/g)) if (!declared.has(prefix)) return true;
  return false;
}
