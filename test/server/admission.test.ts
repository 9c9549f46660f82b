// Bursts are shaped, never piled up: writes beyond the admission queue are
// refused at once with 503 + Retry-After, a retried order is still one order,
// and reads and /healthz never wait behind the queued writes.
import { createServer, request } from 'node:http';
import { connect, createServer as createNetServer, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AcceptDrain } from '../../server/http/accept-drain.js';
import { AdmissionQueue } from '../../server/http/admission.js';
import { pino } from 'pino';
import { HttpProblem } from '../../server/problem.js';
import { problemOf, TOKENS, type InstancePage } from './support/client.js';
import { sampleValue } from './support/metric-sample.js';
import { startFakeServer } from './support/fake-server.js';
import { removeDataDir, startTestServer, type TestServer } from './support/real-server.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function refusal(promise: Promise<unknown>): Promise<HttpProblem> {
  const error = await promise.then(() => undefined, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(HttpProblem);
  return error as HttpProblem;
}

describe('AdmissionQueue', () => {
  it('runs at most `concurrency` writes at once, queues up to `queueLength` in order, and refuses the next with 503 + Retry-After', async () => {
    const queue = new AdmissionQueue({ concurrency: 2, queueLength: 2, queueWaitMs: 5000 });
    const order: number[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const work = (n: number) => queue.run(async () => {
      order.push(n);
      await gate;
    });
    const admitted = [work(1), work(2), work(3), work(4)];
    await sleep(10);
    expect([queue.inFlight, queue.depth]).toEqual([2, 2]);
    const refused = await refusal(work(5));
    expect(refused.status).toBe(503);
    expect(Number(refused.headers['Retry-After'])).toBeGreaterThanOrEqual(1);
    expect(refused.extensions).toMatchObject({ reason: 'queue-full' });
    release();
    await Promise.all(admitted);
    expect(order).toEqual([1, 2, 3, 4]);
    expect([queue.inFlight, queue.depth]).toEqual([0, 0]);
    expect(queue.rejected).toEqual({ 'queue-full': 1, 'queue-timeout': 0 });
  });

  it('refuses a write that found no turn within queueWaitMs, and gives its place to the next', async () => {
    const queue = new AdmissionQueue({ concurrency: 1, queueLength: 5, queueWaitMs: 50 });
    let release!: () => void;
    const busy = queue.run(() => new Promise<void>((resolve) => (release = resolve)));
    const started = performance.now();
    const late = await refusal(queue.run(() => Promise.resolve('never')));
    expect(performance.now() - started).toBeLessThan(1000);
    expect(late.extensions).toMatchObject({ reason: 'queue-timeout' });
    release();
    await busy;
    expect(await queue.run(() => Promise.resolve('next'))).toBe('next');
    expect(queue.rejected['queue-timeout']).toBe(1);
  });

  it('tells each refused client a later Retry-After than the one before, so a refused burst does not come back all at once', async () => {
    const queue = new AdmissionQueue({ concurrency: 1, queueLength: 0, queueWaitMs: 5000 });
    let release!: () => void;
    const busy = queue.run(() => new Promise<void>((resolve) => (release = resolve)));
    await sleep(10);
    const told: number[] = [];
    for (let n = 0; n < 100; n++) told.push(Number((await refusal(queue.run(() => Promise.resolve()))).headers['Retry-After']));
    // 100 refused writes of about 50 ms each (the estimate before any write finished): spread over 5 s
    expect(told[0]).toBe(1);
    expect(told[99]).toBeGreaterThanOrEqual(5);
    expect(told.every((seconds, n) => n === 0 || seconds >= told[n - 1])).toBe(true);
    release();
    await busy;
  });

  it('counts the wait for a turn from the arrival: a write that arrived queueWaitMs ago is refused at once', async () => {
    const queue = new AdmissionQueue({ concurrency: 1, queueLength: 5, queueWaitMs: 5000 });
    let release!: () => void;
    const busy = queue.run(() => new Promise<void>((resolve) => (release = resolve)));
    // it spent its 5 s on the way (a slow body, a busy server): no second 5 s in the queue
    const late = queue.run(() => Promise.resolve('never'), performance.now() - 5000);
    // one that arrived 4.9 s ago waits the 0.1 s left, not 5 s
    const almost = queue.run(() => Promise.resolve('never'), performance.now() - 4900);
    const settled = (promise: Promise<unknown>) => promise.then(() => 'admitted', (error: unknown) => error);
    const within1s = (promise: Promise<unknown>) => Promise.race([settled(promise), sleep(1000).then(() => 'still waiting')]);
    const [lateAnswer, almostAnswer] = await Promise.all([within1s(late), within1s(almost)]);
    expect(lateAnswer).toBeInstanceOf(HttpProblem);
    expect((lateAnswer as HttpProblem).extensions).toMatchObject({ reason: 'queue-timeout' });
    expect(almostAnswer).toBeInstanceOf(HttpProblem);
    expect((almostAnswer as HttpProblem).extensions).toMatchObject({ reason: 'queue-timeout' });
    expect(queue.depth).toBe(0);
    release();
    await busy;
  });
});

describe('AcceptDrain', () => {
  // Node accepts one connection per event-loop iteration; a step that blocks the loop
  // for 20 ms per iteration would let the surplus of a burst wait in the kernel's accept
  // queue, unrefused, 20 ms per connection ahead of it.
  it('starts no write step while connections wait to be accepted, so a burst\'s surplus is refused before the next step', async () => {
    // the drain is the point here, not its cap: on a loaded machine 40 iterations may take longer than 250 ms
    const drain = new AcceptDrain(30_000);
    const queue = new AdmissionQueue({ concurrency: 1, queueLength: 2, queueWaitMs: 60_000 }, (admit) => drain.afterDrained(admit, 30_000));
    let steps = 0;
    const stepsBeforeRefusal: number[] = [];
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        const step = () => {
          steps++;
          const until = performance.now() + 20;
          while (performance.now() < until); // a SQLite step: CPU work that never yields
          return Promise.resolve();
        };
        queue.run(step).then(
          () => res.end(),
          () => {
            stepsBeforeRefusal.push(steps);
            res.writeHead(503).end();
          },
        );
      });
    });
    drain.watch(server);
    await new Promise<void>((resolve) => server.listen({ port: 0, host: '127.0.0.1', backlog: 511 }, resolve));
    const { port } = server.address() as AddressInfo;
    const post = () =>
      new Promise<number>((resolve, reject) => {
        // a new connection each, as a burst of separate clients
        const req = request({ port, host: '127.0.0.1', method: 'POST', path: '/', agent: false }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end('{}');
      });
    try {
      const statuses = await Promise.all(Array.from({ length: 40 }, post));
      // one turn and two places in the queue; the other 37 are refused …
      expect(statuses.filter((status) => status === 200)).toHaveLength(3);
      expect(statuses.filter((status) => status === 503)).toHaveLength(37);
      // … before the first step started, not one step later each
      expect(Math.max(...stepsBeforeRefusal)).toBe(0);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('lets the write step start after at most maxDrainMs while connections wait, however long a step takes', async () => {
    const drain = new AcceptDrain(20);
    let accepted = 0;
    // each accepted connection costs the loop 0.2 ms (as reading and refusing a request does): 400 take 80 ms or more
    const server = createNetServer((socket) => {
      accepted++;
      const until = performance.now() + 0.2;
      while (performance.now() < until);
      socket.on('error', () => undefined);
    });
    drain.watch(server);
    await new Promise<void>((resolve) => server.listen({ port: 0, host: '127.0.0.1', backlog: 1024 }, resolve));
    const { port } = server.address() as AddressInfo;
    const total = 400;
    const firstAccepted = new Promise((resolve) => server.once('connection', resolve));
    const sockets = Array.from({ length: total }, () => connect({ port, host: '127.0.0.1' }).on('error', () => undefined));
    try {
      // from the first accept on, the accept queue holds the rest: each iteration accepts one
      await firstAccepted;
      const acceptedAtTurn = await new Promise<number>((resolve) => drain.afterDrained(() => resolve(accepted), 60_000));
      // the cap, not an emptied accept queue nor the step's 60 s, gave the write its turn
      expect(acceptedAtTurn).toBeGreaterThan(0);
      expect(acceptedAtTurn).toBeLessThan(total);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('a burst of orders against a small admission queue', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ admission: { concurrency: 1, queueLength: 3, queueWaitMs: 5000 } });
  });
  afterAll(async () => {
    await server?.close();
    if (server) removeDataDir(server.dataDir);
  });

  const orderBody = (n: number) => ({ orderNo: `SO-BURST-${n}`, customer: { name: 'Lager AG' }, amount: 600_000 + n, currency: 'EUR', paymentTerms: 'credit' });

  it('answers each post 201 or 503 + Retry-After at once, keeps /healthz fast, and every retried order exists exactly once', async () => {
    const { api } = server;
    const burst = Array.from({ length: 24 }, (_, n) => n);
    const health = api.get('/healthz');
    const answers = await Promise.all(burst.map((n) => api.post('/api/orders', TOKENS.erp, orderBody(n))));
    const healthz = await health;
    expect(healthz.status).toBe(200);
    expect(answers.every((answer) => answer.status === 201 || answer.status === 503)).toBe(true);
    const refused = answers.filter((answer) => answer.status === 503);
    expect(refused.length).toBeGreaterThan(0);
    for (const answer of refused) {
      expect(answer.contentType).toMatch(/application\/problem\+json/);
      expect(Number(answer.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(problemOf(answer).detail).toMatch(/still one order/);
    }
    const metrics = (await api.get('/metrics')).text;
    expect(metrics).toMatch(/stratum_admission_rejected_total\{reason="queue-full"\} [1-9]/);
    expect(metrics).toMatch(/stratum_admission_queue_depth 0/);

    // every client retries (a lost answer looks the same as a 503): still one order each
    let pending = burst;
    for (let round = 0; pending.length > 0 && round < 20; round++) {
      const retried = await Promise.all(pending.map(async (n) => ({ n, answer: await api.post('/api/orders', TOKENS.erp, orderBody(n)) })));
      for (const { answer } of retried) expect([200, 201, 503]).toContain(answer.status);
      pending = retried.filter(({ answer }) => answer.status === 503).map(({ n }) => n);
      if (pending.length) await sleep(100);
    }
    expect(pending).toEqual([]);
    for (const n of burst) {
      const found = await api.get<InstancePage>(`/api/instances?processKey=order-to-cash&businessKey=SO-BURST-${n}`, TOKENS.erp);
      expect(found.body.total, `SO-BURST-${n}`).toBe(1);
    }
  });

  it('never makes a read wait behind queued writes', async () => {
    const { api } = server;
    const entered = await api.post<{ id: string }>('/api/orders', TOKENS.erp, orderBody(99));
    expect(entered.status).toBe(201);
    let writesDone = 0;
    const writes = Array.from({ length: 4 }, (_, n) =>
      api.post('/api/orders', TOKENS.erp, orderBody(100 + n)).then((answer) => {
        writesDone++;
        return answer;
      }),
    );
    await sleep(5);
    // Camunda 8's incident and user task searches and Camunda 7's task list and count by a body are POSTs that only
    // read: they take no turn (a fifth write would find the queue full)
    const [health, tasks, search, instanceSearch, userTaskSearch, camunda7Tasks, camunda7Count] = await Promise.all([
      api.get('/healthz'), api.get('/api/tasks?candidateGroup=vice-president&limit=5', TOKENS.vp), api.post('/v2/incidents/search', TOKENS.nobody, { filter: { state: 'ACTIVE' } }),
      api.post(`/v2/process-instances/${entered.body.id}/incidents/search`, TOKENS.nobody, {}),
      api.post('/v2/user-tasks/search', TOKENS.vp, { filter: { state: 'CREATED' }, page: { limit: 5 } }),
      api.post('/engine-rest/task?maxResults=5', TOKENS.vp, { candidateGroup: 'vice-president' }), api.post('/engine-rest/task/count', TOKENS.vp, { unassigned: true }),
    ]);
    const doneWhenRead = writesDone;
    expect([health.status, tasks.status, search.status, instanceSearch.status, userTaskSearch.status, camunda7Tasks.status, camunda7Count.status]).toEqual([200, 200, 200, 200, 200, 200, 200]);
    expect((await Promise.all(writes)).map((answer) => answer.status)).toEqual([201, 201, 201, 201]);
    // one write runs at a time and each is a whole engine step: the reads were answered while writes still waited
    expect(doneWhenRead).toBeLessThan(4);
  });
});

describe('writes by PUT, PATCH and DELETE', () => {
  it('take a write\'s turn as a POST does: refused at once while the only turn is held, served once it is free', async () => {
    const server = await startFakeServer({ admission: { concurrency: 1, queueLength: 0, queueWaitMs: 5000 } });
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let running = false;
    const correlate = server.stratum.runtime.correlateMessage.bind(server.stratum.runtime);
    server.stratum.runtime.correlateMessage = async (message) => {
      running = true;
      await held;
      return correlate(message);
    };
    try {
      const holding = server.api.post('/api/messages', TOKENS.erp, { name: 'PaymentReceived', businessKey: 'SO-HELD' });
      holding.catch(() => undefined);
      for (let waited = 0; !running && waited < 5000; waited += 10) await sleep(10);
      expect(running).toBe(true);
      const retries = () => server.api.request('PUT', '/engine-rest/external-task/missing/retries', { token: TOKENS.operations, json: { retries: 1 } });
      const removal = () => server.api.request('DELETE', '/api/webhooks/missing', { token: TOKENS.operations });
      const update = () => server.api.request('PATCH', '/v2/jobs/missing', { token: TOKENS.operations, json: { changeset: { retries: 2 } } });
      for (const refused of [await retries(), await removal(), await update()]) {
        expect(refused.status).toBe(503);
        expect(problemOf(refused).reason).toBe('queue-full');
      }
      // a read still passes
      expect((await server.api.get('/engine-rest/incident', TOKENS.nobody)).status).toBe(200);
      release();
      await holding;
      expect((await retries()).status).toBe(404);
      expect((await removal()).status).toBe(404);
      expect((await update()).status).toBe(404);
    } finally {
      release();
      await server.close();
    }
  });
});

describe('a request the role check refuses', () => {
  // its history entry (role-refusals.ts) is a write like any other: it waits for a turn, and beyond the bound
  // the 403 goes out at once, the entry not kept, and the log says so
  async function serverHoldingTheTurn(admission: { concurrency: number; queueLength: number; queueWaitMs: number }) {
    const lines: Record<string, unknown>[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) });
    const server = await startFakeServer({ admission, logger });
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let running = false;
    const correlate = server.stratum.runtime.correlateMessage.bind(server.stratum.runtime);
    server.stratum.runtime.correlateMessage = async (message) => {
      running = true;
      await held;
      return correlate(message);
    };
    const kept: string[] = [];
    server.stratum.runtime.recordRefusedRequest = (refused, actor) => {
      kept.push(`${actor.name} ${refused.attempted} ${refused.id}`);
      return Promise.resolve(true);
    };
    const holding = server.api.post('/api/messages', TOKENS.erp, { name: 'PaymentReceived', businessKey: 'SO-HELD' });
    holding.catch(() => undefined);
    for (let waited = 0; !running && waited < 5000; waited += 10) await sleep(10);
    expect(running).toBe(true);
    return { server, lines, kept, release, holding };
  }
  const refusedCompletion = (server: Awaited<ReturnType<typeof startFakeServer>>) =>
    server.api.post('/api/jobs/job-1/complete', TOKENS.vp, { workerId: 'w' });

  it('keeps its entry in a write\'s turn: while the turn is held it waits, then is kept and answered 403', async () => {
    const { server, kept, release, holding } = await serverHoldingTheTurn({ concurrency: 1, queueLength: 4, queueWaitMs: 5000 });
    try {
      let answered = false;
      const refused = refusedCompletion(server).then((response) => ((answered = true), response));
      await sleep(150);
      expect([answered, kept]).toEqual([false, []]);
      expect(server.admission.depth).toBe(1);
      release();
      await holding;
      expect((await refused).status).toBe(403);
      expect(kept).toEqual(['vera completeJob job-1']);
    } finally {
      release();
      await server.close();
    }
  });

  it('beyond the queue\'s bound is answered 403 at once, its entry not kept and the log saying so', async () => {
    const { server, lines, kept, release, holding } = await serverHoldingTheTurn({ concurrency: 1, queueLength: 0, queueWaitMs: 5000 });
    try {
      const began = performance.now();
      const refused = await refusedCompletion(server);
      expect(refused.status).toBe(403);
      expect(performance.now() - began).toBeLessThan(1000);
      expect(kept).toEqual([]);
      expect(server.admission.rejected['queue-full']).toBe(1);
      const warning = lines.find((line) => line.msg === 'a refused request was answered 403 but not kept in the history');
      expect(warning).toMatchObject({ user: 'vera', via: 'api', kind: 'job', id: 'job-1', attempted: 'completeJob', reason: 'role', queue: 'queue-full' });
      release();
      await holding;
    } finally {
      release();
      await server.close();
    }
  });
});

describe('what-if analyses', () => {
  const XML = '<?xml version="1.0"?><definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"><process id="order-to-cash" isExecutable="true"/></definitions>';

  /** A fake server whose analyses run until the test releases them (a replay of many recorded orders takes seconds). */
  async function serverHoldingAnalyses(options: Parameters<typeof startFakeServer>[0]) {
    const server = await startFakeServer(options);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let running = false;
    const analyse = server.stratum.impact.analyse.bind(server.stratum.impact);
    server.stratum.impact.analyse = async (files, request) => {
      running = true;
      await held;
      return analyse(files, request);
    };
    const analysisOf = () => server.api.request('POST', '/api/impact?name=order.bpmn', { token: TOKENS.designer, body: XML, headers: { 'content-type': 'application/xml' } });
    /** Starts an analysis and waits until it runs (its answer wrapped: an async function would wait for it). */
    const holdOne = async () => {
      const first = analysisOf();
      first.catch(() => undefined); // awaited by the test; a failed assertion before that must not leave it unhandled
      for (let waited = 0; !running && waited < 5000; waited += 10) await sleep(10);
      expect(running).toBe(true);
      return { first };
    };
    return { server, release, analysisOf, holdOne };
  }

  it('never hold a write\'s turn: writes go on while an analysis runs, and analyses queue among themselves', async () => {
    const { server, release, analysisOf, holdOne } = await serverHoldingAnalyses({
      admission: { concurrency: 1, queueLength: 2, queueWaitMs: 300 },
      analysisAdmission: { concurrency: 1, queueLength: 0, queueWaitMs: 60_000 },
    });
    try {
      const { first } = await holdOne();

      // a write while the analysis runs (a deployment): served, not queued behind it until refused
      const deployed = await server.api.request('POST', '/api/deployments?name=order.bpmn', {
        token: TOKENS.designer, body: XML.replace('isExecutable', 'name="Order" isExecutable'), headers: { 'content-type': 'application/xml' },
      });
      expect(deployed.status, deployed.text).toBe(201);

      // a second analysis: refused at once by the analyses' own queue, in its own words
      const second = await analysisOf();
      expect(second.status).toBe(503);
      expect(second.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(problemOf(second).reason).toBe('queue-full');
      expect(problemOf(second).detail).toContain('other impact analyses');

      release();
      expect((await first).status).toBe(200);
    } finally {
      release();
      await server.close();
    }
  });

  it('show their queue in /metrics beside the writes\' one: one running, one waiting, one refused', async () => {
    const { server, release, analysisOf, holdOne } = await serverHoldingAnalyses({ analysisAdmission: { concurrency: 1, queueLength: 1, queueWaitMs: 60_000 } });
    const scrape = async () => (await server.api.get('/metrics')).text;
    try {
      const { first } = await holdOne();
      const waiting = analysisOf();
      waiting.catch(() => undefined);
      let metrics = await scrape();
      for (let waited = 0; sampleValue(metrics, 'stratum_analysis_admission_queue_depth') !== 1 && waited < 5000; waited += 20) {
        await sleep(20);
        metrics = await scrape();
      }
      expect((await analysisOf()).status).toBe(503);

      metrics = await scrape();
      expect(sampleValue(metrics, 'stratum_analysis_admission_in_flight')).toBe(1);
      expect(sampleValue(metrics, 'stratum_analysis_admission_queue_depth')).toBe(1);
      expect(sampleValue(metrics, 'stratum_analysis_admission_rejected_total{reason="queue-full"}')).toBe(1);
      expect(sampleValue(metrics, 'stratum_analysis_admission_rejected_total{reason="queue-timeout"}')).toBe(0);
      // the writes' queue holds none of them
      expect(sampleValue(metrics, 'stratum_admission_in_flight')).toBe(0);
      expect(sampleValue(metrics, 'stratum_admission_queue_depth')).toBe(0);

      release();
      expect([(await first).status, (await waiting).status]).toEqual([200, 200]);
      metrics = await scrape();
      expect(sampleValue(metrics, 'stratum_analysis_admission_in_flight')).toBe(0);
      expect(sampleValue(metrics, 'stratum_analysis_admission_queue_depth')).toBe(0);
    } finally {
      release();
      await server.close();
    }
  });
});
