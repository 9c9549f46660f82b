// Finds a key written twice in one JSON object. JSON.parse keeps the last one,
// other parsers the first: a body with `"amount": 100, …, "amount": 2000000`
// means a small order to an ERP that logs the first and a large one here, or
// the other way round, so the approval rules would judge an order the sender
// does not see. I-JSON (RFC 7493) forbids duplicate names; such a body is
// refused before anything reads it.

/** The JSON pointer of the first key that repeats a key of its object, or undefined. `text` must be valid JSON. */
export function firstDuplicateKey(text: string): string | undefined {
  const open: Frame[] = [];
  for (let at = 0; at < text.length; at++) {
    const char = text.charCodeAt(at);
    if (char === QUOTE) {
      const end = stringEnd(text, at);
      const top = open.at(-1);
      if (top?.kind === 'object' && top.expectingKey) {
        const raw = text.slice(at + 1, end);
        // an escaped key ("\u0061mount") is the same key as its plain spelling
        const key = raw.includes('\\') ? (JSON.parse(text.slice(at, end + 1)) as string) : raw;
        if (top.keys.has(key)) return `${top.pointer}/${escapePointer(key)}`;
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
  return undefined;
}

type Frame =
  | { kind: 'object'; pointer: string; keys: Set<string>; lastKey: string; expectingKey: boolean }
  | { kind: 'array'; pointer: string; index: number };

const QUOTE = 0x22;
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
