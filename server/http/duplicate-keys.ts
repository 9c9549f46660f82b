// Finds a key written twice in one JSON object. JSON.parse keeps the last one,
// other parsers the first: a body with `"amount": 100, …, "amount": 2000000`
// means a small order to an ERP that logs the first and a large one here, or
// the other way round, so the approval rules would judge an order the sender
// does not see. I-JSON (RFC 7493) forbids duplicate names; such a body is
// refused before anything reads it.
// The same walk finds a number JSON.parse would change: `"amount":
// 1000000.00000000001` is read as the double 1000000, so an order written over
// 1,000,000 with more decimals than its currency has would be kept as exactly
// 1,000,000 and approved below the sales director's tier. I-JSON asks for
// numbers a double holds (RFC 7493 §2.2); one it does not hold is refused.
import { parseDecimal } from '../../engine/money/decimal.js';

/** The JSON pointer of the first key that repeats a key of its object, or undefined. `text` must be valid JSON. */
export function firstDuplicateKey(text: string): string | undefined {
  return scanJson(text).duplicateKey;
}

/** A number as written that a double does not hold: JSON.parse reads it as another value. */
export interface InexactNumber {
  pointer: string;
  written: string;
}

/** What a body's text says that its parsed value no longer shows. `text` must be valid JSON. */
export function scanJson(text: string): { duplicateKey?: string; inexactNumber?: InexactNumber } {
  const open: Frame[] = [];
  let duplicate: string | undefined;
  let inexactNumber: InexactNumber | undefined;
  for (let at = 0; at < text.length; at++) {
    const char = text.charCodeAt(at);
    if (char === MINUS || (char >= DIGIT_0 && char <= DIGIT_9)) {
      let end = at + 1;
      while (end < text.length && NUMBER_PART.test(text[end])) end++;
      const written = text.slice(at, end);
      if (!inexactNumber && !heldByDouble(written)) inexactNumber = { pointer: valuePointer(open.at(-1)), written };
      at = end - 1;
    } else if (char === QUOTE) {
      const end = stringEnd(text, at);
      const top = open.at(-1);
      if (top?.kind === 'object' && top.expectingKey) {
        const raw = text.slice(at + 1, end);
        // an escaped key ("\u0061mount") is the same key as its plain spelling
        const key = raw.includes('\\') ? (JSON.parse(text.slice(at, end + 1)) as string) : raw;
        if (top.keys.has(key)) {
          duplicate ??= `${top.pointer}/${escapePointer(key)}`;
        }
        top.keys.add(key);
        top.lastKey = key;
        top.expectingKey = false;
      }
      at = end;
    } else if (char === OPEN_BRACE) {
      open.push({ kind: 'object', pointer: valuePointer(open.at(-1)), keys: new Set(), lastKey: '', expectingKey: true });
    } else if (char === OPEN_BRACKET) {
      open.push({ kind: 'array', pointer: valuePointer(open.at(-1)), index: 0 });
    } else if (char === CLOSE_BRACE || char === CLOSE_BRACKET) {
      open.pop();
    } else if (char === COMMA) {
      const top = open.at(-1);
      if (top?.kind === 'object') top.expectingKey = true;
      else if (top) top.index++;
    }
  }
  return { ...(duplicate !== undefined && { duplicateKey: duplicate }), ...(inexactNumber && { inexactNumber }) };
}

/**
 * Whether JSON.parse reads the number `written` (JSON number syntax) as the decimal written: the double's shortest
 * decimal has the same value. Up to 15 characters without an exponent always do (at most 15 digits, and a double
 * keeps 15).
 */
function heldByDouble(written: string): boolean {
  if (written.length <= 15 && !/[eE]/.test(written)) return true;
  const exact = parseDecimal(written);
  const read = parseDecimal(Number(written));
  return exact !== undefined && read !== undefined && exact.units === read.units && exact.scale === read.scale;
}

type Frame =
  | { kind: 'object'; pointer: string; keys: Set<string>; lastKey: string; expectingKey: boolean }
  | { kind: 'array'; pointer: string; index: number };

const QUOTE = 0x22;
const MINUS = 0x2d;
const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;
/** The characters after a number's first one that still belong to it. */
const NUMBER_PART = /[0-9.eE+-]/;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

/** The index of the quote that closes the string opening at `start`. */
function stringEnd(text: string, start: number): number {
  let at = start + 1;
  while (at < text.length) {
    const char = text.charCodeAt(at);
    if (char === BACKSLASH) at += 2;
    else if (char === QUOTE) return at;
    else at++;
  }
  return text.length;
}

/** Where the value about to open sits: under its object's last key or its array's index. */
function valuePointer(parent: Frame | undefined): string {
  if (!parent) return '';
  return parent.kind === 'object' ? `${parent.pointer}/${escapePointer(parent.lastKey)}` : `${parent.pointer}/${parent.index}`;
}

function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}
