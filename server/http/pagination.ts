// Cursor pagination for list routes: `?limit=&after=` in, the page and the
// cursor of the next one out. The cursor is opaque to clients (see
// engine/store/page-cursor.ts); a route asks the store for one row more than
// the page to learn whether another page follows.
import type { Request } from 'express';
import { StratumError } from '../../engine/errors.js';
import { decodeCursor, nextCursor, type PageAfter } from '../../engine/store/page-cursor.js';
import type { JsonSchema } from '../schemas/common.js';
import { HttpProblem } from '../problem.js';

export interface PageSize {
  default: number;
  max: number;
}

/** GET /api/tasks: a page is an array of open tasks. */
export const TASK_PAGE: PageSize = { default: 100, max: 1000 };
/** GET /api/instances: as before cursors, 50 unless asked, at most 200. */
export const INSTANCE_PAGE: PageSize = { default: 50, max: 200 };
/** GET /api/orders: as instances. */
export const ORDER_PAGE: PageSize = { default: 50, max: 200 };
/** GET /api/audit/refused: as instances and orders. */
export const REFUSED_PAGE: PageSize = { default: 50, max: 200 };

/** The `after` query parameter as the JSON Schema of a list's query object. */
export const afterParameter: JsonSchema = {
  type: 'string',
  pattern: '^[A-Za-z0-9_-]{1,600}$',
  description: "Opaque cursor: the `next` of the previous page (or the `after` of its `Link: rel=\"next\"` URL). Leave out for the first page.",
};

/** `limit` as the JSON Schema of a list's query object. */
export const limitParameter = (size: PageSize): JsonSchema => ({
  type: 'integer',
  minimum: 1,
  maximum: size.max,
  default: size.default,
  description: `Page size: ${size.default} unless given, at most ${size.max}.`,
});

/** The position a client's `after` names; a cursor this server did not make is a 400. */
export function pageStart(after: string | undefined): PageAfter | undefined {
  if (after === undefined) return undefined;
  try {
    return decodeCursor(after);
  } catch (error) {
    if (error instanceof StratumError) throw new HttpProblem(400, error.message, { errors: [{ field: 'query.after', message: error.message }] });
    throw error;
  }
}

/** Splits the `limit + 1` rows a route fetched into the page and the cursor of the next page (null on the last). */
export function pageOf<Row extends PageAfter>(rows: Row[], limit: number): { items: Row[]; next: string | null } {
  return { items: rows.slice(0, limit), next: nextCursor(rows, limit) };
}

/**
 * `Link: <…>; rel="next"` (RFC 8288, as GitHub sends it): this request's URL with its cursor parameter (`after`,
 * or the incident list's `cursor`) set to the next cursor; none on the last page. Every paged list sends it beside
 * the cursor in its body, so a client follows one header whatever the list.
 */
export function nextLink(req: Request, next: string | number | null, { parameter = 'after', without = [] as string[] } = {}): Record<string, string> {
  if (next === null) return {};
  const url = new URL(req.originalUrl, 'http://stratum.invalid');
  url.searchParams.set(parameter, String(next));
  // a parameter the cursor stands in for (the instance list's `offset`, which would skip rows after it too)
  for (const name of without) url.searchParams.delete(name);
  return { Link: `<${url.pathname}${url.search}>; rel="next"` };
}
