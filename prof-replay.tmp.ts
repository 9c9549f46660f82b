// Replays the orders in DATA in this thread (ROUNDS times), printing wall and CPU per order.
import { openStore, openStratum } from '/work/wt/replay/engine/index.js';
import { SAMPLE_RATES, shippedDiagrams } from '/work/wt/replay/test/support/stratum-fixture.js';

const DATA = process.env.DATA ?? '/tmp/replay-prof/data';
const ORDERS = Number(process.env.ORDERS ?? 3000);
const ROUNDS = Number(process.env.ROUNDS ?? 2);
const WORKERS = Number(process.env.WORKERS ?? 0);
const store = await openStore({ dataDir: DATA });
const stratum = await openStratum({ store, orderEntry: { rates: SAMPLE_RATES }, replayWorkers: WORKERS });
const candidate = shippedDiagrams().find((file) => file.name === 'credit-order-approval.bpmn')!;
const files = [{ ...candidate, xml: candidate.xml.replace('reportingAmount &gt; 500000', 'reportingAmount &gt; 400000') }];
for (let round = 0; round < ROUNDS; round++) {
  const cpu = process.cpuUsage();
  const began = performance.now();
  const report = await stratum.impact.analyse(files, { last: ORDERS });
  const wall = performance.now() - began;
  const used = process.cpuUsage(cpu);
  console.log(JSON.stringify({ round, orders: report.replay.orders, paths: report.replay.paths, wallMs: Math.round(wall), replayMs: report.replay.durationMs,
    ordersPerSecond: Math.round(report.replay.orders / (report.replay.durationMs / 1000)), cpuMsPerOrder: +((used.user + used.system) / 1000 / report.replay.orders).toFixed(3),
    groups: report.replay.groups.map((g) => `${g.kind}:${g.count}`) }));
}
await stratum.close();
