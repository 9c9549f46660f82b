// The contract every Store implementation passes (SQLite and PostgreSQL).
// Each test gets a fresh, migrated, empty store from `makeStore`.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isRetryableConflict, StratumError } from '../../../engine/errors.js';
import type {
  DecisionVersionRow,
  HistoryRow,
  IncidentFilter,
  IncidentMatch,
  IncidentRow,
  InstanceRow,
  MessageRow,
  OrderChangeRow,
  OrderRow,
  ProcessVersionRow,
  RefusedFilter,
  Store,
  StoreTx,
  WaitFilter,
  WaitRow,
} from '../../../engine/store/types.js';
import type { PageAfter } from '../../../engine/store/page-cursor.js';
import { anyNumber } from '../../support/matchers.js';

const T0 = Date.parse('2026-03-01T08:00:00.000Z');
/** An ISO timestamp `seconds` after a fixed instant. */
export const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Listens to the store's job announcements. `settle(count)` waits for `count` job types (1 s at most) and a little
 * more, for any that should not come, and hands over what was heard, sorted.
 */
async function listenForJobTypes(store: Store): Promise<{ settle: (count: number) => Promise<string[]>; stop: () => Promise<void> }> {
  const heard: string[] = [];
  const stop = await store.watchJobs((jobType) => heard.push(jobType));
  const settle = async (count: number) => {
    for (let round = 0; round < 40 && heard.length < count; round++) await sleep(25);
    await sleep(50); // and nothing more
    return heard.splice(0).sort();
  };
  return { settle, stop };
}

export function versionRow(key: string, version: number, extra: Partial<ProcessVersionRow> = {}): ProcessVersionRow {
  return {
    key,
    version,
    name: `${key} v${version}`,
    xml: `<definitions><process id="${key}" /></definitions>`,
    hash: `hash-${key}-${version}`,
    calls: [],
    deploymentId: `deployment-${key}-${version}`,
    deployedBy: 'designer',
    deployedAt: at(version),
    note: null,
    ...extra,
  };
}

export function instanceRow(id: string, extra: Partial<InstanceRow> = {}): InstanceRow {
  return {
    id,
    processKey: 'order-to-cash',
    version: 1,
    businessKey: null,
    parentId: null,
    parentElementId: null,
    parentExecutionId: null,
    rootId: id,
    status: 'running',
    state: { engine: 'state' },
    variables: {},
    incident: null,
    revision: 1,
    startedBy: 'ann',
    createdAt: at(0),
    updatedAt: at(0),
    endedAt: null,
    ...extra,
  };
}

export function waitRow(id: string, instanceId: string, extra: Partial<WaitRow> = {}): WaitRow {
  return {
    id,
    instanceId,
    rootId: instanceId,
    businessKey: null,
    kind: 'task',
    elementId: `element-${id}`,
    executionId: `execution-${id}`,
    name: null,
    candidateGroups: null,
    assignee: null,
    candidateUsers: null,
    claimedBy: null,
    claimedAt: null,
    messageName: null,
    messageId: null,
    correlationKey: null,
    dueAt: null,
    jobType: null,
    jobRetries: null,
    jobRetriesSet: false,
    jobError: null,
    lockedBy: null,
    lockExpiresAt: null,
    childInstanceId: null,
    variables: null,
    createdAt: at(0),
    ...extra,
  };
}

function messageRow(id: string, extra: Partial<MessageRow> = {}): MessageRow {
  return {
    id,
    messageId: null,
    name: 'PaymentReceived',
    correlationKey: 'SO-1',
    variables: { paidAmount: 100 },
    rootId: null,
    state: 'buffered',
    receivedBy: 'erp',
    receivedVia: 'camunda8',
    receivedAt: at(0),
    expiresAt: at(3600),
    deliveredTo: null,
    deliveredAt: null,
    ...extra,
  };
}

function changeRow(orderNo: string, changeId: string, seq: number, fields: Partial<OrderChangeRow> = {}): OrderChangeRow {
  return {
    orderNo, changeId, seq, description: `change ${changeId}`, amount: null, reportingAmount: null, status: 'open',
    requestHash: `{"${changeId}"}`, requestedBy: 'erp', requestedAt: at(seq), settledAt: null, ...fields,
  };
}

function incidentRow(id: string, instanceId: string, extra: Partial<IncidentRow> = {}): IncidentRow {
  return {
    id,
    instanceId,
    rootId: instanceId,
    processKey: 'order-to-cash',
    businessKey: 'SO-1',
    elementId: 'Approve',
    message: 'condition failed',
    reason: null,
    kind: 'step',
    causeId: null,
    waitId: null,
    action: { type: 'signal', elementId: 'Approve', executionId: 'Approve_1' },
    stateBefore: { engine: 'state before' },
    variablesBefore: { amount: 10 },
    waitsBefore: [waitRow('w1', instanceId)],
    createdAt: at(0),
    resolvedAt: null,
    resolvedBy: null,
    resolution: null,
    ...extra,
  };
}

function historyRow(instanceId: string, event: string, extra: Partial<HistoryRow> = {}): HistoryRow {
  return {
    instanceId,
    at: at(0),
    actor: null,
    event,
    elementId: null,
    elementType: null,
    waitId: null,
    data: null,
    ...extra,
  };
}

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject, but it resolved');
}

async function expectStratumError(promise: Promise<unknown>, code: StratumError['code']): Promise<StratumError> {
  const error = await rejectionOf(promise);
  expect(error).toBeInstanceOf(StratumError);
  expect((error as StratumError).code).toBe(code);
  return error as StratumError;
}

/** A write that found its row already there: a conflict the step executor retries (another transaction inserted it first). */
async function expectLostRace(promise: Promise<unknown>): Promise<StratumError> {
  const error = await expectStratumError(promise, 'conflict');
  expect(isRetryableConflict(error), error.message).toBe(true);
  return error;
}

/** Deploys order-to-cash v1 and starts instances with the given ids (FKs need both). */
async function seed(store: Store, ...instances: InstanceRow[]): Promise<void> {
  await store.transaction(async (tx) => {
    if (!(await tx.getVersion('order-to-cash', 1))) await tx.insertVersion(versionRow('order-to-cash', 1));
    for (const instance of instances) await tx.insertInstance(instance);
  });
}

const ids = (rows: { id: string }[]) => rows.map((row) => row.id);

export function describeStoreContract(name: string, makeStore: () => Promise<Store>): void {
  describe(`${name} store contract`, () => {
    let store: Store;

    beforeEach(async () => {
      store = await makeStore();
    });

    afterEach(async () => {
      await store.close();
    });

    describe('schema', () => {
      it('migrates idempotently: a second migrate() keeps the data', async () => {
        await seed(store, instanceRow('i1'));
        await store.migrate();
        await store.migrate();
        expect((await store.read((tx) => tx.getInstance('i1')))?.id).toBe('i1');
      });
    });

    describe('process library', () => {
      it('keeps every field of a deployed version, the XML byte for byte', async () => {
        const xml = '<?xml version="1.0" encoding="UTF-8"?>\r\n<definitions>\n\t<process id="a" name="Prüfung — 审批 ✓ &amp; \'quoted\'" />\n</definitions>\n';
        const row = versionRow('credit-order-approval', 1, {
          xml,
          calls: ['special-change-notification', 'prepaid-entry-control'],
          note: 'first release',
        });
        await store.transaction((tx) => tx.insertVersion(row));
        expect(await store.read((tx) => tx.getVersion('credit-order-approval', 1))).toEqual(row);
        expect(await store.read((tx) => tx.getVersion('credit-order-approval', 2))).toBeUndefined();
        expect(await store.read((tx) => tx.getVersion('unknown', 1))).toBeUndefined();
      });

      it('finds the latest version of a key and lists all versions oldest first', async () => {
        await store.transaction(async (tx) => {
          await tx.insertVersion(versionRow('order-to-cash', 2));
          await tx.insertVersion(versionRow('order-to-cash', 1));
          await tx.insertVersion(versionRow('order-to-cash', 3));
        });
        expect((await store.read((tx) => tx.latestVersion('order-to-cash')))?.version).toBe(3);
        expect(await store.read((tx) => tx.latestVersion('nothing'))).toBeUndefined();
        expect(await store.read((tx) => tx.latestVersionNumber('order-to-cash'))).toBe(3);
        expect(await store.read((tx) => tx.latestVersionNumber('nothing'))).toBeUndefined();
        const versions = await store.read((tx) => tx.versionsOf('order-to-cash'));
        expect(versions.map((v) => v.version)).toEqual([1, 2, 3]);
        expect(await store.read((tx) => tx.versionsOf('nothing'))).toEqual([]);
      });

      it('lists the latest version of every key, ordered by key (byte order)', async () => {
        await store.transaction(async (tx) => {
          await tx.insertVersion(versionRow('b-process', 1));
          await tx.insertVersion(versionRow('a-process', 1));
          await tx.insertVersion(versionRow('b-process', 2));
          await tx.insertVersion(versionRow('B-process', 1));
          await tx.insertVersion(versionRow('a-process', 2));
          await tx.insertVersion(versionRow('a-process', 3));
        });
        const latest = await store.read((tx) => tx.latestVersions());
        expect(latest.map((v) => [v.key, v.version])).toEqual([
          ['B-process', 1],
          ['a-process', 3],
          ['b-process', 2],
        ]);
      });

      it('reads the call graph without the XML: the latest version of every key with its calls, and every key ever called', async () => {
        await store.transaction(async (tx) => {
          await tx.insertVersion(versionRow('b-process', 1, { calls: ['c-process'] }));
          await tx.insertVersion(versionRow('a-process', 1, { calls: ['b-process', 'c-process'] }));
          await tx.insertVersion(versionRow('b-process', 2, { calls: [] }));
          await tx.insertVersion(versionRow('c-process', 1));
        });
        expect(await store.read((tx) => tx.latestCalls())).toEqual([
          { key: 'a-process', version: 1, calls: ['b-process', 'c-process'] },
          { key: 'b-process', version: 2, calls: [] },
          { key: 'c-process', version: 1, calls: [] },
        ]);
        // c-process: called by a-process 1 and b-process 1 (no more by b-process 2); a process calling itself does not count
        await store.transaction((tx) => tx.insertVersion(versionRow('d-process', 1, { calls: ['d-process'] })));
        expect(await store.read((tx) => tx.everCalledKeys())).toEqual(['b-process', 'c-process']);
        expect(await store.read((tx) => tx.latestCalls())).toEqual(
          (await store.read((tx) => tx.latestVersions())).map(({ key, version, calls }) => ({ key, version, calls })),
        );
        expect(await store.read((tx) => tx.everCalledKeys())).toEqual(['b-process', 'c-process']);
      });

      it('refuses a second deployment of the same key and version with a conflict, keeping the first', async () => {
        await store.transaction((tx) => tx.insertVersion(versionRow('order-to-cash', 1)));
        const error = await expectLostRace(store.transaction((tx) => tx.insertVersion(versionRow('order-to-cash', 1, { xml: '<other/>' }))));
        expect(error.message).toContain('order-to-cash');
        expect((await store.read((tx) => tx.getVersion('order-to-cash', 1)))?.xml).toBe(versionRow('order-to-cash', 1).xml);
      });

      it('serialises two deployments of different processes with lockLibrary: the later reads the earlier one\'s version', async () => {
        const order: string[] = [];
        let locked: () => void = () => undefined;
        const firstLocked = new Promise<void>((resolve) => (locked = resolve));
        const first = store.transaction(async (tx) => {
          await tx.lockLibrary();
          order.push('first locked');
          locked();
          await sleep(50);
          await tx.insertVersion(versionRow('a-process', 1));
          order.push('first wrote');
        });
        await firstLocked;
        const second = store.transaction(async (tx) => {
          await tx.lockLibrary();
          order.push('second locked');
          return (await tx.latestCalls()).map(({ key }) => key);
        });
        const [, seen] = await Promise.all([first, second]);
        expect(order).toEqual(['first locked', 'first wrote', 'second locked']);
        expect(seen).toEqual(['a-process']);
        expect(String(await rejectionOf(store.read((tx) => tx.lockLibrary())))).toMatch(/lockLibrary\(\) writes/);
      });
    });

    describe('decisions', () => {
      const decisionRow = (decisionId: string, version: number, overrides: Partial<DecisionVersionRow> = {}): DecisionVersionRow => ({
        decisionId, version, name: `Decision ${decisionId}`, fileName: 'rules.dmn',
        xml: `<definitions id="d-${decisionId}-${version}"/>`, hash: `hash-${decisionId}-${version}`,
        deploymentId: 'deployment-1', deployedBy: 'designer', deployedAt: '2026-03-01T10:00:00.000Z', note: null, ...overrides,
      });

      it('keeps every field of a decision version, the DMN file byte for byte', async () => {
        const xml = '<?xml version="1.0" encoding="UTF-8"?>\r\n<definitions>\n\t<decision id="dish" name="Gericht — 菜 ✓ &amp;"/>\n</definitions>\n';
        const row = decisionRow('dish', 1, { xml, name: null, note: 'first rules' });
        await store.transaction((tx) => tx.insertDecisionVersion(row));
        expect(await store.read((tx) => tx.getDecisionVersion('dish', 1))).toEqual(row);
        expect(await store.read((tx) => tx.getDecisionVersion('dish', 2))).toBeUndefined();
      });

      it('lists the latest version of every decision by id (byte order) and all versions of one oldest first', async () => {
        await store.transaction(async (tx) => {
          for (const [id, version] of [['season', 2], ['dish', 1], ['season', 1], ['Dish', 1], ['dish', 3], ['dish', 2]] as const) {
            await tx.insertDecisionVersion(decisionRow(id, version));
          }
        });
        const latest = await store.read((tx) => tx.latestDecisionVersions());
        expect(latest.map((row) => [row.decisionId, row.version])).toEqual([['Dish', 1], ['dish', 3], ['season', 2]]);
        expect((await store.read((tx) => tx.decisionVersionsOf('dish'))).map((row) => row.version)).toEqual([1, 2, 3]);
        expect(await store.read((tx) => tx.decisionVersionsOf('nothing'))).toEqual([]);
      });

      it('refuses a second row for the same decision and version with a conflict, keeping the first', async () => {
        await store.transaction((tx) => tx.insertDecisionVersion(decisionRow('dish', 1)));
        const error = await expectLostRace(store.transaction((tx) => tx.insertDecisionVersion(decisionRow('dish', 1, { xml: '<other/>' }))));
        expect(error.message).toContain('dish');
        expect((await store.read((tx) => tx.getDecisionVersion('dish', 1)))?.xml).toBe(decisionRow('dish', 1).xml);
      });

      it('reads the process and decision versions one deployment stored, by key and id, and none of another', async () => {
        const deployment = { deploymentId: 'deployment-2', deployedAt: at(2) };
        await store.transaction(async (tx) => {
          await tx.insertVersion(versionRow('b-process', 1));
          await tx.insertVersion(versionRow('b-process', 2, deployment));
          await tx.insertVersion(versionRow('a-process', 1, deployment));
          await tx.insertDecisionVersion(decisionRow('season', 1, deployment));
          await tx.insertDecisionVersion(decisionRow('dish', 1, deployment));
          await tx.insertDecisionVersion(decisionRow('dish', 2, { deploymentId: 'deployment-3' }));
        });
        const stored = await store.read((tx) => tx.deploymentVersions('deployment-2'));
        expect(stored.processes).toEqual([versionRow('a-process', 1, deployment), versionRow('b-process', 2, deployment)]);
        expect(stored.decisions).toEqual([decisionRow('dish', 1, deployment), decisionRow('season', 1, deployment)]);
        expect(await store.read((tx) => tx.deploymentVersions('nothing'))).toEqual({ processes: [], decisions: [] });
      });
    });

    describe('instances', () => {
      it('round-trips every field, with nested, unicode variables and engine state', async () => {
        const variables = {
          orderNo: 'SO-4711',
          amount: 1_000_000.01,
          prepaid: false,
          customer: { name: 'Müller & Söhne «GmbH»', city: '東京', emoji: '🚚📦', quote: 'he said "hi"\\n' },
          lines: [{ sku: 'A-1', qty: 3 }, { sku: 'B-2', qty: 0.5, tags: ['x', null, true] }],
          empty: {},
          nothing: null,
        };
        const row = instanceRow('i1', {
          businessKey: 'SO-4711',
          variables,
          state: { definitions: [{ id: 'def', execution: { elements: [1, 2, { deep: { deeper: ['ok'] } }] } }] },
          incident: { elementId: 'ServiceTask_1', message: 'Fehler: ungültig' },
          createdAt: '2026-03-01T08:00:00.123Z',
          updatedAt: '2026-03-01T09:30:00.456Z',
        });
        await seed(store, row);
        const stored = await store.read((tx) => tx.getInstance('i1'));
        expect(stored).toEqual(row);
        expect(await store.read((tx) => tx.getInstance('missing'))).toBeUndefined();
      });

      it('stores null state, incident and end time as null', async () => {
        const row = instanceRow('i1', { state: null, status: 'completed', endedAt: at(60) });
        await seed(store, row);
        expect(await store.read((tx) => tx.getInstance('i1'))).toEqual(row);
      });

      it('refuses a second instance with the same id', async () => {
        await seed(store, instanceRow('i1'));
        await expectLostRace(store.transaction((tx) => tx.insertInstance(instanceRow('i1'))));
      });

      it('updates an instance whose stored revision is one less, and refuses a stale revision', async () => {
        await seed(store, instanceRow('i1', { revision: 1 }));
        const next = instanceRow('i1', {
          revision: 2,
          status: 'completed',
          state: null,
          variables: { approved: true },
          endedAt: at(10),
          updatedAt: at(10),
        });
        expect(await store.transaction((tx) => tx.updateInstance(next))).toBe(true);
        expect(await store.read((tx) => tx.getInstance('i1'))).toEqual(next);

        const stale = instanceRow('i1', { revision: 2, variables: { approved: false } });
        expect(await store.transaction((tx) => tx.updateInstance(stale))).toBe(false);
        const skipping = instanceRow('i1', { revision: 4, variables: { approved: false } });
        expect(await store.transaction((tx) => tx.updateInstance(skipping))).toBe(false);
        expect(await store.read((tx) => tx.getInstance('i1'))).toEqual(next);
        expect(await store.transaction((tx) => tx.updateInstance(instanceRow('missing', { revision: 2 })))).toBe(false);
      });

      it('keeps what an instance was inserted as (process, version, business key, parents, root, starter) on update', async () => {
        const inserted = instanceRow('i1', { revision: 1, businessKey: 'SO-1', startedBy: 'ann' });
        await seed(store, inserted);
        const moved = instanceRow('i1', {
          revision: 2, processKey: 'other', version: 9, businessKey: 'SO-2', parentId: 'p', rootId: 'p', startedBy: 'bob',
          status: 'completed', state: null, variables: { approved: true }, endedAt: at(10), updatedAt: at(10),
        });
        expect(await store.transaction((tx) => tx.updateInstance(moved))).toBe(true);
        expect(await store.read((tx) => tx.getInstance('i1'))).toEqual({
          ...inserted, revision: 2, status: 'completed', state: null, variables: { approved: true }, endedAt: at(10), updatedAt: at(10),
        });
      });

      it('lets exactly one of two concurrent updates from the same revision win', async () => {
        await seed(store, instanceRow('i1', { revision: 1 }));
        const attempt = (who: string) =>
          store.transaction(async (tx) => {
            await sleep(20);
            return tx.updateInstance(instanceRow('i1', { revision: 2, variables: { who } }));
          });
        const results = await Promise.all([attempt('ann'), attempt('bob')]);
        expect(results.filter(Boolean)).toHaveLength(1);
        const winner = results[0] ? 'ann' : 'bob';
        expect((await store.read((tx) => tx.getInstance('i1')))?.variables).toEqual({ who: winner });
      });

      it('holds a locked instance until the transaction ends, so the next step sees the committed revision', async () => {
        await seed(store, instanceRow('i1', { revision: 1 }));
        const step = async (tx: StoreTx, who: string) => {
          const current = await tx.getInstance('i1', { lock: true });
          if (!current) throw new Error('instance vanished');
          await sleep(50);
          const ok = await tx.updateInstance({ ...current, revision: current.revision + 1, variables: { ...current.variables, [who]: true } });
          return ok;
        };
        const first = store.transaction((tx) => step(tx, 'first'));
        await sleep(10);
        const second = store.transaction((tx) => step(tx, 'second'));
        expect(await Promise.all([first, second])).toEqual([true, true]);
        const stored = await store.read((tx) => tx.getInstance('i1'));
        expect(stored?.revision).toBe(3);
        expect(stored?.variables).toEqual({ first: true, second: true });
      });

      it('finds instances by process, business key, status, call tree and root-only, newest first, paged', async () => {
        await store.transaction(async (tx) => {
          await tx.insertVersion(versionRow('order-to-cash', 1));
          await tx.insertVersion(versionRow('credit-order-approval', 1));
          await tx.insertInstance(instanceRow('a', { businessKey: 'SO-1', createdAt: at(1) }));
          await tx.insertInstance(instanceRow('b', { businessKey: 'SO-2', createdAt: at(3), status: 'completed' }));
          await tx.insertInstance(instanceRow('c', { businessKey: 'SO-1', createdAt: at(2) }));
          await tx.insertInstance(instanceRow('d', { businessKey: 'SO-1', createdAt: at(2) }));
          await tx.insertInstance(
            instanceRow('child', {
              processKey: 'credit-order-approval',
              businessKey: 'SO-1',
              parentId: 'a',
              parentElementId: 'CallCredit',
              parentExecutionId: 'CallCredit_exec',
              rootId: 'a',
              createdAt: at(4),
            }),
          );
        });
        const find = (filter: Parameters<StoreTx['findInstances']>[0]) => store.read((tx) => tx.findInstances(filter));
        const count = (filter: Parameters<StoreTx['countInstances']>[0]) => store.read((tx) => tx.countInstances(filter));

        expect(ids(await find({}))).toEqual(['child', 'b', 'c', 'd', 'a']);
        expect(await count({})).toBe(5);
        expect(ids(await find({ rootOnly: true }))).toEqual(['b', 'c', 'd', 'a']);
        expect(ids(await find({ businessKey: 'SO-1' }))).toEqual(['child', 'c', 'd', 'a']);
        expect(ids(await find({ businessKey: 'SO-1', rootOnly: true }))).toEqual(['c', 'd', 'a']);
        expect(ids(await find({ processKey: 'credit-order-approval' }))).toEqual(['child']);
        expect(ids(await find({ rootId: 'a' }))).toEqual(['child', 'a']);
        expect(ids(await find({ rootId: 'child' }))).toEqual([]);
        expect(ids(await find({ rootIds: ['a', 'b'] }))).toEqual(['child', 'b', 'a']);
        expect(ids(await find({ rootIds: [] }))).toEqual([]);
        expect(ids(await find({ status: 'completed' }))).toEqual(['b']);
        expect(ids(await find({ status: 'running', processKey: 'order-to-cash', businessKey: 'SO-2' }))).toEqual([]);
        expect(ids(await find({ limit: 2 }))).toEqual(['child', 'b']);
        expect(ids(await find({ limit: 2, offset: 2 }))).toEqual(['c', 'd']);
        expect(ids(await find({ offset: 3 }))).toEqual(['d', 'a']);
        expect(ids(await find({ limit: 0 }))).toEqual([]);
        expect(await count({ businessKey: 'SO-1', rootOnly: true, limit: 1 })).toBe(3);
        expect(await count({ status: 'failed' })).toBe(0);
        await expectStratumError(find({ limit: -1 }), 'invalid');
        await expectStratumError(find({ offset: 1.5 }), 'invalid');
      });

      it('pages instances newest first by keyset: each page starts strictly after the last row of the one before', async () => {
        await seed(
          store,
          instanceRow('a', { createdAt: at(1) }),
          instanceRow('c', { createdAt: at(2), status: 'completed' }),
          instanceRow('d', { createdAt: at(2) }),
          instanceRow('e', { createdAt: at(2) }),
          instanceRow('b', { createdAt: at(3) }),
        );
        const find = (filter: Parameters<StoreTx['findInstances']>[0]) => store.read(async (tx) => ids(await tx.findInstances(filter)));
        const after = (id: string, seconds: number) => ({ id, createdAt: at(seconds) });
        expect(await find({})).toEqual(['b', 'c', 'd', 'e', 'a']);
        expect(await find({ limit: 2 })).toEqual(['b', 'c']);
        expect(await find({ limit: 2, after: after('c', 2) })).toEqual(['d', 'e']);
        expect(await find({ limit: 2, after: after('e', 2) })).toEqual(['a']);
        expect(await find({ after: after('a', 1) })).toEqual([]);
        expect(await find({ status: 'running', after: after('b', 3) })).toEqual(['d', 'e', 'a']);
        // a cursor is a position, not a row: it still works when its row is gone
        expect(await find({ after: after('cc', 2) })).toEqual(['d', 'e', 'a']);
        expect(await store.read((tx) => tx.countInstances({ after: after('c', 2) }))).toBe(5);
        await expectStratumError(find({ after: { id: 'a', createdAt: 'yesterday' } }), 'invalid');
      });

      it('lists the children of an instance oldest first', async () => {
        await seed(
          store,
          instanceRow('root'),
          instanceRow('late', { parentId: 'root', rootId: 'root', createdAt: at(9) }),
          instanceRow('early', { parentId: 'root', rootId: 'root', createdAt: at(5) }),
          instanceRow('other'),
        );
        expect(ids(await store.read((tx) => tx.childrenOf('root')))).toEqual(['early', 'late']);
        expect(await store.read((tx) => tx.childrenOf('other'))).toEqual([]);
      });
    });

    describe('waits', () => {
      it('round-trips every field of a wait', async () => {
        await seed(store, instanceRow('i1', { businessKey: 'SO-1' }));
        const job = waitRow('w-job', 'i1', {
          businessKey: 'SO-1',
          kind: 'job',
          name: 'Plan procurement',
          jobType: 'procurement-planning',
          jobRetries: 3,
          jobRetriesSet: true,
          jobError: 'last: timeout',
          lockedBy: 'worker-1',
          lockExpiresAt: at(300),
          variables: { orderNo: 'SO-1', lines: [{ sku: 'Ä', qty: 2 }] },
          createdAt: at(5),
        });
        const message = waitRow('w-msg', 'i1', {
          kind: 'message',
          messageName: 'PaymentReceived',
          messageId: 'Message_Payment',
          correlationKey: 'SO-1',
        });
        const timer = waitRow('w-timer', 'i1', { kind: 'timer', dueAt: at(3600) });
        const call = waitRow('w-call', 'i1', { kind: 'call', childInstanceId: 'child-1' });
        const task = waitRow('w-task', 'i1', { candidateGroups: ['vice-president', 'sales-director'], name: 'Approve', assignee: 'anna', candidateUsers: ['bob', 'Zoë'], claimedBy: 'Zoë', claimedAt: at(7) });
        const noGroups = waitRow('w-empty', 'i1', { candidateGroups: [] });
        await store.transaction((tx) => tx.replaceWaits('i1', [job, message, timer, call, task, noGroups]));
        for (const wait of [job, message, timer, call, task, noGroups]) {
          expect(await store.read((tx) => tx.getWait(wait.id))).toEqual(wait);
        }
        expect(await store.read((tx) => tx.getWait('missing'))).toBeUndefined();
      });

      it('replaceWaits updates kept waits but keeps their createdAt and job lock state, inserts new and deletes missing ones', async () => {
        await seed(store, instanceRow('i1'), instanceRow('i2'));
        await store.transaction(async (tx) => {
          await tx.replaceWaits('i1', [
            waitRow('job', 'i1', { kind: 'job', jobType: 'shipping', jobRetries: 3, createdAt: at(1), variables: { v: 1 } }),
            waitRow('task', 'i1', { name: 'Old name', candidateGroups: ['sales'], createdAt: at(2) }),
            waitRow('gone', 'i1', { createdAt: at(3) }),
          ]);
          await tx.replaceWaits('i2', [waitRow('other', 'i2')]);
        });
        await store.transaction(async (tx) => {
          const [locked] = await tx.lockJobs('shipping', 'worker-1', at(10), at(70), 1);
          expect(locked?.id).toBe('job');
          const job = await tx.getWait('job');
          await tx.updateWait({ ...job!, jobRetries: 2, jobRetriesSet: true, jobError: 'warehouse offline' });
        });

        // the engine hands fresh rows: new createdAt, no lock state
        await store.transaction((tx) =>
          tx.replaceWaits('i1', [
            waitRow('job', 'i1', { kind: 'job', jobType: 'shipping', jobRetries: 3, createdAt: at(50), variables: { v: 2 } }),
            waitRow('task', 'i1', { name: 'New name', candidateGroups: ['vice-president'], createdAt: at(50) }),
            waitRow('new', 'i1', { createdAt: at(50) }),
          ]),
        );

        const waits = await store.read((tx) => tx.findWaits({ instanceId: 'i1' }));
        expect(ids(waits)).toEqual(['job', 'task', 'new']);
        const [job, task, added] = waits;
        expect(job).toMatchObject({
          createdAt: at(1),
          variables: { v: 2 },
          lockedBy: 'worker-1',
          lockExpiresAt: at(70),
          jobRetries: 2,
          jobRetriesSet: true,
          jobError: 'warehouse offline',
        });
        expect(task).toMatchObject({ createdAt: at(2), name: 'New name', candidateGroups: ['vice-president'] });
        expect(added?.createdAt).toBe(at(50));
        expect(await store.read((tx) => tx.getWait('gone'))).toBeUndefined();
        expect(ids(await store.read((tx) => tx.findWaits({ candidateGroup: 'sales' })))).toEqual([]);
        expect(ids(await store.read((tx) => tx.findWaits({ candidateGroup: 'vice-president' })))).toEqual(['task']);
        // other instances are untouched
        expect(ids(await store.read((tx) => tx.findWaits({ instanceId: 'i2' })))).toEqual(['other']);

        await store.transaction((tx) => tx.replaceWaits('i1', []));
        expect(await store.read((tx) => tx.findWaits({ instanceId: 'i1' }))).toEqual([]);
        expect(await store.read((tx) => tx.findWaits({ candidateGroup: 'vice-president' }))).toEqual([]);
      });

      it('replaceWaits refuses waits of another instance, duplicate ids and ids another instance owns', async () => {
        await seed(store, instanceRow('i1'), instanceRow('i2'));
        await store.transaction((tx) => tx.replaceWaits('i2', [waitRow('taken', 'i2')]));
        await expectStratumError(store.transaction((tx) => tx.replaceWaits('i1', [waitRow('w', 'i2')])), 'invalid');
        await expectStratumError(
          store.transaction((tx) => tx.replaceWaits('i1', [waitRow('w', 'i1'), waitRow('w', 'i1')])),
          'invalid',
        );
        await expectLostRace(store.transaction((tx) => tx.replaceWaits('i1', [waitRow('taken', 'i1')])));
        expect((await store.read((tx) => tx.getWait('taken')))?.instanceId).toBe('i2');
        expect(await store.read((tx) => tx.findWaits({ instanceId: 'i1' }))).toEqual([]);
      });

      it('matches candidate groups exactly: "sales" never finds a "sales-director" task', async () => {
        await seed(store, instanceRow('i1', { businessKey: 'SO-1' }), instanceRow('i2', { businessKey: 'SO-2' }));
        await store.transaction(async (tx) => {
          await tx.replaceWaits('i1', [
            waitRow('director', 'i1', { businessKey: 'SO-1', candidateGroups: ['sales-director'], createdAt: at(1) }),
            waitRow('sales', 'i1', { businessKey: 'SO-1', candidateGroups: ['sales', 'sales'], createdAt: at(2) }),
            waitRow('both', 'i1', { businessKey: 'SO-1', candidateGroups: ['vice-president', 'sales'], createdAt: at(3) }),
            waitRow('percent', 'i1', { businessKey: 'SO-1', candidateGroups: ['sa%', 'sal_s'], createdAt: at(4) }),
          ]);
          await tx.replaceWaits('i2', [waitRow('sales-2', 'i2', { businessKey: 'SO-2', candidateGroups: ['sales'], createdAt: at(5) })]);
        });
        const byGroup = (candidateGroup: string, businessKey?: string) =>
          store.read(async (tx) => ids(await tx.findWaits({ candidateGroup, businessKey })));
        expect(await byGroup('sales')).toEqual(['sales', 'both', 'sales-2']);
        expect(await byGroup('sales-director')).toEqual(['director']);
        expect(await byGroup('sales', 'SO-2')).toEqual(['sales-2']);
        expect(await byGroup('Sales')).toEqual([]);
        expect(await byGroup('sa%')).toEqual(['percent']);
        expect(await byGroup('director')).toEqual([]);
        expect((await store.read((tx) => tx.getWait('sales')))?.candidateGroups).toEqual(['sales', 'sales']);
      });

      it('combines wait filters with AND and orders by createdAt, then id', async () => {
        await seed(
          store,
          instanceRow('root', { businessKey: 'SO-1' }),
          instanceRow('child', { businessKey: 'SO-1', parentId: 'root', rootId: 'root' }),
          instanceRow('other', { businessKey: 'SO-2' }),
        );
        await store.transaction(async (tx) => {
          await tx.replaceWaits('root', [
            waitRow('r-pay', 'root', { kind: 'message', businessKey: 'SO-1', messageName: 'PaymentReceived', correlationKey: 'SO-1', createdAt: at(2) }),
            waitRow('r-call', 'root', { kind: 'call', businessKey: 'SO-1', childInstanceId: 'child', createdAt: at(1) }),
          ]);
          await tx.replaceWaits('child', [
            waitRow('c-b', 'child', { rootId: 'root', kind: 'message', businessKey: 'SO-1', messageName: 'ShipmentRequested', correlationKey: 'SO-1', createdAt: at(3) }),
            waitRow('c-a', 'child', { rootId: 'root', kind: 'message', businessKey: 'SO-1', messageName: 'PaymentReceived', correlationKey: 'SO-1', createdAt: at(3) }),
          ]);
          await tx.replaceWaits('other', [
            waitRow('o-pay', 'other', { kind: 'message', businessKey: 'SO-2', messageName: 'PaymentReceived', correlationKey: 'SO-2', createdAt: at(0) }),
          ]);
        });
        const find = (filter: Parameters<StoreTx['findWaits']>[0]) => store.read(async (tx) => ids(await tx.findWaits(filter)));
        expect(await find({})).toEqual(['o-pay', 'r-call', 'r-pay', 'c-a', 'c-b']);
        expect(await find({ rootId: 'root' })).toEqual(['r-call', 'r-pay', 'c-a', 'c-b']);
        expect(await find({ rootIds: ['root', 'other'] })).toEqual(['o-pay', 'r-call', 'r-pay', 'c-a', 'c-b']);
        expect(await find({ rootIds: ['other'], kind: 'message' })).toEqual(['o-pay']);
        expect(await find({ rootIds: [] })).toEqual([]);
        expect(await find({ businessKey: 'SO-1', kind: 'message' })).toEqual(['r-pay', 'c-a', 'c-b']);
        expect(await find({ messageName: 'PaymentReceived' })).toEqual(['o-pay', 'r-pay', 'c-a']);
        expect(await find({ kind: 'message', messageName: 'PaymentReceived', correlationKey: 'SO-1' })).toEqual(['r-pay', 'c-a']);
        expect(await find({ messageName: 'PaymentReceived', correlationKey: 'SO-1', instanceId: 'child' })).toEqual(['c-a']);
        expect(await find({ kind: 'call', businessKey: 'SO-2' })).toEqual([]);
        expect(await find({ kind: 'timer' })).toEqual([]);
      });

      it('finds tasks by element and by the process of their own instance, with the other filters and in keyset pages', async () => {
        await store.transaction((tx) => tx.insertVersion(versionRow('credit-order-approval', 1)));
        await seed(
          store,
          instanceRow('order', { businessKey: 'SO-1' }),
          instanceRow('approval', { processKey: 'credit-order-approval', businessKey: 'SO-1', parentId: 'order', rootId: 'order' }),
          instanceRow('other-approval', { processKey: 'credit-order-approval', businessKey: 'SO-2' }),
        );
        await store.transaction(async (tx) => {
          await tx.replaceWaits('order', [waitRow('entry', 'order', { businessKey: 'SO-1', elementId: 'Approve', candidateGroups: ['vp'], createdAt: at(1) })]);
          await tx.replaceWaits('approval', [
            waitRow('director', 'approval', { rootId: 'order', businessKey: 'SO-1', elementId: 'Approve', candidateGroups: ['sd'], createdAt: at(2) }),
            waitRow('review', 'approval', { rootId: 'order', businessKey: 'SO-1', elementId: 'Review', candidateGroups: ['vp'], createdAt: at(3) }),
          ]);
          await tx.replaceWaits('other-approval', [
            waitRow('director-2', 'other-approval', { businessKey: 'SO-2', elementId: 'Approve', candidateGroups: ['sd'], createdAt: at(4) }),
            waitRow('pay-2', 'other-approval', { kind: 'message', businessKey: 'SO-2', elementId: 'Approve', messageName: 'PaymentReceived', createdAt: at(5) }),
          ]);
        });
        const find = (filter: Parameters<StoreTx['findWaits']>[0]) => store.read(async (tx) => ids(await tx.findWaits(filter)));
        expect(await find({ kind: 'task', elementId: 'Approve' })).toEqual(['entry', 'director', 'director-2']);
        expect(await find({ elementId: 'Approve' })).toEqual(['entry', 'director', 'director-2', 'pay-2']);
        expect(await find({ kind: 'task', processKey: 'credit-order-approval' })).toEqual(['director', 'review', 'director-2']);
        expect(await find({ kind: 'task', processKey: 'order-to-cash' })).toEqual(['entry']);
        expect(await find({ kind: 'task', processKey: 'credit-order-approval', elementId: 'Approve' })).toEqual(['director', 'director-2']);
        expect(await find({ kind: 'task', processKey: 'credit-order-approval', elementId: 'Approve', businessKey: 'SO-2' })).toEqual(['director-2']);
        expect(await find({ kind: 'task', processKey: 'credit-order-approval', candidateGroup: 'vp' })).toEqual(['review']);
        expect(await find({ kind: 'task', elementId: 'Approve', candidateGroup: 'sd', limit: 1 })).toEqual(['director']);
        expect(await find({ kind: 'task', elementId: 'Approve', candidateGroup: 'sd', after: { id: 'director', createdAt: at(2) } })).toEqual(['director-2']);
        expect(await find({ kind: 'task', processKey: 'credit-order-approval', instanceId: 'approval', after: { id: 'director', createdAt: at(2) } })).toEqual(['review']);
        expect(await find({ kind: 'task', elementId: 'approve' })).toEqual([]);
        expect(await find({ kind: 'task', processKey: 'no-such-process' })).toEqual([]);
      });

      it('pages waits oldest first by keyset, with or without a candidate group', async () => {
        await seed(store, instanceRow('i1'), instanceRow('i2'));
        const task = (id: string, instanceId: string, seconds: number, groups: string[]) =>
          waitRow(id, instanceId, { candidateGroups: groups, createdAt: at(seconds) });
        await store.transaction(async (tx) => {
          await tx.replaceWaits('i1', [task('t3', 'i1', 3, ['vp']), task('t1b', 'i1', 1, ['vp', 'sd']), task('t1a', 'i1', 1, ['sd'])]);
          await tx.replaceWaits('i2', [
            task('t2', 'i2', 2, ['vp']),
            task('t4', 'i2', 4, ['vp']),
            waitRow('m', 'i2', { kind: 'message', messageName: 'PaymentReceived', createdAt: at(2) }),
          ]);
        });
        const find = (filter: Parameters<StoreTx['findWaits']>[0]) => store.read(async (tx) => ids(await tx.findWaits(filter)));
        const after = (id: string, seconds: number) => ({ id, createdAt: at(seconds) });
        expect(await find({ candidateGroup: 'vp' })).toEqual(['t1b', 't2', 't3', 't4']);
        expect(await find({ candidateGroup: 'vp', limit: 2 })).toEqual(['t1b', 't2']);
        expect(await find({ candidateGroup: 'vp', limit: 2, after: after('t2', 2) })).toEqual(['t3', 't4']);
        expect(await find({ candidateGroup: 'vp', after: after('t4', 4) })).toEqual([]);
        expect(await find({ candidateGroup: 'vp', instanceId: 'i2', after: after('t1b', 1) })).toEqual(['t2', 't4']);
        expect(await find({ kind: 'task', limit: 3 })).toEqual(['t1a', 't1b', 't2']);
        expect(await find({ kind: 'task', after: after('t1a', 1), limit: 2 })).toEqual(['t1b', 't2']);
        expect(await find({ after: after('t2', 2) })).toEqual(['t3', 't4']);
        expect(await find({ after: after('m', 2) })).toEqual(['t2', 't3', 't4']);
        expect(await find({ limit: 0 })).toEqual([]);
        await expectStratumError(find({ limit: -1 }), 'invalid');

        // a kept wait keeps its createdAt, also where its group's page is ordered
        await store.transaction((tx) =>
          tx.replaceWaits('i1', [task('t3', 'i1', 9, ['vp']), task('t1b', 'i1', 9, ['vp']), task('t1a', 'i1', 1, ['sd'])]),
        );
        expect(await find({ candidateGroup: 'vp' })).toEqual(['t1b', 't2', 't3', 't4']);
        expect(await find({ candidateGroup: 'sd' })).toEqual(['t1a']);
      });

      it('updateWait writes every field, including lock state and candidate groups', async () => {
        await seed(store, instanceRow('i1'));
        const original = waitRow('w', 'i1', { kind: 'job', jobType: 'shipping', jobRetries: 3, createdAt: at(1), candidateGroups: ['a'] });
        await store.transaction((tx) => tx.replaceWaits('i1', [original]));
        const changed: WaitRow = {
          ...original,
          name: 'Ship',
          jobRetries: 0,
          jobRetriesSet: true,
          jobError: 'carrier refused',
          lockedBy: null,
          lockExpiresAt: null,
          variables: { reason: 'no truck' },
          candidateGroups: ['b'],
          assignee: 'anna',
          candidateUsers: ['bob'],
        };
        await store.transaction((tx) => tx.updateWait(changed));
        expect(await store.read((tx) => tx.getWait('w'))).toEqual(changed);
        expect(await store.read(async (tx) => ids(await tx.findWaits({ candidateGroup: 'a' })))).toEqual([]);
        expect(await store.read(async (tx) => ids(await tx.findWaits({ candidateGroup: 'b' })))).toEqual(['w']);
        await expectStratumError(store.transaction((tx) => tx.updateWait(waitRow('missing', 'i1'))), 'not-found');
      });

      it('keeps a task\'s claim through replaceWaits, finds it by the claimant as assignee, and leaves it out of the others\' unclaimed lists', async () => {
        await seed(store, instanceRow('i1'));
        const free = waitRow('free', 'i1', { candidateGroups: ['sd'], createdAt: at(1) });
        const claimed = waitRow('claimed', 'i1', { candidateGroups: ['sd'], createdAt: at(2) });
        const assigned = waitRow('assigned', 'i1', { candidateGroups: ['sd'], assignee: 'dana', createdAt: at(3) });
        await store.transaction((tx) => tx.replaceWaits('i1', [free, claimed, assigned]));
        await store.transaction((tx) => tx.updateWait({ ...claimed, claimedBy: 'dirk', claimedAt: at(5) }));
        // a later step of the instance describes its waits anew: the claim stays
        await store.transaction((tx) => tx.replaceWaits('i1', [free, { ...claimed, name: 'Renamed' }, assigned]));
        expect(await store.read((tx) => tx.getWait('claimed'))).toMatchObject({ name: 'Renamed', claimedBy: 'dirk', claimedAt: at(5) });
        const find = (filter: WaitFilter) => store.read(async (tx) => ids(await tx.findWaits({ kind: 'task', ...filter })));
        expect(await find({ assignee: 'dirk' })).toEqual(['claimed']);
        expect(await find({ assignee: 'dana' })).toEqual(['assigned']);
        expect(await find({ candidateGroup: 'sd', unclaimedOrClaimedBy: 'dirk' })).toEqual(['free', 'claimed', 'assigned']);
        expect(await find({ candidateGroup: 'sd', unclaimedOrClaimedBy: 'dana' })).toEqual(['free', 'assigned']);
        await store.transaction((tx) => tx.updateWait({ ...claimed, claimedBy: null, claimedAt: null }));
        expect(await find({ candidateGroup: 'sd', unclaimedOrClaimedBy: 'dana' })).toEqual(['free', 'claimed', 'assigned']);
        expect(await find({ assignee: 'dirk' })).toEqual([]);
      });

      it('finds the tasks offered to a person by name (candidate users) exactly and in keyset pages, leaving out those someone else claimed', async () => {
        await seed(store, instanceRow('i1', { businessKey: 'SO-1' }), instanceRow('i2', { businessKey: 'SO-2' }));
        const offered = (id: string, instanceId: string, seconds: number, candidateUsers: string[]) =>
          waitRow(id, instanceId, { businessKey: instanceId === 'i1' ? 'SO-1' : 'SO-2', candidateGroups: [], candidateUsers, createdAt: at(seconds) });
        await store.transaction(async (tx) => {
          await tx.replaceWaits('i1', [offered('t3', 'i1', 3, ['bo']), offered('t1b', 'i1', 1, ['bo', 'vera', 'bo']), offered('t1a', 'i1', 1, ['vera'])]);
          await tx.replaceWaits('i2', [offered('t2', 'i2', 2, ['bo']), offered('t4', 'i2', 4, ['bob', 'Bo'])]);
        });
        const find = (filter: WaitFilter) => store.read(async (tx) => ids(await tx.findWaits({ kind: 'task', ...filter })));
        const after = (id: string, seconds: number) => ({ id, createdAt: at(seconds) });
        expect(await find({ candidateUser: 'bo' })).toEqual(['t1b', 't2', 't3']);
        expect(await find({ candidateUser: 'vera' })).toEqual(['t1a', 't1b']);
        expect(await find({ candidateUser: 'b' })).toEqual([]);
        expect(await find({ candidateUser: 'bo', limit: 2 })).toEqual(['t1b', 't2']);
        expect(await find({ candidateUser: 'bo', after: after('t2', 2) })).toEqual(['t3']);
        expect(await find({ candidateUser: 'bo', businessKey: 'SO-1' })).toEqual(['t1b', 't3']);
        expect(await find({ candidateUser: 'bo', instanceId: 'i2', after: after('t1b', 1) })).toEqual(['t2']);
        expect((await store.read((tx) => tx.getWait('t1b')))?.candidateUsers).toEqual(['bo', 'vera', 'bo']);

        // a claim by vera takes t1b out of bo's list, not out of hers
        const t1b = (await store.read((tx) => tx.getWait('t1b')))!;
        await store.transaction((tx) => tx.updateWait({ ...t1b, claimedBy: 'vera', claimedAt: at(5) }));
        expect(await find({ candidateUser: 'bo', unclaimedOrClaimedBy: 'bo' })).toEqual(['t2', 't3']);
        expect(await find({ candidateUser: 'vera', unclaimedOrClaimedBy: 'vera' })).toEqual(['t1a', 't1b']);

        // a later step offers t3 to someone else and keeps its createdAt; an ended task leaves every list
        await store.transaction((tx) => tx.replaceWaits('i1', [offered('t3', 'i1', 9, ['vera']), { ...t1b, claimedBy: 'vera', claimedAt: at(5) }]));
        expect(await find({ candidateUser: 'bo' })).toEqual(['t1b', 't2']);
        expect(await find({ candidateUser: 'vera' })).toEqual(['t1b', 't3']);
        expect(await find({ candidateUser: 'vera', after: after('t1b', 1) })).toEqual(['t3']);
        await store.transaction(async (tx) => tx.updateWait({ ...(await tx.getWait('t2'))!, candidateUsers: null }));
        await store.transaction((tx) => tx.replaceWaits('i1', []));
        expect(await find({ candidateUser: 'bo' })).toEqual([]);
        expect(await find({ candidateUser: 'vera' })).toEqual([]);
      });

      describe("a person's own list (inListOf): one query, and its count", () => {
        const dana = { name: 'dana', groups: ['sd', 'vp', 'sd'] };
        /** Dana's list among tasks of her groups and others', offered to her and others by name, held by her and others. */
        const seedList = async () => {
          await seed(store, instanceRow('i1', { businessKey: 'SO-1' }), instanceRow('i2', { businessKey: 'SO-2' }));
          const task = (id: string, seconds: number, extra: Partial<WaitRow>) =>
            waitRow(id, seconds % 2 ? 'i1' : 'i2', { businessKey: seconds % 2 ? 'SO-1' : 'SO-2', candidateGroups: [], createdAt: at(seconds), ...extra });
          await store.transaction(async (tx) => {
            const waits = [
              task('group', 1, { candidateGroups: ['sd'] }),
              task('claimed-by-another', 2, { candidateGroups: ['sd'], claimedBy: 'dirk', claimedAt: at(20) }),
              task('claimed-by-her', 3, { candidateGroups: ['vp'], claimedBy: 'dana', claimedAt: at(20) }),
              task('assigned-to-her', 4, { candidateGroups: ['other'], assignee: 'dana' }),
              task('her-claim-elsewhere', 5, { candidateGroups: ['other'], claimedBy: 'dana', claimedAt: at(20) }),
              task('assigned-to-another', 6, { candidateGroups: ['other'], assignee: 'dirk' }),
              task('offered-to-her', 7, { candidateUsers: ['dirk', 'dana'] }),
              task('offered-taken', 8, { candidateUsers: ['dana'], claimedBy: 'vera', claimedAt: at(20) }),
              task('both-groups', 9, { candidateGroups: ['vp', 'sd'], candidateUsers: ['dana'], assignee: 'dana' }),
              task('group-assigned-to-another', 10, { candidateGroups: ['sd'], assignee: 'dirk' }),
              task('assigned-to-her-claimed-by-another', 11, { candidateGroups: ['other'], assignee: 'dana', claimedBy: 'vera', claimedAt: at(20) }),
              task('offered-to-dan', 12, { candidateUsers: ['dan', 'Dana'], candidateGroups: ['s'] }),
            ];
            await tx.replaceWaits('i1', waits.filter((wait) => wait.instanceId === 'i1'));
            await tx.replaceWaits('i2', [...waits.filter((wait) => wait.instanceId === 'i2'), waitRow('pay', 'i2', { kind: 'message', businessKey: 'SO-2', messageName: 'PaymentReceived', createdAt: at(1) })]);
          });
        };
        const find = (filter: WaitFilter) => store.read(async (tx) => ids(await tx.findWaits({ kind: 'task', ...filter })));
        const count = (filter: WaitFilter) => store.read((tx) => tx.countWaits({ kind: 'task', ...filter }));
        /** The list and its count, which must say the same. */
        const listed = async (filter: WaitFilter) => {
          const rows = await find(filter);
          expect(await count(filter), JSON.stringify(filter)).toBe(rows.length);
          return rows;
        };
        const HERS = ['group', 'claimed-by-her', 'assigned-to-her', 'her-claim-elsewhere', 'offered-to-her', 'both-groups', 'group-assigned-to-another'];

        it('lists what her groups and her name are offered that nobody else claimed, and what she holds, each once, oldest first', async () => {
          await seedList();
          expect(await listed({ inListOf: dana })).toEqual(HERS);
          // by her name alone: offered to her, or held by her
          expect(await listed({ inListOf: { name: 'dana', groups: [] } })).toEqual(['claimed-by-her', 'assigned-to-her', 'her-claim-elsewhere', 'offered-to-her', 'both-groups']);
          // dirk: his claim in sd, what the diagram assigned him (in sd as well as elsewhere), what is offered to him by name
          expect(await listed({ inListOf: { name: 'dirk', groups: [] } })).toEqual(['claimed-by-another', 'assigned-to-another', 'offered-to-her', 'group-assigned-to-another']);
          expect(await listed({ inListOf: { name: 'vera', groups: ['nobody'] } })).toEqual(['offered-taken', 'assigned-to-her-claimed-by-another']);
          expect(await listed({ inListOf: { name: 'Dana', groups: ['SD'] } })).toEqual(['offered-to-dan']);
          expect(await listed({ inListOf: dana, kind: 'message' })).toEqual([]);
        });

        it('narrows to one of her groups with candidateGroup, leaving out what she holds elsewhere and what is offered to her by name', async () => {
          await seedList();
          expect(await listed({ inListOf: dana, candidateGroup: 'sd' })).toEqual(['group', 'both-groups', 'group-assigned-to-another']);
          expect(await listed({ inListOf: dana, candidateGroup: 'vp' })).toEqual(['claimed-by-her', 'both-groups']);
          // a group of someone else's: nothing, not even her own tasks in it
          expect(await listed({ inListOf: dana, candidateGroup: 'other' })).toEqual([]);
          expect(await listed({ inListOf: { name: 'dana', groups: [] }, candidateGroup: 'sd' })).toEqual([]);
        });

        it('finds none she holds for an assignee filter naming someone else, and only hers for her own name', async () => {
          await seedList();
          expect(await listed({ inListOf: dana, assignee: 'dirk' })).toEqual(['group-assigned-to-another']);
          expect(await listed({ inListOf: dana, assignee: 'vera' })).toEqual([]);
          expect(await listed({ inListOf: dana, assignee: 'dana' })).toEqual(['claimed-by-her', 'assigned-to-her', 'her-claim-elsewhere', 'both-groups']);
          expect(await listed({ inListOf: dana, assignee: 'dana', candidateGroup: 'vp' })).toEqual(['claimed-by-her', 'both-groups']);
        });

        it('keeps to the tasks nobody holds (assigned: false) or to those someone does (true), within her list alone', async () => {
          await seedList();
          // nobody holds: neither claimed nor given an assignee by the diagram
          expect(await listed({ inListOf: dana, assigned: false })).toEqual(['group', 'offered-to-her']);
          expect(await listed({ inListOf: dana, assigned: true })).toEqual(['claimed-by-her', 'assigned-to-her', 'her-claim-elsewhere', 'both-groups', 'group-assigned-to-another']);
          expect(await listed({ inListOf: dana, candidateGroup: 'sd', assigned: false })).toEqual(['group']);
          expect(await listed({ inListOf: dana, candidateGroup: 'sd', assigned: true })).toEqual(['both-groups', 'group-assigned-to-another']);
          // what someone else claimed stays out of her list, held or not
          expect(await listed({ inListOf: dana, candidateGroup: 'sd', assigned: true, assignee: 'dirk' })).toEqual(['group-assigned-to-another']);
          expect(await listed({ inListOf: { name: 'dana', groups: ['other'] }, assigned: true })).toEqual(['claimed-by-her', 'assigned-to-her', 'her-claim-elsewhere', 'assigned-to-another', 'both-groups']);
          expect(await listed({ inListOf: dana, assignee: 'dana', assigned: false })).toEqual([]);
          // without a list: every open task either way
          expect(await listed({ assigned: false })).toEqual(['group', 'offered-to-her', 'offered-to-dan']);
          expect(await listed({ assigned: true })).toHaveLength(9);
        });

        it('narrows with the other filters (order, instance, element, process, one task by id) in every part', async () => {
          await seedList();
          expect(await listed({ inListOf: dana, businessKey: 'SO-1' })).toEqual(['group', 'claimed-by-her', 'her-claim-elsewhere', 'offered-to-her', 'both-groups']);
          expect(await listed({ inListOf: dana, instanceId: 'i2' })).toEqual(['assigned-to-her', 'group-assigned-to-another']);
          expect(await listed({ inListOf: dana, elementId: 'element-offered-to-her' })).toEqual(['offered-to-her']);
          expect(await listed({ inListOf: dana, processKey: 'order-to-cash', candidateGroup: 'vp' })).toEqual(['claimed-by-her', 'both-groups']);
          expect(await listed({ inListOf: dana, processKey: 'credit-order-approval' })).toEqual([]);
          for (const id of HERS) expect(await listed({ inListOf: dana, id }), id).toEqual([id]);
          for (const id of ['claimed-by-another', 'assigned-to-another', 'offered-taken', 'assigned-to-her-claimed-by-another', 'offered-to-dan', 'pay', 'missing']) {
            expect(await listed({ inListOf: dana, id }), id).toEqual([]);
          }
          expect(await listed({ inListOf: dana, id: 'both-groups', candidateGroup: 'sd', businessKey: 'SO-1' })).toEqual(['both-groups']);
          expect(await listed({ inListOf: dana, id: 'her-claim-elsewhere', candidateGroup: 'sd' })).toEqual([]);
          expect(await listed({ inListOf: dana, held: false })).toEqual(HERS);
          expect(await listed({ inListOf: dana, held: true })).toEqual([]);
        });

        it('pages the union by keyset: each page the first rows of her whole list after the last one, whatever the page size', async () => {
          await seedList();
          for (const limit of [1, 2, 3, HERS.length - 1, HERS.length]) {
            const pages: string[][] = [];
            let after: PageAfter | undefined;
            for (let page = 0; page < 20; page++) {
              const rows = await store.read((tx) => tx.findWaits({ kind: 'task', inListOf: dana, limit: limit + 1, ...(after && { after }) }));
              pages.push(ids(rows.slice(0, limit)));
              if (rows.length <= limit) break;
              after = { id: rows[limit - 1].id, createdAt: rows[limit - 1].createdAt };
            }
            expect(pages.flat(), `${limit} a page`).toEqual(HERS);
            expect(pages.slice(0, -1).every((page) => page.length === limit), `${limit} a page`).toBe(true);
          }
          expect(await find({ inListOf: dana, limit: 0 })).toEqual([]);
          expect(await find({ inListOf: dana, after: { id: 'offered-to-her', createdAt: at(7) } })).toEqual(['both-groups', 'group-assigned-to-another']);
          expect(await find({ inListOf: dana, candidateGroup: 'sd', limit: 1, after: { id: 'group', createdAt: at(1) } })).toEqual(['both-groups']);
          await expectStratumError(find({ inListOf: dana, limit: -1 }), 'invalid');
        });

        it('narrows to what is offered to her by name with candidateUser, her own name: claimed by nobody or by her; someone else\'s finds nothing', async () => {
          await seedList();
          expect(await listed({ inListOf: dana, candidateUser: 'dana' })).toEqual(['offered-to-her', 'both-groups']);
          expect(await listed({ inListOf: dana, candidateUser: 'dana', candidateGroup: 'vp' })).toEqual(['both-groups']);
          expect(await listed({ inListOf: dana, candidateUser: 'dana', candidateGroup: 'other' })).toEqual([]);
          expect(await listed({ inListOf: dana, candidateUser: 'dana', assigned: false })).toEqual(['offered-to-her']);
          expect(await listed({ inListOf: dana, candidateUser: 'dana', assignee: 'dana' })).toEqual(['both-groups']);
          // vera claimed offered-taken: out of dana's list, though it is offered to her by name
          expect(await listed({ inListOf: { name: 'vera', groups: [] }, candidateUser: 'vera' })).toEqual([]);
          expect(await listed({ inListOf: { name: 'dirk', groups: [] }, candidateUser: 'dirk' })).toEqual(['offered-to-her']);
          // her candidate list is nobody else's to read, whatever groups they have
          expect(await listed({ inListOf: { name: 'dirk', groups: ['sd', 'vp'] }, candidateUser: 'dana' })).toEqual([]);
          expect(await listed({ inListOf: dana, candidateUser: 'Dana' })).toEqual([]);
        });

        it('narrows to any of several of her groups with candidateGroups, one part per group of hers among them', async () => {
          await seedList();
          expect(await listed({ inListOf: dana, candidateGroups: ['sd', 'vp'] })).toEqual(['group', 'claimed-by-her', 'both-groups', 'group-assigned-to-another']);
          expect(await listed({ inListOf: dana, candidateGroups: ['vp', 'other', 's'] })).toEqual(['claimed-by-her', 'both-groups']);
          expect(await listed({ inListOf: dana, candidateGroups: ['other'] })).toEqual([]);
          expect(await listed({ inListOf: dana, candidateGroups: [] })).toEqual([]);
          expect(await listed({ inListOf: dana, candidateGroups: ['sd', 'vp'], candidateGroup: 'vp' })).toEqual(['claimed-by-her', 'both-groups']);
          expect(await listed({ inListOf: dana, candidateGroups: ['sd', 'vp'], assigned: false })).toEqual(['group']);
          expect(await listed({ inListOf: dana, candidateGroups: ['sd', 'vp'], candidateUser: 'dana' })).toEqual(['both-groups']);
          expect(await find({ inListOf: dana, candidateGroups: ['sd', 'vp'], limit: 2, after: { id: 'group', createdAt: at(1) } })).toEqual(['claimed-by-her', 'both-groups']);
        });

        it('refuses unclaimedOrClaimedBy beside it, which it sets itself, and candidateGroups without it', async () => {
          await seedList();
          await expectStratumError(find({ inListOf: dana, unclaimedOrClaimedBy: 'dana' }), 'invalid');
          await expectStratumError(count({ inListOf: dana, unclaimedOrClaimedBy: 'dirk' }), 'invalid');
          await expectStratumError(find({ candidateGroups: ['sd'] }), 'invalid');
          await expectStratumError(count({ candidateGroups: ['sd'] }), 'invalid');
        });

        it('counts any task filter as findWaits lists it, without a page', async () => {
          await seedList();
          for (const filter of [{}, { candidateGroup: 'sd' }, { candidateUser: 'dana' }, { assignee: 'dana' }, { candidateGroup: 'sd', unclaimedOrClaimedBy: 'dana' }, { businessKey: 'SO-1', candidateGroup: 'other' }, { elementId: 'element-group' }]) {
            expect(await count(filter), JSON.stringify(filter)).toBe((await find(filter)).length);
          }
          expect(await count({})).toBe(12);
          expect(await store.read((tx) => tx.countWaits({}))).toBe(13);
          expect(await store.read((tx) => tx.countWaits({ kind: 'message', businessKey: 'SO-2' }))).toBe(1);
        });
      });

      it('lets exactly one of two concurrent claims of a task win under the wait\'s lock', async () => {
        await seed(store, instanceRow('i1'));
        await store.transaction((tx) => tx.replaceWaits('i1', [waitRow('t', 'i1', { candidateGroups: ['sd'] })]));
        const claim = (who: string) =>
          store.transaction(async (tx) => {
            const wait = await tx.getWait('t', { lock: true });
            await sleep(20);
            if (wait!.claimedBy) throw new Error(`claimed by ${wait!.claimedBy}`);
            await tx.updateWait({ ...wait!, claimedBy: who, claimedAt: at(9) });
            return who;
          });
        const results = await Promise.allSettled([claim('dirk'), claim('dana')]);
        const won = results.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
        expect(won).toHaveLength(1);
        expect((await store.read((tx) => tx.getWait('t')))?.claimedBy).toBe(won[0]);
      });

      it('lists due timers (dueAt <= now) by due time, then id, up to the limit', async () => {
        await seed(store, instanceRow('i1'));
        await store.transaction((tx) =>
          tx.replaceWaits('i1', [
            waitRow('t-late', 'i1', { kind: 'timer', dueAt: at(30) }),
            waitRow('t-b', 'i1', { kind: 'timer', dueAt: at(10) }),
            waitRow('t-a', 'i1', { kind: 'timer', dueAt: at(10) }),
            // 10:00 at +02:00 is 08:00:05Z: offsets are compared as instants
            waitRow('t-offset', 'i1', { kind: 'timer', dueAt: '2026-03-01T10:00:05+02:00' }),
            waitRow('t-future', 'i1', { kind: 'timer', dueAt: at(31) }),
            waitRow('not-a-timer', 'i1', { kind: 'message', dueAt: at(1), messageName: 'X' }),
          ]),
        );
        const due = (now: string, limit: number) => store.transaction(async (tx) => ids(await tx.dueTimers(now, limit)));
        expect(await due(at(30), 10)).toEqual(['t-offset', 't-a', 't-b', 't-late']);
        expect(await due(at(30), 2)).toEqual(['t-offset', 't-a']);
        expect(await due(at(9), 10)).toEqual(['t-offset']);
        expect(await due(at(4), 10)).toEqual([]);
        expect((await store.read((tx) => tx.getWait('t-offset')))?.dueAt).toBe('2026-03-01T08:00:05.000Z');
      });

      it('locks the oldest open jobs of a type for a worker, skipping locked, exhausted and other jobs', async () => {
        await seed(store, instanceRow('i1', { businessKey: 'SO-1' }));
        await store.transaction((tx) =>
          tx.replaceWaits('i1', [
            waitRow('j3', 'i1', { kind: 'job', jobType: 'shipping', jobRetries: 3, createdAt: at(3) }),
            waitRow('j1', 'i1', { kind: 'job', jobType: 'shipping', jobRetries: null, createdAt: at(1) }),
            waitRow('j2', 'i1', { kind: 'job', jobType: 'shipping', jobRetries: 1, createdAt: at(2) }),
            waitRow('j-exhausted', 'i1', { kind: 'job', jobType: 'shipping', jobRetries: 0, createdAt: at(0) }),
            waitRow('j-other', 'i1', { kind: 'job', jobType: 'procurement-planning', jobRetries: 3, createdAt: at(0) }),
            waitRow('j-held', 'i1', { kind: 'job', jobType: 'shipping', lockedBy: 'old', lockExpiresAt: at(100), createdAt: at(0) }),
          ]),
        );
        const locked = await store.transaction((tx) => tx.lockJobs('shipping', 'worker-1', at(10), at(70), 2));
        expect(ids(locked)).toEqual(['j1', 'j2']);
        for (const job of locked) expect(job).toMatchObject({ lockedBy: 'worker-1', lockExpiresAt: at(70) });
        expect(await store.read((tx) => tx.getWait('j1'))).toMatchObject({ lockedBy: 'worker-1', lockExpiresAt: at(70) });

        const rest = await store.transaction((tx) => tx.lockJobs('shipping', 'worker-2', at(11), at(71), 10));
        expect(ids(rest)).toEqual(['j3']);
        expect(await store.transaction((tx) => tx.lockJobs('shipping', 'worker-3', at(12), at(72), 10))).toEqual([]);
        expect(await store.transaction((tx) => tx.lockJobs('no-such-type', 'worker-3', at(12), at(72), 10))).toEqual([]);
        expect(await store.transaction((tx) => tx.lockJobs('shipping', 'worker-3', at(12), at(72), 0))).toEqual([]);
        expect((await store.read((tx) => tx.getWait('j-held')))?.lockedBy).toBe('old');
      });

      it('locks one job by its id on the poll\'s terms: free or expired, or renewed by its holder; never another\'s lock, a back-off, an exhausted job or one an open incident names', async () => {
        await seed(store, instanceRow('i1', { businessKey: 'SO-1' }));
        await store.transaction(async (tx) => {
          await tx.replaceWaits('i1', [
            waitRow('j-free', 'i1', { kind: 'job', jobType: 'shipping', jobRetries: 3, createdAt: at(1) }),
            waitRow('j-expired', 'i1', { kind: 'job', jobType: 'shipping', lockedBy: 'old', lockExpiresAt: at(5), createdAt: at(1) }),
            waitRow('j-mine', 'i1', { kind: 'job', jobType: 'shipping', lockedBy: 'worker-1', lockExpiresAt: at(100), createdAt: at(1) }),
            waitRow('j-held', 'i1', { kind: 'job', jobType: 'shipping', lockedBy: 'old', lockExpiresAt: at(100), createdAt: at(1) }),
            waitRow('j-backoff', 'i1', { kind: 'job', jobType: 'shipping', jobRetries: 2, lockedBy: null, lockExpiresAt: at(100), createdAt: at(1) }),
            waitRow('j-exhausted', 'i1', { kind: 'job', jobType: 'shipping', jobRetries: 0, createdAt: at(1) }),
            waitRow('j-incident', 'i1', { kind: 'job', jobType: 'shipping', jobRetries: 3, createdAt: at(1) }),
          ]);
          await tx.insertIncident(incidentRow('inc-job', 'i1', { kind: 'job', waitId: 'j-incident', action: null, stateBefore: null }));
        });
        const lock = (id: string) => store.transaction((tx) => tx.lockJob({ id, jobType: 'shipping' }, 'worker-1', at(10), at(70)));
        for (const id of ['j-free', 'j-expired', 'j-mine']) {
          expect(await lock(id), id).toMatchObject({ id, lockedBy: 'worker-1', lockExpiresAt: at(70) });
          expect(await store.read((tx) => tx.getWait(id)), id).toMatchObject({ lockedBy: 'worker-1', lockExpiresAt: at(70) });
        }
        for (const id of ['j-held', 'j-backoff', 'j-exhausted', 'j-incident', 'no-such-job']) expect(await lock(id), id).toBeUndefined();
        expect(await store.read((tx) => tx.getWait('j-held'))).toMatchObject({ lockedBy: 'old', lockExpiresAt: at(100) });
        expect(await store.read((tx) => tx.getWait('j-backoff'))).toMatchObject({ lockedBy: null, lockExpiresAt: at(100) });
        // the job's type is the poll's: another type's job is not this one
        expect(await store.transaction((tx) => tx.lockJob({ id: 'j-free', jobType: 'procurement-planning' }, 'worker-2', at(80), at(90)))).toBeUndefined();
      });

      it('hands out jobs of one instant by id, even when the limit falls between them and they were created in another order', async () => {
        await seed(store, instanceRow('i1'));
        await store.transaction((tx) =>
          tx.replaceWaits('i1', [
            waitRow('j-c', 'i1', { kind: 'job', jobType: 'shipping', jobRetries: 3, createdAt: at(2) }),
            waitRow('j-b', 'i1', { kind: 'job', jobType: 'shipping', jobRetries: 3, createdAt: at(2) }),
            waitRow('j-later', 'i1', { kind: 'job', jobType: 'shipping', jobRetries: 3, createdAt: at(3) }),
            waitRow('j-a', 'i1', { kind: 'job', jobType: 'shipping', jobRetries: 3, createdAt: at(2) }),
            waitRow('j-first', 'i1', { kind: 'job', jobType: 'shipping', jobRetries: 3, createdAt: at(1) }),
          ]),
        );
        expect(ids(await store.transaction((tx) => tx.lockJobs('shipping', 'w1', at(10), at(70), 3)))).toEqual(['j-first', 'j-a', 'j-b']);
        expect(ids(await store.transaction((tx) => tx.lockJobs('shipping', 'w2', at(10), at(70), 3)))).toEqual(['j-c', 'j-later']);
      });

      it('hands out no job an open incident names, whatever its retries, until the incident is resolved', async () => {
        await seed(store, instanceRow('i1'));
        await store.transaction(async (tx) => {
          // retries given while the incident is open (PATCH /v2/jobs/{jobKey}, as Zeebe): the job stays failed
          await tx.replaceWaits('i1', [
            waitRow('j-failed', 'i1', { kind: 'job', jobType: 'shipping', jobRetries: 3, createdAt: at(1) }),
            waitRow('j-other', 'i1', { kind: 'job', jobType: 'shipping', jobRetries: 3, createdAt: at(2) }),
          ]);
          await tx.insertIncident(incidentRow('inc-job', 'i1', { kind: 'job', waitId: 'j-failed', action: null, stateBefore: null }));
          // a step incident of the instance names no job: it holds none back
          await tx.insertIncident(incidentRow('inc-step', 'i1'));
        });
        expect(ids(await store.transaction((tx) => tx.lockJobs('shipping', 'w', at(10), at(70), 10)))).toEqual(['j-other']);
        await store.transaction((tx) => tx.resolveIncident('inc-job', { resolvedAt: at(11), resolvedBy: 'otto', resolution: 'retried' }));
        expect(ids(await store.transaction((tx) => tx.lockJobs('shipping', 'w', at(12), at(70), 10)))).toEqual(['j-failed']);
      });

      it('hands out no job of a failed instance, nor one under a failed caller however far up, until its incident is retried', async () => {
        const failed = { status: 'failed' as const, incident: { elementId: 'Check', message: 'condition failed' } };
        const under = (id: string, parentId: string, rootId: string, extra: Partial<InstanceRow> = {}) => instanceRow(id, { parentId, rootId, ...extra });
        // root → a (failed; root caught it, or its failure is still on its way up) → b → c; root → free;
        // alone (failed, an order of its own); calm → calm-child (no incident in that order)
        await seed(
          store, instanceRow('root'), under('a', 'root', 'root', failed), under('b', 'a', 'root'), under('c', 'b', 'root'), under('free', 'root', 'root'),
          instanceRow('alone', failed), instanceRow('calm'), under('calm-child', 'calm', 'calm'),
        );
        const rootOf = { a: 'root', c: 'root', free: 'root', root: 'root', alone: 'alone', 'calm-child': 'calm' } as const;
        await store.transaction(async (tx) => {
          let second = 0;
          for (const instanceId of ['a', 'c', 'free', 'root', 'alone', 'calm-child'] as const) {
            await tx.replaceWaits(instanceId, [waitRow(`j-${instanceId}`, instanceId, { kind: 'job', jobType: 'shipping', jobRetries: 3, rootId: rootOf[instanceId], createdAt: at(++second) })]);
          }
          // every failed instance has an open incident (with its order's root) until it is retried
          await tx.insertIncident(incidentRow('inc-a', 'a', { rootId: 'root' }));
          await tx.insertIncident(incidentRow('inc-alone', 'alone'));
          await tx.insertIncident(incidentRow('inc-calm', 'calm', { resolvedAt: at(0), resolvedBy: 'otto', resolution: 'retried' }));
        });
        // a failed sibling, or a failed instance the job's own instance called, holds nothing
        expect(ids(await store.transaction((tx) => tx.lockJobs('shipping', 'w', at(10), at(70), 10)))).toEqual(['j-free', 'j-root', 'j-calm-child']);
        const retry = (incidentId: string, instance: InstanceRow) => store.transaction(async (tx) => {
          await tx.resolveIncident(incidentId, { resolvedAt: at(11), resolvedBy: 'otto', resolution: 'retried' });
          await tx.updateInstance({ ...instance, revision: 2 });
        });
        await retry('inc-a', under('a', 'root', 'root'));
        expect(ids(await store.transaction((tx) => tx.lockJobs('shipping', 'w', at(12), at(70), 10)))).toEqual(['j-a', 'j-c']);
        await retry('inc-alone', instanceRow('alone'));
        expect(ids(await store.transaction((tx) => tx.lockJobs('shipping', 'w', at(13), at(70), 10)))).toEqual(['j-alone']);
      });

      it('hands out no job of an order whose root has failed, from one read of the root whatever its incidents', async () => {
        await seed(store, instanceRow('root', { status: 'failed' }), instanceRow('child', { parentId: 'root', rootId: 'root' }));
        await store.transaction((tx) => tx.replaceWaits('child', [waitRow('j-child', 'child', { kind: 'job', jobType: 'shipping', jobRetries: 3, rootId: 'root' })]));
        expect(await store.transaction((tx) => tx.lockJobs('shipping', 'w', at(10), at(70), 10))).toEqual([]);
      });

      it('hands an expired lock to the next worker, but not before it expires', async () => {
        await seed(store, instanceRow('i1'));
        await store.transaction((tx) =>
          tx.replaceWaits('i1', [waitRow('job', 'i1', { kind: 'job', jobType: 'shipping', jobRetries: 3 })]),
        );
        expect(ids(await store.transaction((tx) => tx.lockJobs('shipping', 'w1', at(0), at(60), 1)))).toEqual(['job']);
        expect(await store.transaction((tx) => tx.lockJobs('shipping', 'w2', at(59), at(120), 1))).toEqual([]);
        expect(await store.transaction((tx) => tx.lockJobs('shipping', 'w2', at(60), at(120), 1))).toEqual([]);
        const again = await store.transaction((tx) => tx.lockJobs('shipping', 'w2', at(61), at(120), 1));
        expect(again).toHaveLength(1);
        expect(again[0]).toMatchObject({ id: 'job', lockedBy: 'w2', lockExpiresAt: at(120) });
      });

      it('never hands the same job to two workers locking concurrently', async () => {
        await seed(store, instanceRow('i1'));
        const jobs = Array.from({ length: 7 }, (_, n) =>
          waitRow(`job-${n}`, 'i1', { kind: 'job', jobType: 'production-planning', jobRetries: 3, createdAt: at(n) }),
        );
        await store.transaction((tx) => tx.replaceWaits('i1', jobs));
        const worker = (workerId: string) =>
          store.transaction(async (tx) => {
            const locked = await tx.lockJobs('production-planning', workerId, at(100), at(200), 4);
            await sleep(50); // hold the transaction open while the other worker locks
            return ids(locked);
          });
        const [first, second] = await Promise.all([worker('w1'), worker('w2')]);
        expect(first.length + second.length).toBe(7);
        expect(new Set([...first, ...second]).size).toBe(7);
        const stored = await store.read((tx) => tx.findWaits({ kind: 'job' }));
        for (const job of stored) {
          expect(job.lockedBy).toBe(first.includes(job.id) ? 'w1' : 'w2');
        }
      });
    });

    describe('history', () => {
      it('appends rows with increasing seq and lists several instances in seq order', async () => {
        await seed(store, instanceRow('i1'), instanceRow('i2'), instanceRow('i3'));
        await store.transaction((tx) =>
          tx.appendHistory([
            historyRow('i1', 'instance.started', { actor: 'ann', data: { amount: 10, note: 'ünïcødé ✓' }, via: 'camunda7' }),
            historyRow('i2', 'instance.started'),
          ]),
        );
        await store.transaction((tx) =>
          tx.appendHistory([
            historyRow('i3', 'instance.started', { via: 'engine' }),
            historyRow('i1', 'element.entered', { elementId: 'Task_1', elementType: 'bpmn:UserTask', at: at(5) }),
          ]),
        );
        await store.transaction((tx) => tx.appendHistory([]));
        const history = await store.read((tx) => tx.historyOf(['i1', 'i2']));
        expect(history.map((row) => [row.instanceId, row.event])).toEqual([
          ['i1', 'instance.started'],
          ['i2', 'instance.started'],
          ['i1', 'element.entered'],
        ]);
        const seqs = history.map((row) => row.seq!);
        expect(seqs.every((seq) => Number.isInteger(seq))).toBe(true);
        expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
        expect(new Set(seqs).size).toBe(3);
        // the route is kept; an entry written without one (before routes were recorded) reads with none
        expect(history[0]).toEqual({
          seq: seqs[0],
          ...historyRow('i1', 'instance.started', { actor: 'ann', data: { amount: 10, note: 'ünïcødé ✓' }, via: 'camunda7' }),
        });
        expect(history[1].via).toBeNull();
        expect(history[2]).toMatchObject({ elementId: 'Task_1', elementType: 'bpmn:UserTask', at: at(5), via: null });
        // a step nobody called names the engine
        expect((await store.read((tx) => tx.historyOf(['i3'])))[0].via).toBe('engine');
        expect(await store.read((tx) => tx.historyOf([]))).toEqual([]);
        expect(await store.read((tx) => tx.historyOf(['nobody']))).toEqual([]);
      });

      it('hands back the seq of each appended row, in the order given', async () => {
        await seed(store, instanceRow('i1'), instanceRow('i2'));
        const seqs = await store.transaction((tx) => tx.appendHistory([
          historyRow('i1', 'instance.started'), historyRow('i2', 'instance.started'), historyRow('i1', 'element.entered'),
        ]));
        const history = await store.read((tx) => tx.historyOf(['i1', 'i2']));
        expect(seqs).toEqual(history.map((row) => row.seq));
        expect(await store.transaction((tx) => tx.appendHistory([]))).toEqual([]);
      });

      it('finds the nearest failed caller of an instance in one query: never a failed sibling or descendant of it', async () => {
        const failed = { status: 'failed' as const, incident: { elementId: 'Call_1', message: 'called process failed' } };
        const under = (id: string, parentId: string, extra: Partial<InstanceRow> = {}) => instanceRow(id, { parentId, rootId: 'root', ...extra });
        // root → a (failed) → b → c; root → sibling (failed) → nephew; c → d (failed)
        await seed(store, instanceRow('root'), under('a', 'root', failed), under('b', 'a'), under('c', 'b'), under('sibling', 'root', failed), under('nephew', 'sibling'), under('d', 'c', failed));
        const callerOf = (id: string) => store.read((tx) => tx.failedCallerOf(id));
        expect((await callerOf('c'))?.id).toBe('a');
        expect((await callerOf('c'))?.incident).toEqual(failed.incident);
        expect((await callerOf('b'))?.id).toBe('a');
        expect((await callerOf('nephew'))?.id).toBe('sibling');
        expect((await callerOf('d'))?.id).toBe('a');
        // a failed sibling (or a failed descendant) is no caller
        for (const id of ['root', 'a', 'sibling']) expect(await callerOf(id), id).toBeUndefined();
        await store.transaction((tx) => tx.updateInstance({ ...under('b', 'a', failed), revision: 2 }));
        expect((await callerOf('c'))?.id).toBe('b');
        expect(await callerOf('nobody')).toBeUndefined();
      });

      it('looks 100 callers up for a failed one, as far as the walk it replaces', async () => {
        const chain = [instanceRow('n0', { status: 'failed' })];
        for (let n = 1; n <= 101; n++) chain.push(instanceRow(`n${n}`, { parentId: `n${n - 1}`, rootId: 'n0' }));
        await seed(store, ...chain);
        expect((await store.read((tx) => tx.failedCallerOf('n100')))?.id).toBe('n0');
        expect(await store.read((tx) => tx.failedCallerOf('n101'))).toBeUndefined();
      });

      it('reports every instance of a call tree with its revision and history rows, and JSON as a read gives it back', async () => {
        await seed(store, instanceRow('root'), instanceRow('child', { parentId: 'root', rootId: 'root', revision: 3 }), instanceRow('other'));
        await store.transaction((tx) => tx.appendHistory([historyRow('root', 'instance.started'), historyRow('child', 'a'), historyRow('child', 'b')]));
        const tree = await store.read((tx) => tx.treeRevisions('root'));
        expect([...tree].sort((a, b) => a.id.localeCompare(b.id))).toEqual([
          { id: 'child', revision: 3, historyRows: 2 },
          { id: 'root', revision: 1, historyRows: 1 },
        ]);
        expect(await store.read((tx) => tx.treeRevisions('nobody'))).toEqual([]);
        // keys of one byte length sort by their UTF-8 bytes: '😀' (a surrogate pair) after '！a' in jsonb, before it in UTF-16
        const variables = { longer: 1, b: { zz: [1, { y: 2, x: 1 }], a: 'ü' }, ä: null, aa: 2.5, dropped: undefined, '😀': 1, '！a': 2 };
        await store.transaction((tx) => tx.updateInstance({ ...instanceRow('other', { revision: 2 }), variables }));
        const read = (await store.read((tx) => tx.getInstance('other')))!.variables;
        expect(store.storedJson(variables)).toBe(JSON.stringify(read));
      });

      it('reads only the entries of one event, and of one actor, when asked', async () => {
        await seed(store, instanceRow('i1'), instanceRow('i2'), instanceRow('i3'));
        await store.transaction((tx) =>
          tx.appendHistory([
            historyRow('i1', 'task.completed', { actor: 'ann', elementId: 'Director' }),
            historyRow('i1', 'element.entered', { actor: 'ann', elementId: 'Director' }),
            historyRow('i2', 'task.completed', { actor: 'bob', elementId: 'VicePresident' }),
            historyRow('i2', 'task.completed', { actor: 'ann', elementId: 'Procurement' }),
            historyRow('i3', 'task.completed', { actor: 'ann', elementId: 'Production' }),
          ]),
        );
        const completedBy = (actor?: string) =>
          store.read((tx) => tx.historyOf(['i1', 'i2'], { event: 'task.completed', ...(actor && { actor }) }));
        expect((await completedBy('ann')).map((row) => [row.instanceId, row.elementId])).toEqual([['i1', 'Director'], ['i2', 'Procurement']]);
        expect((await completedBy()).map((row) => row.elementId)).toEqual(['Director', 'VicePresident', 'Procurement']);
        expect(await completedBy('carl')).toEqual([]);
      });

      it('reads only the entries of several events, in order, when asked (replay leaves element.entered out)', async () => {
        await seed(store, instanceRow('i1'), instanceRow('i2'));
        await store.transaction((tx) =>
          tx.appendHistory([
            historyRow('i1', 'instance.started', { data: { variables: { amount: 10 } } }),
            historyRow('i1', 'element.entered', { elementId: 'Director' }),
            historyRow('i2', 'instance.started'),
            historyRow('i1', 'element.completed', { elementId: 'Director' }),
            historyRow('i2', 'task.completed', { actor: 'bob', elementId: 'VicePresident' }),
            historyRow('i2', 'element.entered', { elementId: 'End' }),
          ]),
        );
        const events = ['instance.started', 'element.completed', 'task.completed'];
        const history = await store.read((tx) => tx.historyOf(['i1', 'i2'], { event: events }));
        expect(history.map((row) => [row.instanceId, row.event, row.elementId])).toEqual([
          ['i1', 'instance.started', null],
          ['i2', 'instance.started', null],
          ['i1', 'element.completed', 'Director'],
          ['i2', 'task.completed', 'VicePresident'],
        ]);
        expect(history[0].data).toEqual({ variables: { amount: 10 } });
        expect(await store.read((tx) => tx.historyOf(['i1', 'i2'], { event: events, actor: 'bob' }))).toHaveLength(1);
        expect(await store.read((tx) => tx.historyOf(['i1'], { event: [] }))).toEqual([]);
      });

      it('lists the refused attempts of every instance newest first, then by seq, with the order and process version, filtered and paged', async () => {
        await store.transaction(async (tx) => {
          await tx.insertVersion(versionRow('credit-order-approval', 1));
          await tx.insertVersion(versionRow('credit-order-approval', 2));
        });
        await seed(store, instanceRow('root', { businessKey: 'SO-1' }), instanceRow('called', { processKey: 'credit-order-approval', version: 2, parentId: 'root', rootId: 'root', businessKey: null }), instanceRow('other', { businessKey: 'SO-2' }), instanceRow('plain'));
        const refused = (instanceId: string, event: string, seconds: number, actor: string, reason: string, extra: Partial<HistoryRow> = {}) =>
          historyRow(instanceId, event, { at: at(seconds), actor, data: { reason, refusal: `refused: ${reason}` }, via: 'api', ...extra });
        await store.transaction((tx) => tx.appendHistory([
          refused('called', 'task.refused', 10, 'dirk', 'four-eyes-starter', { elementId: 'Approve', elementType: 'bpmn:UserTask', waitId: 'task-1' }),
          historyRow('root', 'task.completed', { at: at(11), actor: 'dirk', data: { reason: 'four-eyes-starter' } }),
          refused('other', 'job.refused', 12, 'erp', 'order-change-open'),
          refused('root', 'message.refused', 12, 'erp', 'engine-message'),
          refused('plain', 'cancel.refused', 13, 'otto', 'instance-ended', { via: null }),
          historyRow('other', 'element.entered', { at: at(14) }),
          refused('other', 'change.refused', 5, 'erp', 'order-shipped'),
        ]));
        const find = (filter: Partial<RefusedFilter> = {}) => store.read((tx) => tx.findRefused({ limit: 100, ...filter }));
        const all = await find();
        // newest first; the two of one instant by seq; nothing but the refused events
        expect(all.map((row) => [row.event, row.instanceId, row.businessKey, row.processKey])).toEqual([
          ['cancel.refused', 'plain', null, 'order-to-cash'],
          ['job.refused', 'other', 'SO-2', 'order-to-cash'],
          ['message.refused', 'root', 'SO-1', 'order-to-cash'],
          ['task.refused', 'called', 'SO-1', 'credit-order-approval'],
          ['change.refused', 'other', 'SO-2', 'order-to-cash'],
        ]);
        expect(all[1].seq).toBeLessThan(all[2].seq);
        expect(all[3]).toEqual({
          ...refused('called', 'task.refused', 10, 'dirk', 'four-eyes-starter', { elementId: 'Approve', elementType: 'bpmn:UserTask', waitId: 'task-1' }),
          seq: anyNumber(), businessKey: 'SO-1', processKey: 'credit-order-approval', processVersion: 2,
        });
        // each with the version its instance runs, where its element is named
        expect(all.map((row) => row.processVersion)).toEqual([1, 1, 1, 2, 1]);
        expect(all[0].via).toBeNull();
        const events = async (filter: Partial<RefusedFilter>) => (await find(filter)).map((row) => row.event);
        expect(await events({ event: 'task.refused' })).toEqual(['task.refused']);
        expect(await events({ actor: 'erp' })).toEqual(['job.refused', 'message.refused', 'change.refused']);
        expect(await events({ reason: 'four-eyes-starter' })).toEqual(['task.refused']);
        expect(await events({ businessKey: 'SO-1' })).toEqual(['message.refused', 'task.refused']);
        expect(await events({ businessKey: 'SO-3' })).toEqual([]);
        expect(await events({ since: at(12), until: at(13) })).toEqual(['job.refused', 'message.refused']);
        expect(await events({ since: '2026-03-01T09:00:12+01:00' })).toEqual(['cancel.refused', 'job.refused', 'message.refused']);
        // keyset pages: each starts strictly after the last row of the one before, also inside one instant
        const pages: string[][] = [];
        let after: RefusedFilter['after'];
        for (;;) {
          const page = await find({ limit: 2, ...(after && { after }) });
          pages.push(page.map((row) => row.event));
          if (page.length < 2) break;
          after = { createdAt: page[1].at, id: String(page[1].seq) };
        }
        expect(pages).toEqual([['cancel.refused', 'job.refused'], ['message.refused', 'task.refused'], ['change.refused']]);
        expect(await events({ actor: 'erp', after: { createdAt: all[1].at, id: String(all[1].seq) } })).toEqual(['message.refused', 'change.refused']);
      });

      it('finds the completion of a task by its wait id', async () => {
        await seed(store, instanceRow('i1'));
        await store.transaction((tx) =>
          tx.appendHistory([
            historyRow('i1', 'task.created', { waitId: 'task-1' }),
            historyRow('i1', 'task.completed', { waitId: 'task-1', actor: 'ann', data: { approved: true, comment: 'ok' } }),
            historyRow('i1', 'task.completed', { waitId: 'task-2', actor: 'bob' }),
          ]),
        );
        const completion = await store.read((tx) => tx.findTaskCompletion('task-1'));
        expect(completion).toMatchObject({ event: 'task.completed', actor: 'ann', waitId: 'task-1', data: { approved: true, comment: 'ok' } });
        expect(await store.read((tx) => tx.findTaskCompletion('task-3'))).toBeUndefined();
      });

      it('serialises two transactions on one instance\'s refused attempts with lockRefusedAttempts: the later counts the earlier one\'s entry', async () => {
        await seed(store, instanceRow('i1'));
        const order: string[] = [];
        let locked: () => void = () => undefined;
        const firstLocked = new Promise<void>((resolve) => (locked = resolve));
        const first = store.transaction(async (tx) => {
          await tx.lockRefusedAttempts('i1');
          order.push('first locked');
          locked();
          await sleep(50);
          await tx.appendHistory([historyRow('i1', 'task.refused', { actor: 'victor' })]);
          order.push('first wrote');
        });
        await firstLocked;
        const second = store.transaction(async (tx) => {
          await tx.lockRefusedAttempts('i1');
          order.push('second locked');
          return tx.historyOf(['i1'], { event: 'task.refused', actor: 'victor' });
        });
        const [, counted] = await Promise.all([first, second]);
        expect(order).toEqual(['first locked', 'first wrote', 'second locked']);
        expect(counted).toHaveLength(1);
        expect(String(await rejectionOf(store.read((tx) => tx.lockRefusedAttempts('i1'))))).toMatch(/lockRefusedAttempts\(\) writes/);
      });
    });

    describe('idempotency', () => {
      it('stores a key once and refuses a duplicate with a conflict', async () => {
        await seed(store, instanceRow('i1'), instanceRow('i2'));
        const row = { scope: 'order', caller: 'erp', key: 'SO-4711', requestHash: 'h1', instanceId: 'i1', createdAt: at(1) };
        await store.transaction((tx) => tx.insertIdempotency(row));
        expect(await store.read((tx) => tx.getIdempotency('order', 'erp', 'SO-4711'))).toEqual(row);
        expect(await store.read((tx) => tx.getIdempotency('start:order-to-cash', 'erp', 'SO-4711'))).toBeUndefined();
        await expectLostRace(store.transaction((tx) => tx.insertIdempotency({ ...row, requestHash: 'h2', instanceId: 'i2' })));
        expect(await store.read((tx) => tx.getIdempotency('order', 'erp', 'SO-4711'))).toEqual(row);
        // the same key in another scope is another key
        await store.transaction((tx) => tx.insertIdempotency({ ...row, scope: 'start:order-to-cash', instanceId: 'i2' }));
      });

      it('keeps each caller\'s key apart: another caller\'s same key is theirs, never found by the first', async () => {
        await seed(store, instanceRow('i1'), instanceRow('i2'));
        const erp = { scope: 'start:customer-review', caller: 'erp', key: 'k-1', requestHash: 'h1', instanceId: 'i1', createdAt: at(1) };
        await store.transaction((tx) => tx.insertIdempotency(erp));
        expect(await store.read((tx) => tx.getIdempotency('start:customer-review', 'crm', 'k-1'))).toBeUndefined();
        expect(await store.read((tx) => tx.getIdempotency('start:customer-review', '', 'k-1'))).toBeUndefined();
        const crm = { ...erp, caller: 'crm', requestHash: 'h2', instanceId: 'i2' };
        await store.transaction((tx) => tx.insertIdempotency(crm));
        expect(await store.read((tx) => tx.getIdempotency('start:customer-review', 'erp', 'k-1'))).toEqual(erp);
        expect(await store.read((tx) => tx.getIdempotency('start:customer-review', 'crm', 'k-1'))).toEqual(crm);
      });

      it('detects a concurrent duplicate: exactly one of two transactions wins', async () => {
        await seed(store, instanceRow('i1'), instanceRow('i2'));
        const claim = (instanceId: string) =>
          store.transaction(async (tx) => {
            await tx.insertIdempotency({ scope: 'order', caller: 'erp', key: 'SO-1', requestHash: instanceId, instanceId, createdAt: at(0) });
            await sleep(30);
            return instanceId;
          });
        const results = await Promise.allSettled([claim('i1'), claim('i2')]);
        const won = results.filter((r) => r.status === 'fulfilled');
        const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
        expect(won).toHaveLength(1);
        expect(lost).toHaveLength(1);
        expect(lost[0].reason).toBeInstanceOf(StratumError);
        expect((lost[0].reason as StratumError).code).toBe('conflict');
        expect(isRetryableConflict(lost[0].reason)).toBe(true);
        const stored = await store.read((tx) => tx.getIdempotency('order', 'erp', 'SO-1'));
        expect(stored?.instanceId).toBe((won[0]).value);
      });
    });

    describe('messages', () => {
      it('inserts, finds by (name, key, messageId), updates and deletes a message', async () => {
        const row = messageRow('m1', { messageId: 'bank-1', state: 'received' });
        expect(await store.transaction((tx) => tx.insertMessage(row))).toBe(true);
        expect(await store.read((tx) => tx.findMessageById('PaymentReceived', 'SO-1', 'bank-1'))).toEqual(row);
        expect(await store.read((tx) => tx.findMessageById('PaymentReceived', 'SO-2', 'bank-1'))).toBeUndefined();
        const delivered = { ...row, state: 'delivered' as const, rootId: 'i1', deliveredTo: 'i2', deliveredAt: at(5) };
        await store.transaction((tx) => tx.updateMessage(delivered));
        expect(await store.read((tx) => tx.findMessageById('PaymentReceived', 'SO-1', 'bank-1'))).toEqual(delivered);
        await store.transaction((tx) => tx.deleteMessage('m1'));
        expect(await store.read((tx) => tx.findMessageById('PaymentReceived', 'SO-1', 'bank-1'))).toBeUndefined();
        await expectStratumError(store.transaction((tx) => tx.updateMessage(row)), 'not-found');
      });

      it('keeps a messageId unique per name and key (false for a duplicate); messages without one never collide', async () => {
        await store.transaction(async (tx) => {
          expect(await tx.insertMessage(messageRow('m1', { messageId: 'bank-1' }))).toBe(true);
          expect(await tx.insertMessage(messageRow('m2', { messageId: 'bank-1' }))).toBe(false);
          expect(await tx.insertMessage(messageRow('m3', { messageId: 'bank-1', correlationKey: 'SO-2' }))).toBe(true);
          expect(await tx.insertMessage(messageRow('m4', { messageId: 'bank-1', name: 'ShipmentRequested' }))).toBe(true);
          expect(await tx.insertMessage(messageRow('m5'))).toBe(true);
          expect(await tx.insertMessage(messageRow('m6'))).toBe(true);
        });
      });

      it('detects a concurrent duplicate messageId: exactly one of two transactions inserts it', async () => {
        const claim = (id: string) =>
          store.transaction(async (tx) => {
            const inserted = await tx.insertMessage(messageRow(id, { messageId: 'bank-1' }));
            await sleep(30);
            return inserted;
          });
        const results = await Promise.all([claim('m1'), claim('m2')]);
        expect(results.sort()).toEqual([false, true]);
      });

      it('hands out the oldest unexpired buffered message for (name, key), skipping received, delivered and expired ones', async () => {
        await store.transaction(async (tx) => {
          await tx.insertMessage(messageRow('expired', { receivedAt: at(0), expiresAt: at(10) }));
          await tx.insertMessage(messageRow('delivered', { receivedAt: at(1), state: 'delivered' }));
          await tx.insertMessage(messageRow('received', { receivedAt: at(2), state: 'received' }));
          await tx.insertMessage(messageRow('newer', { receivedAt: at(4) }));
          await tx.insertMessage(messageRow('older', { receivedAt: at(3) }));
          await tx.insertMessage(messageRow('other-key', { receivedAt: at(0), correlationKey: 'SO-2' }));
        });
        const oldest = (now: number) => store.transaction((tx) => tx.oldestBufferedMessage('PaymentReceived', 'SO-1', at(now)));
        expect((await oldest(5))?.id).toBe('expired');
        expect((await oldest(20))?.id).toBe('older');
        expect((await store.read((tx) => tx.oldestBufferedMessage('ShipmentRequested', 'SO-1', at(20))))).toBeUndefined();
        // a catch that takes only messages received since an instant (messagesReceivedSince): at it, or after
        const since = (instant: number) => store.transaction((tx) => tx.oldestBufferedMessage('PaymentReceived', 'SO-1', at(20), at(instant)));
        expect((await since(3.5))?.id).toBe('newer');
        expect((await since(4))?.id).toBe('newer');
        expect(await since(4.5)).toBeUndefined();
        expect((await store.transaction((tx) => tx.oldestBufferedMessage('PaymentReceived', 'SO-1', at(20), null)))?.id).toBe('older');
      });

      it('counts the unexpired buffered messages of the names asked for, per name and correlation key, with the last expiry', async () => {
        await store.transaction(async (tx) => {
          await tx.insertMessage(messageRow('early', { expiresAt: at(30) }));
          await tx.insertMessage(messageRow('late', { expiresAt: at(90) }));
          await tx.insertMessage(messageRow('expired', { expiresAt: at(10) }));
          await tx.insertMessage(messageRow('delivered', { state: 'delivered' }));
          await tx.insertMessage(messageRow('received', { state: 'received' }));
          await tx.insertMessage(messageRow('other-key', { correlationKey: 'SO-2', expiresAt: at(40) }));
          await tx.insertMessage(messageRow('shipment', { name: 'ShipmentRequested', expiresAt: at(50) }));
          await tx.insertMessage(messageRow('not-asked', { name: 'InvoiceSettled' }));
        });
        const counted = async (names: string[], now: number) =>
          (await store.read((tx) => tx.bufferedMessages(names, at(now)))).sort((a, b) => `${a.name} ${a.correlationKey}`.localeCompare(`${b.name} ${b.correlationKey}`));
        expect(await counted(['PaymentReceived', 'ShipmentRequested'], 20)).toEqual([
          { name: 'PaymentReceived', correlationKey: 'SO-1', count: 2, lastExpiresAt: at(90) },
          { name: 'PaymentReceived', correlationKey: 'SO-2', count: 1, lastExpiresAt: at(40) },
          { name: 'ShipmentRequested', correlationKey: 'SO-1', count: 1, lastExpiresAt: at(50) },
        ]);
        // a message counts until it expires
        expect(await counted(['PaymentReceived'], 45)).toEqual([{ name: 'PaymentReceived', correlationKey: 'SO-1', count: 1, lastExpiresAt: at(90) }]);
        expect(await counted([], 20)).toEqual([]);
      });

      it('lists expired messages oldest expiry first, up to a limit', async () => {
        await store.transaction(async (tx) => {
          await tx.insertMessage(messageRow('late', { expiresAt: at(30) }));
          await tx.insertMessage(messageRow('second', { expiresAt: at(20), state: 'delivered' }));
          await tx.insertMessage(messageRow('first', { expiresAt: at(10) }));
          await tx.lockCorrelation('PaymentReceived', 'SO-1');
        });
        expect(ids(await store.transaction((tx) => tx.expiredMessages(at(20), 10)))).toEqual(['first', 'second']);
        expect(ids(await store.read((tx) => tx.expiredMessages(at(20), 1)))).toEqual(['first']);
        expect(await store.read((tx) => tx.expiredMessages(at(5), 10))).toEqual([]);
      });

      it('serialises two transactions on one (name, key) with lockCorrelation: the later sees the earlier one\'s row', async () => {
        const order: string[] = [];
        let locked: () => void = () => undefined;
        const firstLocked = new Promise<void>((resolve) => (locked = resolve));
        const first = store.transaction(async (tx) => {
          await tx.lockCorrelation('PaymentReceived', 'SO-1');
          order.push('first locked');
          locked();
          await sleep(50);
          await tx.insertMessage(messageRow('m1'));
          order.push('first wrote');
        });
        await firstLocked;
        const second = store.transaction(async (tx) => {
          await tx.lockCorrelation('PaymentReceived', 'SO-1');
          order.push('second locked');
          return tx.oldestBufferedMessage('PaymentReceived', 'SO-1', at(1));
        });
        const [, seen] = await Promise.all([first, second]);
        expect(order).toEqual(['first locked', 'first wrote', 'second locked']);
        expect(seen?.id).toBe('m1');
      });
    });

    describe('incidents', () => {
      it('stores an incident with the state a retry needs and reads it back', async () => {
        await seed(store, instanceRow('i1'));
        const row = incidentRow('inc-1', 'i1');
        await store.transaction((tx) => tx.insertIncident(row));
        expect(await store.read((tx) => tx.getIncident('inc-1'))).toEqual({ ...row, seq: anyNumber() });
        expect(await store.read((tx) => tx.getIncident('nope'))).toBeUndefined();
      });

      it('keeps why the runtime refused the step beside the message, and no reason where it does not know one', async () => {
        await seed(store, instanceRow('i1'));
        const refused = incidentRow('refused', 'i1', {
          message: 'task Approve: candidate groups =approverGroup gave "integration", a group that grants a server role',
          reason: { kind: 'assignment-server-role', attribute: 'candidateGroups', given: 'integration', serverRole: 'group' },
        });
        const failed = incidentRow('failed', 'i1', { reason: { kind: 'assignment-failed', attribute: 'assignee' } });
        const unknown = incidentRow('unknown', 'i1', { kind: 'job', waitId: 'w1', action: null, stateBefore: null });
        await store.transaction(async (tx) => {
          for (const row of [refused, failed, unknown]) await tx.insertIncident(row);
        });
        expect(await store.read((tx) => tx.getIncident('refused'))).toEqual({ ...refused, seq: anyNumber() });
        expect((await store.read((tx) => tx.findIncidents({ instanceId: 'i1' }))).map((row) => row.reason)).toEqual([refused.reason, failed.reason, null]);
      });

      it('filters incidents by the kind of their reason, and by having none', async () => {
        await seed(store, instanceRow('i1'));
        const condition = incidentRow('condition', 'i1', { reason: { kind: 'condition-failed', flowId: 'Large' } });
        const mapping = incidentRow('mapping', 'i1', { reason: { kind: 'io-mapping-failed', direction: 'input', target: 'city' } });
        const older = incidentRow('older', 'i1');
        await store.transaction(async (tx) => {
          for (const row of [condition, mapping, older]) await tx.insertIncident(row);
        });
        const ids = async (reasonKinds: NonNullable<IncidentFilter['reasonKinds']>) =>
          (await store.read((tx) => tx.findIncidents({ instanceId: 'i1', reasonKinds }))).map((row) => row.id);
        expect(await ids({ kinds: ['condition-failed'] })).toEqual(['condition']);
        expect(await ids({ kinds: ['io-mapping-failed', 'condition-failed'] })).toEqual(['condition', 'mapping']);
        expect(await ids({ kinds: ['assignment-server-role'], orNone: true })).toEqual(['older']);
        expect(await ids({ kinds: [] })).toEqual([]);
        expect(await ids({ kinds: [], orNone: true })).toEqual(['older']);
      });

      it('filters open incidents by process, business key, instance and cause, pages by seq, and resolves each once', async () => {
        await seed(store, instanceRow('i1'), instanceRow('i2', { processKey: 'order-to-cash' }));
        await store.transaction(async (tx) => {
          await tx.insertIncident(incidentRow('a', 'i1'));
          await tx.insertIncident(incidentRow('b', 'i2', { businessKey: 'SO-2', causeId: 'a' }));
          await tx.insertIncident(incidentRow('c', 'i1', { kind: 'job', waitId: 'w1', action: null, stateBefore: null }));
        });
        const find = (filter: Parameters<StoreTx['findIncidents']>[0]) => store.read(async (tx) => ids(await tx.findIncidents(filter)));
        expect(await find({})).toEqual(['a', 'b', 'c']);
        expect(await find({ businessKey: 'SO-2' })).toEqual(['b']);
        expect(await find({ instanceId: 'i1' })).toEqual(['a', 'c']);
        expect(await find({ causeId: 'a' })).toEqual(['b']);
        expect(await find({ processKey: 'credit-order-approval' })).toEqual([]);
        expect(await find({ limit: 2 })).toEqual(['a', 'b']);
        const [first] = await store.read((tx) => tx.findIncidents({ limit: 1 }));
        expect(await find({ afterSeq: first.seq! })).toEqual(['b', 'c']);

        const resolution = { resolvedAt: at(9), resolvedBy: 'otto', resolution: 'retried' as const };
        expect(await store.transaction((tx) => tx.resolveIncident('a', resolution))).toBe(true);
        expect(await store.transaction((tx) => tx.resolveIncident('a', { ...resolution, resolution: 'cancelled' }))).toBe(false);
        expect(await store.transaction((tx) => tx.resolveIncident('nope', resolution))).toBe(false);
        expect(await find({ open: true })).toEqual(['b', 'c']);
        expect(await store.read((tx) => tx.getIncident('a'))).toMatchObject({ resolvedAt: at(9), resolvedBy: 'otto', resolution: 'retried' });
      });

      it('filters incidents by kind and finds the resolved ones alone (Camunda 8\'s incident search)', async () => {
        await seed(store, instanceRow('i1'));
        await store.transaction(async (tx) => {
          await tx.insertIncident(incidentRow('step-open', 'i1'));
          await tx.insertIncident(incidentRow('job-open', 'i1', { kind: 'job', waitId: 'w1', action: null, stateBefore: null }));
          await tx.insertIncident(incidentRow('job-done', 'i1', { kind: 'job', waitId: 'w2', action: null, stateBefore: null }));
          await tx.resolveIncident('job-done', { resolvedAt: at(9), resolvedBy: 'otto', resolution: 'retried' });
        });
        const find = (filter: Parameters<StoreTx['findIncidents']>[0]) => store.read(async (tx) => ids(await tx.findIncidents(filter)));
        expect(await find({ kind: 'job' })).toEqual(['job-open', 'job-done']);
        expect(await find({ kind: 'step' })).toEqual(['step-open']);
        expect(await find({ resolved: true })).toEqual(['job-done']);
        expect(await find({ resolved: true, kind: 'step' })).toEqual([]);
        expect(await find({ open: true, kind: 'job' })).toEqual(['job-open']);
      });

      it('filters incidents by the element that failed (Camunda 7\'s activityId)', async () => {
        await seed(store, instanceRow('i1'));
        await store.transaction(async (tx) => {
          await tx.insertIncident(incidentRow('at-plan', 'i1', { elementId: 'plan' }));
          await tx.insertIncident(incidentRow('at-ship', 'i1', { elementId: 'ship', kind: 'job', waitId: 'w1', action: null, stateBefore: null }));
        });
        const find = (filter: Parameters<StoreTx['findIncidents']>[0]) => store.read(async (tx) => ids(await tx.findIncidents(filter)));
        expect(await find({ elementId: 'ship' })).toEqual(['at-ship']);
        expect(await find({ elementId: 'plan', open: true, instanceId: 'i1' })).toEqual(['at-plan']);
        expect(await find({ elementId: 'elsewhere' })).toEqual([]);
      });

      it('orders incidents by seq or by id, either way, pages strictly after the cursor in that order, and finds those of several instances (Camunda 8\'s sort)', async () => {
        await seed(store, instanceRow('i1'), instanceRow('i2'), instanceRow('i3'));
        await store.transaction(async (tx) => {
          // recorded in an order that is not the ids' order
          for (const [id, instanceId] of [['m', 'i1'], ['z', 'i2'], ['a', 'i1'], ['q', 'i3']]) await tx.insertIncident(incidentRow(id, instanceId));
        });
        const find = (filter: Parameters<StoreTx['findIncidents']>[0]) => store.read(async (tx) => ids(await tx.findIncidents(filter)));
        const rows = await store.read((tx) => tx.findIncidents({}));
        const seqOf = (id: string) => rows.find((row) => row.id === id)!.seq!;
        expect(await find({ order: { by: 'seq', descending: true } })).toEqual(['q', 'a', 'z', 'm']);
        expect(await find({ order: { by: 'seq', descending: true }, afterSeq: seqOf('a'), limit: 1 })).toEqual(['z']);
        expect(await find({ order: { by: 'id', descending: false } })).toEqual(['a', 'm', 'q', 'z']);
        expect(await find({ order: { by: 'id', descending: false }, afterId: 'm' })).toEqual(['q', 'z']);
        expect(await find({ order: { by: 'id', descending: true }, afterId: 'q' })).toEqual(['m', 'a']);
        expect(await find({ instanceIds: ['i1', 'i3'], order: { by: 'seq', descending: true } })).toEqual(['q', 'a', 'm']);
        expect(await find({ instanceIds: [] })).toEqual([]);
      });

      it('skips an offset of incidents in the database, after the cursor when both are given (Camunda 7\'s firstResult, Camunda 8\'s page.from)', async () => {
        await seed(store, instanceRow('i1'));
        await store.transaction(async (tx) => {
          for (const id of ['a', 'b', 'c', 'd', 'e']) await tx.insertIncident(incidentRow(id, 'i1'));
        });
        const find = (filter: Parameters<StoreTx['findIncidents']>[0]) => store.read(async (tx) => ids(await tx.findIncidents(filter)));
        expect(await find({ offset: 2, limit: 2 })).toEqual(['c', 'd']);
        expect(await find({ offset: 3 })).toEqual(['d', 'e']);
        expect(await find({ offset: 9, limit: 2 })).toEqual([]);
        expect(await find({ order: { by: 'id', descending: true }, afterId: 'd', offset: 1 })).toEqual(['b', 'a']);
        expect(await find({ offset: 0, limit: 1 })).toEqual(['a']);
        await expectStratumError(find({ offset: -1 }), 'invalid');
      });

      it('reads the waits an incident kept before jobs said whether their retries were set (and before claims): a job that had failed has them set, nobody claimed a task', async () => {
        await seed(store, instanceRow('i1'));
        // as an incident stored before schema version 11 kept them: without jobRetriesSet (nor 12's claim)
        const kept = (wait: WaitRow) => {
          const { jobRetriesSet: _set, claimedBy: _by, claimedAt: _at, ...before } = wait;
          return before as WaitRow;
        };
        const failed = waitRow('failed', 'i1', { kind: 'job', jobType: 'shipping', jobRetries: 2, jobError: 'carrier refused' });
        const untouched = waitRow('untouched', 'i1', { kind: 'job', jobType: 'shipping', jobRetries: 3 });
        const set = waitRow('set', 'i1', { kind: 'job', jobType: 'shipping', jobRetries: 5, jobRetriesSet: true });
        await store.transaction((tx) => tx.insertIncident(incidentRow('old', 'i1', { waitsBefore: [kept(failed), kept(untouched), set] })));
        expect((await store.read((tx) => tx.getIncident('old')))?.waitsBefore).toEqual([{ ...failed, jobRetriesSet: true }, untouched, set]);
      });

      it('counts the incidents a match selects, as many as findIncidents lists with the same conditions (Camunda 7\'s incident count)', async () => {
        await seed(store, instanceRow('i1'), instanceRow('i2'));
        await store.transaction(async (tx) => {
          await tx.insertIncident(incidentRow('plan', 'i1', { elementId: 'plan', reason: { kind: 'condition-failed', flowId: 'Large' } }));
          await tx.insertIncident(incidentRow('ship', 'i2', { elementId: 'ship', businessKey: 'SO-2', processKey: 'credit-order-approval', kind: 'job', waitId: 'w1', action: null, stateBefore: null }));
          await tx.insertIncident(incidentRow('done', 'i1', { kind: 'job', waitId: 'w2', action: null, stateBefore: null }));
          await tx.insertIncident(incidentRow('follows', 'i2', { processKey: 'credit-order-approval', causeId: 'plan' }));
          await tx.resolveIncident('done', { resolvedAt: at(9), resolvedBy: 'otto', resolution: 'retried' });
        });
        const matches: IncidentMatch[] = [
          {}, { open: true }, { resolved: true }, { kind: 'job' }, { open: true, kind: 'job' }, { instanceId: 'i1' }, { elementId: 'ship' },
          { businessKey: 'SO-2' }, { processKey: 'credit-order-approval' }, { instanceIds: ['i1'] }, { instanceIds: [] }, { rootId: 'i2' },
          { causeId: 'plan' }, { reasonKinds: { kinds: ['condition-failed'] } }, { reasonKinds: { kinds: [], orNone: true } },
          { open: true, instanceId: 'i2', elementId: 'ship', kind: 'job' }, { open: true, processKey: 'nothing' },
        ];
        const counts = await store.read(async (tx) => Promise.all(matches.map((match) => tx.countIncidents(match))));
        const listed = await store.read(async (tx) => Promise.all(matches.map(async (match) => (await tx.findIncidents(match)).length)));
        expect(counts).toEqual(listed);
        expect(counts).toEqual([4, 3, 1, 2, 1, 2, 1, 1, 2, 2, 0, 2, 1, 1, 3, 1, 0]);
      });
    });

    describe('orders', () => {
      const orderRow = (orderNo: string, instanceId: string): OrderRow => ({
        orderNo,
        processKey: 'order-to-cash',
        instanceId,
        order: { orderNo, customer: { name: 'ACME' }, amount: 600000, currency: 'JPY', paymentTerms: 'credit', specialChange: null },
        amount: '600000',
        currency: 'JPY',
        reportingAmount: '28740.00',
        reportingCurrency: 'CNY',
        exchangeRate: '0.0479',
        rateDate: '2026-01-02',
        enteredBy: 'erp',
        enteredAt: at(1),
      });

      it('keeps an order as entered, both amounts as exact decimal text, and refuses its number twice', async () => {
        await seed(store, instanceRow('i1'), instanceRow('i2'));
        const row = { ...orderRow('SO-1', 'i1'), amount: '500000.10', currency: 'EUR', reportingAmount: '4122500.83', exchangeRate: '8.245' };
        await store.transaction((tx) => tx.insertOrder(row));
        expect(await store.read((tx) => tx.getOrder('SO-1'))).toEqual(row);
        expect(await store.read((tx) => tx.getOrder('SO-2'))).toBeUndefined();
        await expectLostRace(store.transaction((tx) => tx.insertOrder(orderRow('SO-1', 'i2'))));
        expect((await store.read((tx) => tx.getOrder('SO-1')))?.instanceId).toBe('i1');
      });

      it('holds a business-key lock until the transaction ends: a second locker of the key waits for the first', async () => {
        const events: string[] = [];
        const first = store.transaction(async (tx) => {
          await tx.lockBusinessKey('SO-LOCK');
          events.push('first locked');
          await sleep(60);
          events.push('first done');
        });
        await sleep(15);
        const second = store.transaction(async (tx) => {
          await tx.lockBusinessKey('SO-LOCK');
          events.push('second locked');
        });
        const other = store.transaction(async (tx) => {
          await tx.lockBusinessKey('SO-OTHER');
        });
        await Promise.all([first, second, other]);
        expect(events).toEqual(['first locked', 'first done', 'second locked']);
      });

      it('keeps an order\'s changes in the order they were requested, refuses a changeId twice and updates a status', async () => {
        const b = changeRow('SO-1', 'b', 2, { amount: '1200000.00', reportingAmount: '1200000.00' });
        const a = changeRow('SO-1', 'a', 1);
        await store.transaction(async (tx) => {
          await tx.insertOrderChange(b);
          await tx.insertOrderChange(a);
          await tx.insertOrderChange(changeRow('SO-2', 'a', 1));
        });
        expect(await store.read((tx) => tx.orderChanges('SO-1'))).toEqual([a, b]);
        expect(await store.read((tx) => tx.orderChanges('SO-3'))).toEqual([]);
        await expectLostRace(store.transaction((tx) => tx.insertOrderChange(changeRow('SO-1', 'a', 3))));
        await store.transaction((tx) => tx.updateOrderChange({ ...b, status: 'approved', settledAt: at(9) }));
        expect(await store.read((tx) => tx.orderChanges('SO-1'))).toEqual([a, { ...b, status: 'approved', settledAt: at(9) }]);
        expect((await store.read((tx) => tx.orderChanges('SO-2')))[0]?.status).toBe('open');
      });

      it('hands out no job of an order while it has an open change; other orders\' jobs and settled changes do not hold', async () => {
        await seed(store, instanceRow('i1', { businessKey: 'SO-HELD' }), instanceRow('i2', { businessKey: 'SO-FREE' }));
        await store.transaction(async (tx) => {
          await tx.replaceWaits('i1', [waitRow('j-held', 'i1', { kind: 'job', jobType: 'shipping', jobRetries: 3, businessKey: 'SO-HELD', createdAt: at(1) })]);
          await tx.replaceWaits('i2', [waitRow('j-free', 'i2', { kind: 'job', jobType: 'shipping', jobRetries: 3, businessKey: 'SO-FREE', createdAt: at(2) })]);
          await tx.insertOrderChange(changeRow('SO-HELD', 'open', 1));
          await tx.insertOrderChange(changeRow('SO-FREE', 'done', 1, { status: 'accepted', settledAt: at(3) }));
        });
        expect(ids(await store.transaction((tx) => tx.lockJobs('shipping', 'w', at(10), at(70), 10)))).toEqual(['j-free']);
        const [open] = await store.read((tx) => tx.orderChanges('SO-HELD'));
        await store.transaction((tx) => tx.updateOrderChange({ ...open, status: 'acknowledged' }));
        expect(await store.transaction((tx) => tx.lockJobs('shipping', 'w', at(10), at(70), 10))).toEqual([]);
        await store.transaction((tx) => tx.updateOrderChange({ ...open, status: 'rejected', settledAt: at(11) }));
        expect(ids(await store.transaction((tx) => tx.lockJobs('shipping', 'w', at(12), at(70), 10)))).toEqual(['j-held']);
      });

      it('lets exactly one of two concurrent entries of one order number win', async () => {
        await seed(store, instanceRow('i1'), instanceRow('i2'));
        const enter = (instanceId: string) =>
          store.transaction(async (tx) => {
            await tx.lockBusinessKey('SO-RACE');
            if (await tx.getOrder('SO-RACE')) throw new StratumError('conflict', 'seen');
            await sleep(30);
            await tx.insertOrder(orderRow('SO-RACE', instanceId));
            return instanceId;
          });
        const results = await Promise.allSettled([enter('i1'), enter('i2')]);
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
        expect(lost).toHaveLength(1);
        expect((lost[0].reason as StratumError).code).toBe('conflict');
      });

      it('lists orders newest entered first, by customer name, entry time and root status, in keyset pages', async () => {
        await seed(store, instanceRow('i1'), instanceRow('i2', { status: 'completed' }), instanceRow('i3'), instanceRow('i4'));
        const entered = (orderNo: string, instanceId: string, second: number, customer: string): OrderRow => {
          const row = orderRow(orderNo, instanceId);
          return { ...row, order: { ...row.order, customer: { name: customer } }, enteredAt: at(second) };
        };
        await store.transaction(async (tx) => {
          await tx.insertOrder(entered('SO-B', 'i1', 1, 'ACME'));
          await tx.insertOrder(entered('SO-A', 'i2', 1, 'ACME'));
          await tx.insertOrder(entered('SO-C', 'i3', 2, 'Zeta'));
          await tx.insertOrder(entered('SO-D', 'i4', 3, 'ACME'));
        });
        const numbers = async (filter: Parameters<StoreTx['findOrders']>[0]) => (await store.read((tx) => tx.findOrders(filter))).map((row) => row.orderNo);
        expect(await numbers({ limit: 10 })).toEqual(['SO-D', 'SO-C', 'SO-A', 'SO-B']);
        expect(await numbers({ limit: 10, customerName: 'ACME' })).toEqual(['SO-D', 'SO-A', 'SO-B']);
        expect(await numbers({ limit: 10, from: at(2), to: at(3) })).toEqual(['SO-C']);
        expect(await numbers({ limit: 10, rootStatuses: ['completed'] })).toEqual(['SO-A']);
        expect(await numbers({ limit: 10, rootStatuses: ['running'], customerName: 'ACME' })).toEqual(['SO-D', 'SO-B']);
        expect(await numbers({ limit: 2, after: { createdAt: at(1), id: 'SO-A' } })).toEqual(['SO-B']);
        expect(await numbers({ limit: 1, after: { createdAt: at(3), id: 'SO-D' } })).toEqual(['SO-C']);
      });
    });

    describe('pages', () => {
      // Ids a client or a diagram may choose, in an order that is neither insertion order nor locale order: case,
      // punctuation, LIKE wildcards, quotes, digits compared as text, combining marks, a private-use character and
      // one beyond the BMP (UTF-16 orders those two the other way round from UTF-8 bytes, which both stores use).
      const NAMES = ['b', 'B', 'a', 'A', 'Z', 'z', '0', '9', '10', '1', '-', '_', '%', '_%', "'", '"', 'a b', 'a-b', 'a_b', 'aB', 'Ab', 'é', 'e\u0301', 'Ω', '\uE000', '😀', '~', '.'];
      /** The stores' order of ids: UTF-8 bytes (SQLite's BINARY, PostgreSQL's "C"). */
      const byteOrder = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));
      /** Three instants, each shared by a third of the rows. */
      const instantOf = (n: number) => at(10 + (n % 3));
      /**
       * Reads a list `limit` at a time as the API does (limit + 1 rows; the next page after the last row of this one)
       * and answers every row read, in the order read.
       */
      const pageThrough = async <Row>(read: (page: { limit: number; after?: PageAfter }) => Promise<Row[]>, limit: number, positionOf: (row: Row) => PageAfter): Promise<Row[]> => {
        const rows: Row[] = [];
        let after: PageAfter | undefined;
        for (let pages = 0; pages < 1000; pages++) {
          const got = await read({ limit: limit + 1, ...(after && { after }) });
          rows.push(...got.slice(0, limit));
          if (got.length <= limit) return rows;
          after = positionOf(got[limit - 1]);
        }
        throw new Error('paged without end');
      };

      it('pages every list through rows sharing an instant exactly once, in list order, whatever the page size', async () => {
        const names = NAMES.map((name, n) => ({ name, createdAt: instantOf(n) }));
        await seed(store, ...names.map(({ name, createdAt }) => instanceRow(`i${name}`, { createdAt, businessKey: `SO${name}` })));
        await store.transaction(async (tx) => {
          for (const { name, createdAt } of names) {
            await tx.replaceWaits(`i${name}`, [waitRow(`w${name}`, `i${name}`, { createdAt, candidateGroups: ['vice-president'], candidateUsers: ['vera'], assignee: 'dana' })]);
            await tx.insertOrder({
              orderNo: `SO${name}`, processKey: 'order-to-cash', instanceId: `i${name}`,
              order: { orderNo: `SO${name}`, customer: { name: 'ACME' }, amount: 1, currency: 'EUR', paymentTerms: 'credit', specialChange: null },
              amount: '1', currency: 'EUR', reportingAmount: '8.25', reportingCurrency: 'CNY', exchangeRate: '8.245', rateDate: '2026-01-02', enteredBy: 'erp', enteredAt: createdAt,
            });
            await tx.insertIncident(incidentRow(`inc${name}`, `i${name}`, { createdAt }));
          }
          await tx.appendHistory(names.map(({ name, createdAt }) => historyRow(`i${name}`, 'task.refused', { at: createdAt, actor: 'dirk', data: { reason: 'not-offered' } })));
        });
        const newestFirst = (prefix: string) => names.map(({ name, createdAt }) => ({ id: `${prefix}${name}`, createdAt }))
          .sort((a, b) => (a.createdAt === b.createdAt ? byteOrder(a.id, b.id) : a.createdAt < b.createdAt ? 1 : -1)).map((row) => row.id);
        const oldestFirst = (prefix: string) => names.map(({ name, createdAt }) => ({ id: `${prefix}${name}`, createdAt }))
          .sort((a, b) => (a.createdAt === b.createdAt ? byteOrder(a.id, b.id) : a.createdAt < b.createdAt ? -1 : 1)).map((row) => row.id);
        const position = (row: { id: string; createdAt: string }) => ({ id: row.id, createdAt: row.createdAt });

        for (const limit of [1, 4, 7, NAMES.length - 1, NAMES.length]) {
          const instances = await pageThrough((page) => store.read((tx) => tx.findInstances(page)), limit, position);
          expect(ids(instances), `instances, ${limit} a page`).toEqual(newestFirst('i'));
          // a person's own list finds each row through its group, its candidate user and its assignee: once, in list order
          for (const filter of [{ candidateGroup: 'vice-president' }, { candidateUser: 'vera' }, { assignee: 'dana' }, { kind: 'task' as const }, { inListOf: { name: 'dana', groups: ['vice-president'] } }, { inListOf: { name: 'vera', groups: [] } }]) {
            const waits = await pageThrough((page) => store.read((tx) => tx.findWaits({ ...filter, ...page })), limit, position);
            expect(ids(waits), `waits ${JSON.stringify(filter)}, ${limit} a page`).toEqual(oldestFirst('w'));
          }
          const orders = await pageThrough((page) => store.read((tx) => tx.findOrders(page)), limit, (row) => ({ id: row.orderNo, createdAt: row.enteredAt }));
          expect(orders.map((row) => row.orderNo), `orders, ${limit} a page`).toEqual(newestFirst('SO'));
          const refused = await pageThrough((page) => store.read((tx) => tx.findRefused(page)), limit, (row) => ({ id: String(row.seq), createdAt: row.at }));
          // newest first, then by seq: the order they were appended in within an instant
          expect(refused.map((row) => row.instanceId), `refused attempts, ${limit} a page`).toEqual(
            names.map(({ name, createdAt }, n) => ({ id: `i${name}`, createdAt, n })).sort((a, b) => (a.createdAt === b.createdAt ? a.n - b.n : a.createdAt < b.createdAt ? 1 : -1)).map((row) => row.id),
          );
          for (const descending of [false, true]) {
            const incidents = await pageThrough(
              (page) => store.read((tx) => tx.findIncidents({ order: { by: 'id', descending }, limit: page.limit, ...(page.after && { afterId: page.after.id }) })),
              limit, position,
            );
            const expected = names.map(({ name }) => `inc${name}`).sort(byteOrder);
            expect(ids(incidents), `incidents by id, ${limit} a page`).toEqual(descending ? expected.reverse() : expected);
          }
        }
      });
    });

    describe('job announcements', () => {
      it('announces a job type after the commit that creates, fails with retries or unlocks a job, never after a rollback', async () => {
        await seed(store, instanceRow('i1', { businessKey: 'SO-1' }));
        const heard: string[] = [];
        const stop = await store.watchJobs((jobType) => heard.push(jobType));
        const settle = async () => {
          for (let round = 0; round < 40 && heard.length === 0; round++) await new Promise((resolve) => setTimeout(resolve, 25));
          const got = heard.splice(0);
          return got;
        };
        await expect(store.transaction(async (tx) => {
          await tx.replaceWaits('i1', [waitRow('j1', 'i1', { kind: 'job', jobType: 'shipping', jobRetries: 3 })]);
          throw new Error('rolled back');
        })).rejects.toThrow('rolled back');
        await store.transaction((tx) => tx.replaceWaits('i1', [waitRow('t1', 'i1', { kind: 'task' })]));
        expect(await settle()).toEqual([]);

        await store.transaction((tx) => tx.replaceWaits('i1', [waitRow('j1', 'i1', { kind: 'job', jobType: 'shipping', jobRetries: 3, businessKey: 'SO-1' })]));
        expect(await settle()).toEqual(['shipping']);
        expect(await store.transaction((tx) => tx.lockJobs('shipping', 'w', at(10), at(70), 1, 'SO-OTHER'))).toEqual([]);
        const [locked] = await store.transaction((tx) => tx.lockJobs('shipping', 'w', at(10), at(70), 1, 'SO-1'));
        expect(locked?.id).toBe('j1');
        expect(await settle()).toEqual([]);
        await store.transaction((tx) => tx.updateWait({ ...locked, lockedBy: null, lockExpiresAt: null }));
        expect(await settle()).toEqual(['shipping']);
        await stop();
      });

      it('announces the fetchable jobs of a call tree when one of its incidents is retried (its failure held them back), none when cancelled', async () => {
        const failed = { status: 'failed' as const, incident: { elementId: 'Check', message: 'condition failed' } };
        await seed(store, instanceRow('root', failed), instanceRow('child', { parentId: 'root', rootId: 'root' }), instanceRow('other', failed));
        const job = (id: string, instanceId: string, jobType: string, extra: Partial<WaitRow> = {}) =>
          waitRow(id, instanceId, { kind: 'job', jobType, jobRetries: 3, rootId: instanceId === 'other' ? 'other' : 'root', ...extra });
        await store.transaction(async (tx) => {
          await tx.replaceWaits('root', [job('j-root', 'root', 'shipping'), job('j-locked', 'root', 'labelling', { lockedBy: 'w', lockExpiresAt: at(600) })]);
          await tx.replaceWaits('child', [job('j-child', 'child', 'packing', { jobRetries: null }), job('j-spent', 'child', 'invoicing', { jobRetries: 0 })]);
          await tx.replaceWaits('other', [job('j-other', 'other', 'billing')]);
          await tx.insertIncident(incidentRow('inc-root', 'root', { rootId: 'root' }));
          await tx.insertIncident(incidentRow('inc-other', 'other', { rootId: 'other' }));
        });
        const { settle, stop } = await listenForJobTypes(store);
        await store.transaction((tx) => tx.resolveIncident('inc-other', { resolvedAt: at(10), resolvedBy: 'otto', resolution: 'cancelled' }));
        expect(await settle(1)).toEqual([]);
        await store.transaction((tx) => tx.resolveIncident('inc-root', { resolvedAt: at(11), resolvedBy: 'otto', resolution: 'retried' }));
        // not the locked job, not the one out of retries, not another order's
        expect(await settle(2)).toEqual(['packing', 'shipping']);
        await expect(store.transaction(async (tx) => {
          await tx.resolveIncident('inc-other', { resolvedAt: at(12), resolvedBy: 'otto', resolution: 'retried' });
          throw new Error('rolled back');
        })).rejects.toThrow('rolled back');
        expect(await settle(1)).toEqual([]);
        await stop();
      });

      it('announces an order\'s fetchable jobs when its last open change is settled (it held them), none on an acknowledgement or while another change is open', async () => {
        await seed(store, instanceRow('root', { businessKey: 'SO-HELD' }), instanceRow('child', { parentId: 'root', rootId: 'root', businessKey: 'SO-HELD' }),
          instanceRow('other', { businessKey: 'SO-OTHER' }));
        const job = (id: string, instanceId: string, jobType: string, extra: Partial<WaitRow> = {}) =>
          waitRow(id, instanceId, { kind: 'job', jobType, jobRetries: 3, rootId: instanceId === 'other' ? 'other' : 'root', businessKey: instanceId === 'other' ? 'SO-OTHER' : 'SO-HELD', ...extra });
        await store.transaction(async (tx) => {
          await tx.replaceWaits('root', [job('j-root', 'root', 'shipping'), job('j-locked', 'root', 'labelling', { lockedBy: 'w', lockExpiresAt: at(600) })]);
          await tx.replaceWaits('child', [job('j-child', 'child', 'packing', { jobRetries: null }), job('j-spent', 'child', 'invoicing', { jobRetries: 0 })]);
          await tx.replaceWaits('other', [job('j-other', 'other', 'billing')]);
          await tx.insertOrderChange(changeRow('SO-HELD', 'a', 1));
          await tx.insertOrderChange(changeRow('SO-HELD', 'b', 2));
          await tx.insertOrderChange(changeRow('SO-OTHER', 'c', 1));
        });
        const [a, b] = await store.read((tx) => tx.orderChanges('SO-HELD'));
        const { settle, stop } = await listenForJobTypes(store);
        await store.transaction((tx) => tx.updateOrderChange({ ...a, status: 'acknowledged' }));
        expect(await settle(1)).toEqual([]);
        // b still holds the order's jobs
        await store.transaction((tx) => tx.updateOrderChange({ ...a, status: 'accepted', settledAt: at(10) }));
        expect(await settle(1)).toEqual([]);
        await expect(store.transaction(async (tx) => {
          await tx.updateOrderChange({ ...b, status: 'approved', settledAt: at(11) });
          throw new Error('rolled back');
        })).rejects.toThrow('rolled back');
        expect(await settle(1)).toEqual([]);
        await store.transaction((tx) => tx.updateOrderChange({ ...b, status: 'rejected', settledAt: at(12) }));
        // not the locked job, not the one out of retries, not another order's
        expect(await settle(2)).toEqual(['packing', 'shipping']);
        expect(ids(await store.transaction((tx) => tx.lockJobs('packing', 'w', at(13), at(70), 10)))).toEqual(['j-child']);
        await stop();
      });
    });

    describe('transactions', () => {
      it('returns the value of the work', async () => {
        expect(await store.transaction(() => Promise.resolve(42))).toBe(42);
        expect(await store.read(() => Promise.resolve('read'))).toBe('read');
      });

      it('rolls back everything when the work throws, and rethrows that error', async () => {
        const failure = new Error('payment service down');
        const error = await rejectionOf(
          store.transaction(async (tx) => {
            await tx.insertVersion(versionRow('order-to-cash', 1));
            await tx.insertInstance(instanceRow('i1'));
            await tx.replaceWaits('i1', [waitRow('w1', 'i1', { candidateGroups: ['sales'] })]);
            await tx.appendHistory([historyRow('i1', 'instance.started')]);
            await tx.insertIdempotency({ scope: 'order', caller: 'erp', key: 'SO-1', requestHash: 'h', instanceId: 'i1', createdAt: at(0) });
            throw failure;
          }),
        );
        expect(error).toBe(failure);
        await store.read(async (tx) => {
          expect(await tx.latestVersions()).toEqual([]);
          expect(await tx.getInstance('i1')).toBeUndefined();
          expect(await tx.countInstances({})).toBe(0);
          expect(await tx.findWaits({})).toEqual([]);
          expect(await tx.findWaits({ candidateGroup: 'sales' })).toEqual([]);
          expect(await tx.historyOf(['i1'])).toEqual([]);
          expect(await tx.getIdempotency('order', 'erp', 'SO-1')).toBeUndefined();
        });
        // and the store still works afterwards
        await seed(store, instanceRow('i1'));
        expect((await store.read((tx) => tx.getInstance('i1')))?.id).toBe('i1');
      });

      it('rolls back an update when the work throws after it', async () => {
        await seed(store, instanceRow('i1', { variables: { amount: 1 } }));
        await rejectionOf(
          store.transaction(async (tx) => {
            expect(await tx.updateInstance(instanceRow('i1', { revision: 2, variables: { amount: 2 } }))).toBe(true);
            throw new Error('boom');
          }),
        );
        expect(await store.read((tx) => tx.getInstance('i1'))).toMatchObject({ revision: 1, variables: { amount: 1 } });
      });

      it('refuses at commit rows that point to an instance or process version that does not exist', async () => {
        await expectStratumError(
          store.transaction((tx) => tx.replaceWaits('ghost', [waitRow('w', 'ghost')])),
          'invalid',
        );
        await expectStratumError(store.transaction((tx) => tx.insertInstance(instanceRow('i1', { processKey: 'undeployed' }))), 'invalid');
        await expectStratumError(store.transaction((tx) => tx.appendHistory([historyRow('ghost', 'x')])), 'invalid');
        expect(await store.read((tx) => tx.findWaits({}))).toEqual([]);
        expect(await store.read((tx) => tx.countInstances({}))).toBe(0);
        // rows may be written in any order inside one transaction
        await store.transaction(async (tx) => {
          await tx.replaceWaits('i1', [waitRow('w', 'i1')]);
          await tx.insertInstance(instanceRow('i1'));
          await tx.insertVersion(versionRow('order-to-cash', 1));
        });
        expect(ids(await store.read((tx) => tx.findWaits({})))).toEqual(['w']);
      });

      it('refuses writes inside read()', async () => {
        const error = await rejectionOf(store.read((tx) => tx.insertVersion(versionRow('order-to-cash', 1))));
        expect(String(error)).toMatch(/insertVersion\(\) writes/);
        expect(await store.read((tx) => tx.latestVersions())).toEqual([]);
      });

      it('reads with lock options and due timers inside read() (a read takes no row locks)', async () => {
        await seed(store, instanceRow('i1'));
        await store.transaction((tx) => tx.replaceWaits('i1', [waitRow('t', 'i1', { kind: 'timer', dueAt: at(5) })]));
        await store.read(async (tx) => {
          expect((await tx.getInstance('i1', { lock: true }))?.id).toBe('i1');
          expect((await tx.getWait('t', { lock: true }))?.id).toBe('t');
          expect(ids(await tx.dueTimers(at(5), 10))).toEqual(['t']);
        });
      });

      it('refuses a transaction started inside another one instead of waiting for itself', async () => {
        const error = await rejectionOf(
          store.transaction(async () => {
            await store.transaction(() => Promise.resolve());
          }),
        );
        expect(String(error)).toMatch(/inside another transaction/);
        const readError = await rejectionOf(store.transaction(() => store.read(() => Promise.resolve())));
        expect(String(readError)).toMatch(/inside another transaction/);
      });

      it('refuses a tx used after its transaction ended', async () => {
        let leaked: StoreTx | undefined;
        await store.transaction((tx) => {
          leaked = tx;
          return Promise.resolve();
        });
        await expect(leaked!.insertVersion(versionRow('order-to-cash', 1))).rejects.toThrow(/transaction is over/);
        await expect(leaked!.latestVersions()).rejects.toThrow(/transaction is over/);
        expect(await store.read((tx) => tx.latestVersions())).toEqual([]);
      });

      it('answers calls made at the same time on one transaction, each with its own result', async () => {
        await seed(store);
        await store.transaction(async (tx) => {
          await Promise.all(['a', 'b', 'c'].map((id) => tx.insertInstance(instanceRow(id))));
        });
        const read = await store.read((tx) => Promise.all(['c', 'a', 'missing', 'b'].map((id) => tx.getInstance(id))));
        expect(read.map((row) => row?.id)).toEqual(['c', 'a', undefined, 'b']);
      });

      it('runs many concurrent transactions without losing a write', async () => {
        await seed(store);
        await Promise.all(
          Array.from({ length: 25 }, (_, n) =>
            store.transaction(async (tx) => {
              await tx.insertInstance(instanceRow(`i${n}`));
              await sleep(1);
              await tx.appendHistory([historyRow(`i${n}`, 'instance.started')]);
            }),
          ),
        );
        expect(await store.read((tx) => tx.countInstances({}))).toBe(25);
      });
    });

    describe('timestamps', () => {
      it('returns ISO timestamps exactly as toISOString() wrote them', async () => {
        const stamps = ['2026-03-01T08:00:00.000Z', '1999-12-31T23:59:59.999Z', '2026-07-15T00:00:00.001Z'];
        for (const [n, stamp] of stamps.entries()) {
          await seed(store, instanceRow(`i${n}`, { createdAt: stamp, updatedAt: stamp, endedAt: stamp }));
        }
        for (const [n, stamp] of stamps.entries()) {
          const row = await store.read((tx) => tx.getInstance(`i${n}`));
          expect([row?.createdAt, row?.updatedAt, row?.endedAt]).toEqual([stamp, stamp, stamp]);
        }
      });

      it('stores other ISO forms as the same instant in UTC', async () => {
        await seed(store, instanceRow('i1', { createdAt: '2026-03-01T10:00:00+02:00', updatedAt: '2026-03-01T08:00Z' }));
        const row = await store.read((tx) => tx.getInstance('i1'));
        expect(row?.createdAt).toBe('2026-03-01T08:00:00.000Z');
        expect(row?.updatedAt).toBe('2026-03-01T08:00:00.000Z');
      });

      it('refuses what is not an ISO timestamp with a time zone', async () => {
        await seed(store);
        for (const bad of ['yesterday', '2026-03-01 08:00:00', '2026-03-01T08:00:00', '2026-02-30T08:00:00Z', '2026-03-01T25:00:00Z', '']) {
          const error = await expectStratumError(
            store.transaction((tx) => tx.insertInstance(instanceRow('i1', { createdAt: bad }))),
            'invalid',
          );
          expect(error.message).toContain('createdAt');
        }
        await expectStratumError(store.transaction((tx) => tx.dueTimers('now', 10)), 'invalid');
        expect(await store.read((tx) => tx.countInstances({}))).toBe(0);
      });
    });
  });
}
