// Audit reads across orders: the refused attempts every order's history keeps.
import type { RefusedAttemptQuery, Runtime } from '../../engine/api.js';
import { encodeCursor, type PageAfter } from '../../engine/store/page-cursor.js';
import { ok, type Handlers, type Input } from '../http/handler.js';
import { nextLink, pageStart } from '../http/pagination.js';
import { withQueryInstants } from '../http/query-instants.js';
import { HttpProblem } from '../problem.js';

type RefusedAttemptsQuery = Omit<RefusedAttemptQuery, 'after'> & { after?: string };

export function auditHandlers(runtime: Runtime): Handlers {
  return {
    listRefusedAttempts: async ({ query, req }: Input<unknown, RefusedAttemptsQuery>) => {
      const { after, ...filter } = withQueryInstants(query, ['since', 'until']);
      const start = refusedPageStart(after);
      const { items, next } = await runtime.findRefusedAttempts({ ...filter, ...(start && { after: start }) });
      const cursor = next && encodeCursor(next);
      return { ...ok({ items, limit: query.limit, next: cursor }), headers: nextLink(req, cursor) };
    },
  };
}

// helpers

/** A cursor of this list names an entry by its seq: another list's cursor is refused as any cursor not handed out. */
function refusedPageStart(after: string | undefined): PageAfter | undefined {
  const start = pageStart(after);
  if (start && !/^\d{1,15}$/.test(start.id)) {
    const message = "after is not a cursor this server handed out; take it from the previous page's next link";
    throw new HttpProblem(400, message, { errors: [{ field: 'query.after', message }] });
  }
  return start;
}
