import { describe, expect, it } from 'vitest';
import { libraryWithDrafts } from '../../../../modeler/src/features/library/library-entries.js';
import type { ProcessSummary } from '../../../../modeler/src/api/client.js';

const deployed = (key: string, level: number, calls: string[] = [], calledBy: string[] = []): ProcessSummary =>
  ({ key, name: key, latestVersion: 1, level, calls, calledBy }) as unknown as ProcessSummary;

const LIBRARY = [
  deployed('order-to-cash', 1, ['sales-order-management']),
  deployed('sales-order-management', 2, ['credit-order-approval'], ['order-to-cash']),
  deployed('credit-order-approval', 3, [], ['sales-order-management']),
];

describe('the library with this browser\'s drafts', () => {
  it('lists the deployed processes as the server does when there are no drafts', () => {
    const entries = libraryWithDrafts(LIBRARY, []);
    expect(entries.map((entry) => [entry.key, entry.level, entry.draft])).toEqual([
      ['order-to-cash', 1, null], ['sales-order-management', 2, null], ['credit-order-approval', 3, null],
    ]);
    expect(entries.find((entry) => entry.key === 'credit-order-approval')?.calledBy).toEqual(['sales-order-management']);
  });

  it('puts a new draft at level 1 while nothing calls it', () => {
    const entries = libraryWithDrafts(LIBRARY, [{ key: 'payment-check', name: 'Payment check', calls: [], savedAt: '2026-12-03T10:00:00Z' }]);
    expect(entries.find((entry) => entry.key === 'payment-check')).toMatchObject({ level: 1, latestVersion: null, draft: 'new', calledBy: [] });
  });

  it('places a new draft below the edited process whose draft calls it, and marks that one edited', () => {
    const entries = libraryWithDrafts(LIBRARY, [
      { key: 'payment-check', name: 'Payment check', calls: [], savedAt: '2026-12-03T10:00:00Z' },
      { key: 'sales-order-management', name: 'Sales order management', calls: ['credit-order-approval', 'payment-check'], savedAt: '2026-12-03T10:01:00Z' },
    ]);
    expect(entries.find((entry) => entry.key === 'payment-check')).toMatchObject({ level: 3, draft: 'new', calledBy: ['sales-order-management'] });
    expect(entries.find((entry) => entry.key === 'sales-order-management')).toMatchObject({ level: 2, draft: 'edited', latestVersion: 1 });
  });

  it('keeps the deployed calls of an edited process whose draft did not record them', () => {
    const entries = libraryWithDrafts(LIBRARY, [{ key: 'sales-order-management', name: null, savedAt: '2026-12-03T10:00:00Z' }]);
    expect(entries.find((entry) => entry.key === 'sales-order-management')?.calls).toEqual(['credit-order-approval']);
  });

  it('does not loop on drafts that call each other', () => {
    const entries = libraryWithDrafts([], [
      { key: 'a', name: null, calls: ['b'], savedAt: '2026-12-03T10:00:00Z' },
      { key: 'b', name: null, calls: ['a'], savedAt: '2026-12-03T10:00:00Z' },
    ]);
    expect(entries.map((entry) => entry.level)).toEqual([2, 2]);
  });
});
