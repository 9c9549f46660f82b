// Which order input a failed step's strict FEEL did not find, from the runtime's
// message: `customer.id` for `cannot evaluate "customer.id = "ACME"": Key 'id'
// not found in '{...}'`, `rateDate` for `Variable 'rateDate' not found`. Only
// order variables (and entries of them) count: any other missing variable is a
// decision or output the recorded orders do not carry, which the replay words
// as such.
import { pathsReadBy } from '../feel/feel-expression.js';
import { ORDER_VARIABLES } from '../orders/order-entry.js';
import { guaranteedEntriesOf } from '../orders/order-fields.js';

const ORDER_FIELDS: ReadonlySet<string> = new Set(ORDER_VARIABLES);

/** What of the order is missing; undefined where the message names no order variable or entry of one. */
interface MissingOrderInput {
  /** `customer.id`, or `rateDate` for a whole variable. */
  path: string;
  /** True for an entry order entry does not require (`customer.id`). */
  optional: boolean;
}

export function missingOrderInput(message: string): MissingOrderInput | undefined {
  const variable = /Variable '([^']+)' not found/.exec(message)?.[1];
  if (variable !== undefined) return ORDER_FIELDS.has(variable) ? { path: variable, optional: false } : undefined;
  const found = /cannot evaluate "([\s\S]*)": (?:Key|Property) '([^']+)' not found/.exec(message);
  if (!found) return undefined;
  const [, expression, entry] = found;
  const readers = new Set(pathsReadBy(expression).filter((path) => path.entry === entry && ORDER_FIELDS.has(path.variable)).map((path) => path.variable));
  // two order variables with an entry of that name: the message does not say which one failed
  if (readers.size !== 1) return undefined;
  const [field] = readers;
  return { path: `${field}.${entry}`, optional: !(guaranteedEntriesOf(field) ?? []).includes(entry) };
}
