// The Library tab's tree (library-tree.ts): a process no latest version calls any more (the server's `retired`) is
// not shown as a level-1 value chain but in a group of its own, with what it still calls beneath it; a draft calling
// it again places it under that draft, at the level below.
import { describe, expect, it } from 'vitest';
import type { ProcessSummary } from '../../../../modeler/src/api/client.js';
import { libraryWithDrafts } from '../../../../modeler/src/features/library/library-entries.js';
import { isNotCalled, libraryTree } from '../../../../modeler/src/features/library/library-tree.js';

const deployed = (key: string, level: number, calls: string[] = [], retired = false): ProcessSummary => ({
  key, name: key, latestVersion: 1, level, calls, calledBy: [], retired, documentation: null, deployedAt: '2026-12-01T10:00:00Z',
});

// sales-order-management's latest version calls prepaid-entry-control where version 1 called prepaid-shipment-control
const LIBRARY = [
  deployed('order-to-cash', 1, ['sales-order-management']),
  deployed('prepaid-shipment-control', 1, ['shipment-check'], true),
  deployed('sales-order-management', 2, ['prepaid-entry-control']),
  deployed('prepaid-entry-control', 3),
  deployed('shipment-check', 2),
];

describe('the Library tab\'s tree', () => {
  it('shows a retired process among the processes not called any more, with what it calls, not as a level-1 process', () => {
    const tree = libraryTree(libraryWithDrafts(LIBRARY, []));
    expect(tree.valueChains.map(({ entry, depth }) => [entry.key, depth])).toEqual([
      ['order-to-cash', 0], ['sales-order-management', 1], ['prepaid-entry-control', 2],
    ]);
    expect(tree.notCalled.map(({ entry, depth }) => [entry.key, depth])).toEqual([
      ['prepaid-shipment-control', 0], ['shipment-check', 1],
    ]);
    expect(tree.unreachable).toEqual([]);
  });

  it('places a retired process a draft calls again under that draft, at the level below it', () => {
    const entries = libraryWithDrafts(LIBRARY, [{
      key: 'sales-order-management', name: null, calls: ['prepaid-entry-control', 'prepaid-shipment-control'], savedAt: '2026-12-03T10:00:00Z',
    }]);
    const retired = entries.find((entry) => entry.key === 'prepaid-shipment-control')!;
    expect(isNotCalled(retired)).toBe(false);
    expect(retired.level).toBe(3);
    const tree = libraryTree(entries);
    expect(tree.notCalled).toEqual([]);
    expect(tree.valueChains.map(({ entry, depth }) => [entry.key, depth])).toContainEqual(['prepaid-shipment-control', 2]);
  });

  it('keeps an uncalled process that was never called a level-1 value chain', () => {
    const tree = libraryTree(libraryWithDrafts([...LIBRARY, deployed('returns', 1)], []));
    expect(tree.valueChains.map(({ entry }) => entry.key)).toContain('returns');
    expect(tree.notCalled.map(({ entry }) => entry.key)).not.toContain('returns');
  });
});
