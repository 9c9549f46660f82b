// A refresh of the Incidents tab reads again as many pages as the operator loaded with Load more.
import { describe, expect, it } from 'vitest';
import type { IncidentPage, IncidentView } from '../../../../modeler/src/api/client.js';
import { reloadPages as reload, type ListIncidents } from '../../../../modeler/src/features/incidents/incident-pages.js';

/** Typed here: the modeler's own imports (without .js) do not resolve for the tests' type checks. */
const reloadPages: (list: ListIncidents, pages: number, limit: number) => Promise<IncidentPage> = reload;

const incident = (id: string) => ({ id }) as IncidentView;

/** GET /api/incidents over `ids` (oldest first), its cursor the index of the next item, and the queries it was asked. */
function server(ids: string[]): { list: ListIncidents; asked: string[] } {
  const asked: string[] = [];
  const list: ListIncidents = ({ limit, cursor }) => {
    asked.push(cursor ?? 'first');
    const from = cursor ? Number(cursor) : 0;
    const next = from + limit;
    return Promise.resolve({ items: ids.slice(from, next).map(incident), nextCursor: next < ids.length ? String(next) : null });
  };
  return { list, asked };
}

describe('reloading the loaded pages of incidents', () => {
  it('reads the pages the operator loaded, following their cursors, and keeps the cursor of the next one', async () => {
    const { list, asked } = server(['a', 'b', 'c', 'd', 'e']);
    const page = await reloadPages(list, 2, 2);
    expect(page.items.map((item) => item.id)).toEqual(['a', 'b', 'c', 'd']);
    expect(page.nextCursor).toBe('4');
    expect(asked).toEqual(['first', '2']);
  });

  it('lists an incident raised since at the end of the last loaded page, and leaves out one resolved since', async () => {
    const ids = ['a', 'b', 'c'];
    const { list } = server(ids);
    ids.splice(1, 1);
    ids.push('new');
    const page = await reloadPages(list, 1, 50);
    expect(page.items.map((item) => item.id)).toEqual(['a', 'c', 'new']);
    expect(page.nextCursor).toBeNull();
  });

  it('stops where the incidents end, though more pages were loaded before', async () => {
    const { list, asked } = server(['a', 'b']);
    const page = await reloadPages(list, 3, 2);
    expect(page.items.map((item) => item.id)).toEqual(['a', 'b']);
    expect(page.nextCursor).toBeNull();
    expect(asked).toEqual(['first']);
  });

  it('lists an incident once when the pages moved while they were read', async () => {
    const pages = [{ items: [incident('a'), incident('b')], nextCursor: '1' }, { items: [incident('b'), incident('c')], nextCursor: null }];
    const page = await reloadPages(() => Promise.resolve(pages.shift()!), 2, 2);
    expect(page.items.map((item) => item.id)).toEqual(['a', 'b', 'c']);
  });
});
