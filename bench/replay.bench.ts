// Replay benchmark (issue 11): record orders of the shipped library through the
// live runtime (SQLite), then replay them on a candidate version of
// credit-order-approval (vice-president review from 400,000) and report the
// replay's orders per second beside the live runtime's. Also measures how much
// a running replay slows live order entry in the same process.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, openStratum, type Stratum } from '../engine/index.js';
import { enter, erp, order, SAMPLE_RATES, shippedDiagrams, vicePresident } from '../test/support/stratum-fixture.js';
import type { BenchResult } from './report.js';

const ORDERS = Number(process.env.BENCH_REPLAY_ORDERS ?? 10_000);
const LIVE_PROBE = Number(process.env.BENCH_REPLAY_PROBE ?? 200);
const BATCH = 100;

export async function runReplayBench(): Promise<BenchResult> {
  const dataDir = mkdtempSync(join(tmpdir(), 'stratum-bench-replay-'));
  const stratum = await openStratum({ store: await openStore({ dataDir }), orderEntry: { rates: SAMPLE_RATES } });
  try {
    await stratum.library.deploy(shippedDiagrams(), { user: 'bench' });
    const recordStarted = performance.now();
    for (let done = 0; done < ORDERS; done += BATCH) await recordBatch(stratum, done, Math.min(BATCH, ORDERS - done));
    const liveOrdersPerSecond = ORDERS / ((performance.now() - recordStarted) / 1000);

    const candidate = shippedDiagrams().find((file) => file.name === 'credit-order-approval.bpmn')!;
    const files = [{ ...candidate, xml: candidate.xml.replace('reportingAmount &gt; 500000', 'reportingAmount &gt; 400000') }];
    const replayStarted = performance.now();
    const report = await stratum.impact.analyse(files, { last: ORDERS });
    const replaySeconds = (performance.now() - replayStarted) / 1000;

    // live order entry alone, then while a replay runs in the same process
    const alone = await probeLive(stratum, 'alone');
    const replaying = stratum.impact.analyse(files, { last: ORDERS });
    const during = await probeLive(stratum, 'during');
    await replaying;

    const summary = {
      orders: report.replay.orders,
      replaySeconds: round(replaySeconds),
      replayOrdersPerSecond: Math.round(report.replay.orders / (report.replay.durationMs / 1000)),
      analyseOrdersPerSecond: Math.round(report.replay.orders / replaySeconds),
      liveOrdersPerSecond: Math.round(liveOrdersPerSecond),
      liveEntryPerSecondAlone: Math.round(alone),
      liveEntryPerSecondDuringReplay: Math.round(during),
      liveSlowdownPercent: Math.round((1 - during / alone) * 100),
    };
    return {
      name: 'replay',
      description: `${ORDERS} recorded orders of the shipped library (credit orders of 100,000 … 1,095,000: auto-approved ones planned and shipped, ` +
        'vice-president ones approved) replayed on credit-order-approval with the vice-president from 400,000. Live: the same orders entered, decided ' +
        'and worked through the runtime on SQLite. Live entry alone vs during a replay in the same process.',
      summary,
      groups: report.replay.groups.map((group) => ({ kind: group.kind, description: group.description, count: group.count })),
    };
  } finally {
    await stratum.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Enters a batch of credit orders, decides their vice-president tasks and works their jobs to the end. */
async function recordBatch(stratum: Stratum, offset: number, count: number) {
  const { runtime } = stratum;
  for (let index = 0; index < count; index++) {
    const number = offset + index;
    await enter(runtime, order(`RB-${number}`, 100_000 + (number % 100) * 10_000));
  }
  for (const task of await runtime.findTasks({ candidateGroup: 'vice-president', limit: 500 })) {
    await runtime.completeTask(task.id, { approved: true, comment: 'fine' }, vicePresident);
  }
  for (const type of ['procurement-planning', 'production-planning', 'shipping']) {
    for (;;) {
      const jobs = await runtime.fetchAndLockJobs({ type, workerId: 'bench', max: 100 });
      if (jobs.length === 0) break;
      for (const job of jobs) await runtime.completeJob(job.id, {}, erp, 'bench');
    }
  }
}

async function probeLive(stratum: Stratum, label: string): Promise<number> {
  const started = performance.now();
  for (let index = 0; index < LIVE_PROBE; index++) await enter(stratum.runtime, order(`PROBE-${label}-${index}`, 300_000));
  return LIVE_PROBE / ((performance.now() - started) / 1000);
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
