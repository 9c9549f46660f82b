// Characters XML 1.0 does not allow (§2.2 Char), written as they are or as a character reference (`&#0;`,
// `&#xD800;`): a NUL, the C0 controls but tab and line breaks, a lone surrogate, U+FFFE and U+FFFF. moddle reads
// them into names and ids all the same; PostgreSQL cannot store a NUL (a deployment answered 500) nor a lone
// surrogate (the process deployed, and every start of it failed), and no other XML reader takes such a file.
// Browser-safe.

/** The first character XML does not allow: its code point (U+0000) and line. */
export interface IllegalCharacter {
  codePoint: string;
  offset: number;
  line: number;
  /** Written as a character reference rather than as itself. */
  reference: boolean;
}

// read by UTF-16 code unit, so a surrogate without its other half is found; a reference's code point is judged apart
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const FOUND = /([\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF])|&#(?:x([0-9A-Fa-f]+)|([0-9]+));/g;

/** The first character of `xml` XML 1.0 does not allow, or undefined. */
export function illegalXmlCharacter(xml: string): IllegalCharacter | undefined {
  for (const match of xml.matchAll(FOUND)) {
    const [, literal, hex, decimal] = match;
    const code = literal !== undefined ? literal.charCodeAt(0) : parseInt(hex ?? decimal, hex !== undefined ? 16 : 10);
    if (literal === undefined && allowed(code)) continue;
    return { codePoint: codePointName(code), offset: match.index, line: lineOf(xml, match.index), reference: literal === undefined };
  }
  return undefined;
}

/** `line 3 holds a character reference to the character U+0000, which XML does not allow (…); remove it`. */
export function illegalCharacterMessage(found: IllegalCharacter): string {
  return `line ${found.line} holds ${illegalCharacterWhat(found)}; remove it`;
}

/** `a character reference to the character U+0000, which XML does not allow (…)`. */
export function illegalCharacterWhat(found: IllegalCharacter): string {
  return `${found.reference ? 'a character reference to ' : ''}the character ${found.codePoint}, which XML does not allow (a control character, a lone surrogate, U+FFFE or U+FFFF)`;
}

// helpers

function allowed(code: number): boolean {
  return code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd) || (code >= 0x10000 && code <= 0x10ffff);
}

function codePointName(code: number): string {
  return Number.isSafeInteger(code) && code <= 0x10ffff ? `U+${code.toString(16).toUpperCase().padStart(4, '0')}` : 'beyond U+10FFFF';
}

function lineOf(xml: string, offset: number): number {
  let line = 1;
  for (let at = xml.indexOf('\n'); at >= 0 && at < offset; at = xml.indexOf('\n', at + 1)) line++;
  return line;
}
