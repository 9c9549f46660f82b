// Nothing moves inside a failed caller's call tree (engine/runtime/wait-locks.ts): a task, job or message under
// a caller that has failed is refused (409 caller-failed), since what it decides would return to nobody. Only
// the instance's own callers count: a failed sibling elsewhere in the order's tree, or a failed instance the
// task's own instance called, holds nothing here.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StratumError } from '../../../engine/errors.js';
import { lockWait } from '../../../engine/runtime/wait-locks.js';
import { openStore } from '../../../engine/store/open.js';
import type { InstanceRow, Store } from '../../../engine/store/types.js';
import { instanceRow, versionRow, waitRow } from '../store/store-contract.js';

const FAILED = { status: 'failed' as const, incident: { elementId: 'Call_Planning', message: 'called process failed' } };
const member = (id: string, parentId: string, extra: Partial<InstanceRow> = {}) =>
  instanceRow(id, { parentId, rootId: 'order', businessKey: 'SO-1', processKey: `process-${id}`, ...extra });

let store: Store;
beforeEach(async () => {
  store = await openStore({ dataDir: ':memory:' });
  // order → review (running) → approval (running, waits at a task)
  // order → planning (failed) → shipping (running, waits at a task); approval → audit (failed)
  const rows = [
    instanceRow('order', { businessKey: 'SO-1' }), member('review', 'order'), member('approval', 'review'),
    member('planning', 'order', FAILED), member('shipping', 'planning'), member('audit', 'approval', FAILED),
  ];
  await store.transaction(async (tx) => {
    for (const key of new Set(rows.map((row) => row.processKey))) await tx.insertVersion(versionRow(key, 1));
    for (const row of rows) await tx.insertInstance(row);
    await tx.replaceWaits('approval', [waitRow('approval:Approve', 'approval', { rootId: 'order', businessKey: 'SO-1' })]);
    await tx.replaceWaits('shipping', [waitRow('shipping:Ship', 'shipping', { rootId: 'order', businessKey: 'SO-1' })]);
  });
});
afterEach(async () => {
  await store.close();
});

const lock = (waitId: string) => store.transaction((tx) => lockWait(tx, waitId, 'task'));

describe('a task under a failed caller', () => {
  it('is refused (caller-failed), naming the caller that failed and where', async () => {
    const error = await lock('shipping:Ship').then(() => undefined, (caught: unknown) => caught);
    expect(error).toBeInstanceOf(StratumError);
    expect(error).toMatchObject({
      code: 'conflict',
      message: 'task shipping:Ship is held: process-shipping (instance shipping) was called by process-planning (instance planning), which has failed at Call_Planning; ' +
        'retry its incident first (GET /api/incidents), or what is decided here would return to nobody',
      details: { problem: 'caller-failed', instanceId: 'planning' },
    });
  });

  it('is not held by a failed sibling in the same order, nor by a failed instance its own instance called', async () => {
    const { wait, instance } = await lock('approval:Approve');
    expect([wait.id, instance.id]).toEqual(['approval:Approve', 'approval']);
  });
});
