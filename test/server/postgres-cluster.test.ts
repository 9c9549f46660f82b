// Two server processes on one PostgreSQL database (DESIGN.md, "Scale-out"):
// whichever server a request reaches, the order is the same order.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describePostgres, freshSchema, schemaUrl } from '../support/postgres.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DeployResult, InstanceView, JobView, ProcessDetail, ProcessSummary, TaskView } from '../../engine/api.js';
import { DIAGRAMS_DIR } from '../support/stratum-fixture.js';
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

  it('numbers two changes of the credit approval deployed to both servers at once 2 and 3, losing neither, and stores the same file sent to both once', async () => {
    const xml = readFileSync(join(DIAGRAMS_DIR, 'credit-order-approval.bpmn'), 'utf8');
    const named = (name: string) => xml.replace('name="Approve order (sales director)"', `name="${name}"`);
    const deploy = (server: TestServer, body: string) => server.api.request<DeployResult>('POST', '/api/deployments?name=credit-order-approval.bpmn&note=tiers', {
      token: TOKENS.designer, body, headers: { 'content-type': 'application/xml' },
    });
    const changes = await Promise.all([deploy(a, named('Approve (director, A)')), deploy(b, named('Approve (director, B)'))]);
    expect(changes.map((response) => response.status)).toEqual([201, 201]);
    expect(changes.map((response) => response.body.deployed[0].version).sort()).toEqual([2, 3]);
    const versions = await b.api.get<ProcessDetail>('/api/processes/credit-order-approval', TOKENS.erp);
    expect(versions.body.versions.map((version) => version.version)).toEqual([1, 2, 3]);

    const repeats = await Promise.all([a, b].map((server) => deploy(server, named('Approve (director, both)'))));
    expect(repeats.map((response) => response.status).sort()).toEqual([200, 201]);
    expect(repeats.map((response) => response.body.deployed[0].version)).toEqual([4, 4]);
    expect((await a.api.get<ProcessDetail>('/api/processes/credit-order-approval', TOKENS.erp)).body.latestVersion).toBe(4);
  });
});
