// Copies of a waiting order's rows (bench/waiting-orders.ts), made in worker
// threads while the main thread inserts: the engine state of each copy is
// deflated anew, which is most of a copy's CPU. A template's strings are cut
// once where a copy puts its own values; a copy only joins the pieces.
import { randomUUID } from 'node:crypto';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { packStateText } from '../engine/store/state-codec.js';

/**
 * A string of a template's row cut where a copy puts its own values: `literals`
 * around `slots`, each slot an index into the copy's values (its fresh ids, then its
 * order number, then its instants).
 */
export interface Cut {
  literals: string[];
  slots: number[];
}

/** A template's row: the values of its table's insert, each as stored (no slot in it) or cut. */
export interface TemplateRow {
  table: number;
  values: unknown[];
  /** Where the engine state goes (instances only): its JSON text, cut; re-encoded as the store encodes it. */
  state?: { column: number; text: Cut | null };
}

export interface Template {
  rows: TemplateRow[];
  /** How many ids a copy gets anew. */
  ids: number;
  /** The instants its rows hold, in ms; a copy shifts each. */
  instants: number[];
}

/** A batch of copies to make: copy numbers `first` to `last` (exclusive) of `count`. */
export interface CopyBatch {
  first: number;
  last: number;
  count: number;
}

/** A made batch: the rows of its copies, [table, insert values]. */
export interface CopiedBatch {
  rows: [table: number, values: unknown[]][];
}

/** Copy n is entered n × this before the templates' time, so copies spread over the hours before them. */
const COPY_SPACING_MS = 100;

export const copyOrderNo = (n: number) => `WAIT-${String(n).padStart(6, '0')}`;

/** Copy `n` of `count`: the template's rows with fresh ids, order number and instants (earlier the smaller `n`). */
export function copyOf(template: Template, n: number, count: number): [table: number, values: unknown[]][] {
  const shiftMs = -(count - n) * COPY_SPACING_MS;
  const values: string[] = [];
  for (let id = 0; id < template.ids; id++) values.push(randomUUID());
  values.push(copyOrderNo(n));
  for (const instant of template.instants) values.push(new Date(instant + shiftMs).toISOString());
  const join = ({ literals, slots }: Cut) => {
    let text = literals[0];
    for (let i = 0; i < slots.length; i++) text += values[slots[i]] + literals[i + 1];
    return text;
  };
  return template.rows.map(({ table, values: stored, state }) => {
    const row = stored.map((value) => (isCut(value) ? join(value) : value));
    if (state) row[state.column] = state.text === null ? null : packStateText(join(state.text));
    return [table, row];
  });
}

function isCut(value: unknown): value is Cut {
  return typeof value === 'object' && value !== null && 'slots' in value;
}

// a worker thread: makes the batches it is sent from the templates it started with
if (!isMainThread && parentPort && (workerData as { waitingTemplates?: Template[] } | null)?.waitingTemplates) {
  const templates = (workerData as { waitingTemplates: Template[] }).waitingTemplates;
  const port = parentPort;
  port.on('message', ({ first, last, count }: CopyBatch) => {
    const rows: CopiedBatch['rows'] = [];
    for (let n = first; n < last; n++) rows.push(...copyOf(templates[n % templates.length], n, count));
    port.postMessage({ rows } satisfies CopiedBatch);
  });
}
