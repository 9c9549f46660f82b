// A number inside a Camunda 7 Json (or Object as JSON) variable is held to the rule of a JSON body's numbers: one
// written with more digits than a double holds (a Java worker's BigDecimal 1000000.00000000001, which Jackson writes
// as it is) is refused naming it, as POST /api/jobs/{id}/complete refuses it, where JSON.parse kept it as 1000000.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InstanceView } from '../../../engine/api.js';
import { problemOf, TOKENS, type ApiClient } from '../support/client.js';
import { deployFixtures, removeDataDir, startTestServer, type TestServer } from '../support/real-server.js';
import { textContaining } from '../../support/matchers.js';

let server: TestServer;
let api: ApiClient;

beforeAll(async () => {
  server = await startTestServer();
  api = server.api;
  await deployFixtures(api, 'price-lookup.bpmn');
}, 60_000);
afterAll(async () => {
  await server.close();
  removeDataDir(server.dataDir);
});

interface LockedExternalTask { id: string; processInstanceId: string }

async function lockedTask(): Promise<LockedExternalTask> {
  const started = await api.post<InstanceView>('/api/processes/price-lookup/instances', TOKENS.erp, {});
  expect(started.status, started.text).toBe(201);
  const fetched = await api.post<LockedExternalTask[]>('/engine-rest/external-task/fetchAndLock', TOKENS.erp, {
    workerId: 'java', maxTasks: 1, topics: [{ topicName: 'price-lookup', lockDuration: 60_000 }],
  });
  expect(fetched.body, fetched.text).toHaveLength(1);
  return fetched.body[0];
}

/** POSTs JSON text as written (JSON.stringify could not write the number). */
const postText = (path: string, token: string, text: string) =>
  api.request('POST', path, { token, body: text, headers: { 'content-type': 'application/json' }, unchecked: true });

describe('a Camunda 7 Json variable with a number a double does not hold', () => {
  it('is refused on /api as a plain variable', async () => {
    const task = await lockedTask();
    const refused = await postText(`/api/jobs/${encodeURIComponent(task.id)}/complete`, TOKENS.erp, '{"workerId":"java","variables":{"price":{"net":1000000.00000000001}}}');
    expect(refused.status, refused.text).toBe(422);
  });

  it.each([
    ['Json', undefined],
    ['Object', { objectTypeName: 'java.util.HashMap', serializationDataFormat: 'application/json' }],
  ])('is refused on /engine-rest typed %s, naming it, and the task is still there to complete', async (type, valueInfo) => {
    const task = await lockedTask();
    const path = `/engine-rest/external-task/${encodeURIComponent(task.id)}/complete`;
    const refused = await postText(path, TOKENS.erp, JSON.stringify({
      workerId: 'java', variables: { price: { type, value: '{"net":1000000.00000000001,"currency":"CNY"}', ...(valueInfo && { valueInfo }) } },
    }));
    expect(refused.status, refused.text).toBe(400);
    const problem = problemOf(refused);
    expect(problem.errors).toEqual([{ field: '/variables/price/net', message: textContaining('it would be read as 1000000') }]);
    expect(problem.message).toBe(problem.detail);

    const completed = await api.post(path, TOKENS.erp, { workerId: 'java', variables: { price: { type, value: '{"net":1000000.01,"currency":"CNY"}', ...(valueInfo && { valueInfo }) } } });
    expect(completed.status, completed.text).toBe(204);
    const instance = await api.get<InstanceView>(`/api/instances/${task.processInstanceId}`, TOKENS.erp);
    expect(instance.body.variables.price).toEqual({ net: 1000000.01, currency: 'CNY' });
  });

  it('is refused in a message\'s processVariables too', async () => {
    const refused = await postText('/engine-rest/message', TOKENS.erp, JSON.stringify({
      messageName: 'Anything', businessKey: 'NO-SUCH-ORDER', processVariables: { price: { type: 'Json', value: '[1, 2.00000000000000000001]' } },
    }));
    expect(refused.status, refused.text).toBe(400);
    expect(problemOf(refused).errors).toEqual([{ field: '/processVariables/price/1', message: textContaining('it would be read as 2') }]);
  });
});
