// Two server processes on one PostgreSQL database (DESIGN.md, "Scale-out"):
// whichever server a request reaches, the order is the same order.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describePostgres, freshSchema, schemaUrl } from '../support/postgres.js';
import type { InstanceView, JobView, ProcessSummary, TaskView } from '../../engine/api.js';
import { TOKENS } from './support/client.js';
import { removeDataDir, startTestServer, type TestServer } from './support/real-server.js';

describePostgres('two servers on one PostgreSQL database', () => {
  let a: TestServer;
  let b: TestServer;

  beforeAll(async () => {
    const url = schemaUrl(await freshSchema());
    // both deploy the shipped diagrams at start, at the same moment
    [a, b] = await Promise.all([startTestServer({ databaseUrl: url }), startTestServer({ databaseUrl: url })]);
  });

  afterAll(async () => {
    for (const server of [a, b]) {
      if (!server) continue;
      await server.close();
      removeDataDir(server.dataDir);
    }
  });

  const order = { orderNo: 'SO-PG-1', customer: { name: 'Cluster GmbH' }, amount: 700_000, currency: 'CNY', paymentTerms: 'credit' };

  it('deploys the library once, whichever server started first', async () => {
    const [fromA, fromB] = await Promise.all([a.api.get<ProcessSummary[]>('/api/processes', TOKENS.erp), b.api.get<ProcessSummary[]>('/api/processes', TOKENS.erp)]);
    expect(fromA.body).toEqual(fromB.body);
    expect(fromA.body.every((process) => process.latestVersion === 1)).toBe(true);
  });

  /** As an ERP posts: a 503 from a server's admission queue (a loaded machine) is tried again after Retry-After. */
  async function postOrder(server: TestServer) {
    for (;;) {
      const response = await server.api.post<InstanceView>('/api/orders', TOKENS.erp, order);
      if (response.status !== 503) return response;
      await new Promise((resolve) => setTimeout(resolve, Number(response.headers.get('retry-after') ?? 1) * 1000));
    }
  }

  it('creates one instance when the ERP retries the same order against both servers at once', async () => {
    const responses = await Promise.all([a, b, a, b].map(postOrder));
    expect(responses.map((response) => response.status).sort()).toEqual([200, 200, 200, 201]);
    expect(new Set(responses.map((response) => response.body.id)).size).toBe(1);
  });

  it('lets the vice-president decide on one server what was entered on the other, and hands each job to one worker', async () => {
    const [task] = (await b.api.get<TaskView[]>('/api/tasks?businessKey=SO-PG-1', TOKENS.vp)).body;
    expect(task.candidateGroups).toEqual(['vice-president']);
    const decisions = await Promise.all([a, b].map((server) => server.api.post(`/api/tasks/${encodeURIComponent(task.id)}/complete`, TOKENS.vp, { variables: { approved: true } })));
    expect(decisions.map((response) => response.status).sort()).toEqual([200, 409]);

    const fetched = await Promise.all([a, b].map((server) => server.api.post<JobView[]>('/api/jobs/fetch-and-lock', TOKENS.erp, { type: 'procurement-planning', workerId: `worker-${server.port}`, max: 5 })));
    const jobs = fetched.flatMap((response) => response.body);
    expect(jobs).toHaveLength(1);
    expect(jobs[0].businessKey).toBe('SO-PG-1');
  });
});
