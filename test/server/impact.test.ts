// Change safety over HTTP: POST /api/impact answers what a candidate would do
// to recorded and running orders without storing anything; the semantic diff
// between deployed versions; a deployment needs a note.
import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ImpactReport, ProcessDetail, ProcessDiff, ProcessSummary, ReplayEvent } from '../../engine/api.js';
import { replayWorkerPids, runningReplayWorkers } from '../../engine/impact/replay-pool.js';
import { readConfig } from '../../server/config.js';
import { buildOpenApiDocument } from '../../server/openapi.js';
import { approvalTierDmn, decidedTiers } from '../engine/impact/candidates.js';
import { addFormats } from '../support/ajv-formats.js';
import { anything, objectWith, textMatching } from '../support/matchers.js';
import { problemOf, TOKENS, type ApiClient } from './support/client.js';
import { DIAGRAMS_DIR, removeDataDir, startTestServer, type TestServer } from './support/real-server.js';
import { coldReplayPool, killingEveryReplayWorker } from '../support/replay-workers.js';

/** The OpenAPI document's ImpactReport, its formats (date-time) checked as well. */
function describedImpactReport() {
  const ajv = addFormats(new Ajv2020({ strict: false }));
  ajv.addSchema(buildOpenApiDocument(), 'doc');
  return ajv.getSchema('doc#/components/schemas/ImpactReport')!;
}

let server: TestServer;
let api: ApiClient;
/** The server's warnings and errors, as JSON lines' `msg` and fields. */
const logged: { msg: string; stopped?: string }[] = [];

beforeAll(async () => {
  const lines = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logged.push(JSON.parse(chunk.toString()) as { msg: string });
      done();
    },
  });
  server = await startTestServer({ requireDeploymentNote: true, logger: pino({ level: 'warn' }, lines) });
  api = server.api;
  for (const [orderNo, amount] of [['IM-350', 350_000], ['IM-450', 450_000], ['IM-700', 700_000]] as const) {
    const entered = await api.post('/api/orders', TOKENS.erp, { orderNo, customer: { name: 'ACME' }, amount, currency: 'CNY', paymentTerms: 'credit' });
    expect(entered.status).toBe(201);
  }
});
afterAll(async () => {
  await server.close();
  removeDataDir(server.dataDir);
});

const approvalFile = () => readFileSync(`${DIAGRAMS_DIR}credit-order-approval.bpmn`, 'utf8');
const lowered = () => approvalFile().replace('reportingAmount &gt; 500000', 'reportingAmount &gt; 400000');

function upload(name: string, xml: string, note?: string): FormData {
  const form = new FormData();
  form.append('files', new Blob([xml], { type: 'application/octet-stream' }), name);
  if (note) form.append('note', note);
  return form;
}

describe('POST /api/impact', () => {
  it('stops the replay and its worker when the client goes away', async () => {
    // workers kept idle by an earlier file of this process would replay these few orders before the server sees the
    // client go: the replay starts cold, so the cancel is what ends it
    // (waiting for the pool to hear of each exit: a killed worker not handed a replay would still count below as running)
    await coldReplayPool();
    const replays: ReplayEvent[] = [];
    const client = new AbortController();
    const onReplay = (event: ReplayEvent) => {
      replays.push(event);
      if (event.phase === 'started') client.abort();
    };
    server.stratum.events.on('replay', onReplay);
    try {
      const request = fetch(`${server.url}/api/impact?last=100`, {
        method: 'POST', headers: { authorization: `Bearer ${TOKENS.designer}` }, body: upload('credit-order-approval.bpmn', lowered()), signal: client.signal,
      });
      await expect(request).rejects.toThrow();
      await vi.waitFor(() => expect(replays.map((event) => event.outcome ?? event.phase)).toEqual(['started', 'cancelled']), { timeout: 20_000 });
      expect(runningReplayWorkers()).toBe(0);
      const metrics = await (await fetch(`${server.url}/metrics`)).text();
      expect(metrics).toMatch(/^stratum_replays_total\{outcome="cancelled"\} 1$/m);
      expect(metrics).toMatch(/^stratum_replay_workers 0$/m);
    } finally {
      server.stratum.events.off('replay', onReplay);
    }
  });


  it('answers diff, where-used, running orders and replay groups for a candidate, and stores nothing', async () => {
    const before = (await api.get<ProcessDetail>('/api/processes/credit-order-approval', TOKENS.erp)).body;
    const response = await api.request<ImpactReport>('POST', '/api/impact?last=100', { token: TOKENS.designer, body: upload('credit-order-approval.bpmn', lowered()) });
    expect(response.status).toBe(200);
    const report = response.body;
    expect(report.processes.map((process) => [process.key, process.version, process.previousVersion])).toEqual([['credit-order-approval', 2, 1]]);
    expect(report.processes[0].runningOrders.inside.orders).toEqual([{ orderNo: 'IM-700', version: 1 }]);
    // every order is running, each on the approval version it started: IM-450, approved automatically by version 1, keeps
    // that approval; IM-700 waits for the vice-president in version 1 and stays there. No route changes.
    expect(report.replay.groups.map((group) => [group.kind, group.count])).toEqual([['unchanged', 3]]);
    // the shipped library is all the fast path plays: every order took it (in the replay's worker processes)
    expect(report.replay.orders).toBeGreaterThan(0);
    expect(report.replay.paths).toEqual({ fast: report.replay.orders, engine: 0 });
    // the order-change loop repeats the moved tier: a warning, in the shape the OpenAPI document describes, which does not block
    expect(report.relatedConditions.map((related) => [related.flow.processKey, related.flow.elementId, related.comparison]))
      .toEqual([['sales-order-management', 'Flow_ApprovalTierRaised_Yes', 'changeReportingAmount > 500000']]);
    const described = describedImpactReport();
    expect(described(report), JSON.stringify(described.errors)).toBe(true);
    expect(report.blocking).toBe(false);
    const after = (await api.get<ProcessDetail>('/api/processes/credit-order-approval', TOKENS.erp)).body;
    expect(after.versions).toEqual(before.versions);
  });

  it('answers an analysis whose idle replay worker was killed from outside a moment before: a new worker replays', async () => {
    // the analysis before left its worker idle; the OOM killer or `kill` ends it just before the next analysis
    const replacements = async () => Number((await (await fetch(`${server.url}/metrics`)).text()).match(/^stratum_replay_worker_replacements_total (\d+)$/m)![1]);
    const before = await replacements();
    const loggedBefore = logged.length;
    const idle = replayWorkerPids();
    expect(idle.length).toBeGreaterThan(0);
    for (const pid of idle) process.kill(pid, 'SIGKILL');
    const response = await api.request<ImpactReport>('POST', '/api/impact?last=100', { token: TOKENS.designer, body: upload('credit-order-approval.bpmn', lowered()) });
    expect(response.status).toBe(200);
    expect(response.body.replay.groups.map((group) => [group.kind, group.count])).toEqual([['unchanged', 3]]);
    expect(replayWorkerPids().some((pid) => idle.includes(pid))).toBe(false);
    // The pool hears of the kill an event-loop turn or more later, and the request takes several to reach it: when it
    // heard first, the analysis got a new worker; when not, the dead one was replaced, which is counted and logged
    // (its exit heard first, or the job's write to its pipe failing first). replay-worker.test.ts holds the replacement
    // itself with no turn in between.
    const replaced = (await replacements()) - before;
    expect([0, 1]).toContain(replaced);
    const warnings = logged.slice(loggedBefore).filter((line) => line.msg === 'a what-if replay\'s worker process stopped before it answered; a new one replays its share');
    expect(warnings).toEqual(Array.from({ length: replaced }, () => objectWith({ stopped: textMatching(/^(signal SIGKILL|its job could not be sent: .*), before it answered$/) })));
  });

  it('refuses with 503 replay-worker-stopped when the replay\'s worker and the new one it is given both die', async () => {
    const killer = killingEveryReplayWorker();
    try {
      await vi.waitFor(() => expect(runningReplayWorkers()).toBe(0), { timeout: 15_000 });
      const response = await api.request('POST', '/api/impact?last=100', { token: TOKENS.designer, body: upload('credit-order-approval.bpmn', lowered()) });
      expect(response.status).toBe(503);
      const problem = problemOf(response);
      expect(problem.reason).toBe('replay-worker-stopped');
      expect(problem.detail).toMatch(/^The replay's worker process stopped before it finished, and so did the new one it was given: signal SIGKILL, before it answered; then signal SIGKILL, before it answered\./);
    } finally {
      killer.stop();
    }
  });

  it('replays a candidate with a business rule task on the decision the change brings, and names the decision, who calls it and the running orders that will evaluate it', async () => {
    const form = new FormData();
    const lowerTier = approvalTierDmn((xml) => xml.replace('&gt; 500000', '&gt; 400000'));
    for (const file of [decidedTiers(), lowerTier]) form.append('files', new Blob([file.xml], { type: 'application/octet-stream' }), file.name);
    const response = await api.request<ImpactReport>('POST', '/api/impact?last=100', { token: TOKENS.designer, body: form });
    expect(response.status).toBe(200);
    const report = response.body;
    expect(report.decisions).toEqual([{
      id: 'approval-tier', name: 'Approval tier', version: 1, previousVersion: null, fileName: 'approval-tier.dmn',
      whereUsed: [{ processKey: 'credit-order-approval', versions: [], latestCalls: true, elements: [{ elementId: 'BusinessRuleTask_DecideTier', name: 'Decide approval tier', versions: [2] }] }],
      runningOrders: anything(),
    }]);
    // every running credit order is past its approval, but an order change approves a raised amount again, with
    // version 2 of the approval (latest binding), whose new business rule task calls the decision
    const { willEvaluate } = report.decisions[0].runningOrders;
    expect(willEvaluate.count).toBe(3);
    expect(willEvaluate.orders.map((running) => running.orderNo).sort()).toEqual(['IM-350', 'IM-450', 'IM-700']);
    expect(willEvaluate.orders.find((running) => running.orderNo === 'IM-700')).toEqual({
      orderNo: 'IM-700',
      waitingAt: [{ processKey: 'sales-order-management', elementId: 'IntermediateCatchEvent_OrderChanged', name: 'Order changed' }],
      reaches: [{ processKey: 'credit-order-approval', elementId: 'BusinessRuleTask_DecideTier', name: 'Decide approval tier' }],
    });
    expect(report.replay.blocked).toBe(0);
    // their approvals already ran on version 1, which they keep
    expect(report.replay.groups.map((group) => [group.kind, group.count])).toEqual([['unchanged', 3]]);
  });

  it('is for designers only and takes the XML body of a deployment too', async () => {
    const refused = await api.request('POST', '/api/impact', { token: TOKENS.erp, body: upload('credit-order-approval.bpmn', lowered()) });
    expect(refused.status).toBe(403);
    const xml = await api.request<ImpactReport>('POST', '/api/impact?name=credit-order-approval.bpmn&replay=false', {
      token: TOKENS.designer, body: lowered(), headers: { 'content-type': 'application/xml' },
    });
    expect(xml.status).toBe(200);
    expect(xml.body.replay.orders).toBe(0);
    expect(xml.body.processes[0].diff.elements).toHaveLength(1);
  });

  it('refuses an empty period and a replay of more than 50,000 orders', async () => {
    const empty = await api.request('POST', '/api/impact?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z', { token: TOKENS.designer, body: upload('a.bpmn', lowered()) });
    expect(empty.status).toBe(422);
    const tooMany = await api.request('POST', '/api/impact?last=50001', { token: TOKENS.designer, body: upload('a.bpmn', lowered()) });
    expect(tooMany.status).toBe(400);
  });

  it('reads from and to as instants: a leap second is a 400 naming it (once a 500), and a period is compared in time, not as text', async () => {
    const leap = await api.request('POST', '/api/impact?replay=false&from=2026-12-31T23:59:60Z', { token: TOKENS.designer, body: upload('a.bpmn', lowered()) });
    expect(leap.status, leap.text).toBe(400);
    expect(JSON.stringify(problemOf(leap).errors)).toContain('query.from');
    // 10:00 at +05:00 is 05:00 UTC, before 06:00 UTC: not an empty period
    const zoned = await api.request('POST', `/api/impact?replay=false&from=${encodeURIComponent('2026-01-01T10:00:00+05:00')}&to=2026-01-01T06:00:00Z`, { token: TOKENS.designer, body: upload('a.bpmn', lowered()) });
    expect(zoned.status, zoned.text).toBe(200);
  });
});

describe('GET /api/processes/{key}/versions/{n}/diff of a file with several processes', () => {
  // two pools: a changed task in each, and the message flow between them renamed
  const pools = (orderTask: string, shipTask: string, message: string) => `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="Defs" targetNamespace="http://example.com">
  <bpmn:collaboration id="Collaboration_1">
    <bpmn:participant id="Pool_Order" processRef="pooled-order" />
    <bpmn:participant id="Pool_Ship" processRef="pooled-shipping" />
    <bpmn:messageFlow id="Message_1" name="${message}" sourceRef="Task_Order" targetRef="Pool_Ship" />
  </bpmn:collaboration>
  <bpmn:process id="pooled-order" isExecutable="true">
    <bpmn:startEvent id="Order_Start" /><bpmn:sequenceFlow id="Order_F1" sourceRef="Order_Start" targetRef="Task_Order" />
    <bpmn:task id="Task_Order" name="${orderTask}" /><bpmn:sequenceFlow id="Order_F2" sourceRef="Task_Order" targetRef="Order_End" />
    <bpmn:endEvent id="Order_End" />
  </bpmn:process>
  <bpmn:process id="pooled-shipping" isExecutable="true">
    <bpmn:startEvent id="Ship_Start" /><bpmn:sequenceFlow id="Ship_F1" sourceRef="Ship_Start" targetRef="Task_Ship" />
    <bpmn:task id="Task_Ship" name="${shipTask}" /><bpmn:sequenceFlow id="Ship_F2" sourceRef="Task_Ship" targetRef="Ship_End" />
    <bpmn:endEvent id="Ship_End" />
  </bpmn:process>
</bpmn:definitions>`;

  it('lists the changes of that process only', async () => {
    for (const [xml, note] of [[pools('Take order', 'Ship', 'order'), 'drawn'], [pools('Take the order', 'Ship goods', 'order taken'), 'renamed']]) {
      expect((await api.request('POST', '/api/deployments', { token: TOKENS.designer, body: upload('pools.bpmn', xml, note) })).status).toBe(201);
    }
    const order = await api.get<ProcessDiff>('/api/processes/pooled-order/versions/1/diff?to=2', TOKENS.erp);
    expect(order.body.elements.map((element) => element.elementId)).toEqual(['Task_Order']);
    const shipping = await api.get<ProcessDiff>('/api/processes/pooled-shipping/versions/1/diff?to=2', TOKENS.erp);
    expect(shipping.body.elements.map((element) => element.elementId)).toEqual(['Task_Ship']);
  });
});

describe('deployment notes', () => {
  it('refuses a deployment without a note with 422 naming the note, and keeps the note of one that has it', async () => {
    const without = await api.request<{ errors: unknown }>('POST', '/api/deployments', { token: TOKENS.designer, body: upload('credit-order-approval.bpmn', lowered()) });
    expect(without.status).toBe(422);
    expect(problemOf(without).errors).toEqual([{ field: 'note', message: 'is required' }]);
    const blank = await api.request('POST', '/api/deployments', { token: TOKENS.designer, body: upload('credit-order-approval.bpmn', lowered(), '   ') });
    expect(blank.status).toBe(422);
    const noted = await api.request('POST', '/api/deployments', { token: TOKENS.designer, body: upload('credit-order-approval.bpmn', lowered(), 'vice-president from 400,000') });
    expect(noted.status).toBe(201);
    const detail = (await api.get<ProcessDetail>('/api/processes/credit-order-approval', TOKENS.erp)).body;
    expect(detail.versions.at(-1)!.note).toBe('vice-president from 400,000');

    const diff = await api.get<ProcessDiff>('/api/processes/credit-order-approval/versions/1/diff?to=2', TOKENS.erp);
    expect(diff.status).toBe(200);
    expect(diff.body.elements.map((element) => [element.elementId, element.properties[0].after])).toEqual([
      ['Flow_AmountTier_Above500000', '=reportingAmount > 400000 and reportingAmount <= 1000000'],
    ]);
    expect((await api.get('/api/processes/credit-order-approval/versions/1/diff?to=9', TOKENS.erp)).status).toBe(404);
    expect((await api.get('/api/processes/credit-order-approval/versions/1/diff', TOKENS.erp)).status).toBe(400);
  });

  it('is required by default outside demo mode, optional in demo mode, and configurable', () => {
    expect(readConfig({ STRATUM_USERS: 'users.json' }).requireDeploymentNote).toBe(true);
    expect(readConfig({}).requireDeploymentNote).toBe(false);
    expect(readConfig({ STRATUM_USERS: 'users.json', STRATUM_DEPLOY_NOTE: 'optional' }).requireDeploymentNote).toBe(false);
    expect(readConfig({ STRATUM_DEPLOY_NOTE: 'required' }).requireDeploymentNote).toBe(true);
    expect(() => readConfig({ STRATUM_DEPLOY_NOTE: 'yes' })).toThrow(/required or optional/);
  });
});

describe('GET /api/processes', () => {
  it('lists every process with whether it is retired', async () => {
    const list = (await api.get<ProcessSummary[]>('/api/processes', TOKENS.erp)).body;
    expect(list.find((process) => process.key === 'credit-order-approval')!.retired).toBe(false);
  });
});

describe('POST /api/impact after an earlier change was deployed', () => {
  it('does not count orders that ran before the earlier change as this change\'s impact, and lists them apart', async () => {
    // change A: the vice-president's review from 400,000 (as the deployment-notes test deploys it; again is a no-op)
    const deployed = await api.request('POST', '/api/deployments', { token: TOKENS.designer, body: upload('credit-order-approval.bpmn', lowered(), 'vice-president from 400,000') });
    // 201 when this test runs alone, 200 (nothing changed) after the deployment-notes test
    expect([200, 201]).toContain(deployed.status);
    // change B, unrelated to the orders' route: a task of another process renamed
    const renamed = readFileSync(`${DIAGRAMS_DIR}special-change-notification.bpmn`, 'utf8')
      .replace('name="Acknowledge special change (procurement)"', 'name="Acknowledge the special change (procurement)"');
    const response = await api.request<ImpactReport>('POST', '/api/impact?last=100', { token: TOKENS.designer, body: upload('special-change-notification.bpmn', renamed) });
    expect(response.status).toBe(200);
    const { replay, blocking } = response.body;
    expect(replay).toMatchObject({ orders: 3, changed: 0, blocked: 0, baselineReplays: 0 });
    expect(replay.groups.map((group) => group.kind)).toEqual(['unchanged']);
    // IM-450 was approved by version 1 before A: running, it keeps that approval on the deployed library too, so it ran
    // on no older version than it runs
    expect(replay.ranOnOlderVersion).toEqual({ count: 0, groups: [] });
    expect(blocking).toBe(false);
    // the answer is the one the OpenAPI document describes
    const described = describedImpactReport();
    expect(described(response.body), JSON.stringify(described.errors)).toBe(true);
  });
});

describe('POST /api/impact on running orders', () => {
  it('replays an order inside the changed process on the version it runs, and one that has not called it yet as it will start the new one', async () => {
    const from = new Date(Date.now() - 1).toISOString();
    // F-1 waits for the vice-president in the approval's latest version; F-2 is still in its special change's acknowledgements
    for (const [orderNo, specialChange] of [['F-1', null], ['F-2', { description: 'blue paint' }]] as const) {
      const entered = await api.post('/api/orders', TOKENS.erp, { orderNo, customer: { name: 'ACME' }, amount: 750_000, currency: 'CNY', paymentTerms: 'credit', specialChange });
      expect(entered.status).toBe(201);
    }
    const latest = (await api.get<ProcessDetail>('/api/processes/credit-order-approval', TOKENS.erp)).body.versions.length;
    // ACME's orders above 500,000 to the sales director
    const acme = approvalFile().replace('>=reportingAmount &gt; 1000000<', '>=reportingAmount &gt; 1000000 or (customer.name = "ACME" and reportingAmount &gt; 500000)<');
    const response = await api.request<ImpactReport>('POST', `/api/impact?from=${encodeURIComponent(from)}`, { token: TOKENS.designer, body: upload('credit-order-approval.bpmn', acme) });
    expect(response.status).toBe(200);
    const { processes, replay } = response.body;
    // (running orders are all the server's, whatever the replay's period)
    expect(processes[0].runningOrders.inside.orders).toContainEqual({ orderNo: 'F-1', version: latest });
    expect(processes[0].runningOrders.willPickUp.orders).toContain('F-2');
    // F-1 stays on its version, where it waits for the vice-president: not "would now wait for the sales director"
    expect(replay).toMatchObject({ orders: 2, changed: 0, groups: [{ kind: 'unchanged', orders: expect.arrayContaining(['F-1', 'F-2']) as unknown }] });
  });
});

describe('POST /api/impact of a renamed message', () => {
  it('names who still catches PaymentReceived, who now waits for PaymentArrived and the orders waiting for the old name, in the documented shape', async () => {
    const entered = await api.post('/api/orders', TOKENS.erp, { orderNo: 'MSG-PRE', customer: { name: 'ACME' }, amount: 450_000, currency: 'CNY', paymentTerms: 'prepaid-at-entry' });
    expect(entered.status).toBe(201);
    // credit order IM-350 waits for no payment: the ERP's PaymentReceived for it is buffered for its time-to-live
    const published = await api.post('/api/messages', TOKENS.erp, { name: 'PaymentReceived', businessKey: 'IM-350', timeToLive: 'PT1H' });
    expect(published.status).toBe(202);
    const renamed = readFileSync(`${DIAGRAMS_DIR}prepaid-entry-control.bpmn`, 'utf8').replace('name="PaymentReceived"', 'name="PaymentArrived"');
    const response = await api.request<ImpactReport>('POST', '/api/impact?replay=false', { token: TOKENS.designer, body: upload('prepaid-entry-control.bpmn', renamed) });
    expect(response.status).toBe(200);
    const { messages, blocking } = response.body;
    expect(messages.map((change) => [change.name, change.before.length, change.after.map((catcher) => catcher.processKey), change.waiting])).toEqual([
      ['PaymentArrived', 0, ['prepaid-entry-control'], { count: 0, orders: [] }],
      ['PaymentReceived', 3, ['prepaid-shipment-control', 'sales-order-management'], { count: 1, orders: ['MSG-PRE'] }],
    ]);
    expect(messages[1].message).toMatch(/^PaymentReceived: prepaid-entry-control "Payment received" no longer catches it \(it waits for PaymentArrived instead\)/);
    expect(messages[1].buffered).toEqual({ count: 1, keys: [{ correlationKey: 'IM-350', count: 1, lastExpiresAt: anything() }] });
    expect(messages[1].message).toMatch(/; the 1 message of it buffered now and not yet correlated \(for 1 order\) reaches prepaid-entry-control "Payment received" only in the instances already running\.$/);
    expect(messages[0].buffered).toEqual({ count: 0, keys: [] });
    // a warning for senders: it does not block the deployment
    expect(blocking).toBe(false);
    const described = describedImpactReport();
    expect(described(response.body), JSON.stringify(described.errors)).toBe(true);
  });
});
