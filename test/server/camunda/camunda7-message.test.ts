// Camunda 7's POST /engine-rest/message as a Camunda 7 client sends it: every
// field of its CorrelationMessageDto is accepted with the defaults clients
// send (all: false, tenantId null, empty maps …); `all` decides whether the
// message moves one instance or each, and the answer is Camunda's correlation
// result, with variables only when `variablesInResultEnabled` asks for them.
// What Stratum cannot honour is refused naming the field, never ignored, and
// the message's controls (protected order fields, finished orders) hold.
// Raw HTTP: camunda-external-task-client-js has no message API.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HistoryEntry, InstanceView, OrderView } from '../../../engine/api.js';
import { problemOf, TOKENS, type ApiClient } from '../support/client.js';
import { deployFixtures, removeDataDir, startTestServer, type TestServer } from '../support/real-server.js';
import { anyText, objectWith, textMatching } from '../../support/matchers.js';

let server: TestServer;
let api: ApiClient;

beforeAll(async () => {
  server = await startTestServer();
  api = server.api;
  await deployFixtures(api, 'c7-reminder.bpmn', 'c7-memo-start.bpmn');
}, 60_000);
afterAll(async () => {
  await server.close();
  removeDataDir(server.dataDir);
});

// helpers

/** Camunda 7's MessageCorrelationResultDto (WithVariableDto), as the tests read it. */
interface CorrelationResult {
  resultType: 'Execution' | 'ProcessDefinition';
  processInstance: { id: string; definitionId: string; businessKey: string | null; ended: boolean; suspended: boolean; tenantId: null } | null;
  execution: { id: string; processInstanceId: string; ended: boolean; tenantId: null } | null;
  variables?: Record<string, { value: unknown; type: string }>;
}

/** The body a generated Camunda 7 client (camunda-platform-7-rest-client, openapi-generator) sends: every field, with its defaults. */
function clientDefaults(messageName: string, businessKey: string, fields: Record<string, unknown> = {}) {
  return {
    messageName, businessKey, tenantId: null, withoutTenantId: false, processInstanceId: null,
    correlationKeys: {}, localCorrelationKeys: {}, processVariables: {}, processVariablesLocal: {}, processVariablesToTriggeredScope: {},
    all: false, resultEnabled: false, variablesInResultEnabled: false,
    ...fields,
  };
}

const correlate = (body: Record<string, unknown>) => api.post<CorrelationResult[]>('/engine-rest/message', TOKENS.erp, body);

async function enterPrepaid(orderNo: string): Promise<string> {
  const entered = await api.post<InstanceView>('/api/orders', TOKENS.erp, { orderNo, customer: { name: 'Camunda Sieben GmbH' }, amount: 120_000, currency: 'CNY', paymentTerms: 'prepaid-at-entry' });
  expect(entered.status, entered.text).toBe(201);
  return entered.body.id;
}

const order = async (orderNo: string) => (await api.get<OrderView>(`/api/orders/${orderNo}`, TOKENS.erp)).body;

async function startReminder(businessKey: string): Promise<string> {
  const started = await api.post<InstanceView>('/api/processes/c7-reminder/instances', TOKENS.erp, { businessKey });
  expect(started.status, started.text).toBe(201);
  return started.body.id;
}

const instance = async (id: string) => (await api.get<InstanceView>(`/api/instances/${id}`, TOKENS.erp)).body;
const waitsForReminder = async (id: string) => (await instance(id)).waiting.some((wait) => wait.elementId === 'AwaitReminder');

describe('POST /engine-rest/message as Camunda 7 clients send it', () => {
  it('accepts every field with the defaults a generated client sends, and correlates', async () => {
    await enterPrepaid('C7M-DEFAULTS');
    const paid = await correlate(clientDefaults('PaymentReceived', 'C7M-DEFAULTS', { withoutTenantId: true, processVariables: { paidAt: { value: '2026-12-06', type: 'String' } } }));
    expect(paid.status, paid.text).toBe(204);
    expect((await order('C7M-DEFAULTS')).status).toBe('in-planning');
  });

  it('answers Camunda\'s result without variables unless variablesInResultEnabled asks for them', async () => {
    await enterPrepaid('C7M-RESULT');
    const paid = await correlate(clientDefaults('PaymentReceived', 'C7M-RESULT', { resultEnabled: true, processVariables: { paidAt: { value: '2026-12-06', type: 'String' } } }));
    expect(paid.status, paid.text).toBe(200);
    expect(paid.headers.get('content-type')).toBe('application/json');
    expect(paid.body).toEqual([{
      resultType: 'Execution', processInstance: null,
      execution: { id: anyText(), processInstanceId: anyText(), ended: false, tenantId: null },
    }]);
    // the execution is the catch's instance: one of the order's call tree (its payment process)
    expect((await order('C7M-RESULT')).versions.map((version) => version.instanceId)).toContain(paid.body[0].execution!.processInstanceId);

    await enterPrepaid('C7M-VARIABLES');
    const answered = await correlate(clientDefaults('PaymentReceived', 'C7M-VARIABLES', { resultEnabled: true, variablesInResultEnabled: true, processVariables: { paidAt: { value: '2026-12-06', type: 'String' } } }));
    expect(answered.status, answered.text).toBe(200);
    expect(answered.body).toHaveLength(1);
    expect(answered.body[0].resultType).toBe('Execution');
    expect(answered.body[0].variables).toMatchObject({
      orderNo: { value: 'C7M-VARIABLES', type: 'String' },
      amount: { value: 120_000, type: 'Integer' },
      paidAt: { value: '2026-12-06', type: 'String' },
    });
  });

  it('names the instance a message start event started as a ProcessDefinition result', async () => {
    const filed = await correlate(clientDefaults('MemoFiled', 'MEMO-1', { resultEnabled: true }));
    expect(filed.status, filed.text).toBe(200);
    expect(filed.body).toEqual([{
      resultType: 'ProcessDefinition', execution: null,
      processInstance: { links: [], id: anyText(), definitionId: 'c7-memo-start:1', businessKey: 'MEMO-1', caseInstanceId: null, ended: false, suspended: false, tenantId: null },
    }]);
    expect((await instance(filed.body[0].processInstance!.id)).processKey).toBe('c7-memo-start');
  });

  it('with all: false refuses a message several instances wait for and moves none; all: true moves each', async () => {
    const first = await startReminder('REM-1');
    const second = await startReminder('REM-1');

    const one = await correlate(clientDefaults('ReminderReceived', 'REM-1', { resultEnabled: true }));
    expect(one.status, one.text).toBe(409);
    expect(problemOf(one)).toMatchObject({ type: textMatching(/ambiguous-correlation$/), businessKey: 'REM-1' });
    expect([...(problemOf(one).instanceIds as string[])].sort()).toEqual([first, second].sort());
    expect(await waitsForReminder(first)).toBe(true);
    expect(await waitsForReminder(second)).toBe(true);
    const history: HistoryEntry[] = [...(await instance(first)).history, ...(await instance(second)).history];
    expect(history).toContainEqual(objectWith({ event: 'message.refused', actor: 'erp', data: objectWith({ reason: 'ambiguous-correlation' }) }));

    // the default (all absent) is Camunda's too
    expect((await correlate({ messageName: 'ReminderReceived', businessKey: 'REM-1' })).status).toBe(409);

    const each = await correlate(clientDefaults('ReminderReceived', 'REM-1', { all: true, resultEnabled: true }));
    expect(each.status, each.text).toBe(200);
    expect(each.body.map((result) => result.resultType)).toEqual(['Execution', 'Execution']);
    expect(each.body.map((result) => result.execution!.processInstanceId).sort()).toEqual([first, second].sort());
    expect(each.body.every((result) => result.variables === undefined)).toBe(true);
    expect(await waitsForReminder(first)).toBe(false);
    expect(await waitsForReminder(second)).toBe(false);
  });

  it('with all: false moves the one instance that waits', async () => {
    const only = await startReminder('REM-ONE');
    const moved = await correlate(clientDefaults('ReminderReceived', 'REM-ONE', { resultEnabled: true }));
    expect(moved.status, moved.text).toBe(200);
    expect(moved.body).toEqual([objectWith({ resultType: 'Execution', execution: objectWith({ processInstanceId: only }) })]);
    expect(await waitsForReminder(only)).toBe(false);
  });
});

describe('POST /engine-rest/message refuses what Stratum cannot honour, naming the field', () => {
  it.each([
    ['processInstanceId', 'some-instance'],
    ['correlationKeys', { region: { value: 'north', type: 'String' } }],
    ['localCorrelationKeys', { position: { value: 1, type: 'Integer' } }],
    ['processVariablesLocal', { note: { value: 'x', type: 'String' } }],
    ['processVariablesToTriggeredScope', { note: { value: 'x', type: 'String' } }],
    ['tenantId', 'acme'],
  ])('%s with a value: 400 (Camunda 7\'s status for a refused input), and the message moves nothing', async (field, value) => {
    const only = await startReminder(`REM-${field}`);
    const refused = await correlate(clientDefaults('ReminderReceived', `REM-${field}`, { [field]: value }));
    expect(refused.status, refused.text).toBe(400);
    expect(problemOf(refused).errors).toEqual([objectWith({ field: `/${field}` })]);
    expect(await waitsForReminder(only)).toBe(true);
  });

  it('variablesInResultEnabled without resultEnabled: 400, as Camunda 7 refuses it', async () => {
    const only = await startReminder('REM-NO-RESULT');
    const refused = await correlate(clientDefaults('ReminderReceived', 'REM-NO-RESULT', { variablesInResultEnabled: true }));
    expect(refused.status, refused.text).toBe(400);
    expect(problemOf(refused).errors).toEqual([objectWith({ field: '/variablesInResultEnabled' })]);
    expect(await waitsForReminder(only)).toBe(true);
  });

  it('keeps the message\'s controls with all: true: protected order fields, finished orders', async () => {
    await enterPrepaid('C7M-GUARD');
    const amount = await correlate(clientDefaults('PaymentReceived', 'C7M-GUARD', { all: true, processVariables: { amount: { value: 1, type: 'Integer' } } }));
    expect(amount.status).toBe(400);
    expect((await order('C7M-GUARD')).entered.amount).toBe(120_000);
    expect((await order('C7M-GUARD')).status).not.toBe('in-planning');

    const cancelled = await api.post('/api/orders/C7M-GUARD/cancel', TOKENS.erp, { reason: 'customer withdrew' });
    expect(cancelled.status, cancelled.text).toBe(200);
    const late = await correlate(clientDefaults('PaymentReceived', 'C7M-GUARD', { all: true, resultEnabled: true }));
    expect(late.status).toBe(409);
    expect(problemOf(late).type).toMatch(/order-finished$/);
  });
});
