// Orders enter one way, at run time too (order-entry-only): a level-1 process deployed before the deploy check
// existed calls sales-order-management. Whatever route starts it (a generic start, a message, Camunda 8's
// create-instance, Camunda 7's message start), its call fails with an incident on the call activity: no instance of the
// order library starts and no planning job is released for an "order" that never went through order entry.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IncidentView, InstanceView, JobView } from '../../../engine/api.js';
import { openStore } from '../../../engine/index.js';
import { TOKENS, type ApiClient, type ApiResponse, type InstancePage } from '../support/client.js';
import { makeDataDir, removeDataDir, startTestServer, type TestServer } from '../support/real-server.js';
import { describePostgres, freshSchema, schemaUrl } from '../../support/postgres.js';
import { objectWith } from '../../support/matchers.js';

let server: TestServer;
let api: ApiClient;

/** A server on the store `databaseUrl` names (SQLite in its data folder without one), with the callers of STORED in it. */
function onStore(databaseUrl: () => Promise<string | undefined>) {
  beforeAll(async () => {
    const dataDir = makeDataDir();
    const url = await databaseUrl();
    const options = { dataDir, ...(url && { databaseUrl: url }) };
    // the shipped library first, as a server before order-entry-only deployed it; then the callers, written past the checks
    await (await startTestServer(options)).close();
    const store = await openStore(options);
    await store.transaction(async (tx) => {
      for (const [key, xml] of Object.entries(STORED)) {
        await tx.insertVersion({
          key, version: 1, name: key, xml, hash: createHash('sha256').update(xml).digest('hex'), calls: ['sales-order-management'],
          deploymentId: 'legacy', deployedBy: 'legacy-tool', deployedAt: new Date().toISOString(), note: null,
        });
      }
    });
    await store.close();
    server = await startTestServer(options);
    api = server.api;
  }, 60_000);
  afterAll(async () => {
    await server.close();
    removeDataDir(server.dataDir);
  });
}

/** Variables the library would approve at once and release to planning, had an order entry checked them. */
const ORDER_LIKE = { orderNo: 'FAKE', customer: { name: 'Bypass GmbH' }, amount: 1, currency: 'CNY', paymentTerms: 'credit', specialChange: null,
  reportingAmount: 1, reportingCurrency: 'CNY', exchangeRate: 1, rateDate: '2026-01-05' };

describe('on SQLite', () => {
  onStore(() => Promise.resolve(undefined));
  borderSpecs();
});

describePostgres('on PostgreSQL', () => {
  onStore(async () => schemaUrl(await freshSchema()));
  borderSpecs();
});

/** The same specifications on each store. */
function borderSpecs() {
  describe('a deployed caller outside orders, calling sales-order-management', () => {
    it.each([
      ['a generic start', 'fast-lane', 'GEN-1', (key: string) => api.post<InstanceView>('/api/processes/fast-lane/instances', TOKENS.erp, { businessKey: key, variables: ORDER_LIKE })],
      ['a message start', 'bulk-intake', 'MSG-1', (key: string) => api.post('/api/messages', TOKENS.erp, { name: 'BulkOrder', businessKey: key, variables: { note: 'bulk' } })],
      ['Camunda 8\'s create-instance', 'fast-lane', 'C8-1', (key: string) => api.post('/v2/process-instances', TOKENS.erp, { processDefinitionId: 'fast-lane', businessId: key, variables: ORDER_LIKE })],
      ['Camunda 7\'s message start', 'bulk-intake', 'C7-1', (key: string) => api.post('/engine-rest/message', TOKENS.erp, {
        messageName: 'BulkOrder', businessKey: key, processVariables: { note: { value: 'bulk', type: 'String' } },
      })],
    ] as const)('fails at the call with an incident when %s starts it, and nothing of the order library runs', async (_route, processKey, businessKey, send) => {
      const started: ApiResponse = await send(businessKey);
      expect(started.status, started.text).toBeLessThan(300);

      const [instance] = (await api.get<InstancePage>(`/api/instances?businessKey=${businessKey}`, TOKENS.erp)).body.items;
      expect([instance.processKey, instance.status]).toEqual([processKey, 'failed']);
      const incidents = (await api.get<{ items: IncidentView[] }>(`/api/incidents?businessKey=${businessKey}`, TOKENS.operations)).body.items;
      expect(incidents).toEqual([objectWith({
        instanceId: instance.id, elementId: 'Call',
        reason: { kind: 'order-entry-only', calledElement: 'sales-order-management', border: 'runs-inside-orders' },
      })]);
      // Camunda 8's operators see a call that could not start
      const search = await api.post<{ items: { errorType: string }[] }>(`/v2/process-instances/${encodeURIComponent(instance.id)}/incidents/search`, TOKENS.operations, {});
      expect(search.body.items.map((item) => item.errorType)).toEqual(['CALLED_ELEMENT_ERROR']);
      const view = (await api.get<InstanceView>(`/api/instances/${instance.id}`, TOKENS.erp)).body;
      expect(view.children).toEqual([]);
      expect(view.history.filter((entry) => entry.event === 'instance.failed').map((entry) => entry.elementId)).toEqual(['Call']);
      // a retry is refused while the library is unchanged, and changes nothing
      expect((await api.post(`/api/incidents/${incidents[0].id}/retry`, TOKENS.operations, {})).status).toBe(422);

      const underKey = (await api.get<InstancePage>(`/api/instances?businessKey=${businessKey}`, TOKENS.erp)).body.items;
      expect(underKey.map((one) => one.processKey)).toEqual([processKey]);
      for (const type of ['procurement-planning', 'production-planning', 'shipping']) {
        const jobs = await api.post<JobView[]>('/api/jobs/fetch-and-lock', TOKENS.erp, { type, workerId: 'order-border', max: 10 });
        expect(jobs.body, type).toEqual([]);
      }
    });
  });
}

// helpers

const CALLER = (key: string, start: string, message = '') => `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="Defs_${key}" targetNamespace="http://example.com/other-tool">
  ${message}
  <bpmn:process id="${key}" isExecutable="true">
    ${start}
    <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="Call" />
    <bpmn:callActivity id="Call" name="Manage the order"><bpmn:extensionElements><zeebe:calledElement processId="sales-order-management" /></bpmn:extensionElements></bpmn:callActivity>
    <bpmn:sequenceFlow id="F2" sourceRef="Call" targetRef="End" />
    <bpmn:endEvent id="End" />
  </bpmn:process>
</bpmn:definitions>`;

const STORED: Record<string, string> = {
  'fast-lane': CALLER('fast-lane', '<bpmn:startEvent id="Start" />'),
  'bulk-intake': CALLER('bulk-intake', '<bpmn:startEvent id="Start"><bpmn:messageEventDefinition messageRef="Msg" /></bpmn:startEvent>',
    '<bpmn:message id="Msg" name="BulkOrder" />'),
};
