// Stratum's open/save pipeline for .bpmn files. The file is kept as a
// lossless XML tree; bpmn-moddle (or bpmn-js, which uses it) gets a copy to
// edit; saving merges the model's edits back onto the kept tree. Whatever
// moddle drops or cannot represent (unknown elements, dangling references,
// duplicate ids, comments, foreign prefixes, vendor extensions) therefore
// survives, and an edit changes only what was edited. Browser-safe.
import type { BpmnModdle, ModdleElement } from 'bpmn-moddle';
import { createModdle, detectFlavour, type ExtensionFlavour } from '../bpmn/moddle.js';
import { assertPrefixesDeclared, mayHaveUndeclaredPrefixes, notBpmnReason } from './document-checks.js';
import { decodeXml } from './encoding.js';
import { aliasRefusedIds, mayHaveIdsModdleRefuses, mayHavePaddedReferences, restoreAliasedIds, trimPaddedReferences, type IdAliases } from './id-aliases.js';
import { mergeModelChanges } from './merge.js';
import { withSchemaSpelling } from './moddle-spelling.js';
import { XSI_NS } from './namespaces.js';
import { elementsOf, isNamespaceDeclaration, parseXml, serializeXml, splitName, type XmlDocument } from './xml-tree.js';

export interface BpmnDocument {
  /** The file as read (updated by every export), kept losslessly. */
  original: XmlDocument;
  /** The XML to give bpmn-moddle or bpmn-js `importXML`: the file with prefixes that clash with moddle's packages renamed and ids moddle refuses aliased. */
  xmlForModdle: string;
  /** Alias → id, for the ids moddle refuses (`id-aliases.ts`); saving writes the ids back. */
  idAliases: IdAliases;
  /** The vendor package the model was read with (Camunda 7 or Camunda 8); give bpmn-js the same one. */
  flavour: ExtensionFlavour;
  /** The bpmn-moddle instance that read `definitions`. */
  moddle: BpmnModdle;
  /** The editable model (`bpmn:Definitions`), or null when moddle could not read the file at all (`unreadable` says why). */
  definitions: ModdleElement | null;
  /** Why the file could not be read as BPMN (not BPMN 2.0, or moddle failed), when `definitions` is null after reading. */
  unreadable?: string;
  /** Moddle's serialisation of the model as imported: edits are measured against it. */
  baseline: string | null;
  /** What moddle reported while reading (unknown elements, unresolved references, ...) and merge problems. */
  warnings: string[];
}

/** Prefixes moddle's packages own; a file binding one of them to another URI confuses moddle's writer. */
const PACKAGE_PREFIXES: Record<string, string> = {
  bpmn: 'http://www.omg.org/spec/BPMN/20100524/MODEL',
  bpmndi: 'http://www.omg.org/spec/BPMN/20100524/DI',
  dc: 'http://www.omg.org/spec/DD/20100524/DC',
  di: 'http://www.omg.org/spec/DD/20100524/DI',
  bioc: 'http://bpmn.io/schema/bpmn/biocolor/1.0',
  color: 'http://www.omg.org/spec/BPMN/non-normative/color/1.0',
  camunda: 'http://camunda.org/schema/1.0/bpmn',
  zeebe: 'http://camunda.org/schema/zeebe/1.0',
  modeler: 'http://camunda.org/schema/modeler/1.0',
  xsi: XSI_NS,
};


function copyOf(document: XmlDocument): XmlDocument {
  return parseXml(serializeXml(document));
}

/** A copy of the document in which prefixes bound to a URI other than the one moddle gives them are renamed. */
function moddleFriendly(document: XmlDocument): XmlDocument {
  const renames = clashingPrefixes(document);
  if (renames.size === 0) return document;
  return withPrefixesRenamed(document, renames);
}

/** Prefixes the file binds to another URI than moddle's packages do, each with a free new name. */
function clashingPrefixes(document: XmlDocument): Map<string, string> {
  const renames = new Map<string, string>();
  const declared = new Set<string>();
  for (const element of elementsOf(document.root)) {
    for (const attribute of element.attributes) {
      if (!isNamespaceDeclaration(attribute) || attribute.name === 'xmlns') continue;
      const prefix = attribute.name.slice(6);
      declared.add(prefix);
      const owned = PACKAGE_PREFIXES[prefix];
      if (owned && owned !== attribute.value) renames.set(prefix, '');
    }
  }
  for (const prefix of renames.keys()) {
    let candidate = `${prefix}_foreign`;
    for (let n = 2; declared.has(candidate); n++) candidate = `${prefix}_foreign${n}`;
    declared.add(candidate);
    renames.set(prefix, candidate);
  }
  return renames;
}

function withPrefixesRenamed(document: XmlDocument, renames: Map<string, string>): XmlDocument {
  const copy = copyOf(document);
  const rename = (qualified: string) => {
    const { prefix, local } = splitName(qualified);
    const renamed = prefix ? renames.get(prefix) : undefined;
    return renamed ? `${renamed}:${local}` : qualified;
  };
  for (const element of elementsOf(copy.root)) {
    element.name = rename(element.name);
    for (const attribute of element.attributes) {
      if (attribute.name.startsWith('xmlns:')) {
        const renamed = renames.get(attribute.name.slice(6));
        if (renamed) attribute.name = `xmlns:${renamed}`;
        continue;
      }
      const wasType = splitName(attribute.name).local === 'type' && splitName(attribute.name).prefix !== '';
      attribute.name = rename(attribute.name);
      if (wasType && attribute.value.includes(':')) {
        const value = rename(attribute.value.trim());
        if (value !== attribute.value.trim()) {
          attribute.value = value;
          attribute.raw = undefined;
        }
      }
    }
  }
  return copy;
}

/** The document as UTF-8 text: a declared single-byte encoding is rewritten, since the characters are now decoded. */
function serializeAsUtf8(document: XmlDocument): string {
  for (const node of document.children) {
    if (node.kind === 'pi' && node.target === 'xml') {
      node.data = node.data.replace(/(encoding\s*=\s*)(["'])([^"']*)\2/, (whole, key: string, quote: string, name: string) =>
        /^utf-?8$/i.test(name) ? whole : `${key}${quote}UTF-8${quote}`,
      );
    }
  }
  return serializeXml(document);
}

export interface ImportOptions {
  /**
   * Read the model with bpmn-moddle (default true). A bpmn-js modeler that
   * imports `xmlForModdle` itself passes false and calls `setBaseline` with its
   * own save, sparing a second parse and a write of the whole model.
   */
  readModel?: boolean;
}

/**
 * The file as moddle should read it: without a DOCTYPE (moddle's reader does
 * not understand an internal subset; the original keeps it), with clashing
 * prefixes renamed, references padded with spaces trimmed, ids moddle refuses
 * aliased and a UTF-8 declaration. Most
 * files need none of this and are handed over as they are, sparing a copy of
 * the whole tree.
 */
function textForModdle(text: string, original: () => XmlDocument): { xml: string; idAliases: IdAliases } {
  if (readableAsIs(text)) return { xml: text.replace(/^\uFEFF/, ''), idAliases: new Map() };
  const forModdle = moddleFriendly(copyOf(original()));
  trimPaddedReferences(forModdle);
  const idAliases = aliasRefusedIds(forModdle);
  forModdle.children = forModdle.children.filter((node) => node.kind !== 'doctype');
  return { xml: serializeAsUtf8(forModdle).replace(/^\uFEFF/, ''), idAliases };
}

/** No DOCTYPE, UTF-8, only ids moddle accepts, no reference padded with spaces, and no prefix bound to another URI than moddle's packages give it: a quick look at the text. */
function readableAsIs(text: string): boolean {
  if (/<!DOCTYPE/i.test(text) || mayHaveIdsModdleRefuses(text) || mayHavePaddedReferences(text)) return false;
  const encoding = /^\uFEFF?\s*<\?xml[^>]*?\sencoding\s*=\s*["']([^"']*)["']/.exec(text)?.[1];
  if (encoding !== undefined && !/^utf-?8$/i.test(encoding)) return false;
  for (const [, prefix, , uri] of text.matchAll(/\sxmlns:([A-Za-z_][\w.-]*)\s*=\s*(["'])(.*?)\2/g)) {
    const owned = PACKAGE_PREFIXES[prefix];
    if (owned && owned !== uri) return false;
  }
  return true;
}

/** The lossless tree of the file; throws XmlSyntaxError naming the line when it is not well-formed (namespaces included). */
function readTree(text: string): XmlDocument {
  const document = parseXml(text);
  assertPrefixesDeclared(document, text);
  return document;
}

/** Reads a .bpmn file (bytes are decoded with the encoding they declare). Throws XmlSyntaxError when it is not well-formed XML. */
export async function importBpmn(input: string | Uint8Array | ArrayBuffer, options: ImportOptions = {}): Promise<BpmnDocument> {
  const text = decodeXml(input);
  // A modeler reads xmlForModdle itself (failing on XML that is not well-formed)
  // and needs the kept tree only when saving: it is parsed then, unless a
  // quick look finds a prefix declared nowhere, which must be refused now.
  const eager = options.readModel !== false || mayHaveUndeclaredPrefixes(text);
  let original: XmlDocument | undefined = eager ? readTree(text) : undefined;
  const tree = () => (original ??= parseXml(text));
  const flavour = detectFlavour(text);
  let moddleInstance: BpmnModdle | undefined;
  const { xml: xmlForModdle, idAliases } = textForModdle(text, tree);
  const document: BpmnDocument = {
    get original() { return tree(); },
    set original(value: XmlDocument) { original = value; },
    get moddle() { return (moddleInstance ??= createModdle(flavour)); },
    xmlForModdle, idAliases, flavour, definitions: null, baseline: null, warnings: [],
  };
  // A modeler sets the baseline from its own save.
  if (options.readModel === false) return document;
  const moddle = document.moddle;
  try {
    const result = await moddle.fromXML(xmlForModdle, 'bpmn:Definitions');
    document.definitions = result.rootElement ?? null;
    for (const warning of result.warnings ?? []) document.warnings.push(warning.message);
  } catch (error) {
    document.unreadable = notBpmnReason(document.original, text) ?? `bpmn-moddle could not read it: ${(error as Error).message}`;
    document.warnings.push(`${document.unreadable}; the file is kept as is and cannot be edited`);
    return document;
  }
  try {
    if (!document.definitions) throw new Error('the file has no bpmn:definitions');
    document.baseline = (await moddle.toXML(document.definitions, { format: true })).xml;
  } catch (error) {
    document.warnings.push(`bpmn-moddle cannot write this model; edits cannot be saved: ${(error as Error).message}`);
  }
  return document;
}

/**
 * Measures edits against `xml` from now on. bpmn-js users call it with
 * `(await modeler.saveXML()).xml` right after `importXML`, so that anything
 * bpmn-js changes on import by itself is not taken for an edit.
 */
export function setBaseline(document: BpmnDocument, xml: string): void {
  document.baseline = xml;
}

/** Runs an edit on the moddle model: `withModel(doc, (definitions) => { task.name = 'x' })`. */
export async function withModel(document: BpmnDocument, edit: (definitions: ModdleElement, moddle: BpmnModdle) => void | Promise<void>): Promise<BpmnDocument> {
  if (!document.definitions) throw new Error('the file could not be read by bpmn-moddle, so it cannot be edited');
  await edit(document.definitions, document.moddle);
  return document;
}

/**
 * The document as .bpmn text (UTF-8). `savedXml` is the model as saved by
 * bpmn-js (`modeler.saveXML()`); without it, `document.definitions` is written
 * with moddle. Its differences from the baseline are merged onto the original.
 */
export async function exportBpmn(document: BpmnDocument, savedXml?: string): Promise<string> {
  let after = savedXml;
  if (after === undefined && document.definitions && document.baseline !== null) {
    after = (await document.moddle.toXML(document.definitions, { format: true })).xml;
  }
  if (after !== undefined && after !== document.baseline) {
    if (document.baseline === null) {
      document.warnings.push('edits cannot be saved: there is no baseline to measure them against');
    } else {
      const merged = copyOf(document.original);
      const moddleXml = (xml: string) => withSchemaSpelling(restoreAliasedIds(parseXml(xml), document.idAliases));
      const modelled = document.moddle.getPackages().map((registered) => registered.uri);
      const result = mergeModelChanges(merged, moddleXml(document.baseline), moddleXml(after), modelled);
      document.warnings.push(...result.warnings);
      document.original = merged;
      document.baseline = after;
    }
  }
  return serializeAsUtf8(copyOf(document.original));
}

/** Opens and saves a file without edits, as the modeler does. */
export async function convertBpmn(input: string | Uint8Array | ArrayBuffer): Promise<string> {
  return exportBpmn(await importBpmn(input));
}
