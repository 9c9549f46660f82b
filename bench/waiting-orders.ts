// 100,000 waiting orders in minutes (issue 10): a few hundred genuine credit
// orders are run through the runtime to the vice-president's review (over
// 1,000,000: entered, approved by the sales director), then their rows are
// copied in bulk — every row the runtime wrote for an order, in every table —
// with fresh instance ids, order numbers and timestamps, one SQLite
// transaction per batch. Each copy is the template with its own ids and order
// number put in wherever they occur (columns, variables, history, the engine
// state), so a copy completes like the order it was copied from.
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { openStore, openStratum } from '../engine/index.js';
import { unpackState } from '../engine/store/state-codec.js';
import { enter, order, SAMPLE_RATES, shippedDiagrams } from '../test/support/stratum-fixture.js';
import { copyOf, copyOrderNo, type CopiedBatch, type CopyBatch, type Cut, type Template, type TemplateRow } from './waiting-copier.js';

/** Over 1,000,000: the director approves, then the vice-president reviews. */
const AMOUNT = 1_200_000;
const DIRECTOR = { name: 'director', groups: ['sales-director'] };
const COPIES_PER_TRANSACTION = 1000;
/** Threads that make copies while this one inserts them. */
const COPIER_THREADS = Math.max(1, availableParallelism());

/**
 * The rows of one order, table by table, and how to find them from its root
 * instance and order number. Tables not named here hold the library and the
 * server's configuration; any other table with rows after the templates ran is
 * an error, so a table the runtime starts writing cannot be left out silently.
 */
const ORDER_ROWS: { table: string; select: string }[] = [
  { table: 'instances', select: 'SELECT * FROM instances WHERE root_id = @root ORDER BY created_at, id' },
  { table: 'waits', select: 'SELECT * FROM waits WHERE root_id = @root' },
  { table: 'wait_groups', select: 'SELECT g.* FROM wait_groups g JOIN waits w ON w.id = g.wait_id WHERE w.root_id = @root' },
  { table: 'history', select: 'SELECT * FROM history WHERE instance_id IN (SELECT id FROM instances WHERE root_id = @root) ORDER BY seq' },
  { table: 'orders', select: 'SELECT * FROM orders WHERE order_no = @orderNo' },
  { table: 'order_events', select: 'SELECT * FROM order_events WHERE order_no = @orderNo ORDER BY seq' },
  { table: 'order_changes', select: 'SELECT * FROM order_changes WHERE order_no = @orderNo' },
  { table: 'idempotency', select: 'SELECT * FROM idempotency WHERE instance_id IN (SELECT id FROM instances WHERE root_id = @root)' },
  { table: 'messages', select: 'SELECT * FROM messages WHERE root_id = @root OR correlation_key = @orderNo ORDER BY seq' },
  { table: 'incidents', select: 'SELECT * FROM incidents WHERE root_id = @root ORDER BY seq' },
];
const NOT_PER_ORDER = new Set(['process_versions', 'decision_versions', 'schema_version', 'sqlite_sequence', 'webhook_subscriptions']);
/** Tables whose `id` a copy gets anew (the ids of waits and history entries name their instance's). */
const OWN_ID_TABLES = new Set(['instances', 'order_events', 'messages', 'incidents']);

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const ISO_INSTANT = '\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z';
const SLOT_PATTERN = new RegExp(`${UUID}|${ISO_INSTANT}|WTPL-\\d{5}`, 'g');

export const templateOrderNo = (n: number) => `WTPL-${String(n).padStart(5, '0')}`;

export interface LoadedOrders {
  /** Orders waiting at the vice-president's review: templates and copies. */
  orders: number;
  templates: number;
  templateSeconds: number;
  copySeconds: number;
  /** Order numbers of a few copies, spread over the load (for the check that copies complete). */
  sampleCopies: string[];
  /** Rows per order by table, as the runtime wrote them for a template. */
  rowsPerOrder: Record<string, number>;
}

/** Fills a fresh SQLite data folder with `total` orders waiting at the vice-president's review, `templates` of them genuine. */
export async function loadWaitingOrders(dataDir: string, total: number, templates: number): Promise<LoadedOrders> {
  const began = performance.now();
  await runTemplates(dataDir, templates);
  const templateSeconds = (performance.now() - began) / 1000;

  const db = new Database(join(dataDir, 'stratum.db'));
  try {
    db.pragma('foreign_keys = ON');
    // the load only (a crash mid-load leaves a folder nobody uses): each page written once, straight into the file
    db.pragma('journal_mode = OFF');
    db.pragma('synchronous = OFF');
    // indexes of random ids touch pages all over a file of gigabytes: keep them in memory (1 GB)
    db.pragma('cache_size = -1000000');
    const columns = new Map(ORDER_ROWS.map(({ table }) => [table, insertColumns(db, table)]));
    const read = readTemplates(db, templates, columns);
    const copyBegan = performance.now();
    await copyOrders(db, read.templates, total - templates, columns);
    // as the store keeps it
    db.pragma('journal_mode = WAL');
    const copies = total - templates;
    const samples = Math.min(10, copies);
    return {
      orders: total,
      templates,
      templateSeconds,
      copySeconds: (performance.now() - copyBegan) / 1000,
      sampleCopies: Array.from({ length: samples }, (_, i) => copyOrderNo(Math.floor((i * (copies - 1)) / Math.max(1, samples - 1)))),
      rowsPerOrder: read.rowsPerOrder,
    };
  } finally {
    db.close();
  }
}

/** Genuine orders through the runtime: entered by the ERP, approved by the sales director, now at the vice-president. */
async function runTemplates(dataDir: string, count: number): Promise<void> {
  const stratum = await openStratum({ store: await openStore({ dataDir }), orderEntry: { rates: SAMPLE_RATES } });
  try {
    await stratum.library.deploy(shippedDiagrams(), { user: 'bench' });
    for (let n = 0; n < count; n++) {
      // amounts vary a little, as orders do
      const { specialChange: _none, ...entry } = order(templateOrderNo(n), AMOUNT + n * 1000).entry;
      await enter(stratum.runtime, { entry });
      const [task] = await stratum.runtime.findTasks({ businessKey: templateOrderNo(n), candidateGroup: 'sales-director' });
      await stratum.runtime.completeTask(task.id, { approved: true }, DIRECTOR);
    }
  } finally {
    await stratum.close();
  }
}

/** The columns a copy inserts: all but an INTEGER PRIMARY KEY (a sequence number the copy gets anew). */
function insertColumns(db: Database.Database, table: string): string[] {
  return (db.prepare(`PRAGMA table_info("${table}")`).all() as { name: string; type: string; pk: number }[])
    .filter((column) => !(column.pk === 1 && column.type.toUpperCase() === 'INTEGER'))
    .map((column) => column.name);
}

function readTemplates(db: Database.Database, count: number, columns: Map<string, string[]>): { templates: Template[]; rowsPerOrder: Record<string, number> } {
  const copied = new Map<string, number>();
  const templates: Template[] = [];
  const rootOf = db.prepare('SELECT instance_id FROM orders WHERE order_no = ?');
  const selects = ORDER_ROWS.map(({ select }) => db.prepare(select));
  for (let n = 0; n < count; n++) {
    const orderNo = templateOrderNo(n);
    const { instance_id: root } = rootOf.get(orderNo) as { instance_id: string };
    const rows = ORDER_ROWS.flatMap(({ table }, index) => {
      const found = selects[index].all({ root, orderNo }) as Record<string, unknown>[];
      copied.set(table, (copied.get(table) ?? 0) + found.length);
      return found.map((row) => ({ table, index, row }));
    });
    const ownIds = new Map(rows.filter(({ table }) => OWN_ID_TABLES.has(table)).map(({ row }, slot) => [row.id as string, slot]));
    templates.push(cutTemplate(rows, ownIds, orderNo, columns));
  }
  checkEveryRowCopied(db, copied);
  const rowsPerOrder = Object.fromEntries([...copied].map(([table, rows]) => [table, rows / count]));
  return { templates, rowsPerOrder };
}

/** A template: its rows with every own id, its order number and every instant cut out. */
function cutTemplate(
  rows: { table: string; index: number; row: Record<string, unknown> }[], ownIds: Map<string, number>, orderNo: string, columns: Map<string, string[]>,
): Template {
  const instants: number[] = [];
  const instantSlots = new Map<string, number>();
  const orderNoSlot = ownIds.size;
  const cut = (text: string): Cut | undefined => {
    const literals: string[] = [];
    const slots: number[] = [];
    let from = 0;
    for (const match of text.matchAll(SLOT_PATTERN)) {
      const found = match[0];
      let slot: number | undefined;
      if (found === orderNo) slot = orderNoSlot;
      else if (found.startsWith('WTPL-')) throw new Error(`order ${orderNo}'s rows name another template, ${found}`);
      else if (found.endsWith('Z')) {
        slot = instantSlots.get(found);
        if (slot === undefined) {
          instantSlots.set(found, (slot = orderNoSlot + 1 + instants.length));
          instants.push(Date.parse(found));
        }
      } else slot = ownIds.get(found); // an id of something else (none expected) stays as it is
      if (slot === undefined) continue;
      literals.push(text.slice(from, match.index));
      slots.push(slot);
      from = match.index + found.length;
    }
    if (!slots.length) return undefined;
    literals.push(text.slice(from));
    return { literals, slots };
  };
  const templateRows = rows.map(({ table, index, row }): TemplateRow => {
    const names = columns.get(table)!;
    const values = names.map((column): unknown => {
      const value = row[column];
      if (table === 'instances' && column === 'state') return null; // below
      if (value instanceof Uint8Array) throw new Error(`${table}.${column} holds bytes the copy does not know how to rewrite`);
      return typeof value === 'string' ? (cut(value) ?? value) : value;
    });
    if (table !== 'instances') return { table: index, values };
    // the engine state as the runtime stores it: re-encoded from its JSON text with the copy's values
    const state = row.state as Uint8Array | null;
    const text = state === null ? null : cut(JSON.stringify(unpackState(state))) ?? null;
    if (state !== null && text === null) throw new Error(`an engine state of order ${orderNo} without its ids`);
    return { table: index, values, state: { column: names.indexOf('state'), text } };
  });
  return { rows: templateRows, ids: ownIds.size, instants };
}

/** Every row of every per-order table belongs to one of the templates: nothing the runtime wrote is left uncopied. */
function checkEveryRowCopied(db: Database.Database, copied: Map<string, number>): void {
  const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((row) => row.name);
  for (const table of tables) {
    if (NOT_PER_ORDER.has(table)) continue;
    const { n } = db.prepare(`SELECT count(*) AS n FROM "${table}"`).get() as { n: number };
    if (n !== (copied.get(table) ?? 0)) {
      throw new Error(`table ${table} has ${n} rows, the templates' rows are ${copied.get(table) ?? 0}: teach bench/waiting-orders.ts to copy it`);
    }
  }
}

/** `count` copies of the templates in turn, made by worker threads (each one batch ahead) and inserted here. */
async function copyOrders(db: Database.Database, templates: Template[], count: number, columns: Map<string, string[]>): Promise<void> {
  const inserts = ORDER_ROWS.map(({ table }) => {
    const names = columns.get(table)!;
    return db.prepare(`INSERT INTO "${table}" (${names.join(', ')}) VALUES (${names.map(() => '?').join(', ')})`);
  });
  const insertBatch = db.transaction((rows: CopiedBatch['rows']) => {
    for (const [table, values] of rows) inserts[table].run(values);
  });
  const batches: CopyBatch[] = [];
  for (let first = 0; first < count; first += COPIES_PER_TRANSACTION) batches.push({ first, last: Math.min(count, first + COPIES_PER_TRANSACTION), count });
  if (count < 2 * COPIES_PER_TRANSACTION) {
    // a small load: not worth starting threads
    for (const { first, last } of batches) {
      const rows: CopiedBatch['rows'] = [];
      for (let n = first; n < last; n++) rows.push(...copyOf(templates[n % templates.length], n, count));
      insertBatch(rows);
    }
    return;
  }
  const copiers = Array.from({ length: COPIER_THREADS }, () => new Copier(templates));
  try {
    let next = 0;
    await Promise.all(copiers.map(async (copier) => {
      const makeNext = () => (next < batches.length ? copier.make(batches[next++]) : undefined);
      for (let made = makeNext(); made !== undefined;) {
        const { rows } = await made;
        made = makeNext(); // made there while these are inserted here
        insertBatch(rows);
      }
    }));
  } finally {
    await Promise.all(copiers.map((copier) => copier.close()));
  }
}

/** A worker thread running bench/waiting-copier.ts, one batch at a time. */
class Copier {
  private readonly worker: Worker;
  private pending: { resolve: (batch: CopiedBatch) => void; reject: (error: Error) => void } | undefined;

  constructor(templates: Template[]) {
    // the bench runs from its sources: the thread registers tsx, then imports them (Node 20 starts no thread on a .ts file)
    const tsx = import.meta.resolve('tsx/esm/api');
    const entry = new URL('./waiting-copier.ts', import.meta.url).href;
    const source = `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(entry)}); })`;
    this.worker = new Worker(source, { eval: true, workerData: { waitingTemplates: templates } });
    this.worker.on('message', (batch: CopiedBatch) => this.settle()?.resolve(batch));
    this.worker.on('error', (error) => this.settle()?.reject(error));
  }

  make(batch: CopyBatch): Promise<CopiedBatch> {
    if (this.pending) throw new Error('a copier makes one batch at a time');
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      this.worker.postMessage(batch);
    });
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }

  private settle() {
    const pending = this.pending;
    this.pending = undefined;
    return pending;
  }
}
