// How SQLite keeps an instance's engine state: the JSON deflated (a sixth of
// its size for the shipped library), as a BLOB in the `state` column (a TEXT
// column of SQLite stores a BLOB as it is). A first byte names the format, so
// a later one can be told apart; a row written as JSON text before stays
// readable as it is. PostgreSQL keeps jsonb, which TOAST compresses already.
import { deflateRawSync, inflateRawSync } from 'node:zlib';

/** Format 1: deflate (raw, level 6) of the state's JSON text. */
const DEFLATED_JSON = 1;

/**
 * States packed ahead of their write transaction (packStateAhead), by their
 * JSON text: a transaction storing the same text takes the packed bytes
 * instead of deflating under the write lock. Keyed by the text, not the
 * object, so a state changed in between is simply packed again.
 */
const packedAhead = new Map<string, Buffer>();
/** Enough for the steps in flight; older ones (a speculation whose transaction took another path) are dropped first. */
const PACKED_AHEAD_MAX = 64;

/** The stored form of a state. */
export function packState(state: unknown): Buffer {
  const text = jsonOf(state);
  const ahead = packedAhead.get(text);
  if (ahead) {
    packedAhead.delete(text);
    return ahead;
  }
  return packStateText(text);
}

/** Packs a state a write transaction is about to store, so that packState finds it done; returns the buffer packState will hand over. */
export function packStateAhead(state: unknown): Buffer {
  const text = jsonOf(state);
  const already = packedAhead.get(text);
  if (already) return already;
  const packed = packStateText(text);
  packedAhead.set(text, packed);
  if (packedAhead.size > PACKED_AHEAD_MAX) packedAhead.delete(packedAhead.keys().next().value!);
  return packed;
}

function jsonOf(state: unknown): string {
  const text = JSON.stringify(state);
  if (text === undefined) throw new TypeError('state is not JSON');
  return text;
}

/** The stored form of a state's JSON text (what `JSON.stringify` made of it). */
export function packStateText(text: string): Buffer {
  const packed = deflateRawSync(text);
  const stored = Buffer.allocUnsafe(packed.length + 1);
  stored[0] = DEFLATED_JSON;
  packed.copy(stored, 1);
  return stored;
}

/** A stored state: packed (a BLOB) or the JSON text rows written before packing hold. */
export function unpackState(stored: string | Uint8Array): unknown {
  if (typeof stored === 'string') return JSON.parse(stored);
  const bytes = Buffer.from(stored.buffer, stored.byteOffset, stored.byteLength);
  if (bytes[0] !== DEFLATED_JSON) throw new Error(`stored engine state has an unknown format (${bytes[0]})`);
  return JSON.parse(inflateRawSync(bytes.subarray(1)).toString('utf8'));
}
