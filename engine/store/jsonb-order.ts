// PostgreSQL's jsonb keeps the keys of an object in its own order — shorter
// keys first, keys of one length by their UTF-8 bytes — and a read hands them
// back in that order. This puts a plain JSON value (as JSON.parse gives it)
// in the same order, so that what the view cache keeps reads like the row.

export function inJsonbOrder(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(inJsonbOrder);
  if (value === null || typeof value !== 'object') return value;
  const ordered: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort(byJsonbKeyOrder)) ordered[key] = inJsonbOrder((value as Record<string, unknown>)[key]);
  return ordered;
}

// helpers

function byJsonbKeyOrder(a: string, b: string): number {
  const bytesA = Buffer.byteLength(a);
  const bytesB = Buffer.byteLength(b);
  if (bytesA !== bytesB) return bytesA - bytesB;
  // below U+D800, UTF-16 code units sort as UTF-8 bytes do: no buffers for the usual keys
  if (!BEYOND_PLAIN_ORDER.test(a) && !BEYOND_PLAIN_ORDER.test(b)) return a < b ? -1 : a > b ? 1 : 0;
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

const BEYOND_PLAIN_ORDER = /[\uD800-\uFFFF]/;
