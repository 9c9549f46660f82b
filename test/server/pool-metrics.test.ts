// /metrics of `npm start` with several workers: one scrape shows the whole
// pool. The primary answers it on the management port and, routed, on the API
// port (never proxied to a worker), merging every worker's registry, asked over
// the cluster channel, with its own pool metrics. No sum goes down: a worker
// that does not answer in time (here SIGSTOPped) is represented by its last
// answer (stratum_workers_scraped shows it), and a killed worker's counters
// stay in the sums after its replacement listens (its gauges do not).
import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { SCRAPE_REUSE_MS } from '../../server/primary-metrics.js';
import { TOKENS } from './support/client.js';
import { startTwoWorkers, until, type MainProcess } from './support/main-process.js';
import { sampleValue as value } from './support/metric-sample.js';

const ORDERS_CREATED = 'stratum_http_requests_total{method="POST",route="/api/orders",status="201"}';
const ORDERS_STARTED = 'stratum_engine_steps_total{action="start",process_key="order-to-cash",outcome="ok"}';

interface Scrape {
  status: number;
  primary: string | null;
  worker: string | null;
  ms: number;
  text: string;
}

async function scrape(url: string): Promise<Scrape> {
  const began = performance.now();
  const response = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(5000) });
  const text = await response.text();
  return { status: response.status, primary: response.headers.get('stratum-primary'), worker: response.headers.get('stratum-worker'), ms: performance.now() - began, text };
}

/** A scrape after the last one's answer can no longer be reused (shared-scrape.ts): it shows what changed since. */
async function freshScrape(url: string): Promise<Scrape> {
  await new Promise((resolve) => setTimeout(resolve, SCRAPE_REUSE_MS + 50));
  return scrape(url);
}

/** Every sample of a counter or a histogram, by its name and labels. */
function cumulativeSamples(text: string): Map<string, number> {
  const cumulative = new Set<string>();
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (counter|histogram)$/.exec(line);
    if (type) cumulative.add(type[1]);
    if (!line || line.startsWith('#')) continue;
    const name = /^[^{ ]+/.exec(line)![0].replace(/_(bucket|sum|count)$/, '');
    if (!cumulative.has(name)) continue;
    const at = line.lastIndexOf(' ');
    samples.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return samples;
}

/** Checks that no counter or histogram sample of `text` is below (or missing from) the `last` scrape's, and returns its samples. */
function noneDropped(last: Map<string, number>, text: string): Map<string, number> {
  const next = cumulativeSamples(text);
  expect([...last].filter(([sample, count]) => !((next.get(sample) ?? -1) >= count))).toEqual([]);
  return next;
}

async function managementPort(server: MainProcess): Promise<string> {
  await until(() => server.lines.some((line) => line.msg === 'management port listening'));
  return `http://127.0.0.1:${server.lines.find((line) => line.msg === 'management port listening')!.healthPort as number}`;
}

/** Posts an order over a connection of its own (the cluster hands each new one to the next worker) and returns the worker that served it. */
function postOrder(url: string, orderNo: string): Promise<string> {
  const body = JSON.stringify({ orderNo, customer: { name: 'Pool AG' }, amount: 100, currency: 'CNY', paymentTerms: 'credit' });
  return new Promise((resolve, reject) => {
    const post = request(`${url}/api/orders`, {
      method: 'POST', agent: false,
      headers: { authorization: `Bearer ${TOKENS.erp}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
    }, (response) => {
      response.resume();
      response.on('end', () => (response.statusCode === 201 ? resolve(String(response.headers['stratum-worker'])) : reject(new Error(`order ${orderNo}: ${response.statusCode}`))));
    });
    post.on('error', reject);
    post.end(body);
  });
}

/** Posts orders until each of the two workers has served at least two; how many each served, by pid. */
async function spreadOrders(url: string, prefix: string): Promise<Map<string, number>> {
  const served = new Map<string, number>();
  for (let n = 0; n < 40 && !(served.size === 2 && [...served.values()].every((count) => count >= 2)); n++) {
    const worker = await postOrder(url, `${prefix}-${n}`);
    served.set(worker, (served.get(worker) ?? 0) + 1);
  }
  expect(served.size).toBe(2);
  return served;
}

const total = (served: Map<string, number>) => [...served.values()].reduce((sum, count) => sum + count, 0);

describe('/metrics of several workers: the whole pool in one scrape', () => {
  it('routed: the API port and the management port each answer the sum over both workers, never going down: a stopped worker is represented by its last answer, a killed one\'s counts stay after its replacement listens', async () => {
    const server = await startTwoWorkers({ env: { STRATUM_HEALTH_PORT: '0', STRATUM_METRICS_TIMEOUT_MS: '500' } });
    const api = `http://127.0.0.1:${server.port}`;
    const management = await managementPort(server);
    const served = await spreadOrders(api, 'POOL');

    for (const url of [api, management]) {
      const answer = await scrape(url);
      expect(answer.status).toBe(200);
      expect(value(answer.text, ORDERS_CREATED)).toBe(total(served));
      expect(value(answer.text, ORDERS_STARTED)).toBe(total(served));
      expect(value(answer.text, 'stratum_workers_scraped')).toBe(2);
      expect(value(answer.text, 'stratum_workers_expected')).toBe(2);
      // the router's own write admission, beside the workers' (nothing refused, nothing held once answered)
      expect(value(answer.text, 'stratum_router_admission_rejected_total{reason="queue-full"}')).toBe(0);
      expect(['1', '2'].map((worker) => value(answer.text, `stratum_router_admission_in_flight{worker="${worker}"}`))).toEqual([0, 0]);
    }
    // the API port's answer is the primary's own, never a worker's
    const own = await scrape(api);
    expect([own.primary, own.worker]).toEqual([String(server.child.pid), null]);

    // scrapes that come together share one (a flood of them costs the workers one scrape a second)
    const together = await Promise.all(Array.from({ length: 10 }, () => scrape(api)));
    expect(together.map((answer) => answer.status)).toEqual(Array.from({ length: 10 }, () => 200));
    expect(new Set(together.map((answer) => answer.text)).size).toBe(1);

    // scrape after scrape, from either port: no counter goes down
    let last = cumulativeSamples(own.text);
    for (const url of [api, api, management, api, management]) last = noneDropped(last, (await scrape(url)).text);

    // a worker that does not answer (its event loop stopped) is not waited for: its last answer stands in for it
    const [running, stopped] = server.lines.find((line) => line.msg === 'stratum workers listening')!.pids as number[];
    process.kill(stopped, 'SIGSTOP');
    try {
      for (const url of [api, management]) {
        const answer = await freshScrape(url);
        expect(answer.status).toBe(200);
        expect(answer.ms).toBeLessThan(2000);
        expect(value(answer.text, 'stratum_workers_scraped')).toBe(1);
        expect(value(answer.text, 'stratum_workers_stale_seconds')).toBeGreaterThan(0);
        expect(value(answer.text, ORDERS_CREATED)).toBe(total(served));
        expect(value(answer.text, ORDERS_STARTED)).toBe(total(served));
        last = noneDropped(last, answer.text);
      }
    } finally {
      process.kill(stopped, 'SIGCONT');
    }
    const resumed = await freshScrape(api);
    expect(value(resumed.text, 'stratum_workers_scraped')).toBe(2);
    expect(value(resumed.text, 'stratum_workers_stale_seconds')).toBe(0);
    // each worker's engine cache has its budget: the pool's is two
    const budget = value(resumed.text, 'stratum_engine_cache_budget_bytes')!;
    expect(budget).toBeGreaterThan(0);

    // a worker killed: its counts stay in every scrape, through its exit and its replacement's start
    process.kill(running, 'SIGKILL');
    let replaced: Scrape;
    do {
      replaced = await scrape(management);
      expect(value(replaced.text, ORDERS_CREATED)).toBe(total(served));
      last = noneDropped(last, replaced.text);
      await new Promise((resolve) => setTimeout(resolve, 50));
    } while (value(replaced.text, 'stratum_worker_restarts_total') !== 1 || value(replaced.text, 'stratum_workers_scraped') !== 2);
    // the replacement's orders add to them; the killed worker's gauges are gone with it
    const after = await spreadOrders(api, 'AFTER');
    expect(after.has(String(running))).toBe(false);
    const pool = await freshScrape(api);
    expect(value(pool.text, ORDERS_CREATED)).toBe(total(served) + total(after));
    expect(value(pool.text, ORDERS_STARTED)).toBe(total(served) + total(after));
    expect(value(pool.text, 'stratum_engine_cache_budget_bytes')).toBe(budget);
    noneDropped(last, pool.text);
  }, 120_000);

  it('shared port (routing off): the management port answers the sum over both workers; the API port one worker\'s', async () => {
    const server = await startTwoWorkers({ routing: 'off', env: { STRATUM_HEALTH_PORT: '0' } });
    await until(() => server.lines.some((line) => line.msg === 'stratum workers listening'));
    const api = `http://127.0.0.1:${server.port}`;
    const served = await spreadOrders(api, 'SHARED');
    const pool = await scrape(await managementPort(server));
    expect(value(pool.text, ORDERS_CREATED)).toBe(total(served));
    expect(value(pool.text, 'stratum_workers_scraped')).toBe(2);
    const one = await scrape(api);
    expect(value(one.text, ORDERS_CREATED)).toBe(served.get(one.worker!));
  }, 120_000);
});
