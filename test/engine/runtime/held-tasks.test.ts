// A task list shows what is there: a task whose completion the runtime refuses (409) because a failed instance
// holds it stays listed, with `held` naming that instance and its open incident. Its own instance failed (a job of
// the other branch ran out of retries, its waits stayed), or a caller of it failed. A retry releases it; the
// refusal stays the runtime's; a claim (which moves nothing) is not refused. `held: false` lists only the tasks one
// can act on now. On SQLite and PostgreSQL.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TaskView } from '../../../engine/api.js';
import { openStore, openStratum, type Store, type Stratum } from '../../../engine/index.js';
import { PostgresStore } from '../../../engine/store/postgres.js';
import { HELD_APPROVAL_FILES } from '../../support/held-approvals.js';
import { describePostgres, freshSchema, inSchema } from '../../support/postgres.js';
import { director, erp, ManualClock } from '../../support/stratum-fixture.js';

const ops = { name: 'otto', groups: ['operations'] };

function describeHeldTasks(name: string, openTestStore: () => Promise<{ store: Store; dispose: () => void }>) {
  describe(name, () => {
    let stratum: Stratum;
    let dispose: () => void;
    beforeEach(async () => {
      const opened = await openTestStore();
      dispose = opened.dispose;
      stratum = await openStratum({ store: opened.store, clock: new ManualClock() });
      await stratum.library.deploy(HELD_APPROVAL_FILES, { user: 'test' });
    });
    afterEach(async () => {
      await stratum.close();
      dispose();
    });

    const taskOf = async (businessKey: string, held?: boolean): Promise<TaskView[]> =>
      stratum.runtime.findTasks({ businessKey, ...(held !== undefined && { held }) });

    it('lists the approval of an instance whose other branch ran out of retries as held (instance-failed) until the incident is retried', async () => {
      const { instance } = await stratum.runtime.start('held-approval', { businessKey: 'HELD-1' });
      const [task] = await taskOf('HELD-1');
      expect(task.held).toBeNull();
      const [check] = await stratum.runtime.fetchAndLockJobs({ type: 'held-approval-check', workerId: 'w', businessKey: 'HELD-1' });
      await stratum.runtime.failJob(check.id, { message: 'price list unreachable', retries: 0, workerId: 'w' }, erp);
      const { items: [incident] } = await stratum.runtime.findIncidents({ businessKey: 'HELD-1' });

      const [held] = await taskOf('HELD-1');
      expect(held.id).toBe(task.id);
      expect(held.held).toEqual({ reason: 'instance-failed', instanceId: instance.id, incidentId: incident.id });
      expect((await stratum.runtime.getTask(task.id))!.held).toEqual(held.held);
      expect(await taskOf('HELD-1', false)).toEqual([]);
      expect((await taskOf('HELD-1', true)).map((each) => each.id)).toEqual([task.id]);
      // the field informs; the runtime still refuses
      await expect(stratum.runtime.completeTask(task.id, {}, director)).rejects.toMatchObject({ code: 'conflict' });
      // a claim moves nothing: it may be taken and given back on hold (as Camunda claims despite an incident)
      expect(await stratum.runtime.claimTask(task.id, director)).toMatchObject({ claimedBy: director.name, held: held.held });
      await expect(stratum.runtime.completeTask(task.id, {}, director)).rejects.toMatchObject({ code: 'conflict' });
      expect(await stratum.runtime.unclaimTask(task.id, director)).toMatchObject({ claimedBy: null, held: held.held });
      expect(await stratum.runtime.claimTask(task.id, director)).toMatchObject({ claimedBy: director.name });

      await stratum.runtime.retryIncident(incident.id, {}, ops);
      const [released] = await taskOf('HELD-1');
      expect(released).toMatchObject({ held: null, claimedBy: director.name });
      expect((await taskOf('HELD-1', false)).map((each) => each.id)).toEqual([task.id]);
      expect(await taskOf('HELD-1', true)).toEqual([]);
      await stratum.runtime.completeTask(task.id, {}, director);
    });

    it('lists the approval of a called instance whose caller failed as held (caller-failed), naming the caller and its incident', async () => {
      const { instance: caller } = await stratum.runtime.start('held-approval-caller', { businessKey: 'HELD-2' });
      const [task] = await taskOf('HELD-2');
      expect(task.processKey).toBe('held-approval-callee');
      expect(task.held).toBeNull();
      // the check's worker completes it without the region its gateway reads: the caller fails
      const [check] = await stratum.runtime.fetchAndLockJobs({ type: 'held-approval-caller-check', workerId: 'w', businessKey: 'HELD-2' });
      await stratum.runtime.completeJob(check.id, {}, erp, 'w');
      const { items: [incident] } = await stratum.runtime.findIncidents({ businessKey: 'HELD-2' });
      expect(incident.instanceId).toBe(caller.id);

      const [held] = await taskOf('HELD-2');
      expect(held.held).toEqual({ reason: 'caller-failed', instanceId: caller.id, incidentId: incident.id });
      expect(await taskOf('HELD-2', false)).toEqual([]);
      await expect(stratum.runtime.completeTask(task.id, {}, director)).rejects.toMatchObject({ code: 'conflict', details: { problem: 'caller-failed' } });
      expect(await stratum.runtime.claimTask(task.id, director)).toMatchObject({ claimedBy: director.name, held: held.held });
      await expect(stratum.runtime.completeTask(task.id, {}, director)).rejects.toMatchObject({ code: 'conflict', details: { problem: 'caller-failed' } });

      await stratum.runtime.retryIncident(incident.id, { variables: { region: 'EMEA' } }, ops);
      const [released] = await taskOf('HELD-2');
      expect(released).toMatchObject({ held: null, claimedBy: director.name });
      await stratum.runtime.completeTask(task.id, {}, director);
    });
  });
}

describeHeldTasks('held tasks on SQLite', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'stratum-held-tasks-'));
  return { store: await openStore({ dataDir }), dispose: () => rmSync(dataDir, { recursive: true, force: true }) };
});

describePostgres('held tasks on PostgreSQL', () => {
  describeHeldTasks('', async () => {
    const store = new PostgresStore(inSchema(await freshSchema()));
    await store.migrate();
    return { store, dispose: () => undefined };
  });
});
