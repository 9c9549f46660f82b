// A deploy from inside a called process keeps the way back (order-to-cash › sales-order-management ›
// credit-order-approval): a parent deployed together comes back as the version it became, the others as kept.
import { describe, expect, it } from 'vitest';
import { afterDeployment } from '../../../../modeler/src/features/drilldown/deployed-entries.js';
import type { DocumentMeta } from '../../../../modeler/src/features/workspace/document-meta.js';

const VIEWBOX = { x: 10, y: 20, width: 800, height: 600 };

/** A parent as the navigation stack keeps it (Workspace's DocumentSnapshot). */
interface Entry {
  meta: DocumentMeta;
  xml: string;
  dirty: boolean;
  viewbox: typeof VIEWBOX;
}

function entry(key: string, dirty: boolean, meta: Partial<DocumentMeta> = {}): Entry {
  return {
    meta: { key, name: null, version: 1, latestVersion: 1, readOnly: false, origin: 'library', ...meta },
    xml: `<definitions id="${key}"/>`, dirty, viewbox: VIEWBOX,
  };
}

describe('the way back through the call activities after a deploy from a called process', () => {
  it('opens a parent deployed together as the version it became, clean, where the canvas looked', () => {
    const [root, parent] = afterDeployment([entry('order-to-cash', true), entry('sales-order-management', true)], [
      { key: 'credit-order-approval', version: 3, changed: true },
      { key: 'sales-order-management', version: 2, changed: true },
    ]);
    expect(parent).toEqual({
      meta: { key: 'sales-order-management', name: null, version: 2, latestVersion: 2, readOnly: false, origin: 'library' },
      xml: '<definitions id="sales-order-management"/>', dirty: false, viewbox: VIEWBOX,
    });
    // not ticked: its draft comes back as it was kept
    expect(root).toEqual(entry('order-to-cash', true));
  });

  it('keeps every parent as it was when only the open process was deployed', () => {
    const entries = [entry('order-to-cash', true), entry('sales-order-management', false)];
    expect(afterDeployment(entries, [{ key: 'credit-order-approval', version: 3, changed: true }])).toEqual(entries);
  });

  it('makes a new process deployed together a library process at version 1', () => {
    const [parent] = afterDeployment([entry('payment-check', true, { version: null, latestVersion: null, origin: 'new' })],
      [{ key: 'payment-check', version: 1, changed: true }]);
    expect(parent?.meta).toMatchObject({ version: 1, latestVersion: 1, origin: 'library' });
    expect(parent?.dirty).toBe(false);
  });

  it('names the version the server kept for a draft identical to it (a no-op deploy)', () => {
    const [parent] = afterDeployment([entry('sales-order-management', true, { version: 1, latestVersion: 2 })],
      [{ key: 'sales-order-management', version: 2, changed: false }]);
    expect(parent?.meta).toMatchObject({ version: 2, latestVersion: 2 });
    expect(parent?.dirty).toBe(false);
  });

  it('leaves a parent that was no draft of its key: a read-only version, a file from disk, a clean one', () => {
    const entries = [
      entry('order-to-cash', false, { readOnly: true, origin: 'instance', context: 'instance 42 of ORD-7' }),
      entry('sales-order-management', true, { origin: 'file', fileName: 'sales-order-management.bpmn' }),
      entry('credit-order-approval', false),
    ];
    const deployed = ['order-to-cash', 'sales-order-management', 'credit-order-approval'].map((key) => ({ key, version: 5, changed: true }));
    expect(afterDeployment(entries, deployed)).toEqual(entries);
  });
});
