// Business rules that a check reads and a step then relies on, raced by two
// server processes on one PostgreSQL schema: each test pauses one process's
// transaction right after its check read, lets the other act in that window,
// and expects the rule to hold (without the order's lock, both pass).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { openStratum, type Stratum } from '../../../engine/index.js';
import { PostgresStore } from '../../../engine/store/postgres.js';
import { describePostgres, freshSchema, inSchema } from '../../support/postgres.js';
import { slowAfter } from '../../support/slow-store.js';
import { enter, erp, ManualClock, order, SAMPLE_RATES } from '../../support/stratum-fixture.js';

const ORDER_PROCESS = 'ship-then-invoice';
const integration = { user: 'erp' };
const PAUSE_MS = 150;
/** A process a message starts (not an order process): it may never start under an order's number. */
const MEMO = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="Defs_memo" targetNamespace="http://stratum.example/test">
  <bpmn:message id="Msg_memo" name="memo" />
  <bpmn:process id="memo" name="Memo" isExecutable="true">
    <bpmn:startEvent id="Filed"><bpmn:outgoing>G1</bpmn:outgoing><bpmn:messageEventDefinition messageRef="Msg_memo" /></bpmn:startEvent>
    <bpmn:sequenceFlow id="G1" sourceRef="Filed" targetRef="Read" />
    <bpmn:userTask id="Read" name="Read memo">
      <bpmn:extensionElements><zeebe:assignmentDefinition candidateGroups="warehouse" /></bpmn:extensionElements>
      <bpmn:incoming>G1</bpmn:incoming><bpmn:outgoing>G2</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="G2" sourceRef="Read" targetRef="Read_Done" />
    <bpmn:endEvent id="Read_Done"><bpmn:incoming>G2</bpmn:incoming></bpmn:endEvent>
  </bpmn:process>
</bpmn:definitions>`;

describePostgres('order rules raced by two server processes on PostgreSQL', () => {
  let schema: string;
  let first: Stratum;
  let slowStore: PostgresStore;
  const clock = new ManualClock();
  const orderEntry = { processKey: ORDER_PROCESS, rates: SAMPLE_RATES };

  beforeEach(async () => {
    schema = await freshSchema();
    const store = new PostgresStore(inSchema(schema));
    await store.migrate();
    first = await openStratum({ store, clock, orderEntry });
    slowStore = new PostgresStore(inSchema(schema));
    const xml = readFileSync(fileURLToPath(new URL('../../fixtures/engine/ships-then-invoices.bpmn', import.meta.url)), 'utf8');
    await first.library.deploy([{ name: 'ships-then-invoices.bpmn', xml }], { user: 'test' });
  });
  afterEach(async () => {
    await first.close();
    await slowStore.close();
  });

  /**
   * The second process, its transactions pausing after each read `pause` names. `nextPause()`, called before the step
   * it watches, resolves at that step's first pause: a step may make the read more than once (the open-change check,
   * then the order's status for its events), and a later pause must not stand for the next round's.
   */
  async function secondPausing(pause: (onCall: () => void) => ReturnType<typeof slowAfter>): Promise<{ stratum: Stratum; nextPause: () => Promise<void> }> {
    let reached: () => void = () => undefined;
    const slow = await openStratum({ store: pause(() => reached()), clock, orderEntry });
    return { stratum: slow, nextPause: () => new Promise<void>((resolve) => (reached = resolve)) };
  }

  async function enterShippable(orderNo: string): Promise<string> {
    await enter(first.runtime, order(orderNo, 80_000));
    const [shipping] = await first.runtime.fetchAndLockJobs({ type: 'shipping', workerId: 'erp', businessKey: orderNo });
    expect(shipping).toBeDefined();
    return shipping.id;
  }

  async function shippedAndChanges(orderNo: string): Promise<{ shipped: number; changes: number }> {
    const view = (await first.runtime.orderChanges(orderNo))!;
    const history = (await first.runtime.getInstance(view.instanceId))!.history;
    return {
      shipped: history.filter((item) => item.event === 'job.completed' && item.data?.jobType === 'shipping').length,
      changes: view.changes.length,
    };
  }

  it('refuses a change checked while the shipping job, already past its open-change check, completes on the other process (409 order-shipped)', async () => {
    // The shipping completion pauses after reading the order's changes (none open); the change is requested then.
    const { stratum: jobServer, nextPause } = await secondPausing((onCall) => slowAfter(slowStore, 'orderChanges', PAUSE_MS, onCall));
    for (let round = 1; round <= 3; round++) {
      const orderNo = `RACE-SHIP-${round}`;
      const jobId = await enterShippable(orderNo);
      const paused = nextPause();
      const results = await Promise.allSettled([
        jobServer.runtime.completeJob(jobId, {}, erp, 'erp'),
        paused.then(() => first.runtime.changeOrder(orderNo, { description: 'other colour' }, integration)),
      ]);
      expect(results[0].status, `round ${round}`).toBe('fulfilled');
      expect(results[1].status, `round ${round}: a change after shipping`).toBe('rejected');
      expect((results[1] as PromiseRejectedResult).reason).toMatchObject({ code: 'conflict', details: { problem: 'order-shipped' } });
      expect(await shippedAndChanges(orderNo), `round ${round}`).toEqual({ shipped: 1, changes: 0 });
    }
  });

  it('holds the shipping job completed while a change, already past its not-shipped check, is recorded on the other process (409 order-change-open)', async () => {
    // The change pauses after reading the order's history (not shipped); the shipping job is completed then.
    const { stratum: changeServer, nextPause } = await secondPausing((onCall) =>
      slowAfter(slowStore, 'historyOf', PAUSE_MS, onCall, (_ids, filter) => filter === undefined));
    for (let round = 1; round <= 3; round++) {
      const orderNo = `RACE-CHANGE-${round}`;
      const jobId = await enterShippable(orderNo);
      const paused = nextPause();
      const results = await Promise.allSettled([
        changeServer.runtime.changeOrder(orderNo, { description: 'other colour' }, integration),
        paused.then(() => first.runtime.completeJob(jobId, {}, erp, 'erp')),
      ]);
      expect(results[0].status, `round ${round}`).toBe('fulfilled');
      expect(results[1].status, `round ${round}: shipping while a change is open`).toBe('rejected');
      expect((results[1] as PromiseRejectedResult).reason).toMatchObject({ code: 'conflict', details: { problem: 'order-change-open' } });
      expect(await shippedAndChanges(orderNo), `round ${round}`).toEqual({ shipped: 0, changes: 1 });
    }
  });

  it('refuses an order entered under a number a message is starting another process under on the other process (409 business-key-taken)', async () => {
    await first.library.deploy([{ name: 'memo.bpmn', xml: MEMO }], { user: 'test' });
    // The message pauses after reading the message starts, past its "no order under this number" check; the order is entered then.
    const { stratum: messageServer, nextPause } = await secondPausing((onCall) => slowAfter(slowStore, 'latestCalls', PAUSE_MS, onCall));
    for (let round = 1; round <= 3; round++) {
      const orderNo = `RACE-MEMO-${round}`;
      const paused = nextPause();
      const results = await Promise.allSettled([
        messageServer.runtime.correlateMessage({ name: 'memo', businessKey: orderNo }),
        paused.then(() => enter(first.runtime, order(orderNo, 80_000))),
      ]);
      expect(results[0].status, `round ${round}`).toBe('fulfilled');
      expect(results[1].status, `round ${round}: an order under a number another process took`).toBe('rejected');
      expect((results[1] as PromiseRejectedResult).reason).toMatchObject({ code: 'conflict', details: { reason: 'business-key-taken' } });
      const under = (await first.runtime.findInstances({ businessKey: orderNo })).items;
      expect(under.map((instance) => instance.processKey), `round ${round}`).toEqual(['memo']);
      expect(await first.runtime.orderChanges(orderNo), `round ${round}`).toBeUndefined();
    }
  });

  it('starts nothing by a message under the number of an order being entered on the other process, past its "number free" check', async () => {
    await first.library.deploy([{ name: 'memo.bpmn', xml: MEMO }], { user: 'test' });
    // The entry pauses after reading the instances under its number (none); the message is sent then.
    const { stratum: entryServer, nextPause } = await secondPausing((onCall) =>
      slowAfter(slowStore, 'findInstances', PAUSE_MS, onCall, (filter) => filter.businessKey?.startsWith('RACE-ENTRY-') === true));
    for (let round = 1; round <= 3; round++) {
      const orderNo = `RACE-ENTRY-${round}`;
      const paused = nextPause();
      const results = await Promise.allSettled([
        enter(entryServer.runtime, order(orderNo, 80_000)),
        paused.then(() => first.runtime.correlateMessage({ name: 'memo', businessKey: orderNo })),
      ]);
      expect(results[0].status, `round ${round}`).toBe('fulfilled');
      if (results[1].status === 'fulfilled') expect(results[1].value.moved, `round ${round}: the message moves nothing`).toEqual([]);
      const under = (await first.runtime.findInstances({ businessKey: orderNo })).items;
      expect(under.map((instance) => instance.processKey), `round ${round}`).toEqual([ORDER_PROCESS]);
    }
  });
});
