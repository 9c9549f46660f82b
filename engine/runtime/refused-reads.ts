// The refused attempts of every order, as an auditor reads them across orders (GET /api/audit/refused): the
// entries refused-attempts.ts keeps in each instance's history, read on the store's read side.
import type { PageAfter, RefusedAttemptQuery, RefusedAttemptView } from '../api.js';
import type { RefusedRow, Store, StoreTx } from '../store/types.js';
import type { ExecutableDefinition } from './definition-cache.js';
import { historyEntry } from './views.js';

/** A deployed process version, compiled (the step executor's cache): where an entry's element is named. */
export type DefinitionOf = (tx: StoreTx, key: string, version: number) => Promise<ExecutableDefinition>;

export async function findRefusedAttempts(store: Store, query: RefusedAttemptQuery, definitionOf: DefinitionOf): Promise<{ items: RefusedAttemptView[]; next: PageAfter | null }> {
  return store.read(async (tx) => {
    // one row more than the page tells whether another follows
    const rows = await tx.findRefused({ ...query, limit: query.limit + 1 });
    const items = rows.slice(0, query.limit);
    const last = items.at(-1);
    const views: RefusedAttemptView[] = [];
    for (const row of items) views.push(refusedAttemptView(row, await elementName(tx, row, definitionOf)));
    return { items: views, next: rows.length > query.limit && last ? { createdAt: last.at, id: String(last.seq) } : null };
  });
}

// helpers

/** The element's name in the version its instance runs, as Camunda's history gives `activityName` beside the id. */
async function elementName(tx: StoreTx, row: RefusedRow, definitionOf: DefinitionOf): Promise<string | null> {
  if (row.elementId === null) return null;
  const definition = await definitionOf(tx, row.processKey, row.processVersion);
  return definition.model.elements.get(row.elementId)?.name ?? null;
}

function refusedAttemptView(row: RefusedRow, elementName: string | null): RefusedAttemptView {
  return {
    seq: row.seq, ...historyEntry(row), businessKey: row.businessKey, processKey: row.processKey, processVersion: row.processVersion,
    elementName, waitId: row.waitId,
  };
}
