// Deploying to the library over HTTP: multipart and XML bodies, versions,
// exact bytes back, findings for what would fail at run time.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DecisionDetail, DeployResult, ProcessDetail, ProcessSummary } from '../../engine/api.js';
import { problemOf, TOKENS, type ApiClient } from './support/client.js';
import { removeDataDir, startTestServer, type TestServer } from './support/real-server.js';
import { anyText, arrayWith, objectWith, textContaining } from '../support/matchers.js';

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

const definitions = (body: string) =>
  `<?xml version="1.0" encoding="UTF-8"?>\r\n<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="Defs" targetNamespace="http://example.com">\r\n${body}\r\n</bpmn:definitions>\r\n`;

const checkProcess = (groups: string) =>
  definitions(`  <bpmn:process id="invoice-check" name="Invoice check" isExecutable="true">
    <bpmn:startEvent id="Start"><bpmn:outgoing>F1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="Check" />
    <bpmn:userTask id="Check" name="Check invoice">${groups ? `<bpmn:extensionElements><zeebe:assignmentDefinition candidateGroups="${groups}" /></bpmn:extensionElements>` : ''}<bpmn:incoming>F1</bpmn:incoming><bpmn:outgoing>F2</bpmn:outgoing></bpmn:userTask>
    <bpmn:sequenceFlow id="F2" sourceRef="Check" targetRef="End" />
    <bpmn:endEvent id="End"><bpmn:incoming>F2</bpmn:incoming></bpmn:endEvent>
  </bpmn:process>`);

const callerProcess = (called: string) =>
  definitions(`  <bpmn:process id="invoice-run" name="Invoice run" isExecutable="true">
    <bpmn:startEvent id="Start"><bpmn:outgoing>F1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="CallCheck" />
    <bpmn:callActivity id="CallCheck" name="Check"><bpmn:extensionElements><zeebe:calledElement processId="${called}" /></bpmn:extensionElements><bpmn:incoming>F1</bpmn:incoming><bpmn:outgoing>F2</bpmn:outgoing></bpmn:callActivity>
    <bpmn:sequenceFlow id="F2" sourceRef="CallCheck" targetRef="End" />
    <bpmn:endEvent id="End"><bpmn:incoming>F2</bpmn:incoming></bpmn:endEvent>
  </bpmn:process>`);

function upload(files: [name: string, xml: string][], note?: string): FormData {
  const form = new FormData();
  for (const [name, xml] of files) form.append('files', new Blob([xml], { type: 'application/octet-stream' }), name);
  if (note) form.append('note', note);
  return form;
}

describe('POST /api/deployments', () => {
  it('deploys several files of one multipart upload together, with levels from the call graph', async () => {
    const response = await api.request<DeployResult>('POST', '/api/deployments', {
      token: TOKENS.designer,
      body: upload([['invoice-run.bpmn', callerProcess('invoice-check')], ['invoice-check.bpmn', checkProcess('procurement')]], 'first invoice processes'),
    });
    expect(response.status, response.text).toBe(201);
    expect(response.body.deployed).toEqual(arrayWith([
      { key: 'invoice-run', version: 1, changed: true },
      { key: 'invoice-check', version: 1, changed: true },
    ]));
    const run = (await api.get<ProcessDetail>('/api/processes/invoice-run', TOKENS.erp)).body;
    expect(run.level).toBe(1);
    expect(run.calls).toEqual(['invoice-check']);
    expect(run.versions[0]).toMatchObject({ version: 1, deployedBy: 'dora', note: 'first invoice processes' });
    expect((await api.get('/api/processes/invoice-check', TOKENS.erp)).body).toMatchObject({ level: 2, calledBy: ['invoice-run'] });
  });

  it('serves the exact deployed bytes back as application/xml', async () => {
    const xml = (await api.get('/api/processes/invoice-check/versions/1/xml', TOKENS.director));
    expect(xml.contentType).toMatch(/^application\/xml/);
    expect(xml.text).toBe(checkProcess('procurement'));
  });

  it('treats identical XML as a no-op and changed XML (one application/xml body) as version n+1', async () => {
    const same = await api.request<DeployResult>('POST', '/api/deployments?name=invoice-check.bpmn', { token: TOKENS.designer, body: checkProcess('procurement'), headers: { 'content-type': 'application/xml' } });
    // an idempotent repeat: 200, and no Location, since nothing was created
    expect(same.status).toBe(200);
    expect(same.headers.get('location')).toBeNull();
    expect(same.body.deployed).toEqual([{ key: 'invoice-check', version: 1, changed: false }]);
    expect((await api.get(`/api/deployments/${same.body.deploymentId}`, TOKENS.erp)).status).toBe(404);

    const changed = checkProcess('procurement,production');
    const next = await api.request<DeployResult>('POST', '/api/deployments?name=invoice-check.bpmn&note=controlling%20may%20check%20too', { token: TOKENS.designer, body: changed, headers: { 'content-type': 'text/xml; charset=utf-8' } });
    expect(next.status).toBe(201);
    expect(next.body.deployed).toEqual([{ key: 'invoice-check', version: 2, changed: true }]);
    expect(next.headers.get('location')).toBe(`/api/deployments/${next.body.deploymentId}`);
    // the deployment as stored: only what it changed, by whom and why
    expect((await api.get(next.headers.get('location')!, TOKENS.erp)).body).toEqual({
      deploymentId: next.body.deploymentId, deployedAt: anyText(), deployedBy: 'dora', note: 'controlling may check too',
      processes: [{ key: 'invoice-check', version: 2, name: 'Invoice check' }], decisions: [],
    });
    expect((await api.get('/api/processes/invoice-check/versions/2/xml', TOKENS.erp)).text).toBe(changed);
    expect((await api.get('/api/processes/invoice-check/versions/1/xml', TOKENS.erp)).text).toBe(checkProcess('procurement'));
    const detail = (await api.get<ProcessDetail>('/api/processes/invoice-check', TOKENS.erp)).body;
    expect(detail.latestVersion).toBe(2);
    expect(detail.versions.map((v) => v.note)).toEqual(['first invoice processes', 'controlling may check too']);
  });

  it('deploys .dmn files beside .bpmn: decisions listed, versioned and served back byte for byte', async () => {
    const dmn = readFileSync(new URL('../fixtures/dmn/unique-dish.dmn', import.meta.url), 'utf8').replace(/\n/g, '\r\n');
    const decide = definitions(`  <bpmn:process id="dish-decision" name="Dish decision" isExecutable="true">
    <bpmn:startEvent id="Start" name="Guests announced"><bpmn:outgoing>F1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="Decide" />
    <bpmn:businessRuleTask id="Decide" name="Decide dish"><bpmn:extensionElements><zeebe:calledDecision decisionId="dish" resultVariable="dish" /></bpmn:extensionElements><bpmn:incoming>F1</bpmn:incoming><bpmn:outgoing>F2</bpmn:outgoing></bpmn:businessRuleTask>
    <bpmn:sequenceFlow id="F2" sourceRef="Decide" targetRef="End" />
    <bpmn:endEvent id="End" name="Decided"><bpmn:incoming>F2</bpmn:incoming></bpmn:endEvent>
  </bpmn:process>`);
    const alone = await api.request('POST', '/api/deployments', { token: TOKENS.designer, body: upload([['dish-decision.bpmn', decide]]) });
    expect(alone.status).toBe(422);
    expect(problemOf(alone).findings).toContainEqual(objectWith({ elementId: 'Decide', rule: 'supported-elements' }));

    const response = await api.request<DeployResult>('POST', '/api/deployments', { token: TOKENS.designer, body: upload([['dish-decision.bpmn', decide], ['dish.dmn', dmn]], 'dish rules') });
    expect(response.status, response.text).toBe(201);
    expect(response.body.decisions).toEqual([{ id: 'dish', version: 1, changed: true }]);
    expect((await api.get(response.headers.get('location')!, TOKENS.nobody)).body).toEqual({
      deploymentId: response.body.deploymentId, deployedAt: anyText(), deployedBy: 'dora', note: 'dish rules',
      processes: [{ key: 'dish-decision', version: 1, name: 'Dish decision' }], decisions: [{ id: 'dish', version: 1, name: 'Dish', fileName: 'dish.dmn' }],
    });
    expect((await api.get('/api/decisions', TOKENS.erp)).body).toEqual([
      { id: 'dish', name: 'Dish', latestVersion: 1, fileName: 'dish.dmn', deployedAt: anyText() },
    ]);
    expect((await api.get<DecisionDetail>('/api/decisions/dish', TOKENS.erp)).body.versions).toEqual([objectWith({ version: 1, note: 'dish rules', deployedBy: 'dora' })]);
    const xml = await api.get('/api/decisions/dish/versions/1/xml', TOKENS.erp);
    expect(xml.contentType).toMatch(/^application\/xml/);
    expect(xml.text).toBe(dmn);
    expect((await api.get('/api/decisions/dish/versions/2/xml', TOKENS.erp)).status).toBe(404);
    expect((await api.get('/api/decisions/nothing', TOKENS.erp)).status).toBe(404);
  });

  it('keeps a byte order mark: the XML comes back byte for byte', async () => {
    const xml = '\uFEFF' + checkProcess('procurement').replace('invoice-check', 'bom-check').replace('Invoice check', 'BOM check');
    const response = await api.request('POST', '/api/deployments?name=bom-check.bpmn', { token: TOKENS.designer, body: xml, headers: { 'content-type': 'application/xml' } });
    expect(response.status, response.text).toBe(201);
    const served = await fetch(`${server.url}/api/processes/bom-check/versions/1/xml`, { headers: { authorization: `Bearer ${TOKENS.erp}` } });
    expect(Buffer.from(await served.arrayBuffer()).equals(Buffer.from(xml, 'utf8'))).toBe(true);
  });

  it('reads a file written as ISO-8859-1 with its declared encoding and serves back the same bytes', async () => {
    const text = checkProcess('procurement')
      .replace('encoding="UTF-8"', 'encoding="ISO-8859-1"')
      .replace('invoice-check', 'latin1-check')
      .replace('Invoice check', 'Rechnungsprüfung für Großkunden');
    const bytes = Buffer.from(text, 'latin1');
    expect(bytes.includes(Buffer.from('ü', 'utf8'))).toBe(false); // really single-byte
    const form = new FormData();
    form.append('files', new Blob([bytes], { type: 'application/octet-stream' }), 'latin1-check.bpmn');
    const response = await api.request('POST', '/api/deployments', { token: TOKENS.designer, body: form });
    expect(response.status, response.text).toBe(201);
    expect((await api.get<ProcessSummary>('/api/processes/latin1-check', TOKENS.erp)).body.name).toBe('Rechnungsprüfung für Großkunden');
    const served = await fetch(`${server.url}/api/processes/latin1-check/versions/1/xml`, { headers: { authorization: `Bearer ${TOKENS.erp}` } });
    expect(served.headers.get('content-type')).toContain('iso-8859-1');
    expect(Buffer.from(await served.arrayBuffer()).equals(bytes)).toBe(true);
  });

  it('takes an XML body sent with the charset its file declares (curl -H "Content-Type: text/xml; charset=ISO-8859-1"), and refuses one that contradicts it', async () => {
    const text = checkProcess('procurement')
      .replace('encoding="UTF-8"', 'encoding="ISO-8859-1"')
      .replace('invoice-check', 'latin1-body')
      .replace('Invoice check', 'Prüfung für Großkunden');
    const bytes = Buffer.from(text, 'latin1');
    const contradicted = await api.request('POST', '/api/deployments?name=latin1-body.bpmn', { token: TOKENS.designer, body: bytes, headers: { 'content-type': 'text/xml; charset=windows-1252' } });
    expect(contradicted.status).toBe(415);
    expect(problemOf(contradicted).detail).toBe('latin1-body.bpmn is sent as charset=windows-1252, but its bytes say iso-8859-1 (its XML declaration or byte-order mark); send the charset the file declares, or none.');
    expect((await api.get('/api/processes/latin1-body', TOKENS.erp)).status).toBe(404);

    const response = await api.request('POST', '/api/deployments?name=latin1-body.bpmn', { token: TOKENS.designer, body: bytes, headers: { 'content-type': 'text/xml; charset=ISO-8859-1' } });
    expect(response.status, response.text).toBe(201);
    expect((await api.get<ProcessSummary>('/api/processes/latin1-body', TOKENS.erp)).body.name).toBe('Prüfung für Großkunden');
    const served = await fetch(`${server.url}/api/processes/latin1-body/versions/1/xml`, { headers: { authorization: `Bearer ${TOKENS.erp}` } });
    expect(Buffer.from(await served.arrayBuffer()).equals(bytes)).toBe(true);
    // charset=utf-8, which clients add by default, reads the file by its declaration as before: the same version
    const again = await api.request<DeployResult>('POST', '/api/deployments?name=latin1-body.bpmn', { token: TOKENS.designer, body: bytes, headers: { 'content-type': 'application/xml; charset=utf-8' } });
    expect(again.status, again.text).toBe(200);
    expect(again.body.deployed).toEqual([{ key: 'latin1-body', version: 1, changed: false }]);
  });

  it('reads a file written as UTF-16 (with a byte-order mark, as .NET tools write it), serves back the same bytes, and refuses bytes that decode in no encoding, naming the line', async () => {
    const text = checkProcess('procurement')
      .replace('encoding="UTF-8"', 'encoding="UTF-16"')
      .replace('invoice-check', 'utf16-check')
      .replace('Invoice check', 'Prüfung 検査');
    const form = new FormData();
    const uploaded = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    form.append('files', new Blob([uploaded]), 'utf16-check.bpmn');
    const response = await api.request('POST', '/api/deployments', { token: TOKENS.designer, body: form });
    expect(response.status, response.text).toBe(201);
    expect((await api.get<ProcessSummary>('/api/processes/utf16-check', TOKENS.erp)).body.name).toBe('Prüfung 検査');
    // served back as it came: UTF-8 bytes under a UTF-16 declaration would be refused by libxml2 once saved
    const served = await fetch(`${server.url}/api/processes/utf16-check/versions/1/xml`, { headers: { authorization: `Bearer ${TOKENS.erp}` } });
    expect(served.headers.get('content-type')).toContain('charset=utf-16');
    expect(Buffer.from(await served.arrayBuffer()).equals(uploaded)).toBe(true);

    const broken = Buffer.from(checkProcess('procurement').replace('invoice-check', 'broken-check').replace('Invoice check', 'Invoice \u0000check'), 'utf8');
    const at = broken.indexOf('\u0000');
    broken[at] = 0xff; // a byte no UTF-8 text holds
    const refused = await api.request('POST', '/api/deployments?name=broken-check.bpmn', { token: TOKENS.designer, body: broken, headers: { 'content-type': 'application/xml' } });
    expect(refused.status).toBe(400);
    expect(problemOf(refused).detail).toMatch(/^broken-check\.bpmn is not valid UTF-8 at line \d+ \(byte 0xff\)/);
    expect((await api.get('/api/processes/broken-check', TOKENS.erp)).status).toBe(404);
  });

  it('accepts file names and process names in any script', async () => {
    const xml = checkProcess('procurement').replace('invoice-check', 'rechnungspruefung').replace('Invoice check', 'Rechnungsprüfung');
    const response = await api.request('POST', `/api/deployments?name=${encodeURIComponent('Rechnungsprüfung.bpmn')}`, { token: TOKENS.designer, body: xml, headers: { 'content-type': 'application/xml' } });
    expect(response.status, response.text).toBe(201);
    const detail = await api.get('/api/processes/rechnungspruefung', TOKENS.erp);
    expect(detail.body).toMatchObject({ key: 'rechnungspruefung', name: 'Rechnungsprüfung', latestVersion: 1 });
  });

  it('refuses what would fail at run time with 422 findings naming files and element ids, and deploys nothing of the upload', async () => {
    const before = (await api.get('/api/processes', TOKENS.erp)).body;
    const response = await api.request('POST', '/api/deployments', {
      token: TOKENS.designer,
      body: upload([['invoice-run.bpmn', callerProcess('no-such-process')], ['invoice-check.bpmn', checkProcess('')]]),
    });
    expect(response.status).toBe(422);
    expect(response.contentType).toMatch(/^application\/problem\+json/);
    const findings = problemOf(response).findings;
    expect(findings).toEqual(arrayWith([
      objectWith({ file: 'invoice-run.bpmn', elementId: 'CallCheck', severity: 'error' }),
      // a task with no assignment only warns: it is offered to the default task group
      objectWith({ file: 'invoice-check.bpmn', elementId: 'Check', severity: 'warning', rule: 'user-task-candidate-groups' }),
    ]));
    expect((await api.get('/api/processes', TOKENS.erp)).body).toEqual(before);
  });

  it('refuses a job declaring retries no job can spend (99999999999, past PostgreSQL\'s integer) with 422 naming file and element', async () => {
    const archive = readFileSync(new URL('../fixtures/server/archive-export.bpmn', import.meta.url), 'utf8').replaceAll('archive-export', 'archive-export-overflow');
    const forged = archive.replace('retries="250"', 'retries="99999999999"');
    expect(forged).not.toBe(archive);
    const response = await api.request('POST', '/api/deployments?name=archive-export-overflow.bpmn', {
      token: TOKENS.designer, body: forged, headers: { 'content-type': 'application/xml' },
    });
    expect(response.status, response.text).toBe(422);
    expect(response.contentType).toMatch(/^application\/problem\+json/);
    expect(problemOf(response).findings).toEqual(arrayWith([objectWith({
      file: 'archive-export-overflow.bpmn', elementId: 'Export', rule: 'service-task-job-type', severity: 'error',
      message: textContaining('declares retries="99999999999": a job\'s retries are a count from 1 to 2147483647'),
    })]));
    expect((await api.get('/api/processes/archive-export-overflow', TOKENS.erp)).status).toBe(404);
  });

  it('refuses a sales order management whose approval call hands on its own approved (call-outcome-kept), keeping the deployed version', async () => {
    const shipped = readFileSync(new URL('../../diagrams/sales-order-management.bpmn', import.meta.url), 'utf8');
    const call = '<zeebe:calledElement processId="credit-order-approval" propagateAllChildVariables="true" bindingType="latest" />';
    const forged = shipped.replace(call, `${call}<zeebe:ioMapping><zeebe:output source="=approved or true" target="approved" /></zeebe:ioMapping>`);
    expect(forged).not.toBe(shipped);
    const before = (await api.get<ProcessDetail>('/api/processes/sales-order-management', TOKENS.erp)).body.latestVersion;
    const response = await api.request('POST', '/api/deployments?name=sales-order-management.bpmn&note=smoother', {
      token: TOKENS.designer, body: forged, headers: { 'content-type': 'application/xml' },
    });
    expect(response.status, response.text).toBe(422);
    expect(response.contentType).toMatch(/^application\/problem\+json/);
    expect(problemOf(response).findings).toEqual(arrayWith([objectWith({
      file: 'sales-order-management.bpmn', elementId: 'CallActivity_ApproveCreditOrder', rule: 'call-outcome-kept', severity: 'error',
      message: textContaining('has an output mapping to approved from =approved or true, which "credit-order-approval" decides'),
    })]));
    expect((await api.get<ProcessDetail>('/api/processes/sales-order-management', TOKENS.erp)).body.latestVersion).toBe(before);
  });

  it('refuses a condition on a variable nothing supplies (the start variables are declared), naming element and variable', async () => {
    const decided = checkProcess('procurement')
      .replace('<bpmn:startEvent id="Start">', '<bpmn:startEvent id="Start"><bpmn:extensionElements><zeebe:ioMapping><zeebe:output source="=amount" target="amount" /></zeebe:ioMapping></bpmn:extensionElements>')
      .replace('<zeebe:assignmentDefinition candidateGroups="procurement" />', '<zeebe:assignmentDefinition candidateGroups="procurement" /><zeebe:ioMapping><zeebe:output source="=approved" target="invoiceApproved" /></zeebe:ioMapping>')
      .replace('<bpmn:sequenceFlow id="F2" sourceRef="Check" targetRef="End" />',
        '<bpmn:sequenceFlow id="F2" sourceRef="Check" targetRef="End"><bpmn:conditionExpression>=approved</bpmn:conditionExpression></bpmn:sequenceFlow>' +
        '<bpmn:sequenceFlow id="F3" sourceRef="Check" targetRef="End"><bpmn:conditionExpression>=not(invoiceApproved)</bpmn:conditionExpression></bpmn:sequenceFlow>')
      .replace('<bpmn:outgoing>F2</bpmn:outgoing></bpmn:userTask>', '<bpmn:outgoing>F2</bpmn:outgoing><bpmn:outgoing>F3</bpmn:outgoing></bpmn:userTask>')
      .replace('<bpmn:incoming>F2</bpmn:incoming></bpmn:endEvent>', '<bpmn:incoming>F2</bpmn:incoming><bpmn:incoming>F3</bpmn:incoming></bpmn:endEvent>')
      .replace(/invoice-check/g, 'invoice-decide');
    const response = await api.request('POST', '/api/deployments?name=invoice-decide.bpmn', { token: TOKENS.designer, body: decided, headers: { 'content-type': 'application/xml' } });
    expect(response.status, response.text).toBe(422);
    const refused = problemOf(response).findings?.filter((finding) => finding.severity === 'error');
    expect(refused).toEqual([objectWith({ rule: 'condition-variables-supplied', elementId: 'F2', message: textContaining('reads "approved", which nothing supplies') })]);
    expect((await api.get('/api/processes/invoice-decide', TOKENS.erp)).status).toBe(404);

    // with the decision read from the task's own output, it deploys
    const fixed = await api.request('POST', '/api/deployments?name=invoice-decide.bpmn', {
      token: TOKENS.designer, body: decided.replace('>=approved<', '>=invoiceApproved<'), headers: { 'content-type': 'application/xml' },
    });
    expect(fixed.status, fixed.text).toBe(201);
  });

  it('checks a called process\'s conditions against what its deployed callers supply at the call', async () => {
    const caller = callerProcess('invoice-route').replace(/invoice-run/g, 'invoice-intake').replace('Invoice run', 'Invoice intake')
      .replace('<bpmn:startEvent id="Start">', '<bpmn:startEvent id="Start"><bpmn:extensionElements><zeebe:ioMapping><zeebe:output source="=amount" target="amount" /></zeebe:ioMapping></bpmn:extensionElements>');
    const routed = (condition: string) => definitions(`  <bpmn:process id="invoice-route" name="Invoice route" isExecutable="true">
    <bpmn:startEvent id="Start"><bpmn:outgoing>F1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:exclusiveGateway id="Large" name="Large?" default="F3"><bpmn:incoming>F1</bpmn:incoming><bpmn:outgoing>F2</bpmn:outgoing><bpmn:outgoing>F3</bpmn:outgoing></bpmn:exclusiveGateway>
    <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="Large" />
    <bpmn:sequenceFlow id="F2" name="large" sourceRef="Large" targetRef="End"><bpmn:conditionExpression>${condition}</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="F3" name="small" sourceRef="Large" targetRef="End" />
    <bpmn:endEvent id="End"><bpmn:incoming>F2</bpmn:incoming><bpmn:incoming>F3</bpmn:incoming></bpmn:endEvent>
  </bpmn:process>`);
    const first = await api.request<DeployResult>('POST', '/api/deployments', {
      token: TOKENS.designer, body: upload([['invoice-intake.bpmn', caller], ['invoice-route.bpmn', routed('=amount &gt; 1000')]]),
    });
    expect(first.status, first.text).toBe(201);
    expect(first.body.warnings.filter((finding) => finding.rule === 'condition-variables-supplied')).toEqual([]);

    // alone, the called process gets "amount" from its deployed caller, but nothing supplies "rush"
    const second = await api.request('POST', '/api/deployments?name=invoice-route.bpmn', {
      token: TOKENS.designer, body: routed('=amount &gt; 1000 or rush'), headers: { 'content-type': 'application/xml' },
    });
    expect(second.status, second.text).toBe(422);
    expect(problemOf(second).findings?.filter((finding) => finding.severity === 'error')).toEqual([
      objectWith({ rule: 'condition-variables-supplied', elementId: 'F2', message: textContaining('reads "rush", which nothing supplies: process "invoice-route" is only called from processes that declare their start variables ("invoice-intake"), none of which supplies it') }),
    ]);
  });

  it('refuses a user task offered to a candidate group no user in the users file is in', async () => {
    const response = await api.request('POST', '/api/deployments?name=invoice-audit.bpmn', {
      token: TOKENS.designer, body: checkProcess('procurement,auditors').replace(/invoice-check/g, 'invoice-audit'), headers: { 'content-type': 'application/xml' },
    });
    expect(response.status, response.text).toBe(422);
    expect(problemOf(response).findings).toEqual(arrayWith([
      objectWith({ rule: 'candidate-group-members', severity: 'error', elementId: 'Check', message: textContaining('candidate group "auditors", which no user is in') }),
    ]));
  });

  it('refuses a DOCTYPE before parsing, naming the file', async () => {
    const response = await api.request('POST', '/api/deployments', {
      token: TOKENS.designer,
      body: upload([['evil.bpmn', checkProcess('a').replace('?>', '?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>')]]),
    });
    expect(response.status).toBe(422);
    expect(problemOf(response).errors).toEqual([{ field: 'evil.bpmn', message: 'contains a DOCTYPE or ENTITY declaration' }]);
  });
});

describe('GET /api/groups', () => {
  it('lists the task groups that have members, for designers only', async () => {
    const groups = await api.get('/api/groups', TOKENS.designer);
    expect(groups.status).toBe(200);
    expect(groups.body).toEqual({ groups: ['inspection', 'procurement', 'production', 'sales-director', 'vice-president'], demo: false });
    expect((await api.get('/api/groups', TOKENS.erp)).status).toBe(403);
  });
});

describe('deploying in demo mode', () => {
  let demo: TestServer;
  beforeAll(async () => {
    demo = await startTestServer({ demo: true });
  });
  afterAll(async () => {
    await demo.close();
    removeDataDir(demo.dataDir);
  });

  it('deploys a user task offered to a group no demo user is in, with a warning', async () => {
    const response = await demo.api.request<DeployResult>('POST', '/api/deployments?name=invoice-check.bpmn', {
      token: 'demo-designer', body: checkProcess('auditors'), headers: { 'content-type': 'application/xml' },
    });
    expect(response.status, response.text).toBe(201);
    expect(response.body.warnings).toEqual(arrayWith([
      objectWith({ rule: 'candidate-group-members', severity: 'warning', elementId: 'Check', message: textContaining('"auditors"') }),
    ]));
    expect((await demo.api.get('/api/groups', 'demo-designer')).body).toMatchObject({ demo: true, groups: arrayWith(['vice-president']) });
  });
});
