// A PostgreSQL connection that ends under a request (pg_terminate_backend, a restart or failover, a cut network):
// the request is answered 503 with Retry-After, nothing of it is kept, the server lives on, and a retry with the
// same order number enters the order once. The server's connections carry an application name of their own, so only
// they are ended; the lock that holds the request in place is another session's, on a table the post writes.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type pg from 'pg';
import type { InstanceView, JobView } from '../../engine/api.js';
import { describePostgres, freshSchema, postgresAdmin as admin, schemaUrl } from '../support/postgres.js';
import { TOKENS } from './support/client.js';
import { removeDataDir, startTestServer, type TestServer } from './support/real-server.js';

describePostgres('a PostgreSQL connection that ends under a request', () => {
  let server: TestServer;
  let schema: string;
  let applicationName: string;

  beforeAll(async () => {
    schema = await freshSchema();
    applicationName = `stratum_loss_${schema}`.slice(0, 63);
    const url = new URL(schemaUrl(schema));
    url.searchParams.set('application_name', applicationName);
    server = await startTestServer({ databaseUrl: url.toString() });
  });

  afterAll(async () => {
    if (!server) return;
    await server.close();
    removeDataDir(server.dataDir);
  });

  const order = { orderNo: 'SO-LOST-1', customer: { name: 'Failover GmbH' }, amount: 1200, currency: 'CNY', paymentTerms: 'credit' };

  /** Runs `during` while another session holds the orders table against inserts, so a post waits on PostgreSQL. */
  async function withOrdersHeld<T>(during: () => Promise<T>): Promise<T> {
    const holder: pg.PoolClient = await admin.connect();
    try {
      await holder.query('BEGIN');
      await holder.query(`LOCK TABLE ${schema}.stratum_orders IN EXCLUSIVE MODE`);
      return await during();
    } finally {
      await holder.query('ROLLBACK');
      holder.release();
    }
  }

  /** Resolves once one of the server's connections waits for a lock (the post reached the held table). */
  async function waitingForLock(): Promise<void> {
    for (let tries = 0; tries < 200; tries++) {
      const { rows } = await admin.query("SELECT 1 FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'", [applicationName]);
      if (rows.length > 0) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error('the post never waited for the held table');
  }

  async function terminateServerConnections(): Promise<number> {
    const { rows } = await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [applicationName]);
    return rows.length;
  }

  it('answers a post whose connection ended 503 with Retry-After, keeps nothing of it, and enters the retry once', async () => {
    const posting = await withOrdersHeld(async () => {
      const posting = server.api.post('/api/orders', TOKENS.erp, order);
      await waitingForLock();
      expect(await terminateServerConnections()).toBeGreaterThan(0);
      await new Promise((resolve) => setTimeout(resolve, 300));
      return { posting };
    });
    const lost = await posting.posting;
    expect(lost.body).toMatchObject({ status: 503 });
    expect(lost.status).toBe(503);
    expect(lost.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(Number(lost.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(lost.body).toMatchObject({ status: 503, reason: 'store-unavailable' });
    // rolled back as a whole: no instance, no history, no wait, no order row
    for (const table of ['stratum_instances', 'stratum_history', 'stratum_waits', 'stratum_orders']) {
      expect((await admin.query(`SELECT count(*)::int AS n FROM ${schema}.${table}`)).rows[0], table).toEqual({ n: 0 });
    }

    const retried = await server.api.post<InstanceView>('/api/orders', TOKENS.erp, order);
    expect(retried.status).toBe(201);
    const again = await server.api.post<InstanceView>('/api/orders', TOKENS.erp, order);
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(retried.body.id);
    expect((await admin.query(`SELECT id FROM ${schema}.stratum_instances WHERE parent_id IS NULL`)).rows).toEqual([{ id: retried.body.id }]);
  });

  it('wakes a waiting fetch for a job entered after PostgreSQL ended the server\'s job notification connection', async () => {
    const fetch = (asyncResponseTimeout: number) => server.api.post<JobView[]>('/api/jobs/fetch-and-lock', TOKENS.erp,
      { type: 'procurement-planning', workerId: 'after-failover', max: 10, asyncResponseTimeout });
    expect((await fetch(0)).status).toBe(200); // the jobs of the orders before
    const waiting = fetch(20_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await terminateServerConnections()).toBeGreaterThan(0);
    const began = Date.now();
    const entered = await server.api.post<InstanceView>('/api/orders', TOKENS.erp, { ...order, orderNo: 'SO-LOST-2' });
    expect(entered.status).toBe(201);
    const jobs = await waiting;
    expect(jobs.body.map((job) => job.businessKey)).toEqual(['SO-LOST-2']);
    expect(Date.now() - began).toBeLessThan(10_000);
  });

  it('answers 503 when PostgreSQL cancels a post\'s statement for the lock_timeout DATABASE_URL sets, and keeps nothing of it', async () => {
    const url = new URL(schemaUrl(schema));
    url.searchParams.set('options', `-c search_path=${schema} -c lock_timeout=300`);
    const impatient = await startTestServer({ databaseUrl: url.toString() });
    try {
      const refused = await withOrdersHeld(() => impatient.api.post('/api/orders', TOKENS.erp, { ...order, orderNo: 'SO-LOST-3' }));
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toBe('1');
      expect(refused.body).toMatchObject({ status: 503, reason: 'store-unavailable' });
      expect((await admin.query(`SELECT count(*)::int AS n FROM ${schema}.stratum_orders WHERE order_no = 'SO-LOST-3'`)).rows[0]).toEqual({ n: 0 });
      expect((await impatient.api.post('/api/orders', TOKENS.erp, { ...order, orderNo: 'SO-LOST-3' })).status).toBe(201);
    } finally {
      await impatient.close();
      removeDataDir(impatient.dataDir);
    }
  });

  it('answers /healthz and reads 200 at once after PostgreSQL ended the server\'s connections, on fresh ones', async () => {
    expect((await server.api.get('/api/instances?businessKey=SO-LOST-1', TOKENS.erp)).status).toBe(200);
    expect(await terminateServerConnections()).toBeGreaterThan(0);
    // an idle connection whose end the pool has not heard of yet fails its BEGIN, and the probe is served on a fresh one
    expect((await server.api.get('/healthz', TOKENS.erp)).status).toBe(200);
    expect((await server.api.get('/api/instances?businessKey=SO-LOST-1', TOKENS.erp)).status).toBe(200);
  });
});
