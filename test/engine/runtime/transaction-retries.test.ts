// Which conflicts a step runs again: only a lost race (errors.ts `lostRace`),
// whose retry reads the winner's data; a refusal is answered after one attempt,
// since running the step again would read the same rows and refuse again.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, openStratum, type LostRaceEvent, type StepEvent, type Stratum } from '../../../engine/index.js';
import type { Store, StoreTx } from '../../../engine/store/types.js';
import { refusalOf } from '../../support/refusal.js';
import { enter, erp, order, SAMPLE_RATES, shippedDiagrams, vicePresident } from '../../support/stratum-fixture.js';

/**
 * How the store answers: `staleOnce` makes the next transaction's first call of that read answer "nothing there
 * yet"; `staleAlways` does so in every transaction.
 */
interface Control {
  transactions: number;
  staleOnce?: keyof StoreTx;
  staleAlways?: keyof StoreTx;
}

let dataDir: string;
let stratum: Stratum;
let control: Control;
let steps: StepEvent[];
let races: LostRaceEvent[];

beforeEach(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'stratum-retries-'));
  control = { transactions: 0 };
  stratum = await openStratum({ store: counting(await openStore({ dataDir }), control), orderEntry: { rates: SAMPLE_RATES } });
  const review = readFileSync(fileURLToPath(new URL('../../fixtures/engine/parallel-separated-review.bpmn', import.meta.url)), 'utf8');
  await stratum.library.deploy([...shippedDiagrams(), { name: 'parallel-separated-review.bpmn', xml: review }], { user: 'test' });
  steps = [];
  races = [];
  stratum.events.on('step', (event: StepEvent) => steps.push(event));
  stratum.events.on('lost-race', (event: LostRaceEvent) => races.push(event));
});
afterEach(async () => {
  await stratum.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** The transactions `call` ran (its attempts), with the step outcomes it reported; a race lost is listed as well. */
async function attemptsOf(call: () => Promise<unknown>): Promise<{ transactions: number; outcomes: StepEvent['outcome'][]; races?: LostRaceEvent[] }> {
  control.transactions = 0;
  steps = [];
  races = [];
  await call().catch(() => undefined);
  return { transactions: control.transactions, outcomes: steps.map((step) => step.outcome), ...(races.length && { races }) };
}

describe('a refusal is answered after one attempt', () => {
  it('completes a task once; completing it again is refused (409 no longer open) in one transaction', async () => {
    await enter(stratum.runtime, order('RT-TASK', 700_000));
    const [task] = await stratum.runtime.findTasks({ businessKey: 'RT-TASK' });
    await stratum.runtime.completeTask(task.id, { approved: true }, vicePresident);
    const again = () => stratum.runtime.completeTask(task.id, { approved: true }, vicePresident);
    expect(await refusalOf(again())).toMatchObject({ code: 'conflict', retryable: false });
    expect(await attemptsOf(again)).toEqual({ transactions: 1, outcomes: ['conflict'] });
  });

  it('refuses an order number entered again with other data (409 order-exists) in one transaction', async () => {
    await enter(stratum.runtime, order('RT-ORDER', 100));
    const other = () => enter(stratum.runtime, order('RT-ORDER', 200));
    expect(await refusalOf(other())).toMatchObject({ code: 'conflict', details: { reason: 'order-exists' } });
    // the refused step once, then a transaction of its own keeping the refused entry in the order's history (entry.refused)
    expect(await attemptsOf(other)).toEqual({ transactions: 2, outcomes: ['conflict'] });
  });

  it('refuses cancelling a called instance alone (409 not-a-root) in one transaction', async () => {
    await enter(stratum.runtime, order('RT-CALLED', 700_000));
    const { items } = await stratum.runtime.findInstances({ businessKey: 'RT-CALLED' });
    const called = items.find((instance) => instance.parentId !== null)!;
    const cancel = () => stratum.runtime.cancel(called.id, erp, {});
    expect(await refusalOf(cancel())).toMatchObject({ code: 'conflict', details: { problem: 'not-a-root' } });
    // the refused step once, then a transaction of its own keeping the refused attempt in the history (cancel.refused)
    expect(await attemptsOf(cancel)).toEqual({ transactions: 2, outcomes: ['conflict'] });
  });

  it('refuses an idempotency key used again for another request in one transaction', async () => {
    const start = (requestHash: string) => stratum.runtime.start('parallel-review', {
      businessKey: 'RT-KEY', user: 'test', idempotency: { scope: 'start:parallel-review', key: 'k-1', requestHash },
    });
    await start('first');
    expect(await refusalOf(start('second'))).toMatchObject({ code: 'invalid', message: expect.stringContaining('k-1 was already used for a different request') as unknown });
    expect(await attemptsOf(() => start('second'))).toEqual({ transactions: 1, outcomes: ['error'] });
  });
});

describe('a lost race is run again and succeeds', () => {
  it('answers a start whose idempotency key another server inserted after this one looked (SQLite unique key) with that start', async () => {
    const start = () => stratum.runtime.start('parallel-review', {
      businessKey: 'RT-RACE', user: 'test', idempotency: { scope: 'start:parallel-review', key: 'k-race', requestHash: 'same' },
    });
    const first = await start();
    const instances = async () => (await stratum.runtime.findInstances({ businessKey: 'RT-RACE' })).items.length;
    const before = await instances();
    // the retried start reads "no such key" first, as if the other insert had not committed yet: its own insert then finds the key taken
    control.staleOnce = 'getIdempotency';
    let second: Awaited<ReturnType<typeof start>> | undefined;
    expect(await attemptsOf(async () => (second = await start()))).toEqual({
      transactions: 2, outcomes: ['ok'], races: [{ race: 'duplicate', outcome: 'retried' }],
    });
    expect(second).toMatchObject({ created: false, instance: { id: first.instance.id } });
    expect(await instances()).toBe(before); // the first attempt's instances rolled back with it
  });

  it('answers 409 after losing the race on every attempt, and says so in its lost-race events', async () => {
    const start = () => stratum.runtime.start('parallel-review', {
      businessKey: 'RT-LOST', user: 'test', idempotency: { scope: 'start:parallel-review', key: 'k-lost', requestHash: 'same' },
    });
    await start();
    control.staleAlways = 'getIdempotency';
    expect(await refusalOf(start())).toMatchObject({ code: 'conflict', retryable: true, race: 'duplicate' });
    expect(await attemptsOf(start)).toEqual({
      transactions: 3,
      outcomes: ['conflict'],
      races: [{ race: 'duplicate', outcome: 'retried' }, { race: 'duplicate', outcome: 'retried' }, { race: 'duplicate', outcome: 'gave-up' }],
    });
  });
});

// helpers

/** The store, counting its write transactions; the first read named by `control.staleOnce` answers undefined once. */
function counting(store: Store, control: Control): Store {
  const transaction: Store['transaction'] = (work) => {
    control.transactions++;
    const stale = control.staleOnce ?? control.staleAlways;
    control.staleOnce = undefined;
    return store.transaction((tx) => work(stale ? staleOnce(tx, stale) : tx));
  };
  return new Proxy(store, {
    get(target, property) {
      if (property === 'transaction') return transaction;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

function staleOnce(tx: StoreTx, method: keyof StoreTx): StoreTx {
  let answered = false;
  return new Proxy(tx, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      const bound = (value as (...args: unknown[]) => unknown).bind(target);
      if (property !== method || answered) return bound;
      return () => {
        answered = true;
        return Promise.resolve(undefined);
      };
    },
  });
}
