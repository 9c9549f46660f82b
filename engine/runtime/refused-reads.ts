// The refused attempts of every order, as an auditor reads them across orders (GET /api/audit/refused): the
// entries refused-attempts.ts keeps in each instance's history, read on the store's read side.
import type { PageAfter, RefusedAttemptQuery, RefusedAttemptView } from '../api.js';
import type { RefusedRow, Store } from '../store/types.js';
import { historyEntry } from './views.js';

export async function findRefusedAttempts(store: Store, query: RefusedAttemptQuery): Promise<{ items: RefusedAttemptView[]; next: PageAfter | null }> {
  // one row more than the page tells whether another follows
  const rows = await store.read((tx) => tx.findRefused({ ...query, limit: query.limit + 1 }));
  const items = rows.slice(0, query.limit);
  const last = items.at(-1);
  return { items: items.map(refusedAttemptView), next: rows.length > query.limit && last ? { createdAt: last.at, id: String(last.seq) } : null };
}

// helpers

function refusedAttemptView(row: RefusedRow): RefusedAttemptView {
  return { seq: row.seq, ...historyEntry(row), businessKey: row.businessKey, processKey: row.processKey, waitId: row.waitId };
}
