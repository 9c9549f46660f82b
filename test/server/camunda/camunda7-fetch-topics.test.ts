// What a Camunda 7 fetchAndLock topic asks for, and what it gets. `localVariables: true` asks for the external
// task's own variables only (in Camunda 7 those of its execution: its input mappings); Stratum ignored it and handed
// the worker every process variable. `includeExtensionProperties` asks for the element's extension properties;
// Camunda 7 answers none without it. Filters Stratum cannot honour (process definitions, process variables, tenants,
// sorting) are refused with 400 naming them, never ignored: a worker would get tasks it did not ask for.
import { Client, type Task, type TaskService } from 'camunda-external-task-client-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { problemOf, TOKENS, type ApiClient } from '../support/client.js';
import { deployFixtures, removeDataDir, startTestServer, type TestServer } from '../support/real-server.js';
import { objectWith } from '../../support/matchers.js';

let server: TestServer;
let api: ApiClient;

beforeAll(async () => {
  server = await startTestServer();
  api = server.api;
  await deployFixtures(api, 'courier-booking.bpmn', 'parcel-labels.bpmn');
});
afterAll(async () => {
  await server.close();
  removeDataDir(server.dataDir);
});

// helpers

interface FetchedTask {
  id: string;
  variables: Record<string, { value: unknown; type: string }>;
  extensionProperties: Record<string, string>;
}

/** A courier booking for the parcel `ref`: its job maps `parcel.ref` to its local `parcelRef`. */
async function book(ref: string) {
  const started = await api.post('/api/processes/courier-booking/instances', TOKENS.erp, {
    businessKey: ref, variables: { parcel: { ref, weightKg: 3 }, customerEmail: 'dock@example.com' },
  });
  expect(started.status, started.text).toBe(201);
}

async function fetchTopic(ref: string, topic: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  const fetched = await api.post<FetchedTask[]>('/engine-rest/external-task/fetchAndLock', TOKENS.erp, {
    workerId: 'courier', maxTasks: 1, topics: [{ topicName: 'courier-booking', lockDuration: 60_000, businessKey: ref, ...topic }], ...extra,
  });
  return fetched;
}

async function unlock(taskId: string) {
  expect((await api.post(`/engine-rest/external-task/${encodeURIComponent(taskId)}/unlock`, TOKENS.erp, { workerId: 'courier' })).status).toBe(204);
}

describe('POST /engine-rest/external-task/fetchAndLock topics', () => {
  it('hands only the task\'s local variables (its input mappings\') with localVariables: true, narrowed further by variables', async () => {
    await book('PARCEL-1');
    const local = await fetchTopic('PARCEL-1', { localVariables: true });
    expect(local.status, local.text).toBe(200);
    expect(local.body).toEqual([objectWith({ variables: { parcelRef: { value: 'PARCEL-1', type: 'String', valueInfo: {} } } })]);
    await unlock(local.body[0].id);

    const narrowed = await fetchTopic('PARCEL-1', { localVariables: true, variables: ['parcelRef', 'customerEmail'] });
    expect(Object.keys(narrowed.body[0].variables)).toEqual(['parcelRef']);
    await unlock(narrowed.body[0].id);

    // without it, or false: every variable the task sees, as Camunda 7's default
    for (const localVariables of [undefined, false]) {
      const all = await fetchTopic('PARCEL-1', { ...(localVariables !== undefined && { localVariables }) });
      expect(Object.keys(all.body[0].variables).sort()).toEqual(['customerEmail', 'parcel', 'parcelRef']);
      await unlock(all.body[0].id);
    }
  });

  it('hands a multi-instance task its iteration\'s element and loopCounter as local variables, as Camunda 7 keeps them on the iteration', async () => {
    const started = await api.post('/api/processes/parcel-labels/instances', TOKENS.erp, {
      businessKey: 'SHIPMENT-1', variables: { parcels: [{ ref: 'P-A' }, { ref: 'P-B' }], customerEmail: 'dock@example.com' },
    });
    expect(started.status, started.text).toBe(201);
    const fetched = await api.post<FetchedTask[]>('/engine-rest/external-task/fetchAndLock', TOKENS.erp, {
      workerId: 'courier', maxTasks: 1, topics: [{ topicName: 'parcel-label', lockDuration: 60_000, businessKey: 'SHIPMENT-1', localVariables: true }],
    });
    expect(fetched.status, fetched.text).toBe(200);
    expect(fetched.body[0].variables).toEqual({
      parcel: { value: JSON.stringify({ ref: 'P-A' }), type: 'Json', valueInfo: {} },
      loopCounter: { value: 1, type: 'Integer', valueInfo: {} },
      labelRef: { value: 'P-A', type: 'String', valueInfo: {} },
    });
  });

  it('answers the extension properties only when the topic asks for them, as Camunda 7 does', async () => {
    await book('PARCEL-2');
    for (const [includeExtensionProperties, expected] of [[undefined, {}], [false, {}], [true, { carrier: 'DHL' }]] as const) {
      const fetched = await fetchTopic('PARCEL-2', { ...(includeExtensionProperties !== undefined && { includeExtensionProperties }) });
      expect(fetched.status, fetched.text).toBe(200);
      expect(fetched.body[0].extensionProperties, String(includeExtensionProperties)).toEqual(expected);
      await unlock(fetched.body[0].id);
    }
  });

  it('takes deserializeValues and usePriority, which change nothing Stratum answers', async () => {
    await book('PARCEL-3');
    for (const deserializeValues of [true, false]) {
      const fetched = await fetchTopic('PARCEL-3', { deserializeValues }, { usePriority: true });
      expect(fetched.status, fetched.text).toBe(200);
      expect(fetched.body[0].variables.parcel).toEqual({ value: JSON.stringify({ ref: 'PARCEL-3', weightKg: 3 }), type: 'Json', valueInfo: {} });
      await unlock(fetched.body[0].id);
    }
  });

  it('refuses what it cannot honour with 400 naming it, and locks nothing', async () => {
    await book('PARCEL-4');
    const refused: [Record<string, unknown>, Record<string, unknown>, string][] = [
      [{ processDefinitionKey: 'courier-booking' }, {}, '/topics/0/processDefinitionKey'],
      [{ processDefinitionKeyIn: ['courier-booking'] }, {}, '/topics/0/processDefinitionKeyIn'],
      [{ processDefinitionId: 'courier-booking:1' }, {}, '/topics/0/processDefinitionId'],
      [{ processDefinitionVersionTag: 'v1' }, {}, '/topics/0/processDefinitionVersionTag'],
      [{ processVariables: { customerEmail: 'dock@example.com' } }, {}, '/topics/0/processVariables'],
      [{ tenantIdIn: ['a'] }, {}, '/topics/0/tenantIdIn'],
      [{}, { sorting: [{ sortBy: 'createTime', sortOrder: 'desc' }] }, '/sorting'],
    ];
    for (const [topic, extra, field] of refused) {
      const answer = await fetchTopic('PARCEL-4', topic, extra);
      expect(answer.status, field).toBe(400);
      expect(problemOf(answer).errors).toEqual([objectWith({ field })]);
    }
    const [task] = (await fetchTopic('PARCEL-4', {})).body;
    expect(task).toBeDefined();
  });
});

describe('camunda-external-task-client-js subscribed with localVariables and includeExtensionProperties', () => {
  it('gets only the task\'s local variable and the element\'s extension properties', async () => {
    await book('PARCEL-5');
    const client = new Client({
      baseUrl: `${server.url}/engine-rest`, workerId: 'courier', autoPoll: false, asyncResponseTimeout: 5_000, interval: 50,
      interceptors: (config: { headers?: Record<string, string> }) => ({ ...config, headers: { ...config.headers, Authorization: `Bearer ${TOKENS.erp}` } }),
    });
    const seen = new Promise<Task>((resolve) => {
      client.subscribe('courier-booking', { businessKey: 'PARCEL-5', localVariables: true, includeExtensionProperties: true }, async ({ task, taskService }: { task: Task; taskService: TaskService }) => {
        resolve(task);
        await taskService.complete(task);
      });
    });
    client.start();
    try {
      const task = await seen;
      expect(task.variables.getAll()).toEqual({ parcelRef: 'PARCEL-5' });
      expect(task.extensionProperties).toEqual({ carrier: 'DHL' });
    } finally {
      client.stop();
    }
  });
});
