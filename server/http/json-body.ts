// Reads a JSON body safely: size limit, UTF-8 only, nesting limit, and keys
// that could pollute prototypes (`__proto__`, `constructor`, `prototype`) or
// that repeat a key of their object (duplicate-keys.ts) refused wherever they
// appear, and numbers that JSON.parse would read as another value (more digits
// than a double holds: an amount of 1000000.00000000001 read as 1000000),
// before anything else sees the data.
import type { Request } from 'express';
// the keys and nesting a value may have are the engine's rule, whatever route the value takes
import { unsafeParts } from '../../engine/variables/json-value-rules.js';
import { HttpProblem } from '../problem.js';
import { scanJson } from './duplicate-keys.js';

// ignoreBOM keeps a byte order mark in the text, so stored XML is served back byte for byte
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** A leading UTF-8 byte order mark (U+FEFF), as many Windows tools write before JSON. */
const BYTE_ORDER_MARK = '\uFEFF';

/** JSON text without a leading byte order mark: RFC 8259 §8.1 lets a parser ignore one, and JSON.parse does not. */
export function withoutByteOrderMark(text: string): string {
  return text.startsWith(BYTE_ORDER_MARK) ? text.slice(BYTE_ORDER_MARK.length) : text;
}

export function isJsonContentType(req: Request): boolean {
  return Boolean(req.is(['application/json', 'application/*+json']));
}

/** Charset given and not UTF-8 → 415. */
export function assertUtf8Charset(req: Request): void {
  const type = req.get('content-type') ?? '';
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(type)?.[1];
  if (charset && !/^utf-?8$/i.test(charset)) {
    throw new HttpProblem(415, `Only UTF-8 is accepted, not charset ${charset}.`);
  }
}

export function decodeUtf8(bytes: Buffer, what: string): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw new HttpProblem(400, `The ${what} is not valid UTF-8.`);
  }
}

/**
 * A body refused for what its text says beyond the value JSON.parse reads from it (a key written twice, a number a
 * double does not hold). That value stays at hand: such a body naming an order field among its variables is an
 * attempt at the order, kept in the history as one the schema refuses is (role-refusals.ts).
 */
export class RefusedJsonText extends HttpProblem {
  constructor(status: number, detail: string, extensions: HttpProblem['extensions'], readonly parsed: unknown) {
    super(status, detail, extensions);
  }
}

/** Parses JSON text (a leading byte order mark ignored); 400 problems for syntax, repeated keys, forbidden keys and excessive nesting. */
export function parseJson(bodyText: string): unknown {
  const text = withoutByteOrderMark(bodyText);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new HttpProblem(400, `The body is not valid JSON: ${(error as Error).message}`);
  }
  const { duplicateKey: repeated, inexactNumber } = scanJson(text);
  if (repeated !== undefined) {
    throw new RefusedJsonText(400, `The body names ${repeated} twice in one object; each key may appear once (RFC 7493).`, {
      errors: [{ field: repeated, message: 'appears twice in its object' }],
    }, value);
  }
  if (inexactNumber) {
    const read = JSON.stringify(Number(inexactNumber.written));
    const message = `is written ${inexactNumber.written.slice(0, 60)}, which a JSON number (a double) cannot hold: it would be read as ${read}`;
    throw new RefusedJsonText(422, `The body's number ${inexactNumber.pointer || '(the body)'} ${message}; send it with no more digits than it means (RFC 7493, 2.2).`, {
      errors: [{ field: inexactNumber.pointer, message }],
    }, value);
  }
  const errors = unsafeParts(value);
  if (errors.length) {
    throw new HttpProblem(400, `The body contains keys or nesting that are not allowed: ${errors[0].field} ${errors[0].message}.`, { errors });
  }
  return value;
}
