// Which keys of an order field order entry guarantees. `customer` is a context
// whose `name` entry is required; every other entry (`id`, `country`, `vatId` …)
// may be absent from an order. The request schema, the entry check and the
// lint rule order-field-optional all read this, so they cannot disagree.
// Browser-safe: no imports.

/** Order fields that are contexts, with the entries every entered order has. Any other entry may be absent. */
export const GUARANTEED_ORDER_ENTRIES = {
  customer: ['name'],
} as const satisfies Record<string, readonly string[]>;

type ContextOrderField = keyof typeof GUARANTEED_ORDER_ENTRIES;

/** The entries of `field` every order has, or undefined when `field` is no context order field. */
export function guaranteedEntriesOf(field: string): readonly string[] | undefined {
  return Object.hasOwn(GUARANTEED_ORDER_ENTRIES, field) ? GUARANTEED_ORDER_ENTRIES[field as ContextOrderField] : undefined;
}
