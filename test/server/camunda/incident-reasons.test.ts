// Every incident says why, for a program: the native incident (and its
// instance's `incident`) carries the runtime's `reason`, and Camunda 8's
// published @camunda8/orchestration-cluster-api client sees the errorType
// Zeebe gives the same failure, and finds it by that errorType alone.
// Diagrams a deployment would refuse (a condition reading a variable nobody
// supplies, a call to a process nobody deployed) are stored as an older tool
// could have left them, before the server starts. On SQLite, and on PostgreSQL where it is reachable (the
// errorType filter is a query on the reason's JSON in each).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ProcessDefinitionId, type CamundaClient, type ProcessInstanceKey } from '@camunda8/orchestration-cluster-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../../engine/index.js';
import type { IncidentReason } from '../../../engine/store/types.js';
import { TOKENS, type ApiClient } from '../support/client.js';
import { camunda8Client } from '../support/camunda8-client.js';
import { makeDataDir, removeDataDir, startTestServer, type TestServer } from '../support/real-server.js';
import { describePostgres, freshSchema, schemaUrl } from '../../support/postgres.js';
import { objectWith, textContaining } from '../../support/matchers.js';

let server: TestServer;
let api: ApiClient;

/** A server on the store `databaseUrl` names (SQLite in its data folder without one), the diagrams of STORED in it. */
function onStore(databaseUrl: () => Promise<string | undefined>) {
  beforeAll(async () => {
    const dataDir = makeDataDir();
    const url = await databaseUrl();
    const store = await openStore({ dataDir, ...(url && { databaseUrl: url }) });
    await store.transaction(async (tx) => {
      for (const [key, xml] of Object.entries(STORED)) await tx.insertVersion(versionOf(key, xml));
    });
    await store.close();
    server = await startTestServer({ dataDir, ...(url && { databaseUrl: url }) });
    api = server.api;
    const dmn = readFileSync(new URL('../../fixtures/dmn/unique-dish.dmn', import.meta.url), 'utf8');
    const deployed = await api.request('POST', '/api/deployments', { token: TOKENS.designer, body: upload([['dish-decision.bpmn', DISH_DECISION], ['dish.dmn', dmn]]) });
    expect(deployed.status, deployed.text).toBe(201);
  }, 60_000);
  afterAll(async () => {
    await server.close();
    removeDataDir(server.dataDir);
  });
}

/** Stratum's store is the state of record: no eventual consistency to wait for. */
const NOW = { consistency: { waitUpToMs: 0 } };

interface NativeIncident { id: string; instanceId: string; kind: string; elementId: string | null; message: string; reason?: IncidentReason }

/** Expressions that give no text (their case, what they give, their index in STORED's keys), in a diagram's XML. */
const NOT_TEXT = [
  ['null', 'null', 0, '=null'],
  ['an empty text', '""', 1, '=&quot;&quot;'],
  ['a number', '42', 2, '=42'],
] as const;

describe('on SQLite', () => {
  onStore(() => Promise.resolve(undefined));
  reasonSpecs();
});

describePostgres('on PostgreSQL', () => {
  onStore(async () => schemaUrl(await freshSchema()));
  reasonSpecs();
});

/** The same specifications on each store. */
function reasonSpecs() {
  describe('the reason of a failed step, natively and as Camunda 8\'s errorType', () => {
    it.each([
      ['a gateway condition that reads a variable nobody supplied', 'route-by-amount', {}, 'Route',
        { kind: 'condition-failed', flowId: 'Large' }, 'CONDITION_ERROR'],
      ['an exclusive gateway without a default flow whose conditions are all false', 'route-nowhere', { weight: 5 }, 'Route',
        { kind: 'no-flow-taken', elementId: 'Route' }, 'CONDITION_ERROR'],
      ['an inclusive gateway without a default flow whose conditions are all false', 'include-nowhere', { weight: 5 }, 'Route',
        { kind: 'no-flow-taken', elementId: 'Route' }, 'CONDITION_ERROR'],
      ['a task whose outgoing flows are all conditional, none of them true', 'leave-nowhere', { weight: 5 }, 'Check',
        { kind: 'no-flow-taken', elementId: 'Check' }, 'CONDITION_ERROR'],
      ['an input mapping whose source is missing', 'map-input', {}, 'Ship',
        { kind: 'io-mapping-failed', direction: 'input', target: 'city' }, 'IO_MAPPING_ERROR'],
      ['an output mapping whose source is missing', 'map-output', {}, 'Note',
        { kind: 'io-mapping-failed', direction: 'output', target: 'total' }, 'IO_MAPPING_ERROR'],
      ['a call activity whose process is not deployed', 'call-nowhere', {}, 'CallReview',
        { kind: 'called-element-failed', calledElement: 'nowhere-review' }, 'CALLED_ELEMENT_ERROR'],
      ['a business rule task whose decision is not deployed', 'decide-unknown', {}, 'Decide',
        { kind: 'decision-not-found', decisionId: 'no-such-decision' }, 'CALLED_DECISION_ERROR'],
      ['a decision that cannot give a result', 'dish-decision', {}, 'Decide',
        { kind: 'decision-failed', decisionId: 'dish' }, 'DECISION_EVALUATION_ERROR'],
      ['a timer whose duration cannot be read', 'bad-timer', {}, 'Wait',
        { kind: 'timer-failed' }, 'EXTRACT_VALUE_ERROR'],
      ['a message whose correlation key reads a variable nobody supplied', 'await-payment', {}, 'Payment',
        { kind: 'correlation-key-failed', messageName: 'PaymentReceived' }, 'EXTRACT_VALUE_ERROR'],
      ['an assignee expression that reads a variable nobody supplied', 'assign-missing', {}, 'Approve',
        { kind: 'assignment-failed', attribute: 'assignee' }, 'EXTRACT_VALUE_ERROR'],
      ['a job type expression that reads a variable nobody supplied', 'typed-job', {}, 'Work',
        { kind: 'job-type-failed' }, 'EXTRACT_VALUE_ERROR'],
      ['a decision id expression that reads a variable nobody supplied', 'decide-by-expression', {}, 'Decide',
        { kind: 'decision-id-failed' }, 'EXTRACT_VALUE_ERROR'],
      ['a multi-instance collection that reads a variable nobody supplied', 'each-item', {}, 'Work',
        { kind: 'input-collection-failed' }, 'EXTRACT_VALUE_ERROR'],
      ['a multi-instance collection that is not a list', 'each-item', { items: 'pallet-1' }, 'Work',
        { kind: 'input-collection-failed' }, 'EXTRACT_VALUE_ERROR'],
      ['a multi-instance collection gathered into an output collection, reading a variable nobody supplied', 'gather-items', {}, 'Work',
        { kind: 'input-collection-failed' }, 'EXTRACT_VALUE_ERROR'],
    ] as const)('%s', async (_case, processKey, variables, elementId, reason, errorType) => {
      const started = await client(TOKENS.erp).createProcessInstance({ processDefinitionId: ProcessDefinitionId.assumeExists(processKey), variables });
      await expectIncident(started.processInstanceKey, { kind: 'step', elementId, reason }, errorType);
    });

    it('a BPMN error a worker throws that no boundary event catches: unhandled-error with its code; one a boundary event catches raises none', async () => {
      const worker = client(TOKENS.erp);
      const caught = await worker.createProcessInstance({ processDefinitionId: ProcessDefinitionId.assumeExists('pick-stock') });
      await worker.throwJobError({ jobKey: (await activateOne(worker, 'pick-stock', caught.processInstanceKey)).jobKey, errorCode: 'DAMAGED', errorMessage: 'broken' });
      expect(await api.json('GET', `/api/instances/${caught.processInstanceKey}`, { token: TOKENS.erp })).toMatchObject({ status: 'completed', incident: null });

      const started = await worker.createProcessInstance({ processDefinitionId: ProcessDefinitionId.assumeExists('pick-stock') });
      const job = await activateOne(worker, 'pick-stock', started.processInstanceKey);
      await worker.throwJobError({ jobKey: job.jobKey, errorCode: 'OUT_OF_STOCK', errorMessage: 'shelf empty' });
      await expectIncident(started.processInstanceKey, { kind: 'step', elementId: 'Pick', reason: { kind: 'unhandled-error', errorCode: 'OUT_OF_STOCK' } }, 'UNHANDLED_ERROR_EVENT');
    });

    it('a job out of retries: job-no-retries with its type', async () => {
      const worker = client(TOKENS.erp);
      const started = await worker.createProcessInstance({ processDefinitionId: ProcessDefinitionId.assumeExists('pick-stock') });
      const job = await activateOne(worker, 'pick-stock', started.processInstanceKey);
      await worker.failJob({ jobKey: job.jobKey, retries: 0, errorMessage: 'scanner down' });
      await expectIncident(started.processInstanceKey, { kind: 'job', elementId: 'Pick', reason: { kind: 'job-no-retries', jobType: 'pick-stock' } }, 'JOB_NO_RETRIES');
    });

    // Zeebe converts nothing: a job type and a decision id are text. Until now such a job waited for a worker of type
    // "null", "" or "42" (none could activate it) and a decision "null" was looked up (decision-not-found).
    it.each(NOT_TEXT)('a job type expression that gives %s: job-type-failed naming the task and what it gave', async (_case, given, index) => {
      const started = await client(TOKENS.erp).createProcessInstance({ processDefinitionId: ProcessDefinitionId.assumeExists(`typed-job-${index}`) });
      const incident = await expectIncident(started.processInstanceKey, { kind: 'step', elementId: 'Work', reason: { kind: 'job-type-failed' } }, 'EXTRACT_VALUE_ERROR');
      expect(incident.message).toMatch(new RegExp(`^job of Work: .* gave ${given}, not a job type`));
    });

    it.each(NOT_TEXT)('a decision id expression that gives %s: decision-id-failed naming what it gave, not a decision named after it', async (_case, given, index) => {
      const started = await client(TOKENS.erp).createProcessInstance({ processDefinitionId: ProcessDefinitionId.assumeExists(`decide-by-${index}`) });
      const incident = await expectIncident(started.processInstanceKey, { kind: 'step', elementId: 'Decide', reason: { kind: 'decision-id-failed' } }, 'EXTRACT_VALUE_ERROR');
      expect(incident.message).toContain(`gave ${given}, not a decision id`);
    });

    it('a no-flow-taken incident says which gateway, in words too', async () => {
      const started = await client(TOKENS.erp).createProcessInstance({ processDefinitionId: ProcessDefinitionId.assumeExists('route-nowhere'), variables: { weight: 5 } });
      const incident = await expectIncident(started.processInstanceKey, { kind: 'step', elementId: 'Route', reason: { kind: 'no-flow-taken', elementId: 'Route' } }, 'CONDITION_ERROR');
      expect(incident.message).toBe('Route: no outgoing flow is taken, none of their conditions is true and there is no default flow');
    });

    it('a failure the runtime has no reason for reads as before: no reason, UNKNOWN, found by UNKNOWN only', async () => {
      // a caller whose called instance failed: the called one's incident says why (causeIncidentId)
      const started = await client(TOKENS.erp).createProcessInstance({ processDefinitionId: ProcessDefinitionId.assumeExists('call-router') });
      const incident = await expectIncident(started.processInstanceKey, { kind: 'step', elementId: 'CallRoute' }, 'UNKNOWN');
      expect(incident).not.toHaveProperty('reason');
    });
  });

}

// helpers

function client(token: string): CamundaClient {
  return camunda8Client(server.url, token);
}

/**
 * The instance's one incident: natively (list, item, the instance's `incident`) with `expected`, and through the
 * Camunda 8 client with `errorType`, which finds it and no other type does.
 */
async function expectIncident(processInstanceKey: ProcessInstanceKey, expected: { kind: string; elementId: string; reason?: IncidentReason }, errorType: string): Promise<NativeIncident> {
  const instanceKey = String(processInstanceKey);
  const instance = await api.json<{ processKey: string; status: string; incident: unknown }>('GET', `/api/instances/${instanceKey}`, { token: TOKENS.erp });
  expect(instance).toMatchObject({ status: 'failed', incident: { elementId: expected.elementId, message: textContaining(''), ...(expected.reason && { reason: expected.reason }) } });
  const list = await api.json<{ items: NativeIncident[] }>('GET', `/api/incidents?processKey=${instance.processKey}`, { token: TOKENS.nobody });
  const mine = list.items.filter((item) => item.instanceId === instanceKey);
  expect(mine).toEqual([objectWith({ instanceId: instanceKey, ...expected })]);
  const [incident] = mine;
  expect(await api.json('GET', `/api/incidents/${encodeURIComponent(incident.id)}`, { token: TOKENS.nobody })).toEqual(incident);

  const operator = client(TOKENS.operations);
  const found = await operator.searchIncidents({ filter: { processInstanceKey, errorType: errorType as never } }, NOW);
  expect(found.items).toEqual([objectWith({ incidentKey: incident.id, errorType, elementId: expected.elementId, state: 'ACTIVE' })]);
  expect(await operator.getIncident({ incidentKey: found.items![0].incidentKey! }, NOW)).toEqual(found.items![0]);
  for (const other of ['UNKNOWN', 'CONDITION_ERROR', 'JOB_NO_RETRIES', 'EXTRACT_VALUE_ERROR', 'FORM_NOT_FOUND'].filter((type) => type !== errorType)) {
    const none = await operator.searchIncidents({ filter: { processInstanceKey, errorType: other as never } }, NOW);
    expect(none.items, other).toEqual([]);
  }
  return incident;
}

async function activateOne(worker: CamundaClient, type: string, processInstanceKey: ProcessInstanceKey) {
  const { jobs } = await worker.activateJobs({ type, worker: 'incident-reasons', timeout: 60_000, maxJobsToActivate: 10, requestTimeout: -1 });
  const mine = jobs.filter((job) => job.processInstanceKey === processInstanceKey);
  expect(mine).toHaveLength(1);
  return mine[0];
}

function upload(files: [name: string, xml: string][]): FormData {
  const form = new FormData();
  for (const [name, xml] of files) form.append('files', new Blob([xml], { type: 'application/octet-stream' }), name);
  return form;
}

function versionOf(key: string, xml: string) {
  const calls = [...xml.matchAll(/processId="([^"]+)"/g)].map((match) => match[1]);
  return {
    key, version: 1, name: key, xml, hash: createHash('sha256').update(xml).digest('hex'), calls,
    deploymentId: 'legacy', deployedBy: 'legacy-tool', deployedAt: new Date().toISOString(), note: null,
  };
}

function definitions(id: string, body: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="Definitions_${id}" targetNamespace="http://stratum.dev/test">
  <bpmn:process id="${id}" name="${id}" isExecutable="true">
    <bpmn:startEvent id="Start" />
    <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="${body.match(/id="([^"]+)"/)![1]}" />
${body}
  </bpmn:process>
</bpmn:definitions>`;
}

/** `element` between the start and an end event. */
function straight(id: string, element: string, extra = ''): string {
  return definitions(id, `    ${element}
    <bpmn:sequenceFlow id="F2" sourceRef="${element.match(/id="([^"]+)"/)![1]}" targetRef="Done" />
    <bpmn:endEvent id="Done" />${extra}`);
}

/** An exclusive gateway reading `amount`, with a default flow. */
const BY_AMOUNT = `    <bpmn:exclusiveGateway id="Route" default="Small" />
    <bpmn:sequenceFlow id="Large" sourceRef="Route" targetRef="Done"><bpmn:conditionExpression>=amount &gt; 1000</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="Small" sourceRef="Route" targetRef="Done" />
    <bpmn:endEvent id="Done" />`;

const STORED: Record<string, string> = {
  'route-by-amount': definitions('route-by-amount', BY_AMOUNT),
  'map-input': straight('map-input', `<bpmn:serviceTask id="Ship"><bpmn:extensionElements><zeebe:taskDefinition type="ship" />
      <zeebe:ioMapping><zeebe:input source="=address.city" target="city" /></zeebe:ioMapping></bpmn:extensionElements></bpmn:serviceTask>`),
  'map-output': straight('map-output', `<bpmn:intermediateThrowEvent id="Note"><bpmn:extensionElements>
      <zeebe:ioMapping><zeebe:output source="=net + tax" target="total" /></zeebe:ioMapping></bpmn:extensionElements></bpmn:intermediateThrowEvent>`),
  'call-nowhere': straight('call-nowhere', `<bpmn:callActivity id="CallReview"><bpmn:extensionElements><zeebe:calledElement processId="nowhere-review" /></bpmn:extensionElements></bpmn:callActivity>`),
  'decide-unknown': straight('decide-unknown', `<bpmn:businessRuleTask id="Decide"><bpmn:extensionElements><zeebe:calledDecision decisionId="no-such-decision" resultVariable="r" /></bpmn:extensionElements></bpmn:businessRuleTask>`),
  'bad-timer': straight('bad-timer', `<bpmn:intermediateCatchEvent id="Wait"><bpmn:timerEventDefinition><bpmn:timeDuration>two weeks</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>`),
  'await-payment': `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="Definitions_await" targetNamespace="http://stratum.dev/test">
  <bpmn:message id="PaymentMessage" name="PaymentReceived"><bpmn:extensionElements><zeebe:subscription correlationKey="=invoiceNo" /></bpmn:extensionElements></bpmn:message>
  <bpmn:process id="await-payment" name="await-payment" isExecutable="true">
    <bpmn:startEvent id="Start" />
    <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="Payment" />
    <bpmn:intermediateCatchEvent id="Payment"><bpmn:messageEventDefinition messageRef="PaymentMessage" /></bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="F2" sourceRef="Payment" targetRef="Done" />
    <bpmn:endEvent id="Done" />
  </bpmn:process>
</bpmn:definitions>`,
  'assign-missing': straight('assign-missing', `<bpmn:userTask id="Approve"><bpmn:extensionElements><zeebe:assignmentDefinition assignee="=approver" /></bpmn:extensionElements></bpmn:userTask>`),
  'pick-stock': straight('pick-stock', `<bpmn:serviceTask id="Pick"><bpmn:extensionElements><zeebe:taskDefinition type="pick-stock" /></bpmn:extensionElements></bpmn:serviceTask>`, `
    <bpmn:boundaryEvent id="Damaged" attachedToRef="Pick"><bpmn:errorEventDefinition errorRef="DamagedError" /></bpmn:boundaryEvent>
    <bpmn:sequenceFlow id="F3" sourceRef="Damaged" targetRef="Written" />
    <bpmn:endEvent id="Written" />`).replace('  <bpmn:process', '  <bpmn:error id="DamagedError" name="Damaged" errorCode="DAMAGED" />\n  <bpmn:process'),
  'typed-job': straight('typed-job', `<bpmn:serviceTask id="Work"><bpmn:extensionElements><zeebe:taskDefinition type="=&quot;work-&quot; + region" /></bpmn:extensionElements></bpmn:serviceTask>`),
  'decide-by-expression': straight('decide-by-expression', `<bpmn:businessRuleTask id="Decide"><bpmn:extensionElements><zeebe:calledDecision decisionId="=&quot;dish-&quot; + season" resultVariable="r" /></bpmn:extensionElements></bpmn:businessRuleTask>`),
  'each-item': straight('each-item', `<bpmn:serviceTask id="Work"><bpmn:extensionElements><zeebe:taskDefinition type="work" /></bpmn:extensionElements>
      <bpmn:multiInstanceLoopCharacteristics><bpmn:extensionElements><zeebe:loopCharacteristics inputCollection="=items" inputElement="item" /></bpmn:extensionElements></bpmn:multiInstanceLoopCharacteristics></bpmn:serviceTask>`),
  'gather-items': straight('gather-items', `<bpmn:serviceTask id="Work"><bpmn:extensionElements><zeebe:taskDefinition type="work" /></bpmn:extensionElements>
      <bpmn:multiInstanceLoopCharacteristics><bpmn:extensionElements><zeebe:loopCharacteristics inputCollection="=items" inputElement="item" outputCollection="results" outputElement="=result" /></bpmn:extensionElements></bpmn:multiInstanceLoopCharacteristics></bpmn:serviceTask>`),
  'route-nowhere': definitions('route-nowhere', `    <bpmn:exclusiveGateway id="Route" />
    <bpmn:sequenceFlow id="Heavy" sourceRef="Route" targetRef="Done"><bpmn:conditionExpression>=weight &gt; 1000</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="Medium" sourceRef="Route" targetRef="Done"><bpmn:conditionExpression>=weight &gt; 100</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:endEvent id="Done" />`),
  'include-nowhere': definitions('include-nowhere', `    <bpmn:inclusiveGateway id="Route" />
    <bpmn:sequenceFlow id="Heavy" sourceRef="Route" targetRef="Done"><bpmn:conditionExpression>=weight &gt; 1000</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="Medium" sourceRef="Route" targetRef="Done"><bpmn:conditionExpression>=weight &gt; 100</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:endEvent id="Done" />`),
  'leave-nowhere': definitions('leave-nowhere', `    <bpmn:task id="Check" />
    <bpmn:sequenceFlow id="Heavy" sourceRef="Check" targetRef="Done"><bpmn:conditionExpression>=weight &gt; 1000</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="Medium" sourceRef="Check" targetRef="Done"><bpmn:conditionExpression>=weight &gt; 100</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:endEvent id="Done" />`),
  'call-router': straight('call-router', `<bpmn:callActivity id="CallRoute"><bpmn:extensionElements><zeebe:calledElement processId="called-router" /></bpmn:extensionElements></bpmn:callActivity>`),
  'called-router': definitions('called-router', BY_AMOUNT),
  ...Object.fromEntries(NOT_TEXT.flatMap(([, , index, expression]) => [
    [`typed-job-${index}`, straight(`typed-job-${index}`, `<bpmn:serviceTask id="Work"><bpmn:extensionElements><zeebe:taskDefinition type="${expression}" /></bpmn:extensionElements></bpmn:serviceTask>`)],
    [`decide-by-${index}`, straight(`decide-by-${index}`, `<bpmn:businessRuleTask id="Decide"><bpmn:extensionElements><zeebe:calledDecision decisionId="${expression}" resultVariable="r" /></bpmn:extensionElements></bpmn:businessRuleTask>`)],
  ])),
};

const DISH_DECISION = straight('dish-decision', `<bpmn:businessRuleTask id="Decide"><bpmn:extensionElements><zeebe:calledDecision decisionId="dish" resultVariable="dish" /></bpmn:extensionElements></bpmn:businessRuleTask>`);
