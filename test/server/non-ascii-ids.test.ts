// A vendor's diagram whose ids are XML names in German, Arabic and Japanese
// (`Prüfen`, `مهمة_1`, `確認_1`): bpmn-moddle refuses such ids, and deploy
// used to refuse the file. Deployed, it is served back byte for byte and runs
// end to end, and every id an answer holds is the file's, never moddle's ASCII
// alias (`Pr_x00FC_fen`).
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeployResult, Finding, InstanceView, TaskView } from '../../engine/api.js';
import { describePostgres, freshSchema, schemaUrl } from '../support/postgres.js';
import { problemOf, TOKENS, type ApiClient } from './support/client.js';
import { textContaining } from '../support/matchers.js';
import { removeDataDir, SERVER_FIXTURES, startTestServer, type TestServer } from './support/real-server.js';

const FILE = readFileSync(`${SERVER_FIXTURES}non-ascii-ids.bpmn`, 'utf8');
const KEY = 'Prüfen';
const CALLED = '確認_1';
/** How moddle's aliases are spelled (`_x00FC_`): none may reach an answer. */
const ALIAS = /_x[0-9A-F]{4}_/;

let server: TestServer;
let api: ApiClient;


function upload(name: string, xml: string): FormData {
  const form = new FormData();
  form.append('files', new Blob([xml], { type: 'application/octet-stream' }), name);
  form.append('note', 'vendor diagram');
  return form;
}

const path = (key: string) => encodeURIComponent(key);

async function openTask(elementId: string, businessKey: string, token: string): Promise<TaskView> {
  const tasks = (await api.get<TaskView[]>(`/api/tasks?businessKey=${businessKey}`, token)).body;
  const task = tasks.find((candidate) => candidate.elementId === elementId);
  if (!task) throw new Error(`no open task ${elementId} for ${businessKey}: ${JSON.stringify(tasks)}`);
  return task;
}

describe('a diagram with ids in any script, on SQLite', () => vendorDiagram(() => startTestServer()));
describePostgres('a diagram with ids in any script, on PostgreSQL', () => vendorDiagram(async () => startTestServer({ databaseUrl: schemaUrl(await freshSchema()) })));

function vendorDiagram(start: () => Promise<TestServer>) {
  beforeAll(async () => {
    server = await start();
    api = server.api;
  });
  afterAll(async () => {
    await server.close();
    removeDataDir(server.dataDir);
  });

  it('deploys under the file\'s process ids and serves the deployed bytes back unchanged', async () => {
    const deployed = await api.request<DeployResult>('POST', '/api/deployments', { token: TOKENS.designer, body: upload('prüfen.bpmn', FILE) });
    expect(deployed.status, deployed.text).toBe(201);
    expect(deployed.body.deployed).toEqual(expect.arrayContaining([
      { key: KEY, version: 1, changed: true },
      { key: CALLED, version: 1, changed: true },
    ]));
    expect(deployed.text).not.toMatch(ALIAS);

    const xml = await fetch(`${server.url}/api/processes/${path(KEY)}/versions/1/xml`, { headers: { authorization: `Bearer ${TOKENS.erp}` } });
    expect(xml.status).toBe(200);
    expect(Buffer.from(await xml.arrayBuffer()).equals(readFileSync(`${SERVER_FIXTURES}non-ascii-ids.bpmn`))).toBe(true);

    const detail = await api.get<{ key: string; calls: string[] }>(`/api/processes/${path(KEY)}`, TOKENS.erp);
    expect(detail.status).toBe(200);
    expect(detail.body).toMatchObject({ key: KEY, calls: [CALLED] });
  });

  it('starts, completes its user task, takes the conditional flow, takes the message by name and runs the called process', async () => {
    const started = await api.request<InstanceView>('POST', `/api/processes/${path(KEY)}/instances`, { token: TOKENS.erp, json: { businessKey: 'RE-1', variables: { rechnungNr: 'RE-1' } } });
    expect(started.status, started.text).toBe(201);
    expect(started.body.processKey).toBe(KEY);
    expect(started.body.waiting).toMatchObject([{ processKey: KEY, elementId: 'مهمة_1', type: 'task' }]);

    const task = await openTask('مهمة_1', 'RE-1', TOKENS.procurement);
    expect(task).toMatchObject({ processKey: KEY, name: 'Betrag erfassen' });
    const completed = await api.request<InstanceView>('POST', `/api/tasks/${task.id}/complete`, { token: TOKENS.procurement, json: { variables: { betrag: 5000 } } });
    expect(completed.status, completed.text).toBe(200);
    expect(completed.body.waiting).toMatchObject([{ elementId: 'Zahlung_abwarten', message: 'Zahlungseingang' }]);

    const message = await api.post<{ outcome: string }>('/api/messages', TOKENS.erp, { name: 'Zahlungseingang', businessKey: 'RE-1' });
    expect(message.status, message.text).toBe(200);
    const approval = await openTask('承認', 'RE-1', TOKENS.director);
    expect(approval.processKey).toBe(CALLED);
    expect((await api.post(`/api/tasks/${approval.id}/complete`, TOKENS.director, {})).status).toBe(200);

    // the called process's job, through Camunda 8's job activation
    const activated = await api.post<{ jobs: { jobKey: string; elementId: string; processDefinitionId: string }[] }>(
      '/v2/jobs/activation', TOKENS.erp, { type: 'kiroku', worker: 'archiver', timeout: 60_000, maxJobsToActivate: 5 },
    );
    expect(activated.status, activated.text).toBe(200);
    expect(activated.body.jobs).toMatchObject([{ elementId: '記録', processDefinitionId: CALLED }]);
    const jobKey = activated.body.jobs[0].jobKey;
    // out of retries: an incident at the file's element, in Stratum's list and Camunda 7's
    expect((await api.post(`/v2/jobs/${path(jobKey)}/failure`, TOKENS.erp, { retries: 0, errorMessage: 'archive offline' })).status).toBe(204);
    const incidents = await api.get<{ items: { id: string; processKey: string; elementId: string }[] }>(`/api/incidents?processKey=${path(CALLED)}`, TOKENS.erp);
    expect(incidents.status, incidents.text).toBe(200);
    expect(incidents.body.items).toMatchObject([{ processKey: CALLED, elementId: '記録' }]);
    const camunda7 = await api.get<{ activityId: string; processDefinitionId: string }[]>(`/engine-rest/incident?activityId=${path('記録')}`, TOKENS.erp);
    expect(camunda7.status, camunda7.text).toBe(200);
    expect(camunda7.body).toMatchObject([{ activityId: '記録', failedActivityId: '記録', processDefinitionId: `${CALLED}:1` }]);
    expect((await api.post(`/api/incidents/${incidents.body.items[0].id}/retry`, TOKENS.operations, { retries: 1 })).status).toBe(200);
    const again = await api.post<{ jobs: { jobKey: string }[] }>('/v2/jobs/activation', TOKENS.erp, { type: 'kiroku', worker: 'archiver', timeout: 60_000, maxJobsToActivate: 5 });
    expect((await api.post(`/v2/jobs/${path(again.body.jobs[0].jobKey)}/completion`, TOKENS.erp, {})).status).toBe(204);

    const instance = await api.request<InstanceView>('GET', `/api/instances/${started.body.id}`, { token: TOKENS.erp });
    expect(instance.body.status).toBe('completed');
    const elements = instance.body.history.map((entry) => entry.elementId);
    expect(elements).toEqual(expect.arrayContaining(['مهمة_1', 'Größe', 'Zahlung_abwarten', 'Aufruf_確認', 'Ende_groß']));
    expect(elements).not.toContain('Ende_klein');
    expect(instance.body.children).toMatchObject([{ processKey: CALLED, status: 'completed' }]);
    expect(instance.text).not.toMatch(ALIAS);
    const instances = await api.get(`/api/instances?processKey=${path(KEY)}`, TOKENS.erp);
    expect(instances.status, instances.text).toBe(200);
    expect(instances.body).toMatchObject({ total: 1, items: [{ id: started.body.id, processKey: KEY }] });
  });

  it('reports the impact of a new version by the file\'s ids', async () => {
    const changed = FILE.replace('name="Betrag erfassen"', 'name="Betrag prüfen"');
    const impact = await api.request<{ processes: { key: string; diff: { elements: { elementId: string; change: string }[] } }[] }>(
      'POST', '/api/impact?last=100', { token: TOKENS.designer, body: upload('prüfen.bpmn', changed) },
    );
    expect(impact.status, impact.text).toBe(200);
    const process = impact.body.processes.find((candidate) => candidate.key === KEY);
    expect(process?.diff.elements).toContainEqual(expect.objectContaining({ elementId: 'مهمة_1', change: 'changed' }));
    expect(impact.text).not.toMatch(ALIAS);
  });

  it('starts through Camunda 8\'s /v2/process-instances by the file\'s process id', async () => {
    const started = await api.post<{ processDefinitionId: string; processInstanceKey: string }>('/v2/process-instances', TOKENS.erp, { processDefinitionId: KEY, businessId: 'RE-C8' });
    expect(started.status, started.text).toBe(200);
    expect(started.body.processDefinitionId).toBe(KEY);
    const task = await openTask('مهمة_1', 'RE-C8', TOKENS.procurement);
    // the small amount takes the default flow
    const completed = await api.request<InstanceView>('POST', `/api/tasks/${task.id}/complete`, { token: TOKENS.procurement, json: { variables: { betrag: 10 } } });
    expect(completed.status, completed.text).toBe(200);
    expect(completed.body.status).toBe('completed');
    expect(completed.body.history.map((entry) => entry.elementId)).toContain('Ende_klein');
  });

  it('still refuses an id that is no XML name, naming the file and the id', async () => {
    const bad = FILE.replace('id="Prüfen"', 'id="Pr üfen"').replace('id="Fluss_4"', 'id="4_Fluss"');
    const refused = await api.request('POST', '/api/deployments', { token: TOKENS.designer, body: upload('kaputt.bpmn', bad) });
    expect(refused.status).toBe(422);
    const findings = (problemOf(refused) as unknown as { findings: Finding[] }).findings;
    expect(findings).toContainEqual(expect.objectContaining({
      file: 'kaputt.bpmn', elementId: 'Pr üfen', rule: 'xml-import', severity: 'error',
      message: textContaining('the id "Pr üfen" is not a valid BPMN id (an XML name'),
    }));
  });
}
