// The file's own ids in the model validate, deploy and the runtime read.
// bpmn-moddle refuses ids that are XML names outside ASCII (`Prüfen`,
// `定義_1`, `مهمة_1`; xsd:ID allows any script), so moddle reads them under
// the aliases of the lossless pipeline (interop/id-aliases.ts), and the model
// it returns gets the file's ids back before anyone sees it. Everything
// downstream — lint findings, process keys, the stored rows of tasks, jobs,
// history and incidents, every API — then names elements as the file does, and
// no alias ever leaves this module. Browser-safe.
import type { ModdleElement, ParseResult } from 'bpmn-moddle';
import { aliasRefusedIds, mayHaveIdsModdleRefuses, replacedId, type IdAliases } from '../interop/id-aliases.js';
import { parseXml, serializeXml } from '../interop/xml-tree.js';

export interface AliasedText {
  /** The text moddle should read: the file, with XML-name ids moddle refuses aliased. */
  xml: string;
  /** Alias → the file's id; empty when the file needed none. */
  aliases: IdAliases;
}

/**
 * The text for moddle. Only ids a valid BPMN file may hold are aliased: an id
 * that is no XML name (`1abc`, `a b`) or is used twice stays as written, so
 * moddle refuses it as before. Text that is not well-formed goes to moddle
 * unchanged, which says why.
 */
export function aliasedForModdle(xml: string): AliasedText {
  if (!mayHaveIdsModdleRefuses(xml)) return { xml, aliases: new Map() };
  let document;
  try {
    document = parseXml(xml);
  } catch {
    return { xml, aliases: new Map() };
  }
  const aliases = aliasRefusedIds(document, { validIdsOnly: true });
  return aliases.size ? { xml: serializeXml(document), aliases } : { xml, aliases };
}

/**
 * Writes the file's ids back into what moddle read under `aliases`: every
 * element's id and any text property or unknown attribute naming an alias (a
 * `calledElement`, a `zeebe:calledElement processId`, `default`), the parse
 * result's id index and references (moddle-context-serializer reads those),
 * and the warnings' messages. References between elements are objects, so
 * they follow by themselves.
 */
export function restoreFileIds(result: ParseResult, aliases: IdAliases): void {
  if (aliases.size === 0) return;
  const original = (value: string) => replacedId(value, aliases) ?? value;
  // what the aliasing never touched (names and text), so a name spelled like an alias stays
  const untouched = new Set(['name', 'body', 'text']);
  const seen = new Set<object>();
  const visit = (element: ModdleElement) => {
    if (seen.has(element)) return;
    seen.add(element);
    const properties = element as unknown as Record<string, unknown>;
    for (const [name, value] of Object.entries(properties)) {
      if (name.startsWith('$') || untouched.has(name)) continue;
      if (typeof value === 'string') properties[name] = original(value);
      else if (Array.isArray(value)) value.forEach((item: unknown, index) => (typeof item === 'string' ? (value[index] = original(item)) : visitValue(item)));
      else visitValue(value);
    }
    // attributes no package declares (moddle keeps them apart, not enumerable on the element)
    const attributes = element.$attrs ?? {};
    for (const [name, text] of Object.entries(attributes)) attributes[name] = original(text);
  };
  const visitValue = (value: unknown) => {
    if (isModdleElement(value)) visit(value);
  };
  if (result.rootElement) visit(result.rootElement);
  for (const element of Object.values(result.elementsById ?? {})) visit(element);
  if (result.elementsById) {
    result.elementsById = Object.fromEntries(Object.entries(result.elementsById).map(([id, element]) => [original(id), element]));
  }
  for (const reference of result.references ?? []) reference.id = original(reference.id);
  const named = textWithFileIds(aliases);
  for (const warning of result.warnings ?? []) warning.message = named(warning.message);
}

/**
 * Writes the file's ids for the aliases in a text: moddle's `unresolved reference <Pr_x00FC_fen>`, or a lint finding
 * on the modeler's canvas (which holds the aliases), then names `Prüfen`. Each alias counts as a whole word only; one
 * pattern serves all of `aliases`, for a caller naming many texts of one diagram.
 */
export function textWithFileIds(aliases: IdAliases): (text: string) => string {
  if (aliases.size === 0) return (text) => text;
  // longest first, so `Check_2` is not read as `Check` followed by `_2`
  const alternatives = [...aliases.keys()].sort((a, b) => b.length - a.length).map((alias) => alias.replace(/[.\\-]/g, '\\$&'));
  const pattern = new RegExp(`(?<![\\w.-])(?:${alternatives.join('|')})(?![\\w.-])`, 'g');
  return (text) => text.replace(pattern, (alias) => aliases.get(alias)!);
}

const isModdleElement = (value: unknown): value is ModdleElement =>
  typeof value === 'object' && value !== null && typeof (value as { $type?: unknown }).$type === 'string';
