// A lossless XML tree: every comment, processing instruction, DOCTYPE,
// CDATA section, attribute (with its order, quote and surrounding
// whitespace) and text run is kept with its original spelling, so that an
// untouched tree serialises to the very bytes it was parsed from. Nodes that
// are edited lose their raw spelling and are re-escaped. Browser-safe.
import { MAX_ELEMENT_DEPTH } from '../bpmn/nesting-depth.js';
import { illegalCharacterWhat, illegalXmlCharacter } from '../bpmn/xml-characters.js';

export interface XmlAttribute {
  /** Qualified name as written (`camunda:assignee`, `xmlns:bpmn`, `id`). */
  name: string;
  /** Value after XML attribute-value normalisation and entity decoding. */
  value: string;
  /** The value exactly as written between the quotes; dropped when `value` changes. */
  raw?: string;
  quote: '"' | "'";
  /** Whitespace written before the attribute name. */
  leading: string;
  /** `=` with the whitespace written around it, when not plain `=`. */
  equals?: string;
}

export interface XmlElement {
  kind: 'element';
  name: string;
  attributes: XmlAttribute[];
  children: XmlNode[];
  parent: XmlElement | null;
  /** Whitespace before `>` or `/>` in the start tag. */
  tagTrailing: string;
  selfClosing: boolean;
  /** Whitespace written before `>` in the end tag. */
  endTagTrailing?: string;
  /** Where the start tag began in the parsed text (absent for elements made by an edit): for messages naming the line. */
  offset?: number;
}

interface XmlText {
  kind: 'text';
  value: string;
  raw?: string;
  cdata: boolean;
}

interface XmlComment {
  kind: 'comment';
  value: string;
}

interface XmlProcessingInstruction {
  kind: 'pi';
  target: string;
  data: string;
  /** Whitespace between target and data, when not a single space. */
  separator?: string;
}

/** DOCTYPE declarations are kept verbatim. */
interface XmlDoctype {
  kind: 'doctype';
  raw: string;
}

export type XmlNode = XmlElement | XmlText | XmlComment | XmlProcessingInstruction | XmlDoctype;

export interface XmlDocument {
  /** Everything at top level, in order: declaration (as a `pi` with target `xml`), comments, whitespace, the root. */
  children: XmlNode[];
  root: XmlElement;
}

/** The line (1-based) of `offset` in `text`. */
export function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let at = text.indexOf('\n'); at >= 0 && at < offset; at = text.indexOf('\n', at + 1)) line++;
  return line;
}

export class XmlSyntaxError extends Error {
  constructor(message: string, readonly offset: number, readonly line: number) {
    super(`${message} (line ${line})`);
    this.name = 'XmlSyntaxError';
  }
}

const XML_NS = 'http://www.w3.org/XML/1998/namespace';
const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';

const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decodeEntities(raw: string): string {
  if (!raw.includes('&')) return raw;
  return raw.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[A-Za-z_][\w.-]*);/g, (whole, ref: string) => {
    if (ref[0] === '#') {
      const code = ref[1] === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return Number.isFinite(code) && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    // Entities declared in a DTD are not expanded; they stay as written.
    return PREDEFINED[ref] ?? whole;
  });
}

function decodeAttributeValue(raw: string): string {
  // Literal whitespace in an attribute value is normalised to spaces; character references are not.
  return decodeEntities(raw.replace(/\r\n?/g, '\n').replace(/[\t\n\r]/g, ' '));
}

function escapeText(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function escapeAttribute(value: string, quote: '"' | "'" = '"'): string {
  let escaped = value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/\t/g, '&#9;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;');
  escaped = quote === '"' ? escaped.replace(/"/g, '&quot;') : escaped.replace(/'/g, '&apos;');
  return escaped;
}

/** XML whitespace: space, tab, line feed, carriage return. */
const isSpace = (code: number) => code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;
/** Anything that can continue a tag or attribute name (names end at whitespace, '/', '>', '=', '<', quotes). */
const isNameChar = (code: number) => !isSpace(code) && code !== 0x2f && code !== 0x3e && code !== 0x3d && code !== 0x3c && code !== 0x22 && code !== 0x27;

/** Parses XML text into a lossless tree. Throws XmlSyntaxError on malformed input. */
export function parseXml(text: string): XmlDocument {
  let pos = 0;
  const length = text.length;
  const top: XmlNode[] = [];
  let root: XmlElement | null = null;
  let current: XmlElement | null = null;
  // the tree is walked recursively (serializing, copying): a file nested thousands deep would overflow the stack
  let depth = 0;

  const fail = (message: string, at = pos): never => {
    throw new XmlSyntaxError(message, at, lineAt(text, at));
  };
  const append = (node: XmlNode) => {
    if (current) current.children.push(node);
    else top.push(node);
  };
  const expectEnd = (terminator: string, what: string): number => {
    const end = text.indexOf(terminator, pos);
    if (end < 0) fail(`unterminated ${what}`);
    return end;
  };

  // a NUL or lone surrogate would be written back as it was read: no other reader takes the file
  const illegal = illegalXmlCharacter(text);
  if (illegal) fail(`the text holds ${illegalCharacterWhat(illegal)}`, illegal.offset);
  if (text.charCodeAt(0) === 0xfeff) pos = 1;

  while (pos < length) {
    const lt = text.indexOf('<', pos);
    if (lt !== pos) {
      const end = lt < 0 ? length : lt;
      const raw = text.slice(pos, end);
      if (!current && raw.trim() !== '') fail('text outside the root element');
      append({ kind: 'text', value: decodeEntities(raw.replace(/\r\n?/g, '\n')), raw, cdata: false });
      pos = end;
      continue;
    }
    if (text.startsWith('<!--', pos)) {
      pos += 4;
      const end = expectEnd('-->', 'comment');
      append({ kind: 'comment', value: text.slice(pos, end) });
      pos = end + 3;
    } else if (text.startsWith('<![CDATA[', pos)) {
      if (!current) fail('CDATA outside the root element');
      pos += 9;
      const end = expectEnd(']]>', 'CDATA section');
      const value = text.slice(pos, end);
      append({ kind: 'text', value: value.replace(/\r\n?/g, '\n'), raw: `<![CDATA[${value}]]>`, cdata: true });
      pos = end + 3;
    } else if (text.startsWith('<?', pos)) {
      pos += 2;
      const end = expectEnd('?>', 'processing instruction');
      const body = text.slice(pos, end);
      const match = /^([^\s?]+)(\s*)([\s\S]*)$/.exec(body);
      if (!match) fail('processing instruction without a target');
      const separator = match![2];
      append({ kind: 'pi', target: match![1], data: separator ? match![3] : '', ...(separator && separator !== ' ' ? { separator } : {}) });
      pos = end + 2;
    } else if (text.startsWith('<!DOCTYPE', pos)) {
      const start = pos;
      let depth = 0;
      while (pos < length) {
        const ch = text[pos];
        if (ch === '[') depth++;
        else if (ch === ']') depth--;
        else if (ch === '>' && depth <= 0) break;
        pos++;
      }
      if (pos >= length) fail('unterminated DOCTYPE', start);
      top.push({ kind: 'doctype', raw: text.slice(start, pos + 1) });
      pos++;
    } else if (text[pos + 1] === '/') {
      const end = expectEnd('>', 'end tag');
      const written = text.slice(pos + 2, end);
      const name = written.trim();
      if (!current) fail(`end tag </${name}> without start tag`);
      if (written !== name) current!.endTagTrailing = written.slice(written.indexOf(name) + name.length);
      if (current!.name !== name) fail(`end tag </${name}> does not match <${current!.name}>`);
      current = current!.parent;
      depth--;
      pos = end + 1;
    } else {
      const offset = pos;
      pos++;
      const nameStart = pos;
      while (pos < length && isNameChar(text.charCodeAt(pos))) pos++;
      const name = text.slice(nameStart, pos);
      if (!name) fail('element without a name');
      const element: XmlElement = { kind: 'element', name, attributes: [], children: [], parent: current, tagTrailing: '', selfClosing: false, offset };
      for (;;) {
        const wsStart = pos;
        while (pos < length && isSpace(text.charCodeAt(pos))) pos++;
        const leading = text.slice(wsStart, pos);
        if (pos >= length) fail(`the text ends inside the start tag <${name}> (cut off?)`, offset);
        if (text[pos] === '>' || text.startsWith('/>', pos)) {
          element.tagTrailing = leading;
          element.selfClosing = text[pos] === '/';
          pos += element.selfClosing ? 2 : 1;
          break;
        }
        // Lenient where no structure is at stake, as other readers are: a missing space between
        // attributes, '<' in a value and a repeated attribute are kept as written.
        const attrStart = pos;
        while (pos < length && isNameChar(text.charCodeAt(pos))) pos++;
        const attrName = text.slice(attrStart, pos);
        const equalsStart = pos;
        while (pos < length && isSpace(text.charCodeAt(pos))) pos++;
        if (pos >= length) fail(`the text ends inside the start tag <${name}> (cut off?)`, offset);
        if (!attrName || text[pos] !== '=') fail(`malformed attribute in <${name}>`);
        pos++;
        while (pos < length && isSpace(text.charCodeAt(pos))) pos++;
        const equals = text.slice(equalsStart, pos);
        const quote = text[pos];
        if (quote !== '"' && quote !== "'") fail(`attribute ${attrName} in <${name}> is not quoted`);
        const valueEnd = text.indexOf(quote, pos + 1);
        if (valueEnd < 0) fail(`unterminated attribute ${attrName} in <${name}>`);
        const raw = text.slice(pos + 1, valueEnd);
        element.attributes.push({ name: attrName, value: decodeAttributeValue(raw), raw, quote: quote as '"' | "'", leading, ...(equals !== '=' ? { equals } : {}) });
        pos = valueEnd + 1;
      }
      if (!current) {
        if (root) fail('more than one root element');
        root = element;
      }
      append(element);
      if (!element.selfClosing) {
        current = element;
        if (++depth > MAX_ELEMENT_DEPTH) fail(`<${name}> is nested more than ${MAX_ELEMENT_DEPTH} elements deep, deeper than Stratum reads`, offset);
      }
    }
  }
  if (current) fail(`<${current.name}> is not closed: the text ends inside it (cut off?)`, current.offset);
  if (!root) fail('no root element');
  return { children: top, root: root! };
}

function serializeNode(node: XmlNode, out: string[]): void {
  switch (node.kind) {
    case 'text':
      out.push(node.raw ?? (node.cdata ? `<![CDATA[${node.value}]]>` : escapeText(node.value)));
      break;
    case 'comment':
      out.push(`<!--${node.value}-->`);
      break;
    case 'pi':
      out.push(`<?${node.target}${node.data || node.separator ? (node.separator ?? ' ') + node.data : ''}?>`);
      break;
    case 'doctype':
      out.push(node.raw);
      break;
    case 'element': {
      out.push('<', node.name);
      for (const attribute of node.attributes) {
        out.push(attribute.leading, attribute.name, attribute.equals ?? '=', attribute.quote);
        out.push(attribute.raw ?? escapeAttribute(attribute.value, attribute.quote), attribute.quote);
      }
      out.push(node.tagTrailing);
      if (node.selfClosing && node.children.length === 0) {
        out.push('/>');
      } else {
        out.push('>');
        for (const child of node.children) serializeNode(child, out);
        out.push('</', node.name, node.endTagTrailing ?? '', '>');
      }
      break;
    }
  }
}

export function serializeXml(document: XmlDocument): string {
  const out: string[] = [];
  for (const node of document.children) serializeNode(node, out);
  return out.join('');
}

// ---- namespaces ----

export function splitName(qualified: string): { prefix: string; local: string } {
  const colon = qualified.indexOf(':');
  return colon < 0 ? { prefix: '', local: qualified } : { prefix: qualified.slice(0, colon), local: qualified.slice(colon + 1) };
}

export function isNamespaceDeclaration(attribute: XmlAttribute): boolean {
  return attribute.name === 'xmlns' || attribute.name.startsWith('xmlns:');
}

/** The prefix a namespace declaration binds ('' for the default namespace). */
export function declaredPrefix(attribute: XmlAttribute): string {
  return attribute.name === 'xmlns' ? '' : attribute.name.slice(6);
}

let scopes = new WeakMap<XmlElement, Map<string, string>>();

/**
 * Call after changing namespace declarations or moving an element in a tree
 * whose names were already resolved: resolved scopes are cached.
 */
export function forgetNamespaceScopes(): void {
  scopes = new WeakMap();
}

/** All prefix → URI bindings in scope at `element` ('' = default namespace). */
export function namespacesInScope(element: XmlElement | null): Map<string, string> {
  if (!element) return new Map();
  let bindings = scopes.get(element);
  if (bindings) return bindings;
  const inherited = namespacesInScope(element.parent);
  const declarations = element.attributes.filter(isNamespaceDeclaration);
  if (declarations.length === 0) {
    bindings = inherited;
  } else {
    bindings = new Map(inherited);
    for (const declaration of declarations) bindings.set(declaredPrefix(declaration), declaration.value);
  }
  scopes.set(element, bindings);
  return bindings;
}

/** Namespace URI bound to `prefix` where `element` sits ('' prefix = default namespace). */
export function lookupNamespace(element: XmlElement | null, prefix: string): string | undefined {
  if (prefix === 'xml') return XML_NS;
  if (prefix === 'xmlns') return XMLNS_NS;
  const uri = namespacesInScope(element).get(prefix);
  return uri ?? (prefix ? undefined : '');
}

export interface ExpandedName {
  uri: string;
  local: string;
}

export function elementName(element: XmlElement): ExpandedName {
  const { prefix, local } = splitName(element.name);
  return { uri: lookupNamespace(element, prefix) ?? `urn:undeclared-prefix:${prefix}`, local };
}

/** Unprefixed attributes are in no namespace. */
export function attributeName(element: XmlElement, attribute: XmlAttribute): ExpandedName {
  const { prefix, local } = splitName(attribute.name);
  if (!prefix) return { uri: '', local };
  return { uri: lookupNamespace(element, prefix) ?? `urn:undeclared-prefix:${prefix}`, local };
}

/** Resolves a QName-valued attribute (such as xsi:type) in the scope of `element`. */
export function resolveQNameValue(element: XmlElement, value: string): ExpandedName {
  const { prefix, local } = splitName(value.trim());
  return { uri: lookupNamespace(element, prefix) ?? `urn:undeclared-prefix:${prefix}`, local };
}

export function childElements(element: XmlElement): XmlElement[] {
  return element.children.filter((child): child is XmlElement => child.kind === 'element');
}

/** `element` and every element inside it, in document order. */
export function* elementsOf(element: XmlElement): Generator<XmlElement> {
  yield element;
  for (const child of element.children) if (child.kind === 'element') yield* elementsOf(child);
}

/** Concatenated text of the direct text and CDATA children. */
export function directText(element: XmlElement): string {
  let text = '';
  for (const child of element.children) if (child.kind === 'text') text += child.value;
  return text;
}
