// The management port (STRATUM_HEALTH_PORT) in a thread of its own: a probe is
// answered while the server's event loop runs a write step, collects garbage or
// waits for a core, as a JVM's management port answers on threads of its own.
// /healthz still means what it means on the API port: the store answers a read
// (through a connection of this thread), and the server's event loop has run
// within STALL_MS (a heartbeat the main thread writes; health-thread.ts).
// /metrics comes from the main thread's registry. In `npm start`'s primary
// (several worker processes) it also needs every worker to listen and its event
// loop to beat (worker-roster.ts).
import { createServer } from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';
import { openReplica } from '../../engine/store/open.js';
import type { Store } from '../../engine/store/types.js';
import { HttpProblem } from '../problem.js';
import { guardConnections, serverOptions } from './client-errors.js';
import type { HealthThreadAnswer, HealthThreadReply, HealthThreadRequest, HealthWorkerData } from './health-thread-messages.js';
import { answeredOtherMethod, sendProblem, sendText } from './plain-answers.js';
import { answerHealth } from './pool-health.js';
import { storeAnswers } from './store-health.js';

const data = workerData as HealthWorkerData;
const port = parentPort!;
const heartbeat = new BigInt64Array(data.heartbeat);
const store: Store | null = data.replica ? await openReplica(data.replica) : null;
const workerBeats = data.workers && new BigInt64Array(data.workers.beats);
let workerStates = data.workers?.states ?? [];
// the server began to stop: /healthz answers 503 from then on (pool-health.ts)
let stopping = false;

let asked = 0;
const answers = new Map<number, (answer: HealthThreadAnswer) => void>();
port.on('message', (message: HealthThreadRequest | HealthThreadAnswer) => {
  if (message.type === 'close') {
    server.close();
    server.closeAllConnections();
    void store?.close().finally(() => port.close());
    return;
  }
  if (message.type === 'stopping') {
    stopping = true;
    return;
  }
  if (message.type === 'workers') {
    workerStates = message.states;
    return;
  }
  if ('ok' in message) {
    answers.get(message.id)?.(message);
    answers.delete(message.id);
  }
});

/** Asks the main thread (metrics, or the store's health without a replica). */
function ask(type: 'metrics' | 'health'): Promise<HealthThreadAnswer> {
  const id = ++asked;
  return new Promise((resolve) => {
    answers.set(id, resolve);
    port.postMessage({ type, id } satisfies HealthThreadRequest);
  });
}

async function storeAnswersHere(): Promise<boolean> {
  if (!store) return (await ask('health')).ok;
  return storeAnswers(store).then(() => true, () => false);
}

const server = createServer(serverOptions(data.timeouts), (req, res) => {
  void (async () => {
    const path = new URL(req.url ?? '/', 'http://health').pathname;
    if (path !== '/healthz' && path !== '/metrics') throw new HttpProblem(404, `There is no ${req.method} ${path.slice(0, 200)}; this port serves /healthz and /metrics.`);
    if (answeredOtherMethod(res, req.method ?? 'GET', path, req.url ?? '/')) {
      req.resume();
      return;
    }
    if (path === '/metrics') {
      const { text = '', contentType = 'text/plain' } = await ask('metrics');
      sendText(res, 200, contentType, text);
      return;
    }
    await answerHealth(res, req.url ?? '/', {
      stopping,
      loopStalledMs: Date.now() - Number(Atomics.load(heartbeat, 0)),
      workers: workerBeats && { states: workerStates, beats: workerBeats },
      stallMs: data.stallMs,
      storeAnswers: storeAnswersHere,
    });
  })().catch((error: unknown) => {
    const problem = error instanceof HttpProblem ? error : new HttpProblem(500, 'The health check failed.');
    if (!res.headersSent) sendProblem(res, problem, req.url ?? '/');
    else res.destroy();
  });
});
guardConnections(server, data.timeouts);
server.once('error', (error: NodeJS.ErrnoException) => port.postMessage({ type: 'error', message: error.message } satisfies HealthThreadReply));
server.listen({ port: data.port, host: data.host, backlog: 511 }, () => {
  const address = server.address();
  port.postMessage({ type: 'listening', port: typeof address === 'object' && address ? address.port : data.port } satisfies HealthThreadReply);
});
