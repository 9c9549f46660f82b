// A reload opens the process or draft the tab had open (OpenDocumentMemory, start.ts), not the library's first
// process; without one, or when it is gone, the first level-1 process that is no retired one opens, as before.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ProcessSummary } from '../../../../modeler/src/api/client.js';
import OpenDocumentMemory, { processToReopen } from '../../../../modeler/src/features/workspace/OpenDocumentMemory.js';
import type { DocumentMeta } from '../../../../modeler/src/features/workspace/document-meta.js';
import { DOCUMENT_DEPLOYED, DOCUMENT_OPENED } from '../../../../modeler/src/features/workspace/Workspace.js';
import { start } from '../../../../modeler/src/start.js';

const summary = (key: string, level: number, retired = false): ProcessSummary => ({
  key, name: key, latestVersion: 1, level, calls: [], calledBy: [], retired, documentation: null, deployedAt: '2026-12-01T10:00:00Z',
});
const LIBRARY = [summary('a-retired-variant', 1, true), summary('order-to-cash', 1), summary('sales-order-management', 2)];
const meta = (key: string | null, origin: DocumentMeta['origin'], readOnly = false): DocumentMeta =>
  ({ key, name: null, version: 1, latestVersion: 1, readOnly, origin });

let stored: Map<string, string>;
beforeEach(() => {
  stored = new Map();
  vi.stubGlobal('sessionStorage', {
    getItem: (key: string) => stored.get(key) ?? null,
    setItem: (key: string, value: string) => stored.set(key, value),
    removeItem: (key: string) => stored.delete(key),
  });
});
afterEach(() => {
  vi.unstubAllGlobals();
});

function eventBus() {
  const listeners = new Map<string, ((event: object) => void)[]>();
  return {
    on(events: string | string[], listener: (event: object) => void) {
      for (const event of [events].flat()) listeners.set(event, [...(listeners.get(event) ?? []), listener]);
    },
    fire(event: string, data: object) {
      for (const listener of listeners.get(event) ?? []) listener(data);
    },
  };
}

/** The page's start with stand-ins: `drafts` are this browser's drafts, `gone` keys fail to open. */
async function startWith(remembered: string | null, { drafts = [] as string[], gone = [] as string[] } = {}) {
  const opened: string[] = [];
  const workspace = {
    open: vi.fn(() => Promise.resolve([])),
    openLatest: vi.fn((key: string) => {
      if (gone.includes(key)) return Promise.reject(new Error(`${key}: 404`));
      opened.push(key);
      return Promise.resolve();
    }),
    hasDraft: (key: string) => drafts.includes(key),
  };
  await start({
    session: { start: () => Promise.resolve() },
    library: { loadedAtSignIn: () => Promise.resolve(), processes: LIBRARY },
    workspace,
    reopen: { recall: () => remembered },
  });
  return { opened, newProcess: workspace.open.mock.calls.length > 0 };
}

describe('the page\'s start after a reload', () => {
  it('opens the process the tab had open', async () => {
    expect((await startWith('sales-order-management')).opened).toEqual(['sales-order-management']);
  });

  it('opens a new process\'s draft the tab had open, though nothing of it is deployed', async () => {
    expect((await startWith('payment-check', { drafts: ['payment-check'] })).opened).toEqual(['payment-check']);
  });

  it('opens the first level-1 process, not a retired one, without a remembered process, or when it is gone', async () => {
    expect((await startWith(null)).opened).toEqual(['order-to-cash']);
    expect((await startWith('removed-meanwhile')).opened).toEqual(['order-to-cash']);
    expect((await startWith('sales-order-management', { gone: ['sales-order-management'] })).opened).toEqual(['order-to-cash']);
  });
});

describe('what the tab remembers of the open document', () => {
  it('keeps the process of what opens or deploys, and forgets it when a file from disk opens', () => {
    const bus = eventBus();
    const memory = new OpenDocumentMemory(bus);
    expect(memory.recall()).toBeNull();
    bus.fire(DOCUMENT_OPENED, { meta: meta('sales-order-management', 'library') });
    expect(memory.recall()).toBe('sales-order-management');
    bus.fire(DOCUMENT_DEPLOYED, { meta: meta('payment-check', 'library'), deployed: [] });
    expect(memory.recall()).toBe('payment-check');
    bus.fire(DOCUMENT_OPENED, { meta: meta('other-tool', 'file') });
    expect(memory.recall()).toBeNull();
  });

  it('reopens the process of an older version or an instance shown, and of a new draft', () => {
    expect(processToReopen(meta('credit-order-approval', 'instance', true))).toBe('credit-order-approval');
    expect(processToReopen(meta('order-to-cash', 'library', true))).toBe('order-to-cash');
    expect(processToReopen(meta('payment-check', 'new'))).toBe('payment-check');
    expect(processToReopen(meta(null, 'new'))).toBeNull();
  });
});
