// Instants in query strings (`from`, `to`, `since`, `until`). The schema's `date-time` format lets through what
// RFC 3339 allows and Stratum's stores do not keep (a leap second `23:59:60`, `t`/`z` in lower case, an offset
// without a colon, more than nine decimals, a year before 0000 once in UTC): read here as the stores read them, so
// such a value is the 400 of a query parameter, never a 422 from the store or a 500 from `new Date`.
import { StratumError } from '../../engine/errors.js';
import { canonicalTimestamp } from '../../engine/store/iso-time.js';
import { HttpProblem } from '../problem.js';

/** The canonical UTC form of query parameter `field` (`2026-01-31T12:00:00.000Z`), or a 400 naming it. */
function queryInstant(value: string, field: string): string {
  try {
    return canonicalTimestamp(value, field);
  } catch (error) {
    if (!(error instanceof StratumError)) throw error;
    throw new HttpProblem(400, `The request's query parameters are not valid: ${error.message}.`, {
      errors: [{ field: `query.${field}`, message: 'must be an ISO 8601 timestamp with a time zone between years 0000 and 9999' }],
    });
  }
}

/** The instants of a query that has them, each in its canonical form; the others as they are. */
export function withQueryInstants<Query extends object>(query: Query, fields: readonly (keyof Query & string)[]): Query {
  const read = { ...query } as Record<string, unknown>;
  for (const field of fields) {
    const value = read[field];
    if (typeof value === 'string') read[field] = queryInstant(value, field);
  }
  return read as Query;
}
