// Decodes the bytes of an XML file with the encoding it declares, so that a
// file written by a tool as ISO-8859-1 or windows-1252 keeps its accented
// characters. Browser-safe (no Node APIs; TextDecoder only for UTF-8/16).

// windows-1252 differs from ISO-8859-1 only in 0x80-0x9F.
const WINDOWS_1252_HIGH = [
  0x20ac, 0x81, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8d, 0x017d, 0x8f,
  0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0x9d, 0x017e, 0x0178,
];

function decodeSingleByte(bytes: Uint8Array, highTable: number[] | null): string {
  let out = '';
  const chunk: number[] = [];
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i];
    chunk.push(highTable && byte >= 0x80 && byte <= 0x9f ? highTable[byte - 0x80] : byte);
    if (chunk.length === 8192) {
      out += String.fromCharCode(...chunk);
      chunk.length = 0;
    }
  }
  return out + String.fromCharCode(...chunk);
}

/** The encoding named in the XML declaration, lower-cased, or undefined. */
export function declaredEncoding(head: string): string | undefined {
  const match = /^\s*<\?xml[^>]*?\sencoding\s*=\s*["']([A-Za-z0-9._:-]+)["']/.exec(head);
  return match?.[1].toLowerCase();
}

export class UnsupportedEncodingError extends Error {
  constructor(readonly encoding: string) {
    super(`unsupported encoding ${encoding}`);
    this.name = 'UnsupportedEncodingError';
  }
}

const LATIN1 = new Set(['iso-8859-1', 'iso8859-1', 'latin1', 'latin-1', 'l1', 'iso_8859-1', 'us-ascii', 'ascii', 'iso-ir-100', 'cp819', 'ibm819']);
const CP1252 = new Set(['windows-1252', 'cp1252', 'x-cp1252']);

/** Bytes that are not valid in the encoding they are read with (named: the line of the first bad byte). */
export class MalformedEncodingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedEncodingError';
  }
}

const UTF16_NAMES = new Set(['utf-16', 'utf16', 'utf-16le', 'utf-16be', 'ucs-2', 'unicode', 'iso-10646-ucs-2']);

/** Offset of the first byte that breaks UTF-8, or -1. */
function firstInvalidUtf8(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; ) {
    const byte = bytes[i];
    const length = byte < 0x80 ? 1 : byte >= 0xc2 && byte <= 0xdf ? 2 : byte >= 0xe0 && byte <= 0xef ? 3 : byte >= 0xf0 && byte <= 0xf4 ? 4 : 0;
    if (length === 0 || i + length > bytes.length) return i;
    // continuation bytes are 10xxxxxx
    for (let k = 1; k < length; k++) if (bytes[i + k] < 0x80 || bytes[i + k] > 0xbf) return i;
    i += length;
  }
  return -1;
}

/** `why` says what made the file UTF-8: a byte-order mark, its declaration, nothing (the default) or a UTF-16 declaration on single-byte text. */
function decodeUtf8Strictly(bytes: Uint8Array, why: 'mark' | 'declared' | 'default' | 'utf-16 declared'): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const at = Math.max(0, firstInvalidUtf8(bytes));
    let line = 1;
    for (let i = 0; i < at; i++) if (bytes[i] === 0x0a) line++;
    const where = `not valid UTF-8 at line ${line} (byte 0x${bytes[at].toString(16).padStart(2, '0')})`;
    const reason = {
      default: 'and no other encoding is declared: save the file as UTF-8 or declare its encoding, e.g. <?xml version="1.0" encoding="ISO-8859-1"?>',
      declared: 'although its XML declaration says UTF-8',
      mark: 'although its byte-order mark says UTF-8',
      'utf-16 declared': 'and its XML declaration names UTF-16, which it is not written in',
    }[why];
    throw new MalformedEncodingError(`${where}, ${reason}`);
  }
}

function decodeUtf16(bytes: Uint8Array, encoding: 'utf-16le' | 'utf-16be'): string {
  try {
    return new TextDecoder(encoding, { fatal: true }).decode(bytes);
  } catch {
    throw new MalformedEncodingError(`not valid ${encoding.toUpperCase()} (an odd number of bytes or a lone surrogate)`);
  }
}

/**
 * Text of an XML file given as bytes or as an already decoded string. The
 * encoding comes from a byte-order mark, else from the first bytes (UTF-16
 * without a mark: `<` followed or preceded by a zero byte, XML 1.0 appendix F),
 * else from the declaration; UTF-8 otherwise. Bytes that are not valid UTF-8
 * are refused naming the line, never replaced: that would change the text.
 */
export function decodeXml(input: string | Uint8Array | ArrayBuffer): string {
  if (typeof input === 'string') return input;
  const bytes = input instanceof Uint8Array ? input : new Uint8Array(input);
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return decodeUtf8Strictly(bytes.subarray(3), 'mark');
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return decodeUtf16(bytes.subarray(2), 'utf-16le');
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return decodeUtf16(bytes.subarray(2), 'utf-16be');
  if (bytes.length >= 2 && bytes[0] !== 0 && bytes[1] === 0) return decodeUtf16(bytes, 'utf-16le');
  if (bytes.length >= 2 && bytes[0] === 0 && bytes[1] !== 0) return decodeUtf16(bytes, 'utf-16be');
  const head = decodeSingleByte(bytes.subarray(0, 256), null);
  const encoding = declaredEncoding(head);
  if (encoding === undefined) return decodeUtf8Strictly(bytes, 'default');
  if (LATIN1.has(encoding)) return decodeSingleByte(bytes, null);
  if (CP1252.has(encoding)) return decodeSingleByte(bytes, WINDOWS_1252_HIGH);
  // UTF-16 declared in a file whose first bytes are single-byte text (.NET's StringWriter
  // writes such files): the declaration is wrong, and the bytes are read as UTF-8 (libxml2 refuses the file).
  if (UTF16_NAMES.has(encoding)) return decodeUtf8Strictly(bytes, 'utf-16 declared');
  if (encoding === 'utf-8' || encoding === 'utf8') return decodeUtf8Strictly(bytes, 'declared');
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(encoding, { fatal: true });
  } catch {
    throw new UnsupportedEncodingError(encoding);
  }
  try {
    return decoder.decode(bytes);
  } catch {
    throw new MalformedEncodingError(`not valid ${encoding}, although its XML declaration says so`);
  }
}

/**
 * The encoding `decodeXml` reads `bytes` in, by its rules (a byte-order mark, UTF-16 without one, the declaration,
 * UTF-8 otherwise), under one name per encoding: `utf-8`, `utf-16`, `iso-8859-1`, `windows-1252`, or another
 * declared name lower-cased. What a `charset` parameter sent with the file is compared with (`charsetName`).
 */
export function xmlEncodingOf(input: Uint8Array): string {
  if (input[0] === 0xef && input[1] === 0xbb && input[2] === 0xbf) return 'utf-8';
  if ((input[0] === 0xff && input[1] === 0xfe) || (input[0] === 0xfe && input[1] === 0xff)) return 'utf-16';
  if (input.length >= 2 && (input[0] === 0) !== (input[1] === 0)) return 'utf-16';
  const encoding = declaredEncoding(decodeSingleByte(input.subarray(0, 256), null));
  // UTF-16 declared on single-byte text is read as UTF-8 (decodeXml)
  if (encoding === undefined || UTF16_NAMES.has(encoding)) return 'utf-8';
  return charsetName(encoding);
}

/** One name per encoding for a charset or encoding name (`latin1`, `ISO_8859-1` → `iso-8859-1`; `cp1252` → `windows-1252`). */
export function charsetName(name: string): string {
  const lower = name.toLowerCase();
  if (LATIN1.has(lower)) return 'iso-8859-1';
  if (CP1252.has(lower)) return 'windows-1252';
  if (UTF16_NAMES.has(lower)) return 'utf-16';
  if (lower === 'utf8') return 'utf-8';
  return lower;
}

/** True when `text` declares an encoding Stratum writes byte-for-byte as one byte per character. */
function singleByteTable(text: string): 'latin1' | 'cp1252' | undefined {
  const encoding = declaredEncoding(text.slice(0, 256));
  if (encoding && LATIN1.has(encoding)) return 'latin1';
  if (encoding && CP1252.has(encoding)) return 'cp1252';
  return undefined;
}

/**
 * The UTF-16 form `text` declares: `utf-16le` or `utf-16be` as named (no byte-order mark: the name says the
 * order), else `utf-16` (little-endian after a byte-order mark, as .NET writes it), or undefined.
 */
function utf16Form(text: string): 'utf-16' | 'utf-16le' | 'utf-16be' | undefined {
  const encoding = declaredEncoding(text.slice(0, 256));
  if (!encoding || !UTF16_NAMES.has(encoding)) return undefined;
  return encoding === 'utf-16le' || encoding === 'utf-16be' ? encoding : 'utf-16';
}

/** The charset to name in a Content-Type for `text` as `encodeXml` writes it. */
export function xmlCharset(text: string): string {
  const table = singleByteTable(text);
  return table === 'latin1' ? 'iso-8859-1' : table === 'cp1252' ? 'windows-1252' : utf16Form(text) ?? 'utf-8';
}

function encodeUtf16(text: string, form: 'utf-16' | 'utf-16le' | 'utf-16be'): Uint8Array {
  const mark = form === 'utf-16' ? 2 : 0;
  const bytes = new Uint8Array(mark + text.length * 2);
  const view = new DataView(bytes.buffer);
  if (mark) view.setUint16(0, 0xfeff, true);
  // code units, so characters beyond the BMP go as their surrogate pairs
  for (let i = 0; i < text.length; i++) view.setUint16(mark + i * 2, text.charCodeAt(i), form !== 'utf-16be');
  return bytes;
}

/**
 * The bytes of XML text in the encoding it declares: the inverse of
 * `decodeXml`, so a deployed ISO-8859-1, windows-1252 or UTF-16 file is served
 * back as the bytes it came in (a file that declared UTF-16 but was written as
 * UTF-8 comes back as the UTF-16 it declares, which its readers then accept).
 * A character a single-byte encoding lacks is written as a character
 * reference, which every XML reader resolves.
 */
export function encodeXml(text: string): Uint8Array {
  const table = singleByteTable(text);
  const utf16 = table ? undefined : utf16Form(text);
  if (utf16) return encodeUtf16(text, utf16);
  if (!table) return new TextEncoder().encode(text);
  const highByte = new Map(WINDOWS_1252_HIGH.map((code, index) => [code, 0x80 + index]));
  const bytes: number[] = [];
  for (const char of text) {
    const code = char.codePointAt(0)!;
    const byte = table === 'cp1252' && highByte.has(code) ? highByte.get(code)! : code <= 0xff && !(table === 'cp1252' && code >= 0x80 && code <= 0x9f) ? code : -1;
    if (byte >= 0) bytes.push(byte);
    else for (const ascii of `&#${code};`) bytes.push(ascii.charCodeAt(0));
  }
  return Uint8Array.from(bytes);
}
