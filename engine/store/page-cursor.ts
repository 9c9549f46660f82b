import { StratumError } from '../errors.js';
import { canonicalTimestamp } from './iso-time.js';

// Keyset pagination: a page ends at the (createdAt, id) of its last row, and
// the next page starts strictly after it. Unlike an offset, the next page costs
// the same however deep it is, and rows inserted meanwhile never shift it.

/** Where the previous page ended. */
export interface PageAfter {
  createdAt: string;
  id: string;
}

const CURSOR = /^[A-Za-z0-9_-]{1,600}$/;

/** The opaque text a client hands back as `after`: base64url of the position. */
export function encodeCursor(after: PageAfter): string {
  return Buffer.from(JSON.stringify([after.createdAt, after.id]), 'utf8').toString('base64url');
}

/** Reads a cursor made by `encodeCursor`; anything else is refused as invalid. */
export function decodeCursor(text: string, field = 'after'): PageAfter {
  const refuse = () => new StratumError('invalid', `${field} is not a cursor this server handed out; take it from the previous page's next link`);
  if (!CURSOR.test(text)) throw refuse();
  let position: unknown;
  try {
    position = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw refuse();
  }
  if (!Array.isArray(position) || position.length !== 2 || typeof position[0] !== 'string' || typeof position[1] !== 'string') {
    throw refuse();
  }
  try {
    return { createdAt: canonicalTimestamp(position[0], field), id: position[1] };
  } catch {
    throw refuse();
  }
}

/** The cursor after the last of `rows` when the page is full (there may be more), else null. */
export function nextCursor(rows: readonly PageAfter[], limit: number): string | null {
  const last = rows[limit - 1];
  return rows.length > limit && last ? encodeCursor(last) : null;
}
