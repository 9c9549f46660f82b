// Burst benchmark: 1,000 orders posted at the same moment to a real server
// with its default admission limits, in `npm start`'s default shape (one worker
// process per core behind the order router) or as one server process
// (BENCH_BURST_WORKERS=1). Measures /healthz during the burst, how fast every
// post is answered (201, or 503 + Retry-After), and, after every refused client
// retried as told, that each order exists exactly once.
import { fork } from 'node:child_process';
import { subscribe } from 'node:diagnostics_channel';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { order } from '../test/support/stratum-fixture.js';
import { fetchResendingOnClosedConnection } from './closed-connection-resend.js';
import { metricValue, percentile, scrapePool, startServerProcess } from './http.bench.js';
import type { ProbeSample, ProberMessage, ProberReply } from './healthz-prober.js';
import type { BenchResult } from './report.js';

const ORDERS = Number(process.env.BENCH_BURST_ORDERS ?? 1000);
/** Server processes, as STRATUM_WORKERS: `npm start`'s default (one per core; routed by order) unless told. */
const WORKERS = Number(process.env.BENCH_BURST_WORKERS ?? availableParallelism());
const AMOUNT = 1_200_000;
const ANSWER_WITHIN_MS = 5000;
const TOKEN = 'demo-integration';
/** A liveness probe slower than this counts as over target. */
const HEALTHZ_TARGET_MS = 100;

interface Answer {
  status: number;
  /** From the fetch call to the whole answer read. */
  ms: number;
  /** From the request written to its socket to the whole answer read: the server's part, without the client's own lag. */
  msFromWritten: number;
  retryAfter: number | null;
}

// One bench process opens 1,000 fetches at once on the same 2 cores as the server: the
// last is written seconds after it was called. undici names the moment it writes a
// request's headers (diagnostics channel); each post carries its own X-Request-Id.
const written = new Map<string, number>();
let posts = 0;
/** Posts sent and not answered yet. */
let unanswered = 0;
/**
 * Set when the run fails: it then stops the server (SIGTERM) under the posts still out, whose refused connections
 * are the stop's, not failures of the server's own: they are abandoned, not reported as failed posts.
 */
let abandoned = false;
/** Requests sent again because the kept-alive connection they went out on had been closed by the server. */
let resent = 0;
subscribe('undici:client:sendHeaders', (message) => {
  const { headers } = (message as { request: { headers: string | string[] } }).request;
  const id = /x-request-id(?::\s*|,)((?:burst|health)-\d+)/i.exec(Array.isArray(headers) ? headers.join(',') : headers)?.[1];
  if (id) written.set(id, performance.now());
});

async function call(url: string, method: string, path: string, body?: unknown, requestId?: string): Promise<{ status: number; headers: Headers; json: unknown }> {
  const response = await fetchResendingOnClosedConnection(`${url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${TOKEN}`,
      ...(body !== undefined && { 'content-type': 'application/json' }),
      ...(requestId && { 'x-request-id': requestId }),
    },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  }, (cause) => {
    resent++;
    console.error(`${method} ${path}${requestId ? ` (${requestId})` : ''} sent again: its kept-alive connection was closed:`, cause);
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, json: text ? JSON.parse(text) : null };
}

/** The order as an ERP posts it (the entry alone: the reporting amount and rate are the server's to set). */
function orderBody(n: number) {
  const { specialChange: _none, ...body } = order(`BURST-${n}`, AMOUNT).entry;
  return body;
}

async function post(url: string, n: number): Promise<Answer> {
  const requestId = `burst-${posts++}`;
  const started = performance.now();
  const timing = () => {
    const now = performance.now();
    const sent = written.get(requestId) ?? started;
    written.delete(requestId);
    return { ms: now - started, msFromWritten: now - sent };
  };
  let answer;
  unanswered++;
  try {
    answer = await call(url, 'POST', '/api/orders', orderBody(n), requestId);
  } catch (error) {
    if (abandoned) return { status: 0, ...timing(), retryAfter: null };
    console.error(`post ${n} failed after ${Math.round(performance.now() - started)} ms:`, (error as Error).cause ?? error);
    return { status: 0, ...timing(), retryAfter: null };
  } finally {
    unanswered--;
  }
  const { status, headers } = answer;
  const retryAfter = headers.get('retry-after');
  return { status, ...timing(), retryAfter: retryAfter === null ? null : Number(retryAfter) };
}

/**
 * GET /healthz every 20 ms from this (busy) bench process until `until` settles: each probe's time from
 * the fetch call and from its request written to the socket (the client's own lag left out).
 */
async function probeHealthInProcess(url: string, until: Promise<unknown>): Promise<{ fromCall: number[]; fromWritten: number[]; startedAt: number[] }> {
  const fromCall: number[] = [];
  const fromWritten: number[] = [];
  const startedAt: number[] = [];
  let done = false;
  let probes = 0;
  void until.finally(() => (done = true));
  while (!done) {
    const requestId = `health-${probes++}`;
    const started = performance.now();
    const { status, json } = await call(url, 'GET', '/healthz', undefined, requestId);
    const now = performance.now();
    if (status !== 200) throw new Error(`/healthz answered ${status} during the burst: ${JSON.stringify(json)}`);
    startedAt.push(started);
    fromCall.push(now - started);
    fromWritten.push(now - (written.get(requestId) ?? started));
    written.delete(requestId);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return { fromCall, fromWritten, startedAt };
}

/** The kubelet-like prober (healthz-prober.ts) in a process of its own, probing `url` until stopped. */
async function startProber(url: string): Promise<{ phase: (name: string) => void; stop: () => Promise<ProbeSample[]> }> {
  const child = fork(new URL('./healthz-prober.ts', import.meta.url), [url], { execArgv: ['--import', 'tsx'] });
  const replies = (type: ProberReply['type']) => new Promise<ProberReply>((resolve, reject) => {
    child.on('message', (reply: ProberReply) => reply.type === type && resolve(reply));
    child.once('exit', (code) => reject(new Error(`the /healthz prober exited with ${code}`)));
  });
  await replies('ready');
  const send = (message: ProberMessage) => child.send(message);
  return {
    phase: (name) => send({ type: 'phase', phase: name }),
    stop: async () => {
      const samples = replies('samples');
      send({ type: 'stop' });
      return ((await samples) as Extract<ProberReply, { type: 'samples' }>).samples;
    },
  };
}

/** `<name>Probes`, `<name>P50Ms`, `<name>P99Ms`, `<name>MaxMs` and `<name>Over100Ms` (how many over the target) of probe times in ms. */
function probeSummary(name: string, ms: number[]): Record<string, number> {
  return {
    [`${name}Probes`]: ms.length,
    [`${name}P50Ms`]: ms.length ? round1(percentile(ms, 50)) : 0,
    [`${name}P99Ms`]: ms.length ? round1(percentile(ms, 99)) : 0,
    [`${name}MaxMs`]: ms.length ? round1(Math.max(...ms)) : 0,
    [`${name}Over100Ms`]: ms.filter((value) => value > HEALTHZ_TARGET_MS).length,
  };
}

/** Every order instance of the burst, by paging GET /api/instances with its cursor. */
async function ordersStored(url: string): Promise<Map<string, number>> {
  const count = new Map<string, number>();
  let after = '';
  for (;;) {
    const { json } = await call(url, 'GET', `/api/instances?processKey=order-to-cash&limit=200${after}`);
    const page = json as { items: { businessKey: string }[]; next: string | null };
    for (const item of page.items) count.set(item.businessKey, (count.get(item.businessKey) ?? 0) + 1);
    if (!page.next) return count;
    after = `&after=${page.next}`;
  }
}

const round1 = (value: number) => Math.round(value * 10) / 10;

/**
 * The event-loop delay since the last scrape of /metrics (a scrape resets it): the server processes' p99 (with
 * several, averaged over them: prom-client's aggregator) and max (the worst one's), and the primary's own (several
 * workers only); and the write steps since start that took over 100 ms (summed over the workers): each holds its
 * event loop, and any probe it answers, that long.
 */
async function loopMetrics(url: string): Promise<{ p99Ms: number; maxMs: number; steps: number; stepsOver100Ms: number; primary?: { p99Ms: number; maxMs: number } }> {
  const text = await scrapePool(url, WORKERS);
  const value = (name: string) => metricValue(text, name) ?? NaN;
  const steps = value('stratum_engine_step_duration_seconds_count{action="start",outcome="ok"}');
  return {
    p99Ms: round1(value('nodejs_eventloop_lag_p99_seconds') * 1000),
    maxMs: round1(value('nodejs_eventloop_lag_max_seconds') * 1000),
    steps,
    stepsOver100Ms: steps - value('stratum_engine_step_duration_seconds_bucket{le="0.1",action="start",outcome="ok"}'),
    ...(WORKERS > 1 && {
      primary: { p99Ms: round1(value('stratum_primary_nodejs_eventloop_lag_p99_seconds') * 1000), maxMs: round1(value('stratum_primary_nodejs_eventloop_lag_max_seconds') * 1000) },
    }),
  };
}

export async function runBurstBench(): Promise<BenchResult> {
  const dataDir = mkdtempSync(join(tmpdir(), 'stratum-bench-burst-'));
  // the management port a kubelet would probe (STRATUM_HEALTH_PORT); BENCH_BURST_HEALTH_PORT=off leaves it out
  const managementPort = process.env.BENCH_BURST_HEALTH_PORT !== 'off';
  const { url, child, healthUrl } = await startServerProcess(
    dataDir,
    { STRATUM_WORKERS: String(WORKERS), ...(managementPort && { STRATUM_HEALTH_PORT: '0' }) },
    WORKERS > 1 ? 'stratum workers listening' : 'stratum server listening',
  );
  // the pool's merged /metrics: on the management port when there is one (routed, the API port's is the same)
  const metricsUrl = healthUrl ?? url;
  let burstBegan: number | undefined;
  try {
    for (let n = 0; n < 5; n++) await call(url, 'POST', '/api/orders', { ...orderBody(-1 - n), orderNo: `WARM-${n}` });

    // one prober on the port a kubelet is pointed at, one on the API port the burst arrives on
    const prober = await startProber(`${healthUrl ?? url}/healthz`);
    const apiPortProber = healthUrl ? await startProber(`${url}/healthz`) : undefined;
    const phase = (name: string) => [prober, apiPortProber].forEach((each) => each?.phase(name));
    await loopMetrics(metricsUrl); // resets the event-loop delay histograms (the workers' and the primary's)
    phase('burst');
    const began = performance.now();
    burstBegan = began;
    const burst = Promise.all(Array.from({ length: ORDERS }, (_, n) => post(url, n)));
    const health = await probeHealthInProcess(url, burst);
    const first = await burst;
    phase('retry');

    // each refused client waits as long as its Retry-After says and retries with the same orderNo, until it is not refused
    let retries = 0;
    let rounds = 0;
    await Promise.all(first.map(async (answer, n) => {
      let attempts = 0;
      while (answer.status === 503) {
        rounds = Math.max(rounds, ++attempts);
        await new Promise((resolve) => setTimeout(resolve, (answer.retryAfter ?? 1) * 1000));
        retries++;
        answer = await post(url, n);
        if (![200, 201, 503].includes(answer.status)) throw new Error(`a retry was answered ${answer.status}, neither 200/201 nor 503`);
      }
    }));
    const allStoredMs = performance.now() - began;
    const probes = await prober.stop();
    const apiPortProbes = (await apiPortProber?.stop()) ?? [];
    const loop = await loopMetrics(metricsUrl);
    const primaryLoop = loop.primary;
    // a client whose 201 got lost retries too: that is still one order
    const repeated = await Promise.all(Array.from({ length: 50 }, (_, n) => post(url, n * 20)));

    const stored = await ordersStored(url);
    const burstOrders = Array.from({ length: ORDERS }, (_, n) => `BURST-${n}`);
    const missing = burstOrders.filter((key) => !stored.has(key)).length;
    const duplicated = burstOrders.filter((key) => (stored.get(key) ?? 0) > 1).length;
    // summed over the workers
    const metrics = (await scrapePool(metricsUrl, WORKERS)).split('\n').filter((line) => line.startsWith('stratum_admission_'));

    const latencies = first.map((answer) => answer.ms);
    const fromWritten = first.map((answer) => answer.msFromWritten);
    const refused = first.filter((answer) => answer.status === 503);
    const summary = {
      orders: ORDERS,
      // the shape: server processes, routed by order when several (npm start's default), and the machine's load
      workers: WORKERS,
      loadAverage1mAtEnd: round1(loadavg()[0]),
      created201: first.filter((answer) => answer.status === 201).length,
      refused503: refused.length,
      other: first.filter((answer) => ![201, 503].includes(answer.status)).length,
      refusedWithoutRetryAfter: refused.filter((answer) => !(answer.retryAfter && answer.retryAfter >= 1)).length,
      answeredOver5s: fromWritten.filter((ms) => ms > ANSWER_WITHIN_MS).length,
      postP50Ms: round1(percentile(fromWritten, 50)),
      postP99Ms: round1(percentile(fromWritten, 99)),
      postMaxMs: round1(Math.max(...fromWritten)),
      refusedP99Ms: refused.length ? round1(percentile(refused.map((answer) => answer.msFromWritten), 99)) : 0,
      // the same from the fetch call, the bench client's own lag in writing 1,000 requests included
      answeredOver5sFromCall: latencies.filter((ms) => ms > ANSWER_WITHIN_MS).length,
      postFromCallP99Ms: round1(percentile(latencies, 99)),
      clientWriteLagP99Ms: round1(percentile(first.map((answer) => answer.ms - answer.msFromWritten), 99)),
      // a kubelet's view: fresh connections from a process of its own, through the burst and the retries
      ...probeSummary('healthz', probes.map((sample) => sample.ms)),
      ...probeSummary('healthzBurst', probes.filter((sample) => sample.phase === 'burst').map((sample) => sample.ms)),
      ...probeSummary('healthzRetry', probes.filter((sample) => sample.phase === 'retry').map((sample) => sample.ms)),
      healthzFailed: probes.filter((sample) => sample.status !== 200).length,
      healthzProberLagP99Ms: round1(percentile(probes.map((sample) => sample.lagMs), 99)),
      healthzOnManagementPort: Boolean(healthUrl),
      // the same prober on the API port, beside the management port's (when there is one)
      ...(healthUrl && {
        ...probeSummary('healthzApiPortBurst', apiPortProbes.filter((sample) => sample.phase === 'burst').map((sample) => sample.ms)),
        ...probeSummary('healthzApiPortRetry', apiPortProbes.filter((sample) => sample.phase === 'retry').map((sample) => sample.ms)),
        healthzApiPortFailed: apiPortProbes.filter((sample) => sample.status !== 200).length,
      }),
      // the server's own event-loop delay from the burst to the last retry (prom-client's monitorEventLoopDelay; several workers: p99 averaged, max the worst)
      serverLoopDelayP99Ms: loop.p99Ms,
      serverLoopDelayMaxMs: loop.maxMs,
      // with several workers: the primary's (the order router's, which answers the API port's /healthz itself)
      ...(primaryLoop && { primaryLoopDelayP99Ms: primaryLoop.p99Ms, primaryLoopDelayMaxMs: primaryLoop.maxMs }),
      orderSteps: loop.steps,
      orderStepsOver100Ms: loop.stepsOver100Ms,
      // from the bench process itself (busy writing the burst; kept-alive connections), during the burst only
      ...probeSummary('healthzInProcess', health.fromCall),
      ...probeSummary('healthzInProcessFromWritten', health.fromWritten),
      retryRounds: rounds,
      retries,
      allStoredSeconds: round1(allStoredMs / 1000),
      ordersPerSec: round1((ORDERS * 1000) / allStoredMs),
      repeatedPostsAnswered200: repeated.filter((answer) => answer.status === 200).length,
      // the bench's own requests that went out on a kept-alive connection the server had closed (closed-connection-resend.ts)
      resentOnClosedConnection: resent,
      missing,
      duplicated,
    };
    if (summary.other || summary.refusedWithoutRetryAfter || missing || duplicated) {
      throw new Error(`the burst broke a promise: ${JSON.stringify(summary)}`);
    }
    return {
      name: 'burst',
      description: `${ORDERS} credit orders of ${AMOUNT} posted at once (fetch opens a connection per request in flight; post times run from the request written to its socket, the *FromCall ones from the fetch call) to ${WORKERS > 1 ? `npm start with ${WORKERS} worker processes (STRATUM_WORKERS, default one per core) behind the order router, whose primary answers the API port's /healthz itself,` : 'a real server process (STRATUM_WORKERS=1)'} on SQLite with the default admission limits (BENCH_BURST_WORKERS sets the number of processes); /healthz probed as a kubelet does (healthz*: a process of its own, a fresh connection per probe, Connection: close, 1 s timeout, every 20 ms through the burst and the retries; on the management port STRATUM_HEALTH_PORT unless BENCH_BURST_HEALTH_PORT=off, with a second such prober on the API port (healthzApiPort*); over100Ms counts the probes over the 100 ms target; serverLoopDelay* is the server's own event-loop delay over the same time, from one scrape of the primary's merged /metrics with several workers: P99 averaged over the workers, Max the worst worker's, and primaryLoopDelay* the primary's own; admissionMetrics summed over the workers) and, as before, from the bench process itself during the burst (healthzInProcess, from the fetch call; healthzInProcessFromWritten, from the request written); each refused client waits its own Retry-After and retries with the same orderNo until it is not refused (retryRounds: the most retries of one client); then 50 orders are posted again (a lost answer) and every order is counted by paging GET /api/instances. A request of the bench's that went out on a kept-alive connection the server had already closed (the bench's own event loop stalled past the server's keep-alive timeout) is sent again, and counted in resentOnClosedConnection; a run that fails says so before it stops the server under the posts still out.`,
      summary,
      admissionMetrics: metrics,
      // where the slowest probes fell: ms since the burst's first post was called
      slowestHealthzApiPortProbes: apiPortProbes.toSorted((a, b) => b.ms - a.ms).slice(0, 8)
        .map((sample) => ({ phase: sample.phase, ms: round1(sample.ms), sinceBurstMs: Math.round(sample.at - performance.timeOrigin - began), status: sample.status })),
      slowestHealthzProbes: probes.toSorted((a, b) => b.ms - a.ms).slice(0, 8)
        .map((sample) => ({ phase: sample.phase, ms: round1(sample.ms), sinceBurstMs: Math.round(sample.at - performance.timeOrigin - began), status: sample.status })),
      slowestHealthzInProcessProbes: health.fromCall.map((ms, index) => ({ ms, fromWrittenMs: health.fromWritten[index], sinceBurstMs: health.startedAt[index] - began }))
        .toSorted((a, b) => b.ms - a.ms).slice(0, 8)
        .map((probe) => ({ ms: round1(probe.ms), fromWrittenMs: round1(probe.fromWrittenMs), sinceBurstMs: Math.round(probe.sinceBurstMs) })),
    };
  } catch (error) {
    // said before the stop, which refuses the posts still out (503, then ECONNREFUSED once its port closes)
    const when = burstBegan === undefined ? 'before the burst' : `${round1((performance.now() - burstBegan) / 1000)} s after the burst began`;
    console.error(`the run failed ${when}, with ${unanswered} posts unanswered, which it abandons as it stops the server:`, error);
    abandoned = true;
    throw error;
  } finally {
    // a server that died during the run is named, not waited for
    if (child.exitCode !== null || child.signalCode !== null) console.error(`the server exited during the run (code ${child.exitCode}, signal ${child.signalCode})`);
    else {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    }
    rmSync(dataDir, { recursive: true, force: true });
  }
}
