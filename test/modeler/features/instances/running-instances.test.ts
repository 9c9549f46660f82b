// How the Instances tab keeps its running instances current: the open process's list every 3 s while the tab is
// seen, one request at a time against a slow server, and never an older answer over a newer one.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { InstanceList } from '../../../../modeler/src/api/client.js';
import { RunningInstances } from '../../../../modeler/src/features/instances/running-instances.js';

const EVERY = 3000;

/** running-instances.ts's RunningListing, typed here: the modeler's own imports (without .js) do not resolve for the tests' type checks. */
type Listing = { processKey: string; list: InstanceList } | null;

/** GET /api/instances answering after `serverMs` (fake time), with the number of the request as its total. */
function server(serverMs: number) {
  const asked: string[] = [];
  let inFlight = 0;
  let most = 0;
  let failing = false;
  const listInstances = async ({ processKey }: { processKey: string }): Promise<InstanceList> => {
    asked.push(processKey);
    const total = asked.length;
    inFlight += 1;
    most = Math.max(most, inFlight);
    // fake timers: a server that answers at once takes no timer
    if (serverMs) await new Promise((resolve) => setTimeout(resolve, serverMs));
    inFlight -= 1;
    if (failing) throw Object.assign(new Error('busy'), { status: 503 });
    return { items: [], total };
  };
  return {
    listInstances, asked,
    mostInFlight: () => most,
    fail: (on: boolean) => { failing = on; },
  };
}

describe('the running instances of the open process, kept current', () => {
  let visible: boolean;
  let openProcess: string | null;
  let shown: Listing[];
  let said: string[];

  beforeEach(() => {
    vi.useFakeTimers();
    visible = true;
    openProcess = 'sales-order-management';
    shown = [];
    said = [];
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  function runningOf(api: ReturnType<typeof server>): RunningInstances {
    return new RunningInstances({
      listInstances: api.listInstances,
      openProcess: () => openProcess,
      show: (listing) => shown.push(listing),
      failed: (_error, key) => said.push(key),
      visible: () => visible,
      timer: { setTimeout, clearTimeout: (handle) => clearTimeout(handle as number) },
    });
  }
  const totals = () => shown.map((listing) => listing && `${listing.processKey} ${listing.list.total}`);

  it('lists the open process at start and every 3 seconds while the tab is seen', async () => {
    const api = server(0);
    await runningOf(api).start();
    expect(totals()).toEqual(['sales-order-management 1']);
    await vi.advanceTimersByTimeAsync(EVERY - 1);
    expect(api.asked).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1 + EVERY);
    expect(totals()).toEqual(['sales-order-management 1', 'sales-order-management 2', 'sales-order-management 3']);
  });

  it('asks nothing while the tab is not seen (another tab, the panel folded, the page hidden), and at once when it is', async () => {
    const api = server(0);
    const running = runningOf(api);
    await running.start();
    visible = false;
    await vi.advanceTimersByTimeAsync(EVERY * 10);
    expect(api.asked).toHaveLength(1);
    expect(vi.getTimerCount()).toBe(0);
    visible = true;
    running.wake();
    await vi.advanceTimersByTimeAsync(0);
    expect(api.asked).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(EVERY);
    expect(api.asked).toHaveLength(3);
  });

  it('never has two lists in flight when the server is slower than 3 seconds, and each answer is newer than the last', async () => {
    const serverMs = EVERY * 3;
    const api = server(serverMs);
    const running = runningOf(api);
    void running.start();
    // a deploy (the library changed) and a click on Refresh while the first list runs: one more list, after it
    await vi.advanceTimersByTimeAsync(EVERY);
    void running.listAgain();
    void running.listAgain();
    await vi.advanceTimersByTimeAsync((serverMs + EVERY) * 4);
    expect(api.mostInFlight()).toBe(1);
    expect(api.asked.length).toBeGreaterThanOrEqual(4);
    const listed = shown.map((listing) => listing!.list.total);
    expect(listed).toEqual([...listed].sort((a, b) => a - b));
    expect(listed.slice(0, 2)).toEqual([1, 2]);
  });

  it('drops the answer for a process opened before, and lists the one opened meanwhile right after it', async () => {
    const serverMs = 1000;
    const api = server(serverMs);
    const running = runningOf(api);
    void running.start();
    await vi.advanceTimersByTimeAsync(serverMs / 2);
    openProcess = 'order-to-cash';
    running.documentOpened();
    await vi.advanceTimersByTimeAsync(serverMs / 2);
    // the first answer (sales-order-management) arrived with order-to-cash open: not shown
    expect(shown).toEqual([]);
    await vi.advanceTimersByTimeAsync(serverMs);
    expect(api.asked).toEqual(['sales-order-management', 'order-to-cash']);
    expect(totals()).toEqual(['order-to-cash 2']);
    expect(api.mostInFlight()).toBe(1);
  });

  it('does not list again when a document of the same process opens (another version, a diff)', async () => {
    const api = server(0);
    const running = runningOf(api);
    await running.start();
    running.documentOpened();
    await vi.advanceTimersByTimeAsync(0);
    expect(api.asked).toHaveLength(1);
  });

  it('lists nothing, and asks nothing, while no deployed process is open', async () => {
    openProcess = null;
    const api = server(0);
    await runningOf(api).start();
    await vi.advanceTimersByTimeAsync(EVERY * 2);
    expect(api.asked).toEqual([]);
    expect(shown).toEqual([null, null, null]);
  });

  it('clears the list when it fails, saying so only when asked for, not after a poll', async () => {
    const api = server(0);
    const running = runningOf(api);
    await running.start();
    api.fail(true);
    await vi.advanceTimersByTimeAsync(EVERY);
    expect(shown.at(-1)).toBeNull();
    expect(said).toEqual([]);
    await running.listAgain();
    expect(said).toEqual(['sales-order-management']);
    await vi.advanceTimersByTimeAsync(EVERY);
    expect(said).toEqual(['sales-order-management']);
  });
});
