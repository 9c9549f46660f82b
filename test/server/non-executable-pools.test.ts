// A collaboration exchanged with other tools often draws the partner's side as a pool of its own, marked
// isExecutable="false" (the customer in Camunda Modeler, the Team-Assistant pool of the MIWG invoice). Camunda 7 and 8
// deploy only the executable processes of such a file. Stratum used to lint and deploy every process: the
// documentation pool's unconditioned gateway and unnamed message refused the whole file, and a descriptive model
// (isExecutable="false" everywhere) became a startable library process.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeployResult, InstanceView, TaskView } from '../../engine/api.js';
import { corpusDir, requireCorpus } from '../interop/support/shared-corpus.js';
import { problemOf, TOKENS, type ApiClient } from './support/client.js';
import { removeDataDir, startTestServer, type TestServer } from './support/real-server.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/interop-crafted/collaboration-documentation-pool.bpmn', import.meta.url));
const CHOREOGRAPHY = fileURLToPath(new URL('../fixtures/interop-crafted/choreography-beside-process.bpmn', import.meta.url));

let server: TestServer;
let api: ApiClient;

beforeAll(async () => {
  server = await startTestServer();
  api = server.api;
});
afterAll(async () => {
  await server.close();
  removeDataDir(server.dataDir);
});

function upload(name: string, bytes: Buffer | string): FormData {
  const form = new FormData();
  form.append('files', new Blob([typeof bytes === 'string' ? bytes : new Uint8Array(bytes)], { type: 'application/octet-stream' }), name);
  form.append('note', 'collaboration from another tool');
  return form;
}

const deploy = (name: string, bytes: Buffer | string, token: string = TOKENS.designer) => api.request<DeployResult>('POST', '/api/deployments', { token, body: upload(name, bytes) });

describe('a collaboration with a pool marked isExecutable="false"', () => {
  const bytes = readFileSync(FIXTURE);

  it('deploys the executable process only; the documentation pool\'s findings are warnings naming it', async () => {
    const deployed = await deploy('supply.bpmn', bytes);
    expect(deployed.status, deployed.text).toBe(201);
    expect(deployed.body.deployed).toEqual([{ key: 'supplier-order', version: 1, changed: true }]);
    const gateway = deployed.body.warnings.filter((finding) => finding.elementId === 'Flow_Yes');
    expect(gateway.map(({ rule, severity }) => ({ rule, severity }))).toEqual([{ rule: 'exclusive-gateway-default', severity: 'warning' }]);
    expect(gateway[0].message).toContain('(in process "customer-side", marked isExecutable="false": documentation, not deployed)');
    expect((await api.get('/api/processes/customer-side', TOKENS.erp)).status).toBe(404);
  });

  it('serves the whole file back byte for byte, the documentation pool, lanes, message flows and label bounds included', async () => {
    const xml = await fetch(`${server.url}/api/processes/supplier-order/versions/1/xml`, { headers: { authorization: `Bearer ${TOKENS.erp}` } });
    expect(xml.status).toBe(200);
    expect(Buffer.from(await xml.arrayBuffer()).equals(bytes)).toBe(true);
  });

  it('runs the executable process', async () => {
    const started = await api.request<InstanceView>('POST', '/api/processes/supplier-order/instances', { token: TOKENS.erp, json: { businessKey: 'PO-1' } });
    expect(started.status, started.text).toBe(201);
    const tasks = (await api.get<TaskView[]>('/api/tasks?businessKey=PO-1', TOKENS.procurement)).body;
    expect(tasks.map((task) => task.elementId)).toEqual(['Task_Check']);
    const done = await api.request('POST', `/api/tasks/${encodeURIComponent(tasks[0].id)}/complete`, { token: TOKENS.procurement, json: {} });
    expect(done.status, done.text).toBe(200);
    const instance = (await api.get<InstanceView>(`/api/instances/${encodeURIComponent(started.body.id)}`, TOKENS.erp)).body;
    expect(instance.status).toBe('completed');
  });

  it('refuses a call to the documentation pool\'s process, which nothing deployed', async () => {
    const caller = readFileSync(FIXTURE, 'utf8')
      .replace('<bpmn:userTask id="Task_Check" name="Check order">', '<bpmn:callActivity id="Call_Customer" name="Ask customer"><bpmn:extensionElements><zeebe:calledElement processId="customer-side" /></bpmn:extensionElements><bpmn:incoming>Flow_S0</bpmn:incoming><bpmn:outgoing>Flow_S1b</bpmn:outgoing></bpmn:callActivity><bpmn:sequenceFlow id="Flow_S0" sourceRef="Start_Order" targetRef="Call_Customer" /><bpmn:sequenceFlow id="Flow_S1b" sourceRef="Call_Customer" targetRef="Task_Check" />\n    <bpmn:userTask id="Task_Check" name="Check order">')
      .replace('<bpmn:sequenceFlow id="Flow_S1" sourceRef="Start_Order" targetRef="Task_Check" />', '')
      .replace('<bpmn:outgoing>Flow_S1</bpmn:outgoing>', '<bpmn:outgoing>Flow_S0</bpmn:outgoing>')
      .replace('<bpmn:incoming>Flow_S1</bpmn:incoming>', '<bpmn:incoming>Flow_S1b</bpmn:incoming>');
    const refused = await deploy('supply-call.bpmn', caller);
    expect(refused.status, refused.text).toBe(422);
    expect(problemOf(refused).findings).toEqual(expect.arrayContaining([expect.objectContaining({ elementId: 'Call_Customer', rule: 'called-process-exists', severity: 'error' })]));
  });

  it('refuses a file whose every process is marked isExecutable="false", naming them', async () => {
    const descriptive = readFileSync(FIXTURE, 'utf8').replace('id="supplier-order" name="Supplier order" isExecutable="true"', 'id="supplier-order" name="Supplier order" isExecutable="false"');
    const refused = await deploy('descriptive.bpmn', descriptive);
    expect(refused.status, refused.text).toBe(422);
    expect(problemOf(refused).findings).toEqual(expect.arrayContaining([{
      file: 'descriptive.bpmn', elementId: 'customer-side', rule: 'no-process', severity: 'error',
      message: 'the file contains no executable process: processes "customer-side", "supplier-order" are marked isExecutable="false" (documentation, which Stratum keeps but does not run); set isExecutable="true" on the process to deploy',
    }]));
  });
});

describe('the MIWG invoice as Camunda Modeler saved it (vendors/bpmn.io-camunda-modeler-18.6.1/C.1.0-roundtrip.bpmn)', () => {
  if (!requireCorpus('deploying a corpus collaboration')) return;

  // demo users: its candidate group "accounting" has no members here, which is a warning, not an error, in demo mode
  let demo: TestServer;
  beforeAll(async () => { demo = await startTestServer({ demo: true }); });
  afterAll(async () => {
    await demo.close();
    removeDataDir(demo.dataDir);
  });

  it('deploys its executable process; the Team-Assistant pool (isExecutable="false") stays in the file', async () => {
    const bytes = readFileSync(`${corpusDir}/vendors/bpmn.io-camunda-modeler-18.6.1/C.1.0-roundtrip.bpmn`);
    const deployed = await demo.api.request<DeployResult>('POST', '/api/deployments', { token: 'demo-designer', body: upload('C.1.0-roundtrip.bpmn', bytes) });
    expect(deployed.status, deployed.text).toBe(201);
    expect(deployed.body.deployed).toEqual([{ key: 'bpmn-miwg-test-case-c.1.0', version: 1, changed: true }]);
    expect((await demo.api.get('/api/processes/sid-5FBB6CB3-8A7C-42B5-9024-15BB2684EC57', 'demo-integration')).status).toBe(404);
    const xml = await fetch(`${demo.url}/api/processes/bpmn-miwg-test-case-c.1.0/versions/1/xml`, { headers: { authorization: 'Bearer demo-integration' } });
    expect(Buffer.from(await xml.arrayBuffer()).equals(bytes)).toBe(true);
    // its potential owners name resources (<resourceRef>), and resources sit at the root: a start failed with 500
    const started = await demo.api.request<InstanceView>('POST', '/api/processes/bpmn-miwg-test-case-c.1.0/instances', { token: 'demo-integration', json: { businessKey: 'INV-1' } });
    expect(started.status, started.text).toBe(201);
    expect(started.body.status).toBe('running');
  });
});

describe('a choreography beside a process', () => {
  const bytes = readFileSync(CHOREOGRAPHY);

  it('deploys the process with a warning that the choreography is kept but not run, and serves the file back whole', async () => {
    const deployed = await deploy('quote.bpmn', bytes);
    expect(deployed.status, deployed.text).toBe(201);
    expect(deployed.body.deployed).toEqual([{ key: 'quote-handling', version: 1, changed: true }]);
    expect(deployed.body.warnings.filter((finding) => finding.rule === 'choreography-not-run')).toEqual([{
      file: 'quote.bpmn', elementId: 'Chor_Quote', rule: 'choreography-not-run', severity: 'warning',
      message: 'Choreography "Quote choreography" is kept in the file but not run, and the modeler does not draw it: Stratum runs the processes beside it',
    }]);
    const xml = await fetch(`${server.url}/api/processes/quote-handling/versions/1/xml`, { headers: { authorization: `Bearer ${TOKENS.erp}` } });
    expect(Buffer.from(await xml.arrayBuffer()).equals(bytes)).toBe(true);
  });
});
