// Ending a call tree as cancelled, from its top down: an order's cancel (cancel.ts) and a call its caller left
// (abandoned-calls.ts) end their trees the same way. Each member is locked before its children are read: a step
// that starts a child holds its parent's row until it commits, so a child started on another server meanwhile is
// found (and cancelled) rather than left running. Every member still running or failed ends `cancelled`, its
// waits removed, its open incidents closed, and its `instance.cancelled` entry names the jobs and tasks it
// closed (closed-waits.ts), against which a late call about one is kept (late-calls.ts).
import type { HistoryRow, InstanceRow, StoreTx } from '../store/types.js';
import { closedWaitsOf } from './closed-waits.js';
import type { Incidents } from './incidents.js';
import type { InstanceRows } from './instance-rows.js';
import { callerEntry, type StepCaller } from './step-caller.js';

/** What of the step executor ending a call tree needs. */
export interface TreeEnding {
  readonly rows: InstanceRows;
  readonly incidents: Incidents;
  saveInstance(tx: StoreTx, row: InstanceRow): Promise<number>;
}

/** How the tree ends: who ended it (null: the engine), when, what each `instance.cancelled` entry says, and by which route. */
interface Ending {
  actor: string | null;
  at: string;
  data: Record<string, unknown>;
  caller?: StepCaller;
}

/** Cancels the tree under `top` (its row, locked already, or its id). */
export async function cancelTree(tx: StoreTx, steps: TreeEnding, top: InstanceRow | string, { actor, at, data, caller }: Ending): Promise<void> {
  const tree: (InstanceRow | string)[] = [top];
  for (let index = 0; index < tree.length; index++) {
    const entry = tree[index];
    const member = typeof entry === 'string' ? await tx.getInstance(entry, { lock: true }) : entry;
    if (!member) continue;
    tree.push(...(await tx.childrenOf(member.id)).map((child) => child.id));
    if (member.status !== 'running' && member.status !== 'failed') continue;
    const closed = closedWaitsOf(await tx.findWaits({ instanceId: member.id }), at);
    await steps.saveInstance(tx, { ...member, status: 'cancelled', state: null, endedAt: at });
    await tx.replaceWaits(member.id, []);
    const cancelled: HistoryRow = { ...steps.rows.history(member.id, actor, 'instance.cancelled', null, null, { ...data, ...closed }), at };
    await tx.appendHistory([caller ? callerEntry(cancelled, caller) : cancelled]);
    await steps.incidents.closeOnCancel(tx, member.id, actor ?? 'engine');
  }
}
