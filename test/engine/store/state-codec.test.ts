// Smaller stored state (issue 10, item 6): SQLite keeps an instance's engine
// state deflated, at most a third of its JSON text for a waiting order of the
// shipped library, and still reads the JSON text rows written before.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore, openStratum } from '../../../engine/index.js';
import { packState, packStateAhead, unpackState } from '../../../engine/store/state-codec.js';
import { director, enter, order, SAMPLE_RATES, shippedDiagrams } from '../../support/stratum-fixture.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

describe('packed engine state', () => {
  it('reads back what it packed, and JSON text as it was stored before packing', () => {
    const state = { name: 'i1', definitions: [{ id: 'Definitions_1', environment: { variables: { amount: 1_200_000, customer: { name: 'Ørsted' } } } }] };
    expect(unpackState(packState(state))).toEqual(state);
    expect(unpackState(JSON.stringify(state))).toEqual(state);
  });

  it('hands a state packed ahead (outside the write lock) to the transaction that stores it, once, and packs a changed state again', () => {
    const state = { name: 'ahead', definitions: [{ id: 'Definitions_1', environment: { variables: { amount: 700_000 } } }] };
    const ahead = packStateAhead(state);
    expect(packStateAhead(state), 'packed once').toBe(ahead);
    const taken = packState(state);
    expect(taken, 'the very buffer packed ahead').toBe(ahead);
    expect(unpackState(taken)).toEqual(state);
    // taken once: the next write of the same state packs it itself (equal bytes, another buffer)
    const again = packState(state);
    expect(again).not.toBe(taken);
    expect(again.equals(taken)).toBe(true);
    // keyed by content: a state changed after it was packed ahead is stored as it is now
    const stale = packStateAhead(state);
    state.definitions[0].environment.variables.amount = 900_000;
    const changed = packState(state);
    expect(changed).not.toBe(stale);
    expect(unpackState(changed)).toEqual(state);
  });

  it('refuses a stored state of a format it does not know instead of guessing', () => {
    const unknown = packState({ a: 1 });
    unknown[0] = 9;
    expect(() => unpackState(unknown)).toThrow(/unknown format \(9\)/);
  });

  it('stores a waiting order in at most a third of the JSON text, and moves on from state stored as JSON text before', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'stratum-state-'));
    dirs.push(dataDir);
    const stratum = await openStratum({ store: await openStore({ dataDir }), orderEntry: { rates: SAMPLE_RATES }, engineCacheBytes: 0 });
    await stratum.library.deploy(shippedDiagrams(), { user: 'test' });
    await enter(stratum.runtime, order('SO-SMALL', 1_200_000));
    await stratum.close();

    const db = new Database(join(dataDir, 'stratum.db'));
    const rows = db.prepare('SELECT id, state FROM instances').all() as { id: string; state: Buffer }[];
    expect(rows).toHaveLength(3); // order-to-cash, sales-order-management, credit-order-approval
    const packed = rows.reduce((sum, row) => sum + row.state.length, 0);
    const text = rows.reduce((sum, row) => sum + Buffer.byteLength(JSON.stringify(unpackState(row.state))), 0);
    expect(packed * 3).toBeLessThanOrEqual(text);
    // as an older version stored it: JSON text
    const update = db.prepare('UPDATE instances SET state = ? WHERE id = ?');
    for (const row of rows) update.run(JSON.stringify(unpackState(row.state)), row.id);
    db.close();

    const reopened = await openStratum({ store: await openStore({ dataDir }), orderEntry: { rates: SAMPLE_RATES }, engineCacheBytes: 0 });
    try {
      const [task] = await reopened.runtime.findTasks({ businessKey: 'SO-SMALL' });
      const view = await reopened.runtime.completeTask(task.id, { approved: true }, director);
      expect(view.waiting.filter((wait) => wait.candidateGroups).map((wait) => wait.candidateGroups)).toEqual([['vice-president']]);
    } finally {
      await reopened.close();
    }
    const after = new Database(join(dataDir, 'stratum.db'), { readonly: true });
    const types = after.prepare(`SELECT DISTINCT typeof(state) AS type FROM instances WHERE process_key = 'credit-order-approval'`).all();
    after.close();
    expect(types).toEqual([{ type: 'blob' }]); // written packed by the step that moved it
  });
});
