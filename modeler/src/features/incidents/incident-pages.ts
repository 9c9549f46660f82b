import type { IncidentPage } from '../../api/client';

export type ListIncidents = (query: { limit: number; cursor?: string }) => Promise<IncidentPage>;

/**
 * The first `pages` pages of GET /api/incidents again, one request after the other along their cursors, as the
 * operator loaded them with Load more: what is open now, and the cursor of the page after them. An incident met
 * twice (the pages moved while read) is listed once.
 */
export async function reloadPages(list: ListIncidents, pages: number, limit: number): Promise<IncidentPage> {
  const items: IncidentPage['items'] = [];
  const listed = new Set<string>();
  let cursor: string | null = null;
  for (let read = 0; read < pages; read++) {
    const page: IncidentPage = await list(cursor ? { limit, cursor } : { limit });
    for (const incident of page.items) {
      if (listed.has(incident.id)) continue;
      listed.add(incident.id);
      items.push(incident);
    }
    cursor = page.nextCursor;
    if (!cursor) break;
  }
  return { items, nextCursor: cursor };
}
