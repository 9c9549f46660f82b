// The view a write hands back comes from its step (tree-views.ts), not from a
// second read: after every kind of step it must be exactly what a fresh read
// gives — field for field, key order included — on SQLite and on PostgreSQL.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, openStratum, type InstanceView, type Stratum, type ViewCacheEvent } from '../../../engine/index.js';
import { PostgresStore } from '../../../engine/store/postgres.js';
import type { Store } from '../../../engine/store/types.js';
import { HELD_APPROVAL_FILES } from '../../support/held-approvals.js';
import { describePostgres, freshSchema, inSchema } from '../../support/postgres.js';
import { director, enter, erp, ManualClock, order, SAMPLE_RATES, shippedDiagrams, vicePresident } from '../../support/stratum-fixture.js';

const ops = { name: 'olga', groups: ['operations'] };
const reviewer = { name: 'rita', groups: ['reviewers'] };

interface Servers {
  /** A server on a fresh database, the shipped diagrams deployed. */
  open(): Promise<Stratum>;
  /** Another server on the same database. */
  openOther(): Promise<Stratum>;
  dispose(): void;
}

function sqliteServers(): Servers {
  const dataDir = mkdtempSync(join(tmpdir(), 'stratum-views-'));
  return {
    open: async () => opened(await openStore({ dataDir })),
    openOther: async () => opened(await openStore({ dataDir })),
    dispose: () => rmSync(dataDir, { recursive: true, force: true }),
  };
}

function postgresServers(): Servers {
  let schema: string;
  const store = async () => {
    schema ??= await freshSchema();
    const opening = new PostgresStore(inSchema(schema));
    await opening.migrate();
    return opening;
  };
  return { open: async () => opened(await store()), openOther: async () => opened(await store()), dispose: () => undefined };
}

const clock = new ManualClock();
const opened = (store: Store) => openStratum({ store, clock, orderEntry: { rates: SAMPLE_RATES } });

for (const [name, servers, describeStore] of [
  ['SQLite', sqliteServers, describe],
  ['PostgreSQL', postgresServers, describePostgres],
] as const) {
  describeStore(`views of writes on ${name}`, () => {
    let setup: Servers;
    let stratum: Stratum;
    let others: Stratum[];
    let lookups: ViewCacheEvent['result'][];

    beforeEach(async () => {
      setup = servers();
      stratum = await setup.open();
      others = [];
      lookups = [];
      stratum.events.on('view-cache', (event: ViewCacheEvent) => lookups.push(event.result));
      await stratum.library.deploy([...shippedDiagrams(), fixture('parallel-separated-review.bpmn'), fixture('sub-process-job.bpmn')], { user: 'test' });
    });
    afterEach(async () => {
      await stratum.close();
      for (const other of others) await other.close();
      setup.dispose();
    });

    /** The view `write` hands back, checked against a fresh read; `from` says whether its step built it or it was read. */
    async function viewOf(write: () => Promise<InstanceView>, from: 'step' | 'read' = 'step'): Promise<InstanceView> {
      const before = lookups.length;
      const view = await write();
      expect(lookups.slice(before).filter((result) => result === 'hit' || result === 'miss')).toEqual([from === 'step' ? 'hit' : 'miss']);
      await sameAsRead(view);
      return view;
    }

    async function sameAsRead(view: InstanceView) {
      const read = await stratum.runtime.getInstance(view.id);
      expect(view).toStrictEqual(read);
      // key order too: the JSON a client gets is the same text
      expect(JSON.stringify(view)).toBe(JSON.stringify(read));
    }

    async function task(businessKey: string, elementId?: string) {
      const tasks = await stratum.runtime.findTasks({ businessKey });
      return elementId ? tasks.find((one) => one.elementId === elementId)! : tasks[0];
    }

    async function taskOf(businessKey: string, group: string) {
      return (await stratum.runtime.findTasks({ businessKey, candidateGroup: group }))[0];
    }

    async function job(type: string) {
      const [locked] = await stratum.runtime.fetchAndLockJobs({ type, workerId: 'erp' });
      return locked;
    }

    it('builds the view of each step of an order with called approvals, parallel planning jobs and a message', async () => {
      const entered = await viewOf(async () => (await enter(stratum.runtime, order('V-1', 1_000_000.01))).instance);
      expect(entered.children).toHaveLength(1);
      const approved = await viewOf(async () => stratum.runtime.completeTask((await task('V-1')).id, { approved: true }, director));
      expect(approved.history.length).toBeGreaterThan(entered.history.length);
      await viewOf(async () => stratum.runtime.completeTask((await task('V-1')).id, { approved: true }, vicePresident));
      // a message nothing waits for is kept, with an entry in the order's history but no change to its instances
      const buffered = await stratum.runtime.correlateMessage({ name: 'Unheard', businessKey: 'V-1', timeToLive: 'PT1H' });
      expect(buffered.outcome).toBe('buffered');
      const planned = await viewOf(async () => stratum.runtime.completeJob((await job('procurement-planning')).id, { planned: 1 }, erp, 'erp'));
      expect(planned.history.some((entry) => entry.event === 'message.buffered')).toBe(true);
      await viewOf(async () => stratum.runtime.completeJob((await job('production-planning')).id, {}, erp, 'erp'));
      const shipped = await viewOf(async () => stratum.runtime.completeJob((await job('shipping')).id, { carrier: { name: 'DHL', id: 7 } }, erp, 'erp'));
      expect(shipped.status).toBe('completed');
    });

    it('builds the view of an order change (the engine message reaching the order)', async () => {
      const { instance } = await enter(stratum.runtime, order('V-8', 100));
      const changed = await viewOf(async () => (await stratum.runtime.changeOrder('V-8', { description: 'blue paint, ü', amount: 200 }, { user: 'erp' })).instance);
      expect(changed.history.length).toBeGreaterThan(instance.history.length);
    });

    it('says in the view of each write that an open change holds the order\'s jobs, until the change is settled', async () => {
      await enter(stratum.runtime, order('V-10', 100));
      const planning = await viewOf(async () => stratum.runtime.failJob((await job('procurement-planning')).id, { message: 'ERP busy', retries: 3 }, erp));
      expect(heldJobs(planning)).toEqual([['procurement-planning', null], ['production-planning', null]]);
      const changed = await viewOf(async () => (await stratum.runtime.changeOrder('V-10', { description: 'blue paint', amount: 150, changeId: 'paint' }, { user: 'erp' })).instance);
      const byChange = { reason: 'order-change-open', changeId: 'paint' };
      expect(heldJobs(changed)).toEqual([['procurement-planning', byChange], ['production-planning', byChange]]);
      // the departments' acknowledgements are not held: only jobs are
      expect(changed.waiting.filter((wait) => wait.type === 'task').map((wait) => wait.held)).toEqual([null, null, null]);
      for (const group of ['procurement', 'production']) {
        const acknowledged = await viewOf(async () => stratum.runtime.completeTask((await taskOf('V-10', group)).id, { acknowledged: true }, { name: `${group}-lead`, groups: [group] }));
        expect(heldJobs(acknowledged)).toEqual([['procurement-planning', byChange], ['production-planning', byChange]]);
      }
      // a lower amount needs no approval: the last acknowledgement settles the change and releases the jobs
      const settled = await viewOf(async () => stratum.runtime.completeTask((await taskOf('V-10', 'inspection')).id, { acknowledged: true }, { name: 'ines', groups: ['inspection'] }));
      expect(heldJobs(settled)).toEqual([['procurement-planning', null], ['production-planning', null]]);
    });

    it('says in the view of the write that failed a caller, and of its called instance, that the caller holds its waits', async () => {
      await stratum.library.deploy(HELD_APPROVAL_FILES, { user: 'test' });
      const started = await viewOf(async () => (await stratum.runtime.start('held-approval-caller', { businessKey: 'V-11', user: 'test' })).instance);
      // created in one instant: listed by id, so compared by kind
      expect(started.waiting.map((wait) => [wait.type, wait.held]).sort()).toEqual([['call', null], ['job', null], ['task', null]]);
      const [check] = await stratum.runtime.fetchAndLockJobs({ type: 'held-approval-caller-check', workerId: 'w', businessKey: 'V-11' });
      // completed without the region its gateway reads: the caller fails, its called approval stays
      const failed = await viewOf(() => stratum.runtime.completeJob(check.id, {}, erp, 'w'));
      const { items: [incident] } = await stratum.runtime.findIncidents({ businessKey: 'V-11' });
      const byCaller = { reason: 'caller-failed', instanceId: started.id, incidentId: incident.id };
      expect(failed.waiting.map((wait) => [wait.type, wait.held])).toEqual([['task', byCaller]]);
      // the called instance's own view names the caller above it
      const callee = await stratum.runtime.getInstance(started.children[0].id);
      expect(callee!.waiting.map((wait) => wait.held)).toEqual([byCaller]);
      const retried = await viewOf(() => stratum.runtime.retryIncident(incident.id, { variables: { region: 'EU' } }, ops));
      expect(retried.waiting.filter((wait) => wait.type === 'task').map((wait) => wait.held)).toEqual([null]);
    });

    it('builds the view of a cancel of an order waiting in a called approval', async () => {
      const { instance } = await enter(stratum.runtime, order('V-2', 1_000_000.01));
      const cancelled = await viewOf(() => stratum.runtime.cancel(instance.id, ops, { reason: 'customer withdrew' }));
      expect(cancelled.status).toBe('cancelled');
      expect(cancelled.children.map((child) => child.status)).toEqual(['cancelled']);
    });

    it('builds the view of a failed job, its incident, the retry and a thrown error', async () => {
      await enter(stratum.runtime, order('V-3', 100));
      const failed = await viewOf(async () => stratum.runtime.failJob((await job('procurement-planning')).id, { message: 'ERP down', retries: 1 }, erp));
      expect(failed.status).toBe('running');
      const incident = await viewOf(async () => stratum.runtime.failJob((await job('procurement-planning')).id, { message: 'ERP down', retries: 0 }, erp));
      expect(incident.status).toBe('failed');
      const { items: [open] } = await stratum.runtime.findIncidents({ businessKey: 'V-3' });
      const retried = await viewOf(() => stratum.runtime.retryIncident(open.id, { retries: 1 }, ops));
      expect(retried.status).toBe('running');
      const thrown = await viewOf(async () => stratum.runtime.throwJobError((await job('procurement-planning')).id, { errorCode: 'NO-STOCK', message: 'none left' }, erp));
      expect(thrown.incident ?? thrown.status).toBeTruthy();
    });

    it('builds the view of parallel called instances and of a job inside a sub-process', async () => {
      const started = await viewOf(async () => (await stratum.runtime.start('parallel-review', { businessKey: 'V-4', user: 'test' })).instance);
      expect(started.children).toHaveLength(2);
      await viewOf(async () => stratum.runtime.completeTask((await task('V-4', 'CheckA')).id, { ok: true }, reviewer));
      await viewOf(async () => stratum.runtime.completeTask((await task('V-4', 'CheckB')).id, { ok: true }, { name: 'ralf', groups: ['reviewers'] }));
      const sub = await viewOf(async () => (await stratum.runtime.start('sub-process-job', { businessKey: 'V-5', user: 'test', variables: { parcel: 'P-1' } })).instance);
      const [waiting] = sub.waiting;
      expect(waiting.type).toBe('job');
      const done = await viewOf(async () => stratum.runtime.completeJob((await job(waiting.jobType!)).id, {}, erp, 'erp'));
      expect(done.status).toBe('completed');
    });

    it('reads the view when another server moved the order or wrote its history meanwhile, then builds it again', async () => {
      const other = await setup.openOther();
      others.push(other);
      await enter(stratum.runtime, order('V-6', 1_000_000.01));
      // the other server approves: this server's kept tree no longer matches the database
      await other.runtime.completeTask((await task('V-6')).id, { approved: true }, director);
      await viewOf(async () => stratum.runtime.completeTask((await task('V-6')).id, { approved: true }, vicePresident), 'read');
      await viewOf(async () => stratum.runtime.completeJob((await job('procurement-planning')).id, {}, erp, 'erp'));
      // the other server only writes history (a kept message): no instance changes, the count does
      await other.runtime.correlateMessage({ name: 'Unheard', businessKey: 'V-6', timeToLive: 'PT1H' });
      await viewOf(async () => stratum.runtime.completeJob((await job('production-planning')).id, {}, erp, 'erp'), 'read');
      await viewOf(async () => stratum.runtime.completeJob((await job('shipping')).id, {}, erp, 'erp'));
    });

    it('hands back the view of a replayed start (nothing written) as read', async () => {
      const first = await viewOf(async () => (await enter(stratum.runtime, order('V-7', 100))).instance);
      const again = await viewOf(async () => (await enter(stratum.runtime, order('V-7', 100))).instance, 'read');
      expect(again.id).toBe(first.id);
    });
  });
}

describe('view cache budget', () => {
  let dataDir: string;
  let stratum: Stratum;
  let events: ViewCacheEvent[];

  async function open(viewCacheBytes: number) {
    dataDir = mkdtempSync(join(tmpdir(), 'stratum-views-'));
    stratum = await openStratum({ store: await openStore({ dataDir }), clock, orderEntry: { rates: SAMPLE_RATES }, viewCacheBytes });
    events = [];
    stratum.events.on('view-cache', (event: ViewCacheEvent) => events.push(event));
    await stratum.library.deploy(shippedDiagrams(), { user: 'test' });
  }
  afterEach(async () => {
    await stratum.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** An order over 1,000,000 approved twice and its three jobs completed: six writes. */
  async function lifecycle(orderNo: string) {
    await untilShipping(orderNo);
    await ship(orderNo);
  }

  /** The first five writes of lifecycle: the order waits at its shipping job. */
  async function untilShipping(orderNo: string) {
    await enter(stratum.runtime, order(orderNo, 1_200_000));
    for (const actor of [director, vicePresident]) {
      const [task] = await stratum.runtime.findTasks({ businessKey: orderNo, candidateGroup: actor.groups[0] });
      await stratum.runtime.completeTask(task.id, { approved: true }, actor);
    }
    for (const type of ['procurement-planning', 'production-planning']) await completeJob(orderNo, type);
  }

  /** The last write of lifecycle; the view-cache events it reported. */
  async function ship(orderNo: string): Promise<ViewCacheEvent[]> {
    const from = events.length;
    await completeJob(orderNo, 'shipping');
    return events.slice(from);
  }

  async function completeJob(orderNo: string, type: string) {
    const [job] = await stratum.runtime.fetchAndLockJobs({ type, workerId: 'erp', businessKey: orderNo });
    await stratum.runtime.completeJob(job.id, {}, erp, 'erp');
  }

  it('counts a tree once however many steps replaced it, and keeps it within the budget', async () => {
    await open(100_000);
    await lifecycle('B-1');
    expect(events.filter((event) => event.result === 'hit')).toHaveLength(6);
    const last = events.at(-1)!;
    expect(last).toMatchObject({ entries: 1, budgetBytes: 100_000 });
    // the whole order, 64 history entries, is some 40 KB, not the sum of the six trees kept on the way
    expect(last.bytes).toBeGreaterThan(20_000);
    expect(last.bytes).toBeLessThan(60_000);
  });

  it('evicts the least recently kept tree beyond the budget', async () => {
    await open(60_000);
    await untilShipping('B-2');
    await untilShipping('B-3');
    // B-3, kept last, is still kept: its view comes from the tree; B-2, kept first, went: its view is read back
    expect((await ship('B-3')).map((event) => event.result)).toEqual(['kept', 'hit']);
    expect((await ship('B-2')).map((event) => event.result)).toEqual(['miss', 'kept']);
    const kept = events.filter((event) => event.result === 'kept');
    expect(kept.some((event) => event.evicted > 0)).toBe(true);
    expect(kept.every((event) => event.bytes <= 60_000)).toBe(true);
    expect(kept.at(-1)!.entries).toBe(1);
    expect(events.filter((event) => event.result === 'hit')).toHaveLength(11);
  });

  it('keeps no tree with no budget and reads every view', async () => {
    await open(0);
    const { instance } = await enter(stratum.runtime, order('B-4', 100));
    expect(instance).toStrictEqual(await stratum.runtime.getInstance(instance.id));
    expect(events.map((event) => [event.result, event.entries, event.bytes])).toEqual([['miss', 0, 0]]);
  });
});

/** Each job the view waits for, by type, with what holds it. */
function heldJobs(view: InstanceView) {
  return view.waiting.filter((wait) => wait.type === 'job').sort((a, b) => (a.jobType ?? '').localeCompare(b.jobType ?? '')).map((wait) => [wait.jobType, wait.held]);
}

function fixture(name: string) {
  return { name, xml: readFileSync(fileURLToPath(new URL(`../../fixtures/engine/${name}`, import.meta.url)), 'utf8') };
}
