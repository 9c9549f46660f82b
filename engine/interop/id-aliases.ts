// Ids bpmn-moddle refuses. XML allows letters of any script in an id
// (`定義_1`, `Prüfen`), but moddle accepts only ASCII word characters, and
// each id once; it drops an element with any other id, or with an id seen
// before, together with everything inside it (for `definitions`: the whole
// model, so the modeler showed nothing and could not save; for a shape whose id
// is its task's: the shape). Moddle therefore reads such ids under an ASCII
// alias, spelled as .NET's XmlConvert.EncodeName spells a character
// (`Pr_x00FC_fen`), and the aliases are turned back into the file's ids before
// edits are merged. References written with spaces around the id
// (`<incoming>\n  Flow_1\n</incoming>`, as pretty-printers write them; the
// schema collapses the spaces) are given to moddle without them: moddle does
// not trim, and leaves the reference unresolved. Browser-safe.
import { STANDARD_NAMESPACES } from './namespaces.js';
import { childElements, elementName, elementsOf, isNamespaceDeclaration, splitName, type XmlDocument, type XmlElement } from './xml-tree.js';

/** moddle-xml's test of an id (moddle-xml `Context.addElement`). */
const MODDLE_ID = /^([a-z][\w-.]*:)?[a-z_][\w-.]*$/i;

/** Does moddle read `id` as written? (Otherwise it is read under an alias.) */
export const isModdleId = (id: string): boolean => MODDLE_ID.test(id);

/** Elements whose text is an id (`<incoming>`, `<sourceRef>`, `<flowNodeRef>`, …). */
const REFERENCE_ELEMENT = /(Ref|Refs|^incoming|^outgoing)$/;

export type IdAliases = Map<string, string>;

/**
 * An XML name without a colon (xsd:ID is an NCName; XML 1.0 fifth edition,
 * productions 4 and 4a): letters of any script, `_`, then also digits, `-`,
 * `.`, `·` and combining marks. `Prüfen` and `定義_1` are; `1abc` and `a b` are not.
 */
const NC_NAME_START = 'A-Z_a-z\\u00C0-\\u00D6\\u00D8-\\u00F6\\u00F8-\\u02FF\\u0370-\\u037D\\u037F-\\u1FFF\\u200C\\u200D\\u2070-\\u218F\\u2C00-\\u2FEF\\u3001-\\uD7FF\\uF900-\\uFDCF\\uFDF0-\\uFFFD\\u{10000}-\\u{EFFFF}';
// eslint-disable-next-line no-misleading-character-class -- code point ranges, no character in them is combined with another
const NC_NAME = new RegExp(`^[${NC_NAME_START}][${NC_NAME_START}\\-.0-9\\u00B7\\u0300-\\u036F\\u203F\\u2040]*$`, 'u');

/** Is `id` an NCName, the form XML Schema gives every BPMN id? */
export const isXmlName = (id: string): boolean => NC_NAME.test(id);

export interface AliasOptions {
  /**
   * Alias only what a valid BPMN file may hold (default false): ids that are
   * XML names moddle refuses, each used once. An id that is no XML name, or one
   * used twice, is then left to moddle, which refuses it (deploy and validate
   * refuse such a file; the lossless pipeline reads it anyway).
   */
  validIdsOnly?: boolean;
}


/**
 * Where moddle checks an id: elements of the BPMN 2.0 namespaces. Vendor
 * elements' ids (`camunda:formField id`, the same in two forms) are plain
 * attributes to moddle, and stay as written.
 */
const hasModdleId = (element: XmlElement) => STANDARD_NAMESPACES.has(elementName(element).uri);

function idsOf(document: XmlDocument): Set<string> {
  const ids = new Set<string>();
  for (const element of elementsOf(document.root)) {
    const id = element.attributes.find((attribute) => attribute.name === 'id')?.value;
    if (id !== undefined) ids.add(id);
  }
  return ids;
}

/** Quick look at the text: may a reference be written with spaces around its id? */
export function mayHavePaddedReferences(text: string): boolean {
  return /<(?:[\w.-]+:)?\w*(?:Ref|Refs|incoming|outgoing)>\s/.test(text) || /=\s*["']\s/.test(text) || /[^\s=]\s+["'](?=[\s/>])/.test(text);
}

/**
 * Writes references padded with spaces without them (in `document`, a copy),
 * where what is left is an id of the file: attribute values other than names,
 * and reference elements' text.
 */
export function trimPaddedReferences(document: XmlDocument): void {
  const ids = idsOf(document);
  const isId = (value: string) => ids.has(value) || ids.has(splitName(value).local);
  for (const element of elementsOf(document.root)) {
    for (const attribute of element.attributes) {
      if (isNamespaceDeclaration(attribute) || attribute.name === 'name') continue;
      const trimmed = attribute.value.trim();
      if (trimmed !== attribute.value && isId(trimmed)) {
        attribute.value = trimmed;
        attribute.raw = undefined;
      }
    }
    if (!REFERENCE_ELEMENT.test(splitName(element.name).local) || childElements(element).length) continue;
    for (const child of element.children) {
      if (child.kind !== 'text' || child.value.trim() === child.value || !isId(child.value.trim())) continue;
      child.value = child.value.trim();
      child.raw = undefined;
    }
  }
}

/** Quick look at the text: does any id fail moddle's test, or come twice? */
export function mayHaveIdsModdleRefuses(text: string): boolean {
  const seen = new Set<string>();
  for (const [, , value] of text.matchAll(/\sid\s*=\s*(["'])(.*?)\1/g)) {
    if (!MODDLE_ID.test(value) || seen.has(value)) return true;
    seen.add(value);
  }
  return false;
}

function encodeName(id: string): string {
  let encoded = '';
  for (const char of id) {
    const legal = encoded === '' ? /[A-Za-z_]/.test(char) : /[\w.-]/.test(char);
    encoded += legal ? char : `_x${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}_`;
  }
  return encoded || '_';
}

/**
 * Gives every id moddle refuses an alias moddle accepts, in `document`, which
 * must be a copy. An id moddle cannot read is replaced wherever it is used
 * (attribute values other than names, reference elements' text); an id used a
 * second time is replaced on that element only, so references still mean the
 * first element, as they did for moddle. Returns alias → id.
 */
export function aliasRefusedIds(document: XmlDocument, options: AliasOptions = {}): IdAliases {
  const ids = idsOf(document);
  const aliased = (id: string) => !MODDLE_ID.test(id) && (!options.validIdsOnly || isXmlName(id));
  const aliasOf = new Map<string, string>();
  const aliases: IdAliases = new Map();
  const newAlias = (id: string) => {
    let alias = encodeName(id);
    for (let n = 2; ids.has(alias) || aliases.has(alias); n++) alias = `${encodeName(id)}_${n}`;
    aliases.set(alias, id);
    return alias;
  };
  for (const element of elementsOf(document.root)) {
    const id = element.attributes.find((attribute) => attribute.name === 'id')?.value;
    if (id !== undefined && hasModdleId(element) && aliased(id) && !aliasOf.has(id)) aliasOf.set(id, newAlias(id));
  }
  if (aliasOf.size) replaceIds(document, aliasOf, false);
  if (options.validIdsOnly) return aliases;
  const seen = new Set<string>();
  for (const element of elementsOf(document.root)) {
    const attribute = element.attributes.find((candidate) => candidate.name === 'id');
    if (!attribute || !hasModdleId(element)) continue;
    if (seen.has(attribute.value)) {
      attribute.value = newAlias(aliases.get(attribute.value) ?? attribute.value);
      attribute.raw = undefined;
    }
    seen.add(attribute.value);
  }
  return aliases;
}

/** Writes the file's ids back in place of their aliases (in a moddle or bpmn-js serialisation). */
export function restoreAliasedIds(document: XmlDocument, aliases: IdAliases): XmlDocument {
  if (aliases.size) replaceIds(document, aliases, true);
  return document;
}

/**
 * What a value (an id or a reference to one, `Task_1` or `tns:Task_1`, spaces
 * around it ignored) becomes under `replacements`, or undefined when it names
 * none of them. A QName keeps its prefix.
 */
export function replacedId(value: string, replacements: ReadonlyMap<string, string>): string | undefined {
  const trimmed = value.trim();
  const direct = replacements.get(trimmed);
  if (direct !== undefined) return direct;
  const { prefix, local } = splitName(trimmed);
  const qualified = prefix ? replacements.get(local) : undefined;
  return qualified === undefined ? undefined : `${prefix}:${qualified}`;
}

function replaceIds(document: XmlDocument, replacements: Map<string, string>, everywhere: boolean): void {
  const replaced = (value: string) => replacedId(value, replacements);
  for (const element of elementsOf(document.root)) {
    for (const attribute of element.attributes) {
      if (isNamespaceDeclaration(attribute) || (!everywhere && attribute.name === 'name')) continue;
      const value = replaced(attribute.value);
      if (value !== undefined) {
        attribute.value = value;
        attribute.raw = undefined;
      }
    }
    if (!everywhere && !REFERENCE_ELEMENT.test(splitName(element.name).local)) continue;
    if (childElements(element).length) continue;
    for (const child of element.children) {
      if (child.kind !== 'text') continue;
      const value = replaced(child.value);
      if (value !== undefined) {
        child.value = child.value.replace(child.value.trim(), value);
        child.raw = undefined;
      }
    }
  }
}
