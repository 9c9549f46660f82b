// The modeler's copy of the library while others deploy (another designer, a CI pipeline calling POST /api/deployments):
// it looks again every 30 s while the page is seen, never while it is hidden, at once when the designer comes back, one
// look at a time; and a look that finds the library as it was changes nothing on screen.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ProcessSummary } from '../../../../modeler/src/api/client.js';
import { LIBRARY_LOOK_MS, LibraryWatch, sameLibrary } from '../../../../modeler/src/features/library/library-watch.js';

/** GET /api/processes answering after `serverMs` (fake time); `looks` counts them, `mostInFlight` the most at once. */
function server(serverMs: number) {
  const state = { looks: 0, inFlight: 0, mostInFlight: 0 };
  const look = async () => {
    state.looks += 1;
    state.inFlight += 1;
    state.mostInFlight = Math.max(state.mostInFlight, state.inFlight);
    if (serverMs) await new Promise((resolve) => setTimeout(resolve, serverMs));
    state.inFlight -= 1;
  };
  return { look, state };
}

describe('the library kept current while the modeler is open', () => {
  let visible: boolean;
  /** The page's document and window, as the browser announces a return: shown again, focused again. */
  let page: EventTarget;

  beforeEach(() => {
    vi.useFakeTimers();
    visible = true;
    page = new EventTarget();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  function watch(look: () => Promise<void>): LibraryWatch {
    return new LibraryWatch({
      look,
      visible: () => visible,
      onReturn: (back) => {
        page.addEventListener('visibilitychange', back);
        page.addEventListener('focus', back);
      },
      timer: { setTimeout, clearTimeout: (handle) => clearTimeout(handle as number) },
    });
  }

  it('looks at sign-in and then every 30 seconds while the page is seen', async () => {
    const { look, state } = server(0);
    await watch(look).start();
    expect(state.looks).toBe(1);
    await vi.advanceTimersByTimeAsync(LIBRARY_LOOK_MS - 1);
    expect(state.looks).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(state.looks).toBe(2);
    await vi.advanceTimersByTimeAsync(LIBRARY_LOOK_MS * 2);
    expect(state.looks).toBe(4);
  });

  it('asks nothing while the page is hidden, and looks at once when it is shown again', async () => {
    const { look, state } = server(0);
    await watch(look).start();
    visible = false;
    await vi.advanceTimersByTimeAsync(LIBRARY_LOOK_MS * 10);
    expect(state.looks).toBe(1);
    expect(vi.getTimerCount()).toBe(0);
    visible = true;
    page.dispatchEvent(new Event('visibilitychange'));
    await vi.advanceTimersByTimeAsync(0);
    expect(state.looks).toBe(2);
    await vi.advanceTimersByTimeAsync(LIBRARY_LOOK_MS);
    expect(state.looks).toBe(3);
  });

  it('looks at once when its window gets the focus back, and counts the next 30 seconds from that look', async () => {
    const { look, state } = server(0);
    await watch(look).start();
    await vi.advanceTimersByTimeAsync(LIBRARY_LOOK_MS / 2);
    // the designer deployed from a terminal beside the modeler, and clicks back into it
    page.dispatchEvent(new Event('focus'));
    await vi.advanceTimersByTimeAsync(0);
    expect(state.looks).toBe(2);
    await vi.advanceTimersByTimeAsync(LIBRARY_LOOK_MS - 1);
    expect(state.looks).toBe(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(state.looks).toBe(3);
  });

  it('asks once for a return that shows and focuses the page in one go, and never twice at once against a slow server', async () => {
    const { look, state } = server(2000);
    void watch(look).start();
    await vi.advanceTimersByTimeAsync(2000);
    expect(state.looks).toBe(1);
    page.dispatchEvent(new Event('visibilitychange'));
    page.dispatchEvent(new Event('focus'));
    await vi.advanceTimersByTimeAsync(1000);
    // back and forth between tabs while the look is in flight
    for (let i = 0; i < 5; i += 1) {
      page.dispatchEvent(new Event('visibilitychange'));
      page.dispatchEvent(new Event('focus'));
    }
    await vi.advanceTimersByTimeAsync(1000);
    expect(state.looks).toBe(2);
    expect(state.mostInFlight).toBe(1);
  });

  it('does not look on a return before sign-in: the first look is the one signing in asks for', async () => {
    const { look, state } = server(0);
    const watching = watch(look);
    page.dispatchEvent(new Event('focus'));
    await vi.advanceTimersByTimeAsync(LIBRARY_LOOK_MS * 2);
    expect(state.looks).toBe(0);
    await watching.start();
    expect(state.looks).toBe(1);
  });
});

describe('whether a look found anything new', () => {
  const orderToCash: ProcessSummary = {
    key: 'order-to-cash', name: 'Order to cash', latestVersion: 1, level: 1, calls: ['sales-order-management'], calledBy: [],
    retired: false, documentation: null, deployedAt: '2026-12-05T10:00:00.000Z',
  };

  it('finds the same library in the same answer, so nothing on screen is redrawn, linted again or reloaded', () => {
    expect(sameLibrary([orderToCash], [{ ...orderToCash, calls: [...orderToCash.calls] }])).toBe(true);
  });

  it('finds news in a version deployed elsewhere, a process deployed first elsewhere, or a changed call', () => {
    const deployedElsewhere = { ...orderToCash, latestVersion: 2, deployedAt: '2026-12-05T11:00:00.000Z' };
    expect(sameLibrary([orderToCash], [deployedElsewhere])).toBe(false);
    expect(sameLibrary([orderToCash], [orderToCash, { ...orderToCash, key: 'returns-handling', calls: [] }])).toBe(false);
    expect(sameLibrary([orderToCash], [{ ...orderToCash, calls: [] }])).toBe(false);
  });
});
