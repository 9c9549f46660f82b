// Incident retries reach the worker of their order (STRATUM_ROUTING=order): an
// incident's id is random and says nothing of its instance, so the primary
// learns each incident's order from the answers that list incidents (Stratum's
// list, Camunda 8's search), and a later POST /api/incidents/{id}/retry or
// Camunda 8's POST /v2/incidents/{incidentKey}/resolution goes where the
// order's engines are warm; the `stratum-worker` header names the worker that
// answered. An incident the primary has not seen still goes to a worker.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { TOKENS } from './support/client.js';
import { startTwoWorkers, until } from './support/main-process.js';

const ORDERS = 6;

interface Answer<T> {
  status: number;
  worker: string | null;
  body: T;
}

interface Job {
  id: string;
  businessKey: string;
}

interface Incident {
  id: string;
  instanceId: string;
  businessKey: string;
  kind: 'step' | 'job';
}

interface Camunda8Incident {
  incidentKey: string;
  processInstanceKey: string;
}

describe('order routing of incident retries', () => {
  it('sends a retry (and a Camunda 8 resolution) of a listed incident to the worker of its order', async () => {
    const server = await startTwoWorkers({ routing: 'order' });
    await until(() => server.lines.some((line) => line.msg === 'stratum workers listening'));
    const call = async <T = unknown>(method: string, path: string, token: string, body?: unknown): Promise<Answer<T>> => {
      const response = await fetch(`http://127.0.0.1:${server.port}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
        ...(body !== undefined && { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      return { status: response.status, worker: response.headers.get('stratum-worker'), body: (text ? JSON.parse(text) : null) as T };
    };

    const workerOf = new Map<string, string>();
    for (let i = 0; i < ORDERS; i++) {
      const orderNo = `INC-ROUTE-${i}`;
      const posted = await call('POST', '/api/orders', TOKENS.erp, { orderNo, customer: { name: 'Route AG' }, amount: 100, currency: 'CNY', paymentTerms: 'credit' });
      expect(posted.status, JSON.stringify(posted.body)).toBe(201);
      workerOf.set(orderNo, posted.worker!);
    }
    // the orders are spread over both workers
    expect(new Set(workerOf.values()).size).toBe(2);
    /** Each order's planning job fails for good: one open job incident per order. */
    const failJobs = async () => {
      const jobs = await call<Job[]>('POST', '/api/jobs/fetch-and-lock', TOKENS.erp, { type: 'procurement-planning', workerId: 'route', max: 20 });
      expect(jobs.body.map((job) => job.businessKey).sort()).toEqual([...workerOf.keys()].sort());
      for (const job of jobs.body) {
        const failed = await call('POST', `/api/jobs/${encodeURIComponent(job.id)}/failure`, TOKENS.erp, { message: 'MRP down', retries: 0, workerId: 'route' });
        expect(failed.status, JSON.stringify(failed.body)).toBe(200);
      }
    };

    await failJobs();
    const listed = await call<{ items: Incident[] }>('GET', '/api/incidents?limit=50', TOKENS.operations);
    // the job's incident, and its caller's that follows from it (retried with it)
    const jobIncidents = listed.body.items.filter((incident) => incident.kind === 'job');
    expect(jobIncidents).toHaveLength(ORDERS);
    const retriedOn: [order: string, worker: string | null][] = [];
    for (const incident of jobIncidents) {
      const retried = await call('POST', `/api/incidents/${incident.id}/retry`, TOKENS.operations, {});
      expect(retried.status, JSON.stringify(retried.body)).toBe(200);
      retriedOn.push([incident.businessKey, retried.worker]);
    }
    expect(retriedOn).toEqual(retriedOn.map(([order]) => [order, workerOf.get(order)]));
    // Camunda's incidents name no order: the failed job's instance does (the same instances fail again below)
    const orderOfInstance = new Map(jobIncidents.map((incident) => [incident.instanceId, incident.businessKey]));

    await failJobs();
    const searched = await call<{ items: Camunda8Incident[] }>('POST', '/v2/incidents/search', TOKENS.operations, { filter: { state: 'ACTIVE', errorType: 'JOB_NO_RETRIES' } });
    expect(searched.body.items).toHaveLength(ORDERS);
    const resolvedOn: [order: string, worker: string | null][] = [];
    for (const incident of searched.body.items) {
      const resolved = await call('POST', `/v2/incidents/${incident.incidentKey}/resolution`, TOKENS.operations, {});
      expect(resolved.status, JSON.stringify(resolved.body)).toBe(204);
      const order = orderOfInstance.get(incident.processInstanceKey)!;
      resolvedOn.push([order, resolved.worker]);
    }
    expect(resolvedOn).toEqual(resolvedOn.map(([order]) => [order, workerOf.get(order)]));

    // an incident the primary knows nothing of still reaches a worker, which answers it
    const unknown = await call('POST', `/api/incidents/${randomUUID()}/retry`, TOKENS.operations, {});
    expect(unknown.status).toBe(404);
    expect(unknown.worker).toMatch(/^\d+$/);

    server.child.kill('SIGTERM');
    expect(await server.exit).toBe(0);
  }, 180_000);
});
