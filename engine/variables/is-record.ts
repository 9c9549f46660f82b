/** A JSON object as parsed: not null, not an array. Guards the places that read untyped JSON by hand. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
