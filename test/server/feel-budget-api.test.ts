// A deployed condition that would loop for minutes fails its instance over HTTP with an incident saying the
// expression exceeded its budget (engine/feel/feel-budget.ts), and the server goes on answering. No timing:
// the time budget is 1 ms beside a million iterations, the range one a range over the limit.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { InstanceView } from '../../engine/api.js';
import { TOKENS, type ApiClient } from './support/client.js';
import { removeDataDir, startTestServer, type TestServer } from './support/real-server.js';

const LOOPING = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="D" targetNamespace="http://example.com/camunda8">
  <bpmn:process id="budget-looping" name="Looping" isExecutable="true">
    <bpmn:startEvent id="Start" name="Start"><bpmn:outgoing>In</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="In" sourceRef="Start" targetRef="Check" />
    <bpmn:exclusiveGateway id="Check" name="Check?" default="Other"><bpmn:incoming>In</bpmn:incoming><bpmn:outgoing>Loops</bpmn:outgoing><bpmn:outgoing>Other</bpmn:outgoing></bpmn:exclusiveGateway>
    <bpmn:sequenceFlow id="Loops" name="loops" sourceRef="Check" targetRef="EndLoops"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">=count(for i in 1..size, j in 1..size return i) &gt; 0</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="Other" name="other" sourceRef="Check" targetRef="EndOther" />
    <bpmn:endEvent id="EndLoops" name="Loops"><bpmn:incoming>Loops</bpmn:incoming></bpmn:endEvent>
    <bpmn:endEvent id="EndOther" name="Other"><bpmn:incoming>Other</bpmn:incoming></bpmn:endEvent>
  </bpmn:process>
</bpmn:definitions>`;

let server: TestServer;
let api: ApiClient;

beforeAll(async () => {
  server = await startTestServer();
  api = server.api;
  const deployed = await api.request('POST', '/api/deployments?name=budget-looping.bpmn', { token: TOKENS.designer, body: LOOPING, headers: { 'content-type': 'application/xml' } });
  expect(deployed.status, deployed.text).toBe(201);
});
afterEach(() => {
  vi.unstubAllEnvs();
});
afterAll(async () => {
  await server.close();
  removeDataDir(server.dataDir);
});

const start = (businessKey: string, size: number) => api.post<InstanceView>('/api/processes/budget-looping/instances', TOKENS.erp, { businessKey, variables: { size } });

describe('POST /api/processes/{key}/instances with a condition over its FEEL budget', () => {
  it('answers with the instance failed at the gateway, its incident saying which budget, and the server answers the next requests', async () => {
    vi.stubEnv('STRATUM_FEEL_BUDGET_MS', '1');
    const slow = await start('BUDGET-1', 1000);
    expect(slow.status, slow.text).toBe(201);
    expect(slow.body).toMatchObject({ status: 'failed', incident: { elementId: 'Check', message: expect.stringContaining('the expression exceeded its budget: it ran longer than 1 ms (STRATUM_FEEL_BUDGET_MS)') as unknown } });

    vi.unstubAllEnvs();
    const huge = await start('BUDGET-2', 2_000_000);
    expect(huge.body).toMatchObject({ status: 'failed', incident: { elementId: 'Check', message: expect.stringContaining('the range 1..2000000 holds 2000000 numbers') as unknown } });

    expect((await api.get('/healthz')).status).toBe(200);
    const small = await start('BUDGET-3', 3);
    expect(small.body).toMatchObject({ status: 'completed' });
    const incidents = await api.get<{ items: { elementId: string }[] }>('/api/incidents?processKey=budget-looping', TOKENS.operations);
    expect(incidents.status, incidents.text).toBe(200);
    expect(incidents.body.items.map((incident) => incident.elementId)).toEqual(['Check', 'Check']);
  });
});
