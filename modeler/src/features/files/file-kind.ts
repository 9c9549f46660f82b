// Whether a file picked to open is a BPMN diagram at all, told before the XML parser is asked: an image or a JSON
// file renamed .bpmn would otherwise be answered with the parser's own text ("unparsable content … detected",
// "failed to parse document as <bpmn:Definitions>"), which does not say what is wrong with the file.
import { BPMN_MODEL_NS } from '../../../../engine/interop/namespaces.js';
import { decodeXml } from '../../../../engine/interop/index.js';

const DMN_NS = /^https?:\/\/www\.omg\.org\/spec\/DMN\//;

/**
 * Why `bytes` (a file as read) is not a BPMN diagram, in words for the status line ("it is not an XML file"), or
 * null when it looks like one: BPMN's `<definitions>` as its root. Text that cannot be decoded, or whose start
 * cannot be read, is left to the importer, whose message names the encoding or the line.
 */
export function notBpmnFile(bytes: Uint8Array): string | null {
  let text: string;
  try {
    text = decodeXml(bytes);
  } catch {
    // undecodable: a binary file (an image, an archive) unless it starts as XML does and only its encoding is wrong
    return startsLikeXml(bytes) ? null : 'it is not an XML file';
  }
  const start = text.replace(/^\uFEFF/, '').trimStart();
  if (!start.startsWith('<')) return 'it is not an XML file';
  const root = rootElement(start);
  if (!root) return null;
  if (root.local === 'definitions' && root.namespace === BPMN_MODEL_NS) return null;
  if (root.local === 'definitions' && root.namespace && DMN_NS.test(root.namespace)) return 'it is XML, but a DMN decision (<definitions> of DMN), not BPMN';
  return `it is XML, but its root element is <${root.name}>, not BPMN's <definitions>`;
}

/** The sentence for the status line: the file named, what it is not, what to open instead. */
export function notBpmnSentence(fileName: string, why: string): string {
  return `${fileName} is not a BPMN diagram: ${why}. Open a .bpmn file saved by a BPMN modeler.`;
}

// helpers

function startsLikeXml(bytes: Uint8Array): boolean {
  let at = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  while (at < bytes.length && (bytes[at] === 0x20 || bytes[at] === 0x09 || bytes[at] === 0x0a || bytes[at] === 0x0d)) at++;
  return bytes[at] === 0x3c; // '<'
}

/** The first element after the prolog (declaration, comments, processing instructions, DOCTYPE), with its namespace. */
function rootElement(text: string): { name: string; local: string; namespace: string | null } | null {
  const prolog = /^(?:\s+|<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!DOCTYPE[^>[]*(?:\[[\s\S]*?\])?\s*>)*/i.exec(text)![0];
  const tag = /^<([A-Za-z_][\w.-]*)(?::([A-Za-z_][\w.-]*))?([^>]*)>/.exec(text.slice(prolog.length));
  if (!tag) return null;
  const [, first, second, attributes] = tag;
  const prefix = second === undefined ? null : first;
  const local = second ?? first;
  const declaration = new RegExp(`\\sxmlns${prefix ? `:${prefix}` : ''}\\s*=\\s*(["'])(.*?)\\1`).exec(attributes);
  return { name: prefix ? `${prefix}:${local}` : local, local, namespace: declaration?.[2] ?? null };
}
