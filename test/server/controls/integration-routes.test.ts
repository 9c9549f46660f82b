// Controls that hold on the integration routes of issue 13 (orders by number,
// job locks, Camunda 7 external tasks and messages, order events): every row
// is an attempt to walk around a control through one of them, with the
// refusal it must get and what must not have happened.
//   1. A decision is made where it is asked for (declared completion variables).
//   2. Four eyes: a user task is decided only through the task routes.
//   3. Roles: jobs, messages and cancels are the integration's; webhooks the operators'.
//   4. Message rules: a message never rewrites the order, never reaches an order that does not exist.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HistoryEntry, OrderView } from '../../../engine/api.js';
import { expectedRefusalStatus, problemOf, TOKENS, type ApiClient, type ApiResponse } from '../support/client.js';
import { removeDataDir, startTestServer, type TestServer } from '../support/real-server.js';

let server: TestServer;
let api: ApiClient;
let orderCount = 0;

beforeAll(async () => {
  server = await startTestServer();
  api = server.api;
});
afterAll(async () => {
  await server.close();
  removeDataDir(server.dataDir);
});

// helpers

async function enterOrder(amount: number, paymentTerms = 'credit'): Promise<string> {
  const orderNo = `INT-${++orderCount}`;
  const response = await api.post('/api/orders', TOKENS.erp, { orderNo, customer: { name: 'Hoffmann Maschinenbau GmbH' }, amount, currency: 'CNY', paymentTerms });
  expect(response.status, response.text).toBe(201);
  return orderNo;
}

async function lockCamunda7(topicName: string, businessKey: string, workerId = 'c7-worker'): Promise<string> {
  const response = await api.post<{ id: string }[]>('/engine-rest/external-task/fetchAndLock', TOKENS.erp, { workerId, maxTasks: 1, topics: [{ topicName, lockDuration: 60_000, businessKey }] });
  expect(response.status, response.text).toBe(200);
  expect(response.body, `a ${topicName} task of ${businessKey}`).toHaveLength(1);
  return response.body[0].id;
}

async function lockStratum(type: string, businessKey: string, workerId: string, lockMs = 60_000): Promise<string> {
  const response = await api.post<{ id: string }[]>('/api/jobs/fetch-and-lock', TOKENS.erp, { type, workerId, lockMs, businessKey });
  expect(response.status, response.text).toBe(200);
  expect(response.body, `a ${type} job of ${businessKey}`).toHaveLength(1);
  return response.body[0].id;
}

async function order(orderNo: string) {
  return (await api.get<OrderView>(`/api/orders/${orderNo}`, TOKENS.erp)).body;
}

/** The order still waits for a job of `type`, not yet taken further. */
async function expectStillWaitingForJob(orderNo: string, type: string) {
  const view = await order(orderNo);
  expect(view.status).not.toMatch(/fulfilled|cancelled|failed/);
  expect(view.waiting.some((wait) => wait.jobType === type)).toBe(true);
}

function expectRefused(response: ApiResponse, status: number, detail?: RegExp) {
  // 422 is 400 on Camunda 7's routes, as Camunda 7 answers a refused input
  expect(response.status, response.text).toBe(expectedRefusalStatus(response, status));
  expect(response.contentType).toContain('application/problem+json');
  if (detail) expect(problemOf(response).detail).toMatch(detail);
}

interface Row {
  attempt: string;
  run: () => Promise<void>;
}

const decisions: Row[] = [
  {
    attempt: 'a Camunda 7 worker completes procurement planning with a typed orderStatus the sales order sets',
    run: async () => {
      const orderNo = await enterOrder(1_000);
      const id = await lockCamunda7('procurement-planning', orderNo);
      const response = await api.post(`/engine-rest/external-task/${id}/complete`, TOKENS.erp, { workerId: 'c7-worker', variables: { orderStatus: { value: 'rejected', type: 'String' } } });
      expectRefused(response, 422);
      await expectStillWaitingForJob(orderNo, 'procurement-planning');
    },
  },
  {
    attempt: 'a planning worker sets the approval that credit approval, which the sales order calls, decides, through every job route',
    run: async () => {
      const orderNo = await enterOrder(1_000);
      const id = await lockCamunda7('procurement-planning', orderNo);
      const job = encodeURIComponent(id);
      const attempts = [
        () => api.post(`/api/jobs/${job}/complete`, TOKENS.erp, { workerId: 'c7-worker', variables: { approved: false } }),
        () => api.post(`/api/jobs/${job}/bpmn-error`, TOKENS.erp, { workerId: 'c7-worker', errorCode: 'BLOCKED', variables: { directorApproved: true } }),
        () => api.post(`/engine-rest/external-task/${job}/complete`, TOKENS.erp, { workerId: 'c7-worker', variables: { directorApproved: { value: true, type: 'Boolean' } } }),
        () => api.post(`/engine-rest/external-task/${job}/bpmnError`, TOKENS.erp, { workerId: 'c7-worker', errorCode: 'BLOCKED', variables: { approved: { value: false, type: 'Boolean' } } }),
        () => api.post(`/v2/jobs/${job}/completion`, TOKENS.erp, { variables: { vicePresidentApproved: true } }),
        () => api.post(`/v2/jobs/${job}/error`, TOKENS.erp, { errorCode: 'BLOCKED', variables: { approved: false } }),
      ];
      for (const [route, attempt] of attempts.entries()) {
        const response = await attempt();
        expect(response.status, `route ${route}: ${response.text}`).toBe(expectedRefusalStatus(response, 422));
        expect(problemOf(response).detail, `route ${route}`).toMatch(/approved|Approved/);
      }
      await expectStillWaitingForJob(orderNo, 'procurement-planning');
    },
  },
  {
    attempt: 'a Camunda 7 worker reports a BPMN error carrying an order field',
    run: async () => {
      const orderNo = await enterOrder(1_000);
      const id = await lockCamunda7('procurement-planning', orderNo);
      const response = await api.post(`/engine-rest/external-task/${id}/bpmnError`, TOKENS.erp, { workerId: 'c7-worker', errorCode: 'BLOCKED', variables: { amount: { value: 1, type: 'Integer' } } });
      expectRefused(response, 422);
      await expectStillWaitingForJob(orderNo, 'procurement-planning');
    },
  },
];

const fourEyes: Row[] = [
  {
    attempt: 'the vice-president completes the approval task as if it were an external task (Camunda 7 route)',
    run: async () => {
      const orderNo = await enterOrder(750_000);
      const view = await order(orderNo);
      const taskId = view.waiting.find((wait) => wait.type === 'task')!.taskId;
      expectRefused(await api.post(`/engine-rest/external-task/${taskId}/complete`, TOKENS.erp, { workerId: 'c7-worker', variables: { approved: { value: true, type: 'Boolean' } } }), 404);
      expectRefused(await api.post(`/api/jobs/${taskId}/extend-lock`, TOKENS.erp, { workerId: 'c7-worker', lockMs: 60_000 }), 404);
      expect((await order(orderNo)).status).toBe('waiting-for-approval');
    },
  },
  {
    attempt: 'the integration decides the approval task through every job route (Stratum, Camunda 7 error, Camunda 8 completion and error)',
    run: async () => {
      const orderNo = await enterOrder(750_000);
      const taskId = encodeURIComponent((await order(orderNo)).waiting.find((wait) => wait.type === 'task')!.taskId!);
      expectRefused(await api.post(`/api/jobs/${taskId}/complete`, TOKENS.erp, { variables: { approved: true } }), 404);
      expectRefused(await api.post(`/api/jobs/${taskId}/bpmn-error`, TOKENS.erp, { errorCode: 'REJECTED' }), 404);
      expectRefused(await api.post(`/api/jobs/${taskId}/failure`, TOKENS.erp, { message: 'x', retries: 0 }), 404);
      expectRefused(await api.post(`/engine-rest/external-task/${taskId}/bpmnError`, TOKENS.erp, { workerId: 'c7-worker', errorCode: 'REJECTED' }), 404);
      expectRefused(await api.post(`/v2/jobs/${taskId}/completion`, TOKENS.erp, { variables: { approved: true } }), 404);
      expectRefused(await api.post(`/v2/jobs/${taskId}/error`, TOKENS.erp, { errorCode: 'REJECTED' }), 404);
      const view = await order(orderNo);
      expect(view.status).toBe('waiting-for-approval');
      expect(view.history.filter((entry) => entry.event.startsWith('job.') || entry.event === 'task.completed')).toEqual([]);
    },
  },
  {
    attempt: 'the vice-president, in no integration group, completes the approval task through a job route',
    run: async () => {
      const orderNo = await enterOrder(750_000);
      const taskId = encodeURIComponent((await order(orderNo)).waiting.find((wait) => wait.type === 'task')!.taskId!);
      expectRefused(await api.post(`/api/jobs/${taskId}/complete`, TOKENS.vp, { variables: { approved: true } }), 403);
      expectRefused(await api.post(`/v2/jobs/${taskId}/completion`, TOKENS.vp, { variables: { approved: true } }), 403);
      expect((await order(orderNo)).status).toBe('waiting-for-approval');
    },
  },
];

const roles: Row[] = [
  {
    attempt: 'a director\'s token fetches planning jobs through the Camunda 7 route',
    run: async () => {
      expectRefused(await api.post('/engine-rest/external-task/fetchAndLock', TOKENS.director, { workerId: 'w', topics: [{ topicName: 'procurement-planning', lockDuration: 1000 }] }), 403);
    },
  },
  {
    attempt: 'the vice-president cancels an order by its number',
    run: async () => {
      const orderNo = await enterOrder(750_000);
      expectRefused(await api.post(`/api/orders/${orderNo}/cancel`, TOKENS.vp, { reason: 'I do not like it' }), 403);
      expect((await order(orderNo)).status).toBe('waiting-for-approval');
    },
  },
  {
    attempt: 'a second worker extends or completes the lock another worker holds',
    run: async () => {
      const orderNo = await enterOrder(1_000);
      const id = await lockCamunda7('procurement-planning', orderNo, 'worker-a');
      expectRefused(await api.post(`/api/jobs/${id}/extend-lock`, TOKENS.erp, { workerId: 'worker-b', lockMs: 60_000 }), 409);
      expectRefused(await api.post(`/engine-rest/external-task/${id}/complete`, TOKENS.erp, { workerId: 'worker-b' }), 409);
      await expectStillWaitingForJob(orderNo, 'procurement-planning');
    },
  },
  {
    attempt: 'reproduced bypass: a caller that names no worker completes, fails or throws for a job another worker holds on Stratum\'s routes',
    run: async () => {
      const orderNo = await enterOrder(1_000);
      const id = await lockStratum('procurement-planning', orderNo, 'worker-a');
      const attempts = [
        api.post(`/api/jobs/${id}/complete`, TOKENS.erp, { variables: { plannedWeek: 1 } }),
        api.post(`/api/jobs/${id}/failure`, TOKENS.erp, { message: 'not mine', retries: 0 }),
        api.post(`/api/jobs/${id}/bpmn-error`, TOKENS.erp, { errorCode: 'BLOCKED' }),
        api.post(`/api/jobs/${id}/complete`, TOKENS.erp, { workerId: 'worker-b', variables: { plannedWeek: 1 } }),
        api.post(`/api/jobs/${id}/failure`, TOKENS.erp, { workerId: 'worker-b', message: 'not mine', retries: 0 }),
        api.post(`/api/jobs/${id}/bpmn-error`, TOKENS.erp, { workerId: 'worker-b', errorCode: 'BLOCKED' }),
        api.post(`/engine-rest/external-task/${id}/complete`, TOKENS.erp, { workerId: 'worker-b' }),
        api.post(`/engine-rest/external-task/${id}/failure`, TOKENS.erp, { workerId: 'worker-b', errorMessage: 'not mine', retries: 0 }),
        api.post(`/engine-rest/external-task/${id}/bpmnError`, TOKENS.erp, { workerId: 'worker-b', errorCode: 'BLOCKED' }),
      ];
      for (const response of await Promise.all(attempts)) {
        expectRefused(response, 409, /locked by/);
        expect(problemOf(response).reason).toBe('not-locked-by-worker');
      }
      await expectStillWaitingForJob(orderNo, 'procurement-planning');
      const { history } = await order(orderNo);
      expect(history.filter((entry) => /^job\.(completed|failed|error-thrown)$/.test(entry.event))).toEqual([]);
      // each attempt at the job another worker holds is kept, by route and with what was attempted
      const kept = (entries: HistoryEntry[]) => entries.filter((entry) => entry.event === 'job.refused')
        .map((entry) => `${entry.via} ${String(entry.data?.attempted)} ${String(entry.data?.workerId)} ${String(entry.data?.reason)}`).sort();
      expect(kept(history)).toEqual([
        'api bpmn-error undefined not-locked-by-worker', 'api bpmn-error worker-b not-locked-by-worker',
        'api complete undefined not-locked-by-worker', 'api complete worker-b not-locked-by-worker',
        'api failure undefined not-locked-by-worker', 'api failure worker-b not-locked-by-worker',
        'camunda7 bpmn-error worker-b not-locked-by-worker', 'camunda7 complete worker-b not-locked-by-worker', 'camunda7 failure worker-b not-locked-by-worker',
      ]);
      // keeping another worker's job by extending its lock, or taking it by its id, is refused and kept the same way
      // (another order's job: one person's refusals at one job are kept up to ten)
      const otherNo = await enterOrder(1_000);
      const other = await lockStratum('procurement-planning', otherNo, 'worker-a');
      const held = [
        api.post(`/api/jobs/${other}/extend-lock`, TOKENS.erp, { workerId: 'worker-b', lockMs: 60_000 }),
        api.post(`/engine-rest/external-task/${other}/extendLock`, TOKENS.erp, { workerId: 'worker-b', newDuration: 60_000 }),
        api.post(`/engine-rest/external-task/${other}/lock`, TOKENS.erp, { workerId: 'worker-b', lockDuration: 60_000 }),
      ];
      for (const response of await Promise.all(held)) expect(response.status, response.text).toBe(409);
      expect(kept((await order(otherNo)).history)).toEqual([
        'api extend-lock worker-b not-locked-by-worker', 'camunda7 extend-lock worker-b not-locked-by-worker', 'camunda7 lock worker-b not-locked-by-worker',
      ]);
      // the worker holding the lock completes it
      expect((await api.post(`/api/jobs/${id}/complete`, TOKENS.erp, { workerId: 'worker-a', variables: { plannedWeek: 1 } })).status).toBe(200);
    },
  },
  {
    attempt: 'a job no worker holds (given back, or its lock expired) is completed by its id without a workerId',
    run: async () => {
      const orderNo = await enterOrder(1_000);
      const given = await lockStratum('procurement-planning', orderNo, 'worker-a');
      expect((await api.post(`/api/jobs/${given}/unlock`, TOKENS.erp, { workerId: 'worker-a' })).status).toBe(204);
      expect((await api.post(`/api/jobs/${given}/complete`, TOKENS.erp, {})).status).toBe(200);
      const expired = await lockStratum('production-planning', orderNo, 'worker-a', 1_000);
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      expect((await api.post(`/api/jobs/${expired}/complete`, TOKENS.erp, {})).status).toBe(200);
      // the history does not name worker-a, whose lock had run out, as the worker holding the job it completed
      const completed = (await order(orderNo)).history.filter((entry) => entry.event === 'job.completed').at(-1);
      expect(completed?.data).not.toHaveProperty('lockedBy');
      expect(completed?.data?.lockExpired).toEqual({ lockedBy: 'worker-a', at: expect.any(String) as string });
    },
  },
  {
    attempt: 'Camunda 8 completes a job another worker activated by its key, as Zeebe does',
    run: async () => {
      const orderNo = await enterOrder(1_000);
      const id = await lockStratum('procurement-planning', orderNo, 'worker-a');
      expect((await api.post(`/v2/jobs/${id}/completion`, TOKENS.erp, {})).status).toBe(204);
      const completed = (await order(orderNo)).history.find((entry) => entry.event === 'job.completed');
      expect(completed?.data).toMatchObject({ lockedBy: 'worker-a' });
    },
  },
  {
    attempt: 'an approver reads the order events or subscribes a webhook',
    run: async () => {
      expectRefused(await api.get('/api/events', TOKENS.vp), 403);
      expectRefused(await api.post('/api/webhooks', TOKENS.vp, { url: 'http://127.0.0.1:9/steal' }), 403);
      expectRefused(await api.post('/api/webhooks', TOKENS.erp, { url: 'http://127.0.0.1:9/steal' }), 403);
    },
  },
  {
    attempt: 'an order is cancelled twice by number (the second finds it ended)',
    run: async () => {
      const orderNo = await enterOrder(1_000);
      expect((await api.post(`/api/orders/${orderNo}/cancel`, TOKENS.erp, { reason: 'customer withdrew' })).status).toBe(200);
      expectRefused(await api.post(`/api/orders/${orderNo}/cancel`, TOKENS.erp, { reason: 'again' }), 409);
    },
  },
];

const messages: Row[] = [
  {
    attempt: 'a Camunda 7 PaymentReceived message rewrites the amount of a prepaid order',
    run: async () => {
      const orderNo = await enterOrder(2_000_000, 'prepaid-at-entry');
      const response = await api.post('/engine-rest/message', TOKENS.erp, { messageName: 'PaymentReceived', businessKey: orderNo, processVariables: { amount: { value: 1, type: 'Integer' } } });
      expectRefused(response, 422);
      const view = await order(orderNo);
      expect(view).toMatchObject({ status: 'waiting-for-payment', entered: { amount: 2_000_000 } });
    },
  },
  {
    attempt: 'a payment on each message route sets the sales director\'s decision (decided in credit approval, which the order may call)',
    run: async () => {
      const routes = [
        (orderNo: string) => api.post('/api/messages', TOKENS.erp, { name: 'PaymentReceived', businessKey: orderNo, variables: { directorApproved: true } }),
        (orderNo: string) => api.post('/engine-rest/message', TOKENS.erp, {
          messageName: 'PaymentReceived', businessKey: orderNo, processVariables: { directorApproved: { value: true, type: 'Boolean' } },
        }),
        (orderNo: string) => api.post('/v2/messages/publication', TOKENS.erp, { name: 'PaymentReceived', correlationKey: orderNo, variables: { directorApproved: true } }),
      ];
      for (const send of routes) {
        const orderNo = await enterOrder(2_000_000, 'prepaid-at-entry');
        expectRefused(await send(orderNo), 422, /directorApproved/);
        const view = await order(orderNo);
        expect(view.status).toBe('waiting-for-payment');
        expect(view.history.some((entry) => entry.event === 'message.correlated')).toBe(false);
      }
    },
  },
  {
    attempt: 'a Camunda 7 message for an order number that was never entered',
    run: async () => {
      expectRefused(await api.post('/engine-rest/message', TOKENS.erp, { messageName: 'PaymentReceived', businessKey: 'NEVER-ENTERED' }), 404);
      expect((await api.get('/api/orders/NEVER-ENTERED', TOKENS.erp)).status).toBe(404);
    },
  },
  {
    attempt: 'a Camunda 7 message for an order that was cancelled',
    run: async () => {
      const orderNo = await enterOrder(2_000_000, 'prepaid-at-entry');
      expect((await api.post(`/api/orders/${orderNo}/cancel`, TOKENS.erp, { reason: 'customer withdrew' })).status).toBe(200);
      expectRefused(await api.post('/engine-rest/message', TOKENS.erp, { messageName: 'PaymentReceived', businessKey: orderNo }), 409);
      expect((await order(orderNo)).status).toBe('cancelled');
    },
  },
];

describe('bypass attempts through the integration routes', () => {
  describe('1. a decision is made where it is asked for', () => {
    it.each(decisions)('$attempt', ({ run }) => run());
  });
  describe('2. four eyes', () => {
    it.each(fourEyes)('$attempt', ({ run }) => run());
  });
  describe('3. roles', () => {
    it.each(roles)('$attempt', ({ run }) => run());
  });
  describe('4. message rules', () => {
    it.each(messages)('$attempt', ({ run }) => run());
  });
});
