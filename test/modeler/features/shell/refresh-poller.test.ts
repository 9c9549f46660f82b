// How the side panel's tabs (Incidents, Instances) keep themselves current: a refresh every few seconds while seen, never two at once.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RefreshPoller } from '../../../../modeler/src/features/shell/refresh-poller.js';

const EVERY = 5000;

describe('refreshing a tab while it is visible', () => {
  let visible: boolean;
  let held: boolean;
  let refreshes: number;

  beforeEach(() => {
    vi.useFakeTimers();
    visible = true;
    held = false;
    refreshes = 0;
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  function poller(): RefreshPoller {
    return new RefreshPoller(() => {
      refreshes += 1;
      return Promise.resolve();
    }, { everyMs: EVERY, visible: () => visible, held: () => held, timer: { setTimeout, clearTimeout: (handle) => clearTimeout(handle as number) } });
  }

  it('refreshes at start and then every few seconds', async () => {
    await poller().start();
    expect(refreshes).toBe(1);
    await vi.advanceTimersByTimeAsync(EVERY - 1);
    expect(refreshes).toBe(1);
    await vi.advanceTimersByTimeAsync(1 + EVERY);
    expect(refreshes).toBe(3);
  });

  it('asks nothing while the tab or the page is hidden, and refreshes at once when it is seen again', async () => {
    const polling = poller();
    await polling.start();
    visible = false;
    await vi.advanceTimersByTimeAsync(EVERY * 10);
    expect(refreshes).toBe(1);
    expect(vi.getTimerCount()).toBe(0);
    visible = true;
    polling.wake();
    await vi.advanceTimersByTimeAsync(0);
    expect(refreshes).toBe(2);
    await vi.advanceTimersByTimeAsync(EVERY);
    expect(refreshes).toBe(3);
  });

  it('loads once at start even while hidden, then waits to be seen', async () => {
    visible = false;
    await poller().start();
    await vi.advanceTimersByTimeAsync(EVERY * 3);
    expect(refreshes).toBe(1);
  });

  it('skips its turns while held (a retry in flight, variables being typed) and goes on after', async () => {
    const polling = poller();
    await polling.start();
    held = true;
    await vi.advanceTimersByTimeAsync(EVERY * 4);
    polling.wake();
    await vi.advanceTimersByTimeAsync(0);
    expect(refreshes).toBe(1);
    held = false;
    await vi.advanceTimersByTimeAsync(EVERY);
    expect(refreshes).toBe(2);
  });

  it('never has two refreshes in flight when the server is slower than the interval', async () => {
    const serverMs = EVERY * 3;
    let inFlight = 0;
    let most = 0;
    const polling = new RefreshPoller(async () => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      refreshes += 1;
      await new Promise((resolve) => setTimeout(resolve, serverMs));
      inFlight -= 1;
    }, { everyMs: EVERY, visible: () => true, held: () => false });
    void polling.start();
    // a click on Refresh and the tab shown again while the first refresh runs join it
    const clicked = polling.refreshNow();
    polling.wake();
    await vi.advanceTimersByTimeAsync(serverMs);
    await clicked;
    expect(refreshes).toBe(1);
    await vi.advanceTimersByTimeAsync((serverMs + EVERY) * 3);
    expect(refreshes).toBe(4);
    expect(most).toBe(1);
  });

  it('after a change the refresh in flight did not see, refreshes again right after it, never beside it', async () => {
    const serverMs = 1000;
    let inFlight = 0;
    let most = 0;
    const polling = new RefreshPoller(async () => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      refreshes += 1;
      await new Promise((resolve) => setTimeout(resolve, serverMs));
      inFlight -= 1;
    }, { everyMs: EVERY, visible: () => true, held: () => false });
    void polling.start();
    await vi.advanceTimersByTimeAsync(serverMs / 2);
    let current = false;
    // two changes while the first refresh runs: one more refresh covers both
    void polling.refreshAfterChange();
    void polling.refreshAfterChange().then(() => { current = true; });
    await vi.advanceTimersByTimeAsync(serverMs / 2);
    expect(refreshes).toBe(2);
    expect(current).toBe(false);
    await vi.advanceTimersByTimeAsync(serverMs);
    expect(current).toBe(true);
    expect(most).toBe(1);
    // the next turn counts from the end of the one after the change
    await vi.advanceTimersByTimeAsync(EVERY - 1);
    expect(refreshes).toBe(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(refreshes).toBe(3);
  });

  it('refreshes at once after a change when none is in flight', async () => {
    const polling = poller();
    await polling.start();
    await polling.refreshAfterChange();
    expect(refreshes).toBe(2);
  });

  it('counts the next turn from a refresh asked for in between', async () => {
    const polling = poller();
    await polling.start();
    await vi.advanceTimersByTimeAsync(EVERY - 1000);
    await polling.refreshNow();
    await vi.advanceTimersByTimeAsync(EVERY - 1);
    expect(refreshes).toBe(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(refreshes).toBe(3);
  });

  it('does not poll before it is started', async () => {
    poller().wake();
    await vi.advanceTimersByTimeAsync(EVERY * 3);
    expect(refreshes).toBe(0);
  });
});
