// The runtime on PostgreSQL, as several server processes share it: two
// Stratum instances on one schema, each with its own connection pool.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { LostRaceEvent } from '../../../engine/api.js';
import { openStratum, type Stratum } from '../../../engine/index.js';
import { KEPT_PER_PERSON } from '../../../engine/runtime/refused-attempts.js';
import { PostgresStore } from '../../../engine/store/postgres.js';
import { describePostgres, freshSchema, inSchema } from '../../support/postgres.js';
import { slowAfter } from '../../support/slow-store.js';
import { enter, erp, ManualClock, order, SAMPLE_RATES, shippedDiagrams, vicePresident } from '../../support/stratum-fixture.js';


/** Someone of the department a special change's acknowledgement is for: each department acknowledges as another person. */
const departmentOf = (task: { candidateGroups: string[] }) => ({ name: `${task.candidateGroups[0]}-lead`, groups: task.candidateGroups });

describePostgres('runtime on PostgreSQL shared by two server processes', () => {
  let first: Stratum;
  let second: Stratum;
  let secondStore: PostgresStore;
  const clock = new ManualClock();

  beforeEach(async () => {
    const schema = await freshSchema();
    const open = async () => {
      const store = new PostgresStore(inSchema(schema));
      await store.migrate();
      return openStratum({ store, clock, orderEntry: { rates: SAMPLE_RATES } });
    };
    [first, second] = [await open(), await open()];
    secondStore = new PostgresStore(inSchema(schema));
    await first.library.deploy(shippedDiagrams(), { user: 'test' });
  });
  afterEach(async () => {
    await first.close();
    await second.close();
    await secondStore.close();
  });

  it('runs a 1,000,000.01 credit order through both approvals and fulfilment, steps taken by either process', async () => {
    const { instance } = await enter(first.runtime, order('PG-1', 1_000_000.01));
    const [directorTask] = await second.runtime.findTasks({ businessKey: 'PG-1' });
    expect(directorTask.candidateGroups).toEqual(['sales-director']);
    await second.runtime.completeTask(directorTask.id, { approved: true }, { name: 'dora', groups: ['sales-director'] });
    const [vpTask] = await first.runtime.findTasks({ businessKey: 'PG-1' });
    await first.runtime.completeTask(vpTask.id, { approved: true }, vicePresident);
    for (const [type, runtime] of [['procurement-planning', first], ['production-planning', second], ['shipping', first]] as const) {
      const [job] = await runtime.runtime.fetchAndLockJobs({ type, workerId: 'erp' });
      await runtime.runtime.completeJob(job.id, {}, erp, 'erp');
    }
    expect((await second.runtime.getInstance(instance.id))!.status).toBe('completed');
  });

  it('lets one person decide only one of two separated tasks of an order waiting in two instances at once (four eyes)', async () => {
    const xml = readFileSync(fileURLToPath(new URL('../../fixtures/engine/parallel-separated-review.bpmn', import.meta.url)), 'utf8');
    await first.library.deploy([{ name: 'parallel-separated-review.bpmn', xml }], { user: 'test' });
    await first.runtime.start('parallel-review', { businessKey: 'FE-PAR', user: 'test' });
    const tasks = await first.runtime.findTasks({ businessKey: 'FE-PAR' });
    expect(tasks.map((task) => task.elementId).sort()).toEqual(['CheckA', 'CheckB']);
    expect(new Set(tasks.map((task) => task.instanceId)).size).toBe(2);
    const reviewer = { name: 'rita', groups: ['reviewers'] };
    // two servers, two instances of one order, the same person at the same moment
    const completions = Promise.allSettled([
      first.runtime.completeTask(tasks[0].id, { ok: true }, reviewer),
      second.runtime.completeTask(tasks[1].id, { ok: true }, reviewer),
    ]);
    const results = await completions;
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    expect((results.find((result) => result.status === 'rejected') as PromiseRejectedResult).reason).toMatchObject({ code: 'forbidden' });
  });

  it('lets go of the claim a person holds on the other separated task of the order, in another instance, once they decide one', async () => {
    const xml = readFileSync(fileURLToPath(new URL('../../fixtures/engine/parallel-separated-review.bpmn', import.meta.url)), 'utf8');
    await first.library.deploy([{ name: 'parallel-separated-review.bpmn', xml }], { user: 'test' });
    await first.runtime.start('parallel-review', { businessKey: 'FE-CLAIMS', user: 'test' });
    const [one, other] = await first.runtime.findTasks({ businessKey: 'FE-CLAIMS' });
    const reviewer = { name: 'rita', groups: ['reviewers'] };
    await first.runtime.claimTask(one.id, reviewer);
    await second.runtime.claimTask(other.id, reviewer);
    await second.runtime.completeTask(one.id, { ok: true }, reviewer);
    // four eyes refuses rita the other task now: her claim on it would hold it for nobody
    expect((await first.runtime.getTask(other.id))?.claimedBy).toBeNull();
    const released = (await first.runtime.getInstance(other.instanceId))!.history.filter((entry) => entry.event === 'task.unclaimed');
    expect(released.map(({ actor, data }) => ({ actor, claimedBy: data?.claimedBy, reason: data?.reason }))).toEqual([{ actor: 'rita', claimedBy: 'rita', reason: 'four-eyes-other-task' }]);
    await first.runtime.completeTask(other.id, { ok: true }, { name: 'rolf', groups: ['reviewers'] });
  });

  it('keeps four eyes when the second decision is read while the first has checked the history and not yet committed', async () => {
    const xml = readFileSync(fileURLToPath(new URL('../../fixtures/engine/parallel-separated-review.bpmn', import.meta.url)), 'utf8');
    await first.library.deploy([{ name: 'parallel-separated-review.bpmn', xml }], { user: 'test' });
    // Widen the race: the first completion pauses 150 ms after reading who decided what; the second starts then.
    // Without the order's lock it reads the history before the first commits, and both pass.
    let checked: () => void = () => undefined;
    const store = slowAfter(secondStore, 'historyOf', 150, () => checked(), (_ids, filter) => filter?.event === 'task.completed');
    const slow = await openStratum({ store, clock });
    const reviewer = { name: 'rita', groups: ['reviewers'] };
    for (let round = 1; round <= 3; round++) {
      const businessKey = `FE-WIDE-${round}`;
      await first.runtime.start('parallel-review', { businessKey, user: 'test' });
      const tasks = await first.runtime.findTasks({ businessKey });
      const historyRead = new Promise<void>((resolve) => (checked = resolve));
      const results = await Promise.allSettled([
        slow.runtime.completeTask(tasks[0].id, { ok: true }, reviewer),
        historyRead.then(() => first.runtime.completeTask(tasks[1].id, { ok: true }, reviewer)),
      ]);
      expect(results.filter((result) => result.status === 'fulfilled'), `round ${round}`).toHaveLength(1);
      expect((results.find((result) => result.status === 'rejected') as PromiseRejectedResult).reason).toMatchObject({ code: 'forbidden' });
      const decided = (await Promise.all(tasks.map((task) => first.runtime.getInstance(task.instanceId))))
        .flatMap((view) => view!.history.filter((entry) => entry.event === 'task.completed'));
      expect(decided, `round ${round}`).toHaveLength(1);
    }
  });

  it('cancels the whole order when the step it waits for starts a called process on the other process meanwhile', async () => {
    // Widen the race: the last acknowledgement pauses after starting the approval it leads to; the cancel starts
    // then, reads the call tree without the new child and waits for the instance the step holds.
    let started: () => void = () => undefined;
    const store = slowAfter(secondStore, 'insertInstance', 150, () => started(), (row) => row.processKey === 'credit-order-approval');
    const slow = await openStratum({ store, clock });
    for (let round = 1; round <= 3; round++) {
      const orderNo = `PG-CANCEL-${round}`;
      const { instance } = await enter(first.runtime, order(orderNo, 700_000, 'credit', { description: 'blue' }));
      const tasks = await first.runtime.findTasks({ businessKey: orderNo });
      expect(tasks).toHaveLength(3);
      for (const task of tasks.slice(0, -1)) await first.runtime.completeTask(task.id, {}, departmentOf(task));
      const childStarted = new Promise<void>((resolve) => (started = resolve));
      const results = await Promise.allSettled([
        slow.runtime.completeTask(tasks[2].id, {}, departmentOf(tasks[2])),
        childStarted.then(() => first.runtime.cancel(instance.id, erp, { reason: 'customer withdrew' })),
      ]);
      expect(results.map((result) => result.status), `round ${round}`).toEqual(['fulfilled', 'fulfilled']);
      const { items: members } = await first.runtime.findInstances({ businessKey: orderNo });
      expect(members.filter((member) => member.status === 'running').map((member) => member.processKey), `round ${round}`).toEqual([]);
      expect(await first.runtime.findTasks({ businessKey: orderNo }), `round ${round}`).toEqual([]);
    }
  });

  it('cancels the order and completes the step it raced with when the two lock its instances in opposite order (PostgreSQL breaks the deadlock, the loser retries)', async () => {
    // The last acknowledgement locks its instance and pauses; the cancel then locks the order from the root down
    // and waits for that instance, while the acknowledgement, returning to its caller, waits for the caller.
    let locked: () => void = () => undefined;
    const store = slowAfter(secondStore, 'getWait', 150, () => locked(), (_id, options) => options?.lock === true);
    const slow = await openStratum({ store, clock });
    const orderNo = 'PG-CANCEL-DEADLOCK';
    const { instance } = await enter(first.runtime, order(orderNo, 700_000, 'credit', { description: 'blue' }));
    const tasks = await first.runtime.findTasks({ businessKey: orderNo });
    for (const task of tasks.slice(0, -1)) await first.runtime.completeTask(task.id, {}, departmentOf(task));
    const waitLocked = new Promise<void>((resolve) => (locked = resolve));
    const results = await Promise.allSettled([
      slow.runtime.completeTask(tasks[2].id, {}, departmentOf(tasks[2])),
      waitLocked.then(() => first.runtime.cancel(instance.id, erp, { reason: 'customer withdrew' })),
    ]);
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'fulfilled']);
    const { items: members } = await first.runtime.findInstances({ businessKey: orderNo });
    expect(members.filter((member) => member.status === 'running')).toEqual([]);
    expect(await first.runtime.findTasks({ businessKey: orderNo })).toEqual([]);
  });

  it('lets exactly one of two cancels of an order sent to the two processes at once win; the other is refused 409 and kept, and a worker\'s late completion is kept', async () => {
    // Widen the race: one cancel holds the order's root and pauses; the other reads it meanwhile and waits for it.
    let locked: () => void = () => undefined;
    const store = slowAfter(secondStore, 'getInstance', 150, () => locked(), (_id, options) => options?.lock === true);
    const slow = await openStratum({ store, clock });
    const orderNo = 'PG-CANCEL-TWICE';
    const { instance } = await enter(first.runtime, order(orderNo, 100));
    const [job] = await first.runtime.fetchAndLockJobs({ type: 'procurement-planning', workerId: 'planner-1' });
    const rootLocked = new Promise<void>((resolve) => (locked = resolve));
    const results = await Promise.allSettled([
      slow.runtime.cancel(instance.id, erp, { reason: 'customer withdrew' }),
      rootLocked.then(() => first.runtime.cancel(instance.id, { name: 'ops', groups: ['operations'] }, { reason: 'duplicate' })),
    ]);
    expect(results.map((result) => result.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(results.find((result) => result.status === 'rejected')).toMatchObject({ reason: { code: 'conflict' } });
    const { items: members } = await first.runtime.findInstances({ businessKey: orderNo });
    // the order and the sales order management it waits in are cancelled once each (the approval had completed)
    expect(members.map((member) => `${member.processKey}:${member.status}`).sort()).toEqual([
      'credit-order-approval:completed', 'order-to-cash:cancelled', 'sales-order-management:cancelled',
    ]);
    for (const member of members.filter((candidate) => candidate.status === 'cancelled')) {
      const { history } = (await second.runtime.getInstance(member.id))!;
      // an instance's view lists its whole call tree's history: count this instance's own entries
      expect(history.filter((entry) => entry.event === 'instance.cancelled' && entry.instanceId === member.id)).toHaveLength(1);
    }
    const root = (await second.runtime.getInstance(instance.id))!;
    expect(root.history.filter((entry) => entry.event === 'cancel.refused' && entry.instanceId === instance.id).map((entry) => entry.data?.reason)).toEqual(['instance-ended']);
    await expect(second.runtime.completeJob(job.id, {}, erp, 'planner-1')).rejects.toMatchObject({ code: 'not-found' });
    const worked = (await first.runtime.getInstance(job.instanceId))!;
    expect(worked.history.filter((entry) => entry.event === 'job.refused').map((entry) => entry.data)).toEqual([
      expect.objectContaining({ attempted: 'complete', reason: 'instance-cancelled', lockedBy: 'planner-1' }),
    ]);
  });

  it('keeps a worker\'s completion that read its job just before a cancel on the other process took the order (409, no longer open) as the cancel\'s late call', async () => {
    // Widen the race: the completion reads its job, then pauses until the cancel on the other process has committed.
    let read: () => void = () => undefined;
    let cancelDone: Promise<unknown> = Promise.resolve();
    const store = slowAfter(secondStore, 'getWait', () => cancelDone, () => read(), (_id, options) => options?.lock !== true);
    const slow = await openStratum({ store, clock });
    const { instance } = await enter(first.runtime, order('PG-CANCEL-LATE', 100));
    const [job] = await first.runtime.fetchAndLockJobs({ type: 'procurement-planning', workerId: 'planner-1' });
    const jobRead = new Promise<void>((resolve) => (read = resolve));
    cancelDone = jobRead.then(() => first.runtime.cancel(instance.id, erp, { reason: 'customer withdrew' }));
    const [completion, cancel] = await Promise.allSettled([slow.runtime.completeJob(job.id, {}, erp, 'planner-1'), cancelDone]);
    expect(cancel.status).toBe('fulfilled');
    expect(completion).toMatchObject({ status: 'rejected', reason: { code: 'conflict' } });
    const worked = (await second.runtime.getInstance(job.instanceId))!;
    expect(worked.status).toBe('cancelled');
    expect(worked.history.filter((entry) => entry.event === 'job.refused').map((entry) => entry.data)).toEqual([
      expect.objectContaining({ attempted: 'complete', reason: 'instance-cancelled', lockedBy: 'planner-1' }),
    ]);
  });

  it('answers a start repeated with its Idempotency-Key on the other process, while the first commits, with the first start (the loser of the key retries)', async () => {
    const xml = readFileSync(fileURLToPath(new URL('../../fixtures/engine/parallel-separated-review.bpmn', import.meta.url)), 'utf8');
    await first.library.deploy([{ name: 'parallel-separated-review.bpmn', xml }], { user: 'test' });
    // Widen the race: the repeat reads "no such key" and pauses until the first start has committed the key. The
    // repeat's insert finds the key taken (a lost race, not a refusal), and its retry reads the first start's instance.
    let looked: () => void = () => undefined;
    let originalStart: Promise<unknown> = Promise.resolve();
    const store = slowAfter(secondStore, 'getIdempotency', () => originalStart, () => looked());
    const slow = await openStratum({ store, clock });
    const start = (runtime: Stratum['runtime']) => runtime.start('parallel-review', {
      businessKey: 'PG-KEY', user: 'test', idempotency: { scope: 'start:parallel-review', key: 'k-1', requestHash: 'same' },
    });
    const repeatLooked = new Promise<void>((resolve) => (looked = resolve));
    const originalStarted = repeatLooked.then(() => start(first.runtime));
    originalStart = originalStarted;
    const [repeat, original] = await Promise.all([start(slow.runtime), originalStarted]);
    expect(original.created).toBe(true);
    expect(repeat).toMatchObject({ created: false, instance: { id: original.instance.id } });
    const { items } = await first.runtime.findInstances({ businessKey: 'PG-KEY', processKey: 'parallel-review' });
    expect(items.map((instance) => instance.id)).toEqual([original.instance.id]);
  });

  it('lets exactly one of two processes complete the same task', async () => {
    await enter(first.runtime, order('PG-RACE', 700_000));
    const [task] = await first.runtime.findTasks({ businessKey: 'PG-RACE' });
    const results = await Promise.allSettled([
      first.runtime.completeTask(task.id, { approved: true }, vicePresident),
      second.runtime.completeTask(task.id, { approved: false, comment: 'Credit limit exceeded.' }, vicePresident),
    ]);
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    expect((results.find((result) => result.status === 'rejected') as PromiseRejectedResult).reason).toMatchObject({ code: 'conflict' });
  });

  it('lets exactly one of two vice-presidents claiming one task on two processes at once win; the other is told who holds it', async () => {
    await enter(first.runtime, order('PG-CLAIM', 700_000));
    const [task] = await first.runtime.findTasks({ businessKey: 'PG-CLAIM' });
    // Widen the race: the second claim reads the task unclaimed and pauses until the first claim has committed.
    let found: () => void = () => undefined;
    let firstClaim: Promise<unknown> = Promise.resolve();
    const store = slowAfter(secondStore, 'getWait', () => firstClaim, () => found(), (_id, options) => options?.lock !== true);
    const slow = await openStratum({ store, clock });
    const taskFound = new Promise<void>((resolve) => (found = resolve));
    const claimedFirst = taskFound.then(() => first.runtime.claimTask(task.id, vicePresident));
    firstClaim = claimedFirst;
    const results = await Promise.allSettled([slow.runtime.claimTask(task.id, { name: 'viktor', groups: ['vice-president'] }), claimedFirst]);
    expect(results[1].status).toBe('fulfilled');
    expect((results[0] as PromiseRejectedResult).reason).toMatchObject({ code: 'conflict', details: { problem: 'task-claimed', assignee: vicePresident.name } });
    expect((await second.runtime.getTask(task.id))?.claimedBy).toBe(vicePresident.name);
    const history = (await second.runtime.getInstance(task.instanceId))!.history;
    expect(history.filter((entry) => entry.event === 'task.claimed').map((entry) => entry.actor)).toEqual([vicePresident.name]);
    // the loser's attempt is kept once, as a refused claim on one process is
    expect(history.filter((entry) => entry.event === 'task.refused').map((entry) => [entry.actor, entry.data?.attempted, entry.data?.reason]))
      .toEqual([['viktor', 'claim', 'task-claimed']]);
  });

  it('retries an incident holding the order\'s lock, as a decision does: it waits while another process holds it', async () => {
    await enter(first.runtime, order('PG-RETRY-LOCK', 100));
    const [job] = await first.runtime.fetchAndLockJobs({ type: 'procurement-planning', workerId: 'erp' });
    await first.runtime.failJob(job.id, { message: 'ERP down', retries: 0, workerId: 'erp' }, erp);
    const [incident] = (await first.runtime.findIncidents({ businessKey: 'PG-RETRY-LOCK' })).items;
    // another server's step holds the order's lock (a decision reading four eyes, say)
    let release: () => void = () => undefined;
    let locked: () => void = () => undefined;
    const lockTaken = new Promise<void>((resolve) => (locked = resolve));
    const holding = secondStore.transaction(async (tx) => {
      await tx.lockBusinessKey('PG-RETRY-LOCK');
      locked();
      await new Promise<void>((resolve) => (release = resolve));
    });
    await lockTaken;
    let retried = false;
    const retry = first.runtime.retryIncident(incident.id, {}, { name: 'otto', groups: ['operations'] }).then((view) => { retried = true; return view; });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(retried).toBe(false);
    release();
    await holding;
    expect((await retry).status).toBe('running');
  });

  it('tells the loser of two completions of one job on two processes that it is no longer open (409, answered without a retry)', async () => {
    await enter(first.runtime, order('PG-JOB-TWICE', 100));
    const [job] = await first.runtime.fetchAndLockJobs({ type: 'procurement-planning', workerId: 'erp' });
    // Widen the race: the second completion finds the job open and pauses until the first has completed it.
    let found: () => void = () => undefined;
    let firstCompletion: Promise<unknown> = Promise.resolve();
    const store = slowAfter(secondStore, 'getWait', () => firstCompletion, () => found(), (_id, options) => options?.lock !== true);
    const slow = await openStratum({ store, clock });
    const jobFound = new Promise<void>((resolve) => (found = resolve));
    const completedFirst = jobFound.then(() => first.runtime.completeJob(job.id, {}, erp, 'erp'));
    firstCompletion = completedFirst;
    const results = await Promise.allSettled([slow.runtime.completeJob(job.id, {}, erp, 'erp'), completedFirst]);
    expect(results[1].status).toBe('fulfilled');
    expect((results[0] as PromiseRejectedResult).reason).toMatchObject({ code: 'conflict', message: `job ${job.id} is no longer open` });
  });

  it('hands a job to only one of two workers fetching through different processes at once', async () => {
    await enter(first.runtime, order('PG-JOB', 100));
    const [a, b] = await Promise.all([
      first.runtime.fetchAndLockJobs({ type: 'procurement-planning', workerId: 'w1', max: 5 }),
      second.runtime.fetchAndLockJobs({ type: 'procurement-planning', workerId: 'w2', max: 5 }),
    ]);
    expect(a.length + b.length).toBe(1);
  });

  it('delivers both messages of a prepaid-at-shipment order sent at once to two processes', async () => {
    const { instance } = await enter(first.runtime, order('PG-SHIP', 80_000, 'prepaid-at-shipment'));
    await Promise.all([
      first.runtime.correlateMessage({ name: 'PaymentReceived', businessKey: 'PG-SHIP' }),
      second.runtime.correlateMessage({ name: 'ShipmentRequested', businessKey: 'PG-SHIP' }),
    ]);
    for (const type of ['procurement-planning', 'production-planning']) {
      const [job] = await first.runtime.fetchAndLockJobs({ type, workerId: 'erp' });
      await first.runtime.completeJob(job.id, {}, erp, 'erp');
    }
    const view = await second.runtime.getInstance(instance.id);
    expect(view!.waiting.filter((wait) => wait.type === 'job').map((wait) => wait.jobType)).toEqual(['shipping']);
  });

  it('delivers a payment exactly once when it arrives on one process while the other completes the acknowledgement that opens its catch', async () => {
    // Widen the race: the step that opens the catch looks for a buffered message, then waits 150 ms before it commits;
    // the payment arrives on the other process in that window. Without the correlation lock it would find no wait,
    // be buffered after the step looked, and never be delivered.
    let checked: () => void = () => undefined;
    const store = slowAfter(secondStore, 'oldestBufferedMessage', 150, () => checked());
    const slow = await openStratum({ store, clock });
    for (let round = 1; round <= 3; round++) {
      const orderNo = `PG-PAY-RACE-${round}`;
      const { instance } = await enter(first.runtime, order(orderNo, 10_000, 'prepaid-at-entry', { description: 'blue paint' }));
      const tasks = await first.runtime.findTasks({ businessKey: orderNo });
      for (const task of tasks.slice(0, -1)) await first.runtime.completeTask(task.id, {}, departmentOf(task));
      const catchOpened = new Promise<void>((resolve) => (checked = resolve));
      const [, message] = await Promise.all([
        slow.runtime.completeTask(tasks.at(-1)!.id, {}, departmentOf(tasks.at(-1)!)),
        catchOpened.then(() => first.runtime.correlateMessage({ name: 'PaymentReceived', businessKey: orderNo })),
      ]);
      expect(['delivered', 'buffered']).toContain(message.outcome);
      const view = (await second.runtime.getInstance(instance.id))!;
      expect(view.history.filter((entry) => entry.event === 'message.correlated'), `round ${round}`).toHaveLength(1);
      expect(view.waiting.filter((wait) => wait.type === 'job').map((wait) => wait.jobType).sort()).toEqual(['procurement-planning', 'production-planning']);
    }
  });

  it('keeps ten of one person\'s refused completions of a task sent at once to both processes, one of them the last kept', async () => {
    await enter(first.runtime, order('PG-REFUSED', 3_000_000));
    const [approval] = await first.runtime.findTasks({ businessKey: 'PG-REFUSED' });
    // not offered to a vice-president: each refused, each counting the kept ones before it keeps its own
    const attempts = Array.from({ length: 3 * KEPT_PER_PERSON }, (_, attempt) =>
      [first, second][attempt % 2].runtime.completeTask(approval.id, { approved: true, attempt }, vicePresident));
    const results = await Promise.allSettled(attempts);
    expect(results.map((result) => result.status === 'rejected' && (result.reason as { details?: { reason?: string } }).details?.reason)).toEqual(
      attempts.map(() => 'not-offered'),
    );
    const kept = (await first.runtime.getInstance(approval.instanceId))!.history.filter((entry) => entry.event === 'task.refused');
    expect(kept).toHaveLength(KEPT_PER_PERSON);
    expect(kept.filter((entry) => entry.data?.lastKept === true)).toHaveLength(1);
    expect(kept.at(-1)!.data?.lastKept).toBe(true);
  });

  it('keeps ten of one person\'s refused changes of an ended order sent at once to both processes, one of them the last kept', async () => {
    const { id } = (await enter(first.runtime, order('PG-REFUSED-CHANGE', 1_000))).instance;
    await first.runtime.cancel(id, erp, { reason: 'customer withdrew' });
    const attempts = Array.from({ length: 3 * KEPT_PER_PERSON }, (_, attempt) =>
      [first, second][attempt % 2].runtime.changeOrder('PG-REFUSED-CHANGE', { description: `blue paint ${attempt}` }, { user: 'erp' }));
    const results = await Promise.allSettled(attempts);
    expect(results.map((result) => result.status === 'rejected' && (result.reason as { details?: { reason?: string } }).details?.reason)).toEqual(
      attempts.map(() => 'order-finished'),
    );
    const kept = (await first.runtime.getInstance(id))!.history.filter((entry) => entry.event === 'change.refused');
    expect(kept).toHaveLength(KEPT_PER_PERSON);
    expect(kept.filter((entry) => entry.data?.lastKept === true)).toHaveLength(1);
    expect(kept.at(-1)!.data?.lastKept).toBe(true);
  });

  it('keeps ten of one sender\'s duplicate messages sent at once to both processes under different names, one of them the last kept', async () => {
    const { instance } = await enter(first.runtime, order('PG-DUPLICATES', 10_000));
    const names = Array.from({ length: 3 * KEPT_PER_PERSON }, (_, attempt) => `Reminder${attempt}`);
    // each kept for the order first (nothing waits for it), then sent again at once: each name its own correlation lock
    for (const name of names) await first.runtime.correlateMessage({ name, businessKey: 'PG-DUPLICATES', messageId: 'crm-1', timeToLive: 'PT1H', actor: 'erp' });
    const attempts = names.map((name, attempt) =>
      [first, second][attempt % 2].runtime.correlateMessage({ name, businessKey: 'PG-DUPLICATES', messageId: 'crm-1', timeToLive: 'PT1H', actor: 'erp' }));
    const results = await Promise.allSettled(attempts);
    expect(results.map((result) => result.status === 'rejected' && (result.reason as { details?: { problem?: string } }).details?.problem)).toEqual(
      attempts.map(() => 'duplicate-message'),
    );
    const kept = (await first.runtime.getInstance(instance.id))!.history.filter((entry) => entry.event === 'message.duplicate');
    expect(kept).toHaveLength(KEPT_PER_PERSON);
    expect(kept.filter((entry) => entry.data?.lastKept === true)).toHaveLength(1);
  });

  it('accepts a messageId once when two processes receive the same message at the same moment', async () => {
    const { instance } = await enter(first.runtime, order('PG-DUP', 10_000, 'prepaid-at-entry', { description: 'blue paint' }));
    const message = { name: 'PaymentReceived', businessKey: 'PG-DUP', messageId: 'bank-1' };
    const results = await Promise.allSettled([first.runtime.correlateMessage(message), second.runtime.correlateMessage(message)]);
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    expect((results.find((result) => result.status === 'rejected') as PromiseRejectedResult).reason).toMatchObject({ details: { problem: 'duplicate-message' } });
    const events = (await first.runtime.getInstance(instance.id))!.history.map((entry) => entry.event);
    expect(events.filter((event) => event === 'message.buffered')).toHaveLength(1);
    expect(events.filter((event) => event === 'message.duplicate')).toHaveLength(1);
  });

  it('fires a due cycle timer once when both processes fire due timers at once, the second having read it as due before the first fired it', async () => {
    const xml = readFileSync(fileURLToPath(new URL('../../fixtures/engine/reminder-cycle.bpmn', import.meta.url)), 'utf8');
    await first.library.deploy([{ name: 'reminder-cycle.bpmn', xml }], { user: 'test' });
    const { instance } = await first.runtime.start('reminder-cycle', { user: 'test' });
    const due = instance.waiting.find((wait) => wait.type === 'timer')?.dueAt;
    expect(due).toBeDefined();
    clock.advance(11 * 60_000); // the first reminder is due; the cycle then waits 10 minutes for the next
    // the second process reads the due timers and waits, before its step, until the first has fired them
    let dueRead: () => void = () => undefined;
    let firstFired: Promise<number> = Promise.resolve(0);
    let paused = false;
    const store = Object.assign(Object.create(secondStore) as PostgresStore, {
      read: async <T>(work: Parameters<PostgresStore['read']>[0]): Promise<T> => {
        const result = await secondStore.read(work);
        if (!paused) {
          paused = true;
          dueRead();
          await firstFired;
        }
        return result as T;
      },
    });
    const slow = await openStratum({ store, clock });
    const read = new Promise<void>((resolve) => (dueRead = resolve));
    firstFired = read.then(() => first.runtime.fireDueTimers());
    const [secondCount, firstCount] = await Promise.all([slow.runtime.fireDueTimers(), firstFired]);
    expect([firstCount, secondCount]).toEqual([1, 0]);
    const fired = (await first.runtime.getInstance(instance.id))!.history.filter((entry) => entry.event === 'timer.fired');
    expect(fired.map((entry) => entry.data?.dueAt)).toEqual([due]);
  });

  it('completes a separated task whose decider held a claim on the other one that an escalation timer on the other process takes away meanwhile', async () => {
    const xml = readFileSync(fileURLToPath(new URL('../../fixtures/engine/escalated-separated-review.bpmn', import.meta.url)), 'utf8');
    await first.library.deploy([{ name: 'escalated-separated-review.bpmn', xml }], { user: 'test' });
    const reviewer = { name: 'rita', groups: ['reviewers'] };
    for (let round = 1; round <= 3; round++) {
      const businessKey = `FE-ESCALATED-${round}`;
      await first.runtime.start('escalated-review', { businessKey, user: 'test' });
      const tasks = await first.runtime.findTasks({ businessKey });
      const checkA = tasks.find((task) => task.elementId === 'CheckA')!;
      const checkB = tasks.find((task) => task.elementId === 'CheckB')!;
      await first.runtime.claimTask(checkB.id, reviewer);
      clock.advance(61 * 60_000); // part B's escalation is due
      // Widen the race: deciding part A, rita's completion reads her claims (on part B) and pauses; the other
      // process fires part B's escalation then, which takes the task away, and the completion lets go of the claim after.
      let escalated: Promise<number> = Promise.resolve(0);
      const store = slowAfter(secondStore, 'findWaits', () => escalated, () => { escalated = second.runtime.fireDueTimers(); },
        (filter) => filter.assignee === reviewer.name && filter.businessKey === businessKey);
      const slow = await openStratum({ store, clock });
      const view = await slow.runtime.completeTask(checkA.id, { ok: true }, reviewer);
      expect(view.status, `round ${round}`).toBe('running');
      expect(await escalated, `round ${round}: the escalation fired`).toBe(1);
      const open = await first.runtime.findTasks({ businessKey });
      expect(open.map((task) => task.elementId).sort(), `round ${round}`).toEqual(['Escalated', 'File']);
      expect(open.every((task) => task.claimedBy === null), `round ${round}`).toBe(true);
      expect(await first.runtime.getTask(checkB.id), `round ${round}`).toBeUndefined();
    }
  });

  it('lets exactly one of a completion and the boundary timer escalating the task on the other process win, whichever locks the instance first', async () => {
    const xml = readFileSync(fileURLToPath(new URL('../../fixtures/engine/escalated-separated-review.bpmn', import.meta.url)), 'utf8');
    await first.library.deploy([{ name: 'escalated-separated-review.bpmn', xml }], { user: 'test' });
    const reviewer = { name: 'rita', groups: ['reviewers'] };
    for (const winner of ['completion', 'timer'] as const) {
      const businessKey = `PG-ESCALATE-${winner}`;
      await first.runtime.start('escalated-review', { businessKey, user: 'test' });
      const checkB = (await first.runtime.findTasks({ businessKey })).find((task) => task.elementId === 'CheckB')!;
      clock.advance(61 * 60_000); // the escalation is due as the task is decided
      // Widen the race: the winner pauses holding the instance's lock; the loser is asked for then, on the other process.
      let loser: Promise<unknown> = Promise.resolve();
      let asked = false;
      const askLoser = () => {
        if (asked) return;
        asked = true;
        loser = (winner === 'completion' ? first.runtime.fireDueTimers() : first.runtime.completeTask(checkB.id, { ok: true }, reviewer)).catch((error: unknown) => error);
      };
      const store = slowAfter(secondStore, 'getInstance', 300, askLoser, (id, options) => options?.lock === true && id === checkB.instanceId);
      const slow = await openStratum({ store, clock });
      if (winner === 'completion') {
        expect((await slow.runtime.completeTask(checkB.id, { ok: true }, reviewer)).status).toBe('running');
        expect(await loser, 'the timer finds its task decided').toBe(0);
      } else {
        expect(await slow.runtime.fireDueTimers()).toBe(1);
        const refused = (await loser) as { code?: string };
        expect(['conflict', 'not-found'], 'the completion finds its task escalated').toContain(refused.code);
      }
      const { history } = (await first.runtime.getInstance(checkB.instanceId))!;
      const decided = history.filter((entry) => entry.event === 'task.completed' && entry.elementId === 'CheckB');
      const fired = history.filter((entry) => entry.event === 'timer.fired');
      expect([decided.length, fired.length], winner).toEqual(winner === 'completion' ? [1, 0] : [0, 1]);
      const open = (await first.runtime.findTasks({ businessKey })).map((task) => task.elementId).sort();
      expect(open, winner).toEqual(winner === 'completion' ? ['CheckA', 'File'] : ['CheckA', 'Escalated']);
    }
  });

  it('refuses an incident retry that reaches the order while a cancel on the other process holds it, and leaves the order cancelled with its incident closed', async () => {
    const operator = { name: 'otto', groups: ['operations'] };
    for (let round = 1; round <= 3; round++) {
      const orderNo = `PG-RETRY-CANCEL-${round}`;
      const { instance } = await enter(first.runtime, order(orderNo, 100));
      const [job] = await first.runtime.fetchAndLockJobs({ type: 'procurement-planning', workerId: 'erp', businessKey: orderNo });
      await first.runtime.failJob(job.id, { message: 'ERP down', retries: 0, workerId: 'erp' }, erp);
      const [incident] = (await first.runtime.findIncidents({ businessKey: orderNo })).items;
      // Widen the race: the cancel pauses right after locking the order's root; the retry is asked for then.
      let retry: Promise<unknown> = Promise.resolve();
      const store = slowAfter(secondStore, 'getInstance', 300, () => { retry = first.runtime.retryIncident(incident.id, {}, operator).then(() => 'retried', (error: unknown) => error); },
        (id, options) => options?.lock === true && id === instance.id);
      const slow = await openStratum({ store, clock });
      // The two take the order's lock first: neither waits for a row the other holds, so PostgreSQL aborts neither
      // for a deadlock (it used to, the retry locking the called instance before its callers, and chose either).
      const lostRaces: LostRaceEvent[] = [];
      for (const stratum of [first, slow]) stratum.events.on('lost-race', (event: LostRaceEvent) => lostRaces.push(event));
      await slow.runtime.cancel(instance.id, operator, { reason: 'customer withdrew' });
      expect(await retry, `round ${round}`).toMatchObject({ code: 'conflict', details: { problem: 'incident-resolved' } });
      expect(lostRaces, `round ${round}`).toEqual([]);
      const view = (await first.runtime.getInstance(instance.id))!;
      expect(view.status, `round ${round}`).toBe('cancelled');
      expect(view.waiting, `round ${round}`).toEqual([]);
      const closed = await first.runtime.getIncident(incident.id);
      expect(closed?.resolvedAt, `round ${round}`).not.toBeNull();
      expect(closed?.resolution, `round ${round}`).not.toBe('retried');
    }
  });

  it('reads a change requested on one process while the other settles the order\'s earlier change by its last acknowledgement from the amount that change put in force', async () => {
    // Widen the race: the last acknowledgement of a lowering pauses right after locking its instance (the order's lock
    // held); the next change is requested on the other process then, and waits for the order's lock.
    let locked: () => void = () => undefined;
    let watching = false;
    const store = slowAfter(secondStore, 'getInstance', 150, () => { if (watching) { watching = false; locked(); } }, (_id, options) => options?.lock === true);
    const slow = await openStratum({ store, clock });
    for (let round = 1; round <= 3; round++) {
      const orderNo = `PG-ACK-CHANGE-${round}`;
      await enter(first.runtime, order(orderNo, 80_000));
      await first.runtime.changeOrder(orderNo, { description: 'smaller batch', amount: 60_000 }, { user: 'erp' });
      const acknowledgements = (await first.runtime.findTasks({ businessKey: orderNo })).filter((task) => task.candidateGroups.length === 1
        && ['procurement', 'production', 'inspection'].includes(task.candidateGroups[0]));
      expect(acknowledgements, `round ${round}`).toHaveLength(3);
      for (const task of acknowledgements.slice(0, -1)) await first.runtime.completeTask(task.id, {}, departmentOf(task));
      const last = acknowledgements.at(-1)!;
      const lockTaken = new Promise<void>((resolve) => (locked = resolve));
      watching = true;
      const [, next] = await Promise.all([
        slow.runtime.completeTask(last.id, {}, departmentOf(last)),
        lockTaken.then(() => first.runtime.changeOrder(orderNo, { description: 'and a new label' }, { user: 'erp' })),
      ]);
      expect(next.change.status, `round ${round}`).toBe('open');
      const view = (await first.runtime.orderChanges(orderNo))!;
      expect(view.changes.map((change) => change.status), `round ${round}`).toEqual(['accepted', 'open']);
      const changed = (await first.runtime.getInstance(view.instanceId))!.history.filter((entry) => entry.event === 'order.changed');
      expect(changed.map((entry) => entry.data?.previousAmount), `round ${round}: the second change reads from the lowered amount`).toEqual(['80000.00', '60000.00']);
    }
  });
});

