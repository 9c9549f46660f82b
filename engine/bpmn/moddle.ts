// bpmn-moddle with the vendor extension package a file needs. Camunda 7 and
// Camunda 8 packages cannot share one moddle instance (both define
// `modelerTemplate`), so, like Camunda Modeler, we pick one per file.
// Browser-safe.
import { BpmnModdle, type ModdleElement, type ParseResult } from 'bpmn-moddle';
import camundaPackage from 'camunda-bpmn-moddle/resources/camunda.json' with { type: 'json' };
import zeebePackage from 'zeebe-bpmn-moddle/resources/zeebe.json' with { type: 'json' };
import { astralReferencesAsCharacters } from './astral-references.js';
import { aliasedForModdle, restoreFileIds } from './file-ids.js';
import { tooDeeplyNested, tooDeepMessage } from './nesting-depth.js';
import { illegalCharacterMessage, illegalXmlCharacter } from './xml-characters.js';
import { warningElementIds } from './warning-element.js';

export const CAMUNDA_URI = 'http://camunda.org/schema/1.0/bpmn';
export const ZEEBE_URI = 'http://camunda.org/schema/zeebe/1.0';

export type ExtensionFlavour = 'zeebe' | 'camunda';

const declares = (xml: string, uri: string) => xml.includes(`"${uri}"`) || xml.includes(`'${uri}'`);

/**
 * Camunda 8 (zeebe) when the file binds zeebe's namespace — Camunda 8 files
 * often keep a stray `camunda:` attribute from an older modeler, which then
 * survives as an unknown attribute — Camunda 7 when it binds only Camunda 7's.
 */
export function detectFlavour(xml: string): ExtensionFlavour {
  if (declares(xml, ZEEBE_URI)) return 'zeebe';
  return declares(xml, CAMUNDA_URI) ? 'camunda' : 'zeebe';
}

export function createModdle(flavour: ExtensionFlavour): BpmnModdle {
  return new BpmnModdle(flavour === 'camunda' ? { camunda: camundaPackage } : { zeebe: zeebePackage });
}

/**
 * One moddle per flavour for every parse, as bpmn-js keeps one per modeler: moddle builds each type's descriptor the
 * first time an instance meets it, so a fresh instance per file parsed the shipped library 4 times slower (59 → 16 ms
 * CPU). Reading a document registers nothing in the instance (an unknown element becomes an untyped one of its own).
 */
const parsingModdles = new Map<ExtensionFlavour, BpmnModdle>();

function parsingModdle(flavour: ExtensionFlavour): BpmnModdle {
  let moddle = parsingModdles.get(flavour);
  if (!moddle) parsingModdles.set(flavour, (moddle = createModdle(flavour)));
  return moddle;
}

export interface ParsedBpmn {
  flavour: ExtensionFlavour;
  definitions: ModdleElement;
  moddleContext: ParseResult;
  warnings: string[];
  /** Warning → id of the element it was found in, for the warnings that name a line and column. */
  warningElements: Map<string, string>;
}

export class BpmnParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BpmnParseError';
  }
}

/**
 * Parses BPMN XML; a document that is not BPMN 2.0 is an error, unknown bits are warnings.
 * The model has the file's ids, also those moddle reads only under an alias (file-ids.ts).
 */
export async function parseBpmn(xml: string): Promise<ParsedBpmn> {
  // read before moddle builds a tree that the rules and the runtime walk recursively
  const deep = tooDeeplyNested(xml);
  if (deep) throw new BpmnParseError(tooDeepMessage(deep));
  const illegal = illegalXmlCharacter(xml);
  if (illegal) throw new BpmnParseError(illegalCharacterMessage(illegal));
  const flavour = detectFlavour(xml);
  const moddle = parsingModdle(flavour);
  const forModdle = aliasedForModdle(xml);
  const read = astralReferencesAsCharacters(forModdle.xml.trim());
  let result: ParseResult;
  try {
    result = await moddle.fromXML(read, 'bpmn:Definitions');
    restoreFileIds(result, forModdle.aliases);
  } catch (error) {
    throw new BpmnParseError(`not a readable BPMN 2.0 document: ${(error as Error).message}`);
  }
  const { rootElement, warnings = [] } = result;
  if (!rootElement || rootElement.$type !== 'bpmn:Definitions') {
    throw new BpmnParseError('not a BPMN 2.0 document: the root element must be bpmn:definitions');
  }
  // moddle reads text whose characters were decoded already (with the file's declared encoding, engine/interop's
  // decodeXml): its "unsupported document encoding <ISO-8859-1>, falling back to UTF-8" said the file was misread
  const messages = warnings.map((warning) => warning.message).filter((message) => !DECODED_ENCODING_WARNING.test(message));
  const warningElements = new Map<string, string>();
  for (const [message, id] of warningElementIds(read, messages)) warningElements.set(message, forModdle.aliases.get(id) ?? id);
  return { flavour, definitions: rootElement, moddleContext: result, warnings: messages, warningElements };
}

const DECODED_ENCODING_WARNING = /^unsupported document encoding <[^>]*>, falling back to UTF-8$/;
