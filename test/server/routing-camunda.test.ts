// The order router reads the Camunda 7 and 8 routes as it reads Stratum's own
// (issue 10): with two routed workers, every call on an external task or a job
// (by its id; a job's update by PATCH too), every message (by its business or
// correlation key) and every process instance started with a businessId lands
// on the worker of its order,
// which the `stratum-worker` header names. The jobs wait in grandchildren of
// the orders (prepaid-entry-control, prepaid-shipment-control), whose order
// the router learns only from the fetch and activation answers. With
// STRATUM_ROUTING=off, the control, the same calls are spread over the workers.
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TOKENS } from './support/client.js';
import { startTwoWorkers, until } from './support/main-process.js';
import { SERVER_FIXTURES } from './support/real-server.js';

const ORDERS = 4;
interface Answer<T> {
  status: number;
  worker: string;
  body: T;
}

/** Where one call landed, and where its order lives. */
interface Landing {
  call: string;
  worker: string;
  orderWorker: string;
}

interface LockedExternalTask {
  id: string;
  businessKey: string;
}

interface ActivatedJob {
  jobKey: string;
  variables: { orderNo: string };
}

describe('order routing of the Camunda 7 and 8 routes', () => {
  it('sends every external task, job, message and process instance call to the worker of its order', async () => {
    const landings = await driveCamundaRoutes('order');
    expect(landings).toHaveLength(ORDERS * 17);
    expect(landings.filter((landing) => landing.worker !== landing.orderWorker)).toEqual([]);
    // the orders are spread over both workers
    expect(new Set(landings.map((landing) => landing.orderWorker)).size).toBe(2);
  }, 180_000);

  it('spreads the same calls over the workers with STRATUM_ROUTING=off (the control)', async () => {
    const landings = await driveCamundaRoutes('off');
    expect(landings).toHaveLength(ORDERS * 17);
    expect(landings.filter((landing) => landing.worker !== landing.orderWorker).length).toBeGreaterThan(ORDERS);
  }, 180_000);
});

// helpers

/**
 * `npm start` with two workers: prepaid orders worked through Camunda 7's external tasks and messages and
 * Camunda 8's jobs and message publication, and instances of a process that takes no orders started through
 * Camunda 8 with a businessId. Each call over a connection of its own (with routing off, the cluster hands each
 * connection to the next worker).
 */
async function driveCamundaRoutes(routing: 'order' | 'off'): Promise<Landing[]> {
  const server = await startTwoWorkers({ routing });
  await until(() => server.lines.some((line) => line.msg === 'stratum workers listening'));
  const call = <T = unknown>(method: string, path: string, token: string, body?: unknown) => send<T>(server.port, method, path, token, body);
  const landings: Landing[] = [];
  const orderWorker = new Map<string, string>();
  const landed = (name: string, answer: Answer<unknown>, expected: number, orderNo: string) => {
    expect(answer.status, `${name} ${orderNo}: ${JSON.stringify(answer.body)}`).toBe(expected);
    landings.push({ call: `${name} ${orderNo}`, worker: answer.worker, orderWorker: orderWorker.get(orderNo)! });
  };
  const post = async (orderNo: string, paymentTerms: string) => {
    const posted = await call('POST', '/api/orders', TOKENS.erp, { orderNo, customer: { name: 'Route AG' }, amount: 120_000, currency: 'CNY', paymentTerms });
    expect(posted.status).toBe(201);
    orderWorker.set(orderNo, posted.worker);
  };

  // Camunda 7: each order paid by a message, its planning jobs worked as external tasks
  const c7Orders = Array.from({ length: ORDERS }, (_, i) => `C7-ROUTE-${i}`);
  for (const orderNo of c7Orders) await post(orderNo, 'prepaid-at-entry');
  const fetchTask = async (topicName: string, businessKey: string) => {
    const fetched = await call<LockedExternalTask[]>('POST', '/engine-rest/external-task/fetchAndLock', TOKENS.erp, {
      workerId: 'c7-router', maxTasks: 1, topics: [{ topicName, lockDuration: 60_000, businessKey }],
    });
    expect(fetched.body, `${topicName} ${businessKey}`).toHaveLength(1);
    return fetched.body[0].id;
  };
  for (const orderNo of c7Orders) {
    landed('c7 message', await call('POST', '/engine-rest/message', TOKENS.erp, { messageName: 'PaymentReceived', businessKey: orderNo }), 204, orderNo);
    let task = await fetchTask('procurement-planning', orderNo);
    const external = (action: string) => `/engine-rest/external-task/${encodeURIComponent(task)}/${action}`;
    landed('c7 extendLock', await call('POST', external('extendLock'), TOKENS.erp, { workerId: 'c7-router', newDuration: 120_000 }), 204, orderNo);
    landed('c7 unlock', await call('POST', external('unlock'), TOKENS.erp, { workerId: 'c7-router' }), 204, orderNo);
    task = await fetchTask('procurement-planning', orderNo);
    // taken by its id (taskService.lock): the holder renews its lock
    landed('c7 lock', await call('POST', external('lock'), TOKENS.erp, { workerId: 'c7-router', lockDuration: 60_000 }), 204, orderNo);
    landed('c7 failure', await call('POST', external('failure'), TOKENS.erp, { workerId: 'c7-router', errorMessage: 'MRP busy', retries: 1 }), 204, orderNo);
    task = await fetchTask('procurement-planning', orderNo);
    landed('c7 complete', await call('POST', external('complete'), TOKENS.erp, { workerId: 'c7-router' }), 204, orderNo);
    task = await fetchTask('production-planning', orderNo);
    // nothing catches it: the order fails, wherever it runs
    landed('c7 bpmnError', await call('POST', external('bpmnError'), TOKENS.erp, { workerId: 'c7-router', errorCode: 'NOT_PLANNABLE' }), 204, orderNo);
  }

  // Camunda 8: each order's payment and shipment request published, its jobs activated and worked
  const c8Orders = Array.from({ length: ORDERS }, (_, i) => `C8-ROUTE-${i}`);
  for (const orderNo of c8Orders) await post(orderNo, 'prepaid-at-shipment');
  const activate = async (type: string) => {
    const activated = await call<{ jobs: ActivatedJob[] }>('POST', '/v2/jobs/activation', TOKENS.erp, {
      type, worker: 'c8-router', timeout: 60_000, maxJobsToActivate: 20, fetchVariable: ['orderNo'], requestTimeout: -1,
    });
    expect(activated.body.jobs.map((job) => job.variables.orderNo).sort(), type).toEqual(c8Orders);
    return activated.body.jobs;
  };
  const jobCall = async (name: string, job: ActivatedJob, action: string, body: unknown) =>
    landed(name, await call('POST', `/v2/jobs/${encodeURIComponent(job.jobKey)}/${action}`, TOKENS.erp, body), 204, job.variables.orderNo);
  for (const orderNo of c8Orders) {
    landed('c8 publication', await call('POST', '/v2/messages/publication', TOKENS.erp, { name: 'PaymentReceived', correlationKey: orderNo, timeToLive: 60_000 }), 200, orderNo);
  }
  for (const job of await activate('procurement-planning')) {
    // an update names only the job (PATCH /v2/jobs/{jobKey}): the worker moves its deadline, an operator sets its retries
    const update = (token: string, changeset: Record<string, number>) => call('PATCH', `/v2/jobs/${encodeURIComponent(job.jobKey)}`, token, { changeset });
    landed('c8 update timeout', await update(TOKENS.erp, { timeout: 120_000 }), 204, job.variables.orderNo);
    landed('c8 update retries', await update(TOKENS.operations, { retries: 5 }), 204, job.variables.orderNo);
    await jobCall('c8 failure', job, 'failure', { retries: 1, errorMessage: 'MRP busy' });
  }
  for (const job of await activate('procurement-planning')) await jobCall('c8 completion', job, 'completion', {});
  for (const job of await activate('production-planning')) await jobCall('c8 completion', job, 'completion', {});
  for (const orderNo of c8Orders) {
    landed('c8 publication', await call('POST', '/v2/messages/publication', TOKENS.erp, { name: 'ShipmentRequested', correlationKey: orderNo, timeToLive: 60_000 }), 200, orderNo);
  }
  for (const job of await activate('shipping')) await jobCall('c8 error', job, 'error', { errorCode: 'NOT_SHIPPED' });

  // Camunda 8: instances started with a businessId go where that business key's requests go
  const deployed = await send(server.port, 'POST', '/api/deployments?name=customer-review.bpmn', TOKENS.designer, readFileSync(join(SERVER_FIXTURES, 'customer-review.bpmn'), 'utf8'), 'application/xml');
  expect(deployed.status).toBe(201);
  for (let i = 0; i < ORDERS; i++) {
    const businessKey = `CR-ROUTE-${i}`;
    orderWorker.set(businessKey, (await call('GET', `/api/instances?businessKey=${businessKey}`, TOKENS.erp)).worker);
    const started = await call<{ processInstanceKey: string }>('POST', '/v2/process-instances', TOKENS.erp, { processDefinitionId: 'customer-review', businessId: businessKey, variables: { customerId: `C-${i}` } });
    landed('c8 process-instances', started, 200, businessKey);
    // the instance's order learnt from the answer
    landed('instance read', await call('GET', `/api/instances/${started.body.processInstanceKey}`, TOKENS.erp), 200, businessKey);
  }

  server.child.kill('SIGTERM');
  expect(await server.exit).toBe(0);
  return landings;
}

/** One request over a connection of its own; the answer's status, worker (`stratum-worker`) and JSON body. */
function send<T>(port: number, method: string, path: string, token: string, body?: unknown, contentType = 'application/json'): Promise<Answer<T>> {
  const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request({
      host: '127.0.0.1', port, method, path, agent: false,
      headers: { authorization: `Bearer ${token}`, ...(payload !== undefined && { 'content-type': contentType, 'content-length': Buffer.byteLength(payload) }) },
    }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, worker: String(res.headers['stratum-worker']), body: (text ? JSON.parse(text) : null) as T }));
    });
    req.on('error', reject);
    req.end(payload);
  });
}
