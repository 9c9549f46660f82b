// The engine runs outside the write lock (issue 10, item 1): a step computes
// ahead on a read snapshot, and its transaction takes that result only for an
// instance still at the revision it read; otherwise it runs the engine again
// under the lock. Either way the outcome is the one a step under the lock has.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openStore, openStratum, type SpeculationEvent, type Stratum } from '../../../engine/index.js';
import { LiveEngine } from '../../../engine/runtime/engine-adapter.js';
import type { Store } from '../../../engine/store/types.js';
import { director, enter, erp, order, SAMPLE_RATES, shippedDiagrams, vicePresident } from '../../support/stratum-fixture.js';

const dirs: string[] = [];
const opened: Stratum[] = [];

afterEach(async () => {
  vi.restoreAllMocks();
  for (const stratum of opened.splice(0)) await stratum.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A Stratum whose store says when a write transaction is open, and runs `beforeNextTransaction` once before the next one. */
async function open(dataDir: string, options: { speculate?: boolean } = {}) {
  const base = await openStore({ dataDir });
  const control = { writing: false, beforeNextTransaction: undefined as (() => Promise<void>) | undefined };
  const transaction: Store['transaction'] = async (work) => {
    const hook = control.beforeNextTransaction;
    control.beforeNextTransaction = undefined;
    if (hook) await hook();
    return base.transaction(async (tx) => {
      control.writing = true;
      try {
        return await work(tx);
      } finally {
        control.writing = false;
      }
    });
  };
  const store = new Proxy(base, {
    get(target, property) {
      if (property === 'transaction') return transaction;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  const stratum = await openStratum({ store, orderEntry: { rates: SAMPLE_RATES }, ...(options.speculate === false && { speculate: false }) });
  opened.push(stratum);
  const speculations: SpeculationEvent['result'][] = [];
  stratum.events.on('speculation', (event: SpeculationEvent) => speculations.push(event.result));
  return { stratum, control, speculations };
}

function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'stratum-speculation-'));
  dirs.push(dir);
  return dir;
}

/** Records, for every engine run (start, recover, signal), whether a write transaction was open. */
function watchEngineRuns(control: { writing: boolean }): boolean[] {
  const underLock: boolean[] = [];
  for (const method of ['start', 'recover', 'signal'] as const) {
    // read as unknown: it is called below with the spy's own `this`, never unbound
    const original: unknown = Reflect.get(LiveEngine.prototype, method);
    if (typeof original !== 'function') throw new Error(`LiveEngine has no method ${method}`);
    vi.spyOn(LiveEngine.prototype, method).mockImplementation(function (this: LiveEngine, ...args: unknown[]) {
      underLock.push(control.writing);
      return (original as (...args: unknown[]) => unknown).apply(this, args) as never;
    });
  }
  return underLock;
}

describe('engine steps outside the write lock', () => {
  it('runs every engine step of an order entry and an approval on a snapshot, none while the write transaction is open', async () => {
    const { stratum, control, speculations } = await open(folder());
    await stratum.library.deploy(shippedDiagrams(), { user: 'test' });
    const underLock = watchEngineRuns(control);

    const { instance } = await enter(stratum.runtime, order('SO-AHEAD', 1_000_000.01));
    // order-to-cash, sales-order-management and credit-order-approval: three instances started in one step
    expect(speculations).toEqual(['used', 'used', 'used']);
    const [task] = await stratum.runtime.findTasks({ businessKey: 'SO-AHEAD' });
    await stratum.runtime.completeTask(task.id, { approved: true }, director);
    expect(speculations).toHaveLength(4);
    expect(speculations.every((result) => result === 'used')).toBe(true);
    expect(underLock.length).toBeGreaterThanOrEqual(4);
    expect(underLock.every((writing) => !writing)).toBe(true);

    const view = (await stratum.runtime.getInstance(instance.id))!;
    expect(view.waiting.filter((wait) => wait.candidateGroups).map((wait) => wait.candidateGroups)).toEqual([['vice-president']]);
    expect(view.history.filter((entry) => entry.event === 'task.completed')).toHaveLength(1);
  });

  it('runs the engine again under the lock when another process moved the instance after the snapshot, and keeps both moves', async () => {
    const dataDir = folder();
    const first = await open(dataDir);
    await first.stratum.library.deploy(shippedDiagrams(), { user: 'test' });
    const second = await open(dataDir);
    await enter(first.stratum.runtime, order('SO-MOVED', 400_000)); // approved automatically: both planning jobs open at once
    const [procurement] = await first.stratum.runtime.fetchAndLockJobs({ type: 'procurement-planning', workerId: 'a' });
    const [production] = await first.stratum.runtime.fetchAndLockJobs({ type: 'production-planning', workerId: 'b' });
    expect(procurement.instanceId).toBe(production.instanceId);

    // Between the first process's snapshot and its transaction, the second completes the other job of the same instance.
    first.control.beforeNextTransaction = async () => {
      await second.stratum.runtime.completeJob(production.id, {}, erp, 'b');
    };
    const underLock = watchEngineRuns(first.control);
    const before = first.speculations.length;
    await first.stratum.runtime.completeJob(procurement.id, {}, erp, 'a');
    expect(first.speculations.slice(before)).toEqual(['recomputed']);
    expect(underLock.at(-1)).toBe(true);

    const [shipping] = await first.stratum.runtime.fetchAndLockJobs({ type: 'shipping', workerId: 'a' });
    expect(shipping?.businessKey).toBe('SO-MOVED'); // both plannings count: the order went on to shipping
  });

  it('lets exactly one of two approvers win when both computed ahead on the same snapshot', async () => {
    const dataDir = folder();
    const first = await open(dataDir);
    await first.stratum.library.deploy(shippedDiagrams(), { user: 'test' });
    const second = await open(dataDir);
    await enter(first.stratum.runtime, order('SO-RACE', 750_000));
    const [task] = await first.stratum.runtime.findTasks({ businessKey: 'SO-RACE' });
    const colleague = { name: 'valerie', groups: ['vice-president'] };
    first.control.beforeNextTransaction = async () => {
      await second.stratum.runtime.completeTask(task.id, { approved: false, comment: 'Credit limit exceeded.' }, colleague);
    };
    await expect(first.stratum.runtime.completeTask(task.id, { approved: true }, vicePresident)).rejects.toMatchObject({ code: 'conflict' });
    const { items: [root] } = await first.stratum.runtime.findInstances({ businessKey: 'SO-RACE', processKey: 'order-to-cash' });
    const view = (await first.stratum.runtime.getInstance(root.id))!;
    expect(view.status).toBe('rejected');
    expect(view.history.filter((entry) => entry.event === 'task.completed').map((entry) => entry.actor)).toEqual(['valerie']);
  });

  it('reaches the same end, history and variables with and without computing ahead', async () => {
    const ahead = await open(folder());
    const locked = await open(folder(), { speculate: false });
    const trails = [];
    for (const { stratum } of [ahead, locked]) {
      await stratum.library.deploy(shippedDiagrams(), { user: 'test' });
      const { instance } = await enter(stratum.runtime, order('SO-SAME', 1_000_000.01));
      for (const user of [director, vicePresident]) {
        const [task] = await stratum.runtime.findTasks({ businessKey: 'SO-SAME' });
        await stratum.runtime.completeTask(task.id, { approved: true }, user);
      }
      for (const type of ['procurement-planning', 'production-planning', 'shipping']) {
        const [job] = await stratum.runtime.fetchAndLockJobs({ type, workerId: 'erp' });
        await stratum.runtime.completeJob(job.id, {}, erp, 'erp');
      }
      const view = (await stratum.runtime.getInstance(instance.id))!;
      trails.push({ status: view.status, variables: view.variables, history: view.history.map((entry) => [entry.event, entry.elementId, entry.actor]) });
    }
    expect(trails[0].status).toBe('completed');
    expect(trails[0]).toEqual(trails[1]);
    expect(ahead.speculations.length).toBeGreaterThan(0);
    expect(locked.speculations).toEqual([]);
  });
});
