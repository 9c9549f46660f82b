// `npm run bench`: runs the benchmarks named on the command line (default: all)
// and writes each result to bench/results/<name>.json.
import { writeResult, type BenchResult } from './report.js';

const benches: Record<string, () => Promise<BenchResult>> = {
  engine: async () => (await import('./engine.bench.js')).runEngineBench(),
  http: async () => (await import('./http.bench.js')).runHttpBench(),
  burst: async () => (await import('./burst.bench.js')).runBurstBench(),
  workers: async () => (await import('./workers.bench.js')).runWorkersBench(),
  latency: async () => (await import('./latency.bench.js')).runLatencyBench(),
  router: async () => (await import('./router.bench.js')).runRouterBench(),
  modeler: async () => (await import('./modeler.bench.js')).runModelerBench(),
  replay: async () => (await import('./replay.bench.js')).runReplayBench(),
  webhooks: async () => (await import('./webhooks.bench.js')).runWebhooksBench(),
  'long-poll': async () => (await import('./long-poll.bench.js')).runLongPollBench(),
  'bpmn-server': async () => (await import('./bpmn-server.bench.js')).runBpmnServerBench(),
  waiting: async () => (await import('./waiting.bench.js')).runWaitingBench(),
};

const selected = process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(benches);
for (const name of selected) {
  const bench = benches[name];
  if (!bench) {
    console.error(`unknown benchmark ${name}; known: ${Object.keys(benches).join(', ')}`);
    process.exit(2);
  }
  const result = await bench();
  console.log(name, result.summary);
  console.log('written to', writeResult(result));
}
