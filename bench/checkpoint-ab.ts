// WAL checkpoints on the commit path or off it, in process (docs/engine.md "WAL
// checkpoints off the commit path"): `node --import tsx bench/checkpoint-ab.ts
// [orders]` runs whole credit orders over 1,000,000 through the runtime API on
// a fresh SQLite folder (entered, approved twice, every job completed) and
// prints one JSON line: the durations of the write connection's COMMIT (with
// the checkpoint when a commit runs one) and of whole write transactions, CPU
// per step (all threads), and what the background checkpointer did. Run it
// alternately with STRATUM_SQLITE_CHECKPOINT=off and unset.
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, openStratum } from '../engine/index.js';
import { SqliteStore } from '../engine/store/sqlite.js';
import { director, enter, erp, order, SAMPLE_RATES, shippedDiagrams, vicePresident } from '../test/support/stratum-fixture.js';

const ORDERS = Number(process.argv[2] ?? 150);
const JOB_TYPES = ['procurement-planning', 'production-planning', 'shipping'];

// the store's private steps, timed from outside it
type Timed = (this: { writer: unknown }, ...args: unknown[]) => unknown;
const store = SqliteStore.prototype as unknown as { commit: Timed; inTransaction: Timed };
const commits: number[] = [];
const transactions: number[] = [];
let measuring = false;
const commit = store.commit;
store.commit = function (...args) {
  const began = performance.now();
  try {
    return commit.apply(this, args);
  } finally {
    if (measuring && args[0] === this.writer) commits.push(performance.now() - began);
  }
};
const inTransaction = store.inTransaction;
store.inTransaction = async function (...args) {
  const began = performance.now();
  try {
    return await inTransaction.apply(this, args);
  } finally {
    // (connection, begin, writable, …)
    if (measuring && args[2] === true) transactions.push(performance.now() - began);
  }
};

const dataDir = mkdtempSync(join(tmpdir(), 'stratum-checkpoint-ab-'));
const opened = await openStore({ dataDir });
const stratum = await openStratum({ store: opened, orderEntry: { rates: SAMPLE_RATES } });
let steps = 0;
stratum.events.on('step', () => steps++);
await stratum.library.deploy(shippedDiagrams(), { user: 'bench' });
const loadBefore = loadavg()[0];
const cpuBefore = process.cpuUsage();
const began = performance.now();
measuring = true;
for (let n = 0; n < ORDERS; n++) {
  const orderNo = `AB-${String(n).padStart(5, '0')}`;
  const { specialChange: _none, ...entry } = order(orderNo, 1_200_000 + n).entry;
  await enter(stratum.runtime, { entry });
  for (const [group, user] of [['sales-director', director], ['vice-president', vicePresident]] as const) {
    const [task] = await stratum.runtime.findTasks({ businessKey: orderNo, candidateGroup: group });
    await stratum.runtime.completeTask(task.id, { approved: true }, user);
  }
  for (let found = 1; found;) {
    found = 0;
    for (const type of JOB_TYPES) {
      for (const job of await stratum.runtime.fetchAndLockJobs({ type, workerId: 'ab', businessKey: orderNo, max: 10 })) {
        await stratum.runtime.completeJob(job.id, {}, erp, 'ab');
        found++;
      }
    }
  }
}
measuring = false;
const seconds = (performance.now() - began) / 1000;
const cpu = process.cpuUsage(cpuBefore);
const checkpoints = opened.walCheckpoints?.();
await stratum.close();
rmSync(dataDir, { recursive: true, force: true });
console.log(JSON.stringify({
  checkpoint: process.env.STRATUM_SQLITE_CHECKPOINT || 'default',
  orders: ORDERS,
  steps,
  seconds: round(seconds),
  cpuMsPerStep: round((cpu.user + cpu.system) / 1000 / steps),
  loadAverage: [round(loadBefore), round(loadavg()[0])],
  commitMs: distribution(commits),
  writeTransactionMs: distribution(transactions),
  checkpoints,
}));

// helpers

function distribution(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (share: number) => round(sorted[Math.min(sorted.length - 1, Math.floor(share * sorted.length))]);
  return { count: sorted.length, p50: at(0.5), p99: at(0.99), max: round(sorted[sorted.length - 1]), over10: sorted.filter((value) => value > 10).length };
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
