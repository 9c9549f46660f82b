// The runtime on PostgreSQL, as several server processes share it: two
// Stratum instances on one schema, each with its own connection pool.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { openStratum, type Stratum } from '../../../engine/index.js';
import { PostgresStore } from '../../../engine/store/postgres.js';
import { describePostgres, freshSchema, inSchema } from '../../support/postgres.js';
import { enter, ManualClock, order, SAMPLE_RATES, shippedDiagrams, vicePresident } from '../../support/stratum-fixture.js';

describePostgres('runtime on PostgreSQL shared by two server processes', () => {
  let first: Stratum;
  let second: Stratum;
  const clock = new ManualClock();

  beforeEach(async () => {
    const schema = await freshSchema();
    const open = async () => {
      const store = new PostgresStore(inSchema(schema));
      await store.migrate();
      return openStratum({ store, clock, orderEntry: { rates: SAMPLE_RATES } });
    };
    [first, second] = [await open(), await open()];
    await first.library.deploy(shippedDiagrams(), { user: 'test' });
  });
  afterEach(async () => {
    await first.close();
    await second.close();
  });

  it('runs a 1,000,000.01 credit order through both approvals and fulfilment, steps taken by either process', async () => {
    const { instance } = await enter(first.runtime, order('PG-1', 1_000_000.01));
    const [directorTask] = await second.runtime.findTasks({ businessKey: 'PG-1' });
    expect(directorTask!.candidateGroups).toEqual(['sales-director']);
    await second.runtime.completeTask(directorTask!.id, { approved: true }, { name: 'dora', groups: ['sales-director'] });
    const [vpTask] = await first.runtime.findTasks({ businessKey: 'PG-1' });
    await first.runtime.completeTask(vpTask!.id, { approved: true }, vicePresident);
    for (const [type, runtime] of [['procurement-planning', first], ['production-planning', second], ['shipping', first]] as const) {
      const [job] = await runtime.runtime.fetchAndLockJobs({ type, workerId: 'erp' });
      await runtime.runtime.completeJob(job!.id, {}, 'erp');
    }
    expect((await second.runtime.getInstance(instance.id))!.status).toBe('completed');
  });

  it('lets exactly one of two processes complete the same task', async () => {
    await enter(first.runtime, order('PG-RACE', 700_000));
    const [task] = await first.runtime.findTasks({ businessKey: 'PG-RACE' });
    const results = await Promise.allSettled([
      first.runtime.completeTask(task!.id, { approved: true }, vicePresident),
      second.runtime.completeTask(task!.id, { approved: false }, vicePresident),
    ]);
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    expect((results.find((result) => result.status === 'rejected') as PromiseRejectedResult).reason).toMatchObject({ code: 'conflict' });
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
      await first.runtime.completeJob(job!.id, {}, 'erp');
    }
    const view = await second.runtime.getInstance(instance.id);
    expect(view!.waiting.filter((wait) => wait.type === 'job').map((wait) => wait.jobType)).toEqual(['shipping']);
  });
});
