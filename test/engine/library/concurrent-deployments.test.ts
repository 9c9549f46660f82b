// Two deployments stored at the same moment on PostgreSQL (two server processes, or one server's pool): each was
// linted against the library as it stood before either, so the second to commit must be linted again against the
// first, even when they change different processes. Otherwise two files that each pass alone, but not together,
// both land: here a helper that writes the order's amount, and an approval that starts calling it.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { openStratum, type Stratum } from '../../../engine/index.js';
import { ProcessLibrary } from '../../../engine/library/process-library.js';
import { PostgresStore } from '../../../engine/store/postgres.js';
import type { Store, StoreTx } from '../../../engine/store/types.js';
import { describePostgres, freshSchema, inSchema, postgresAdmin } from '../../support/postgres.js';
import { arrayWith, objectWith } from '../../support/matchers.js';
import { director, enter, ManualClock, order, SAMPLE_RATES, shippedDiagrams } from '../../support/stratum-fixture.js';

const COA = 'credit-order-approval.bpmn';

/** A process from another tool that the approval may call; `write` is an output mapping of its one event. */
const helper = (write = '') => ({
  name: 'enrich.bpmn',
  xml: `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="Defs" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="enrich-order" isExecutable="true">
    <bpmn:startEvent id="Start"><bpmn:outgoing>F1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:intermediateThrowEvent id="Normalise" name="Normalise amount">${write}
      <bpmn:incoming>F1</bpmn:incoming><bpmn:outgoing>F2</bpmn:outgoing>
    </bpmn:intermediateThrowEvent>
    <bpmn:endEvent id="End"><bpmn:incoming>F2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="Normalise" />
    <bpmn:sequenceFlow id="F2" sourceRef="Normalise" targetRef="End" />
  </bpmn:process>
</bpmn:definitions>`,
});
const WRITES_AMOUNT = '<bpmn:extensionElements><zeebe:ioMapping><zeebe:output source="=1" target="reportingAmount" /></zeebe:ioMapping></bpmn:extensionElements>';

/** The shipped credit approval, calling enrich-order before its amount tiers. */
function approvalCallingHelper() {
  const xml = shippedDiagrams().find((file) => file.name === COA)!.xml;
  const edited = xml
    .replace('<bpmn:outgoing>Flow_Start_AmountTier</bpmn:outgoing>\n    </bpmn:startEvent>',
      '<bpmn:outgoing>Flow_Start_Enrich</bpmn:outgoing>\n    </bpmn:startEvent><bpmn:callActivity id="CallActivity_Enrich" name="Enrich order"><bpmn:extensionElements>' +
      '<zeebe:calledElement processId="enrich-order" propagateAllChildVariables="true" /></bpmn:extensionElements><bpmn:incoming>Flow_Start_Enrich</bpmn:incoming>' +
      '<bpmn:outgoing>Flow_Start_AmountTier</bpmn:outgoing></bpmn:callActivity>' +
      '<bpmn:sequenceFlow id="Flow_Start_Enrich" sourceRef="StartEvent_CreditOrderToApprove" targetRef="CallActivity_Enrich" />')
    .replace('sourceRef="StartEvent_CreditOrderToApprove" targetRef="Gateway_AmountTier"', 'sourceRef="CallActivity_Enrich" targetRef="Gateway_AmountTier"');
  expect(edited, 'the edit applies').not.toBe(xml);
  return { name: COA, xml: edited };
}

/** `store`, whose transactions stop before they store a process version until `open` is called. */
function gatedBeforeInsert(store: Store) {
  let open!: () => void;
  let reached!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  const atGate = new Promise<void>((resolve) => (reached = resolve));
  const gated = new Proxy(store, {
    get(target, property) {
      if (property !== 'transaction') return Reflect.get(target, property) as unknown;
      return <T>(work: (tx: StoreTx) => Promise<T>) => target.transaction((tx) => work(new Proxy(tx, {
        get(txTarget, txProperty) {
          const value = Reflect.get(txTarget, txProperty) as unknown;
          if (typeof value !== 'function') return value;
          const method = value as (...args: unknown[]) => unknown;
          if (txProperty !== 'insertVersion') return method.bind(txTarget);
          return async (...args: unknown[]) => {
            reached();
            await opened;
            return method.apply(txTarget, args);
          };
        },
      })));
    },
  });
  return { gated, atGate, open };
}

/** Resolves once a backend of `applicationName` waits for an advisory lock. */
async function waitingForAdvisoryLock(applicationName: string): Promise<void> {
  for (;;) {
    const { rows } = await postgresAdmin.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock' AND wait_event = 'advisory'",
      [applicationName],
    );
    if (rows[0].n > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describePostgres('two deployments stored at once on PostgreSQL', () => {
  let schema: string;
  let stores: PostgresStore[];
  let stratum: Stratum;
  const clock = new ManualClock();
  beforeEach(async () => {
    schema = await freshSchema();
    stores = [];
    stratum = await openStratum({ store: await open(), clock, orderEntry: { rates: SAMPLE_RATES } });
    await stratum.library.deploy([...shippedDiagrams(), helper()], { user: 'test' });
  });
  afterEach(async () => {
    await stratum.close();
    for (const store of stores) await store.close();
  });

  async function open(applicationName?: string) {
    const store = new PostgresStore({ ...inSchema(schema), ...(applicationName && { application_name: applicationName }) });
    await store.migrate();
    if (applicationName) stores.push(store);
    return store;
  }

  it('lints the second against the first: an approval that calls a helper is refused once the helper writes the amount, and a 2,000,000 order still waits for the sales director', async () => {
    // server 1 stores a helper that now writes reportingAmount: alone, nothing in an order calls it (a warning)
    const first = gatedBeforeInsert(await open('deploy-race-first'));
    const helperDeploy = new ProcessLibrary(first.gated, clock).deploy([helper(WRITES_AMOUNT)], { user: 'mallory', note: 'normalise' });
    await first.atGate;
    // meanwhile server 2 stores an approval that calls the helper; linted against the helper as it stood (harmless)
    const secondName = `deploy-race-second-${schema}`;
    const approvalDeploy = new ProcessLibrary(await open(secondName), clock)
      .deploy([approvalCallingHelper()], { user: 'ann', note: 'enrich first' })
      .then(() => 'stored', (error: unknown) => error);
    // the second either finishes or waits for the first to end its transaction
    await Promise.race([approvalDeploy, waitingForAdvisoryLock(secondName)]);
    first.open();

    expect((await helperDeploy).deployed).toEqual([{ key: 'enrich-order', version: 2, changed: true }]);
    expect(await approvalDeploy).toMatchObject({
      code: 'invalid',
      details: { findings: arrayWith([objectWith({ rule: 'order-fields-read-only', file: 'enrich-order (version 2, deployed)', elementId: 'Normalise', severity: 'error' })]) },
    });
    expect((await stratum.library.get('credit-order-approval'))?.latestVersion).toBe(1);
    await enter(stratum.runtime, order('SO-2000001', 2_000_000));
    expect((await stratum.runtime.findTasks({ businessKey: 'SO-2000001' })).map((task) => task.candidateGroups)).toEqual([director.groups]);
  });

  it('numbers two changes of one process sent at once to two servers 2 and 3, losing neither, and stores the same file sent twice once', async () => {
    const [one, two] = [new ProcessLibrary(await open('deploy-same-one'), clock), new ProcessLibrary(await open('deploy-same-two'), clock)];
    const renamed = (name: string) => ({ name: 'enrich.bpmn', xml: helper().xml.replace('name="Normalise amount"', `name="${name}"`) });
    const changes = await Promise.all([one.deploy([renamed('Normalise, first')], { user: 'ann' }), two.deploy([renamed('Normalise, second')], { user: 'bob' })]);
    expect(changes.flatMap((result) => result.deployed.map((entry) => [entry.version, entry.changed])).sort()).toEqual([[2, true], [3, true]]);
    const detail = await stratum.library.get('enrich-order');
    expect(detail?.versions.map((version) => [version.version, version.deployedBy])).toEqual([[1, 'test'], ...changes.map((result, index) => [result.deployed[0].version, ['ann', 'bob'][index]])].sort());

    const same = renamed('Normalise, third');
    const repeats = await Promise.all([one.deploy([same], { user: 'ann' }), two.deploy([same], { user: 'bob' })]);
    expect(repeats.map((result) => result.deployed[0]).sort((a, b) => Number(b.changed) - Number(a.changed))).toEqual([
      { key: 'enrich-order', version: 4, changed: true }, { key: 'enrich-order', version: 4, changed: false },
    ]);
    expect((await stratum.library.get('enrich-order'))?.latestVersion).toBe(4);
  });
});
