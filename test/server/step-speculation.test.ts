// Computing steps ahead of the write lock (engine/runtime/step-executor.ts) pays
// only while another process waits for that lock: one server alone on its
// SQLite file (STRATUM_WORKERS=1) runs each step once, in its transaction;
// each of several workers sharing the file computes ahead, and so does a
// server on PostgreSQL, which other servers may share.
import { afterEach, describe, expect, it } from 'vitest';
import { describePostgres, freshSchema, schemaUrl } from '../support/postgres.js';
import { TOKENS } from './support/client.js';
import { removeDataDir, startTestServer, type TestServer } from './support/real-server.js';

const ORDER = { orderNo: 'SO-SPEC-1', customer: { name: 'ACME' }, amount: 1_200_000, currency: 'EUR', paymentTerms: 'credit' };

const servers: TestServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    await server.close();
    removeDataDir(server.dataDir);
  }
});

/** The engine steps a posted order's speculation computed ahead, from /metrics. */
async function speculatedSteps(workers: number, onDatabase?: string): Promise<number> {
  const server = await startTestServer({ workers, ...(onDatabase && { databaseUrl: onDatabase }) });
  servers.push(server);
  expect((await server.api.post('/api/orders', TOKENS.erp, ORDER)).status).toBe(201);
  const { text } = await server.api.get('/metrics');
  return [...text.matchAll(/^stratum_engine_speculation_total\{result="[^"]+"\} (\d+)$/gm)].reduce((sum, match) => sum + Number(match[1]), 0);
}

describe('steps computed ahead of the write lock', () => {
  it('are not computed by one server alone on its SQLite file', async () => {
    expect(await speculatedSteps(1)).toBe(0);
  });

  it('are computed by each of several workers sharing the file', async () => {
    // order-to-cash, sales-order-management and credit-order-approval started: three engine steps taken
    expect(await speculatedSteps(2)).toBe(3);
  });
});

describePostgres('steps computed ahead on PostgreSQL', () => {
  it('are computed by a server alone as well: another may share the database', async () => {
    const url = schemaUrl(await freshSchema());
    expect(await speculatedSteps(1, url)).toBe(3);
  });
});
