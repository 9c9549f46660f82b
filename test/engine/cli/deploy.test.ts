// `stratum deploy` as a CI pipeline runs it: the real command line
// (`node engine/cli/stratum.js deploy …`, compiled from the sources: test/support/compiled-sources.ts) against a started server.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProcessDetail } from '../../../engine/api.js';
import { TOKENS } from '../../server/support/client.js';
import { DIAGRAMS_DIR, removeDataDir, startTestServer, type TestServer } from '../../server/support/real-server.js';
import { compiledPath } from '../../support/compiled-sources.js';
import { arrayWith, textMatching } from '../../support/matchers.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const STRATUM_CLI = compiledPath('engine/cli/stratum.ts');

let server: TestServer;
const scratch = mkdtempSync(join(tmpdir(), 'stratum-cli-deploy-'));

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
  removeDataDir(server.dataDir);
  rmSync(scratch, { recursive: true, force: true });
});

// Each case starts the CLI as its own Node process: a second or more each on a busy machine.
describe('stratum deploy', { timeout: 180_000 }, () => {
  it('deploys new and changed files as new versions with the note and the token\'s user, and names the unchanged ones', async () => {
    const check = write('first/invoice-check.bpmn', checkProcess('Invoice check'));
    const first = await stratum(['deploy', '--server', server.url, '--note', 'invoice check drawn', check], { STRATUM_TOKEN: TOKENS.designer });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(lines(first.stdout)).toEqual(['invoice-check version 1', '1 file deployed: 1 new version, 0 warnings']);

    write('first/invoice-check.bpmn', checkProcess('Invoice check, renamed'));
    const again = await stratum(['deploy', '--server', `${server.url}/`, '--token', TOKENS.designer, '-n', 'renamed', check, `${DIAGRAMS_DIR}order-to-cash.bpmn`]);
    expect(again.code).toBe(0);
    expect(lines(again.stdout)).toEqual(arrayWith(['invoice-check version 2', 'order-to-cash version 1 (unchanged)']));
    expect(lines(again.stdout).at(-1)).toBe('2 files deployed: 1 new version, 1 unchanged, 0 warnings');

    const detail = (await server.api.get<ProcessDetail>('/api/processes/invoice-check', TOKENS.erp)).body;
    expect(detail.versions.map((version) => [version.version, version.note, version.deployedBy])).toEqual(
      arrayWith([[1, 'invoice check drawn', 'dora'], [2, 'renamed', 'dora']]),
    );
    // the exact bytes on disk arrive on the server
    const xml = await fetch(`${server.url}/api/processes/invoice-check/versions/2/xml`, { headers: { authorization: `Bearer ${TOKENS.erp}` } });
    expect(await xml.text()).toBe(readFileSync(check, 'utf8'));
  });

  it('deploys a file whose ids are XML names in any script under its process ids, byte for byte', async () => {
    const vendor = write('vendor/prüfen.bpmn', readFileSync(join(ROOT, 'test/fixtures/server/non-ascii-ids.bpmn'), 'utf8'));
    const { code, stdout, stderr } = await stratum(['deploy', '-s', server.url, '-n', 'vendor diagram', vendor], { STRATUM_TOKEN: TOKENS.designer });
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(lines(stdout)).toEqual(arrayWith(['Prüfen version 1', '確認_1 version 1']));
    const xml = await fetch(`${server.url}/api/processes/${encodeURIComponent('Prüfen')}/versions/1/xml`, { headers: { authorization: `Bearer ${TOKENS.erp}` } });
    expect(Buffer.from(await xml.arrayBuffer()).equals(readFileSync(vendor))).toBe(true);

    const refused = write('vendor/kaputt.bpmn', readFileSync(vendor, 'utf8').replace('id="Prüfen"', 'id="Pr üfen"'));
    const bad = await stratum(['deploy', '-s', server.url, '-n', 'broken id', refused], { STRATUM_TOKEN: TOKENS.designer });
    expect(bad.code).toBe(1);
    expect(lines(bad.stdout)).toContainEqual(textMatching(new RegExp(`^${escape(refused)}:Pr üfen: the id "Pr üfen" is not a valid BPMN id \\(an XML name.*\\(xml-import\\)$`)));
  });

  it('prints warnings with the local path and element id, as validate does', async () => {
    const noDiagram = write('warned/no-diagram.bpmn', checkProcess('No diagram', { id: 'no-diagram', withDiagram: false }));
    const { code, stdout } = await stratum(['deploy', '-s', server.url, '-n', 'without a diagram', noDiagram], { STRATUM_TOKEN: TOKENS.designer });
    expect(code).toBe(0);
    expect(lines(stdout)).toContainEqual(textMatching(new RegExp(`^${escape(noDiagram)}:-: warning: .*\\(no-bpmndi\\)$`)));
    expect(lines(stdout).at(-1)).toMatch(/^1 file deployed: 1 new version, \d+ warnings?$/);
  });

  it('prints the conditions elsewhere that still compare with a constant the deployment moved, as warnings', async () => {
    // sales-order-management repeats credit-order-approval's 500,000 tier for a raised amount (docs/impact.md)
    const approval = readFileSync(`${DIAGRAMS_DIR}credit-order-approval.bpmn`, 'utf8');
    const lowered = write('lowered/credit-order-approval.bpmn', approval.replace('reportingAmount &gt; 500000', 'reportingAmount &gt; 400000'));
    const { code, stdout, stderr } = await stratum(['deploy', '-s', server.url, '-n', 'tier lowered', lowered], { STRATUM_TOKEN: TOKENS.designer });
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const printed = lines(stdout);
    expect(printed[0]).toMatch(/^credit-order-approval version \d+$/);
    expect(printed).toContainEqual('conditions that still compare with a constant this change moved (warnings, not blocking): 1');
    expect(printed).toContainEqual(textMatching(new RegExp(
      `^  warning: sales-order-management "Approval tier raised\\?" still compares changeReportingAmount .* with 500000, which this change moved to 400000 in credit-order-approval "Amount tier\\?" \\(sales-order-management/Flow_ApprovalTierRaised_Yes: =.*\\)$`,
    )));
    expect(printed.at(-1)).toMatch(/^1 file deployed: 1 new version, [1-9]\d* warnings?$/);

    // deployed: the same file again moves nothing
    const again = await stratum(['deploy', '-s', server.url, '-n', 'again', lowered], { STRATUM_TOKEN: TOKENS.designer });
    expect(again.code).toBe(0);
    expect(again.stdout).not.toContain('still compares');
  });

  it('prints the messages whose catchers the deployment alters, as warnings', async () => {
    const entryControl = readFileSync(`${DIAGRAMS_DIR}prepaid-entry-control.bpmn`, 'utf8');
    const renamed = write('message/prepaid-entry-control.bpmn', entryControl.replace('name="PaymentReceived"', 'name="PaymentArrived"'));
    const { code, stdout, stderr } = await stratum(['deploy', '-s', server.url, '-n', 'payment message renamed', renamed], { STRATUM_TOKEN: TOKENS.designer });
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const printed = lines(stdout);
    expect(printed).toContainEqual('messages whose catchers this change alters (warnings, not blocking): 2');
    expect(printed).toContainEqual(textMatching(/^ {2}warning: No process caught PaymentArrived before: after the deploy prepaid-entry-control "Payment received" waits for it/));
    expect(printed.at(-1)).toMatch(/^1 file deployed: 1 new version, ([2-9]|\d\d+) warnings$/);
  });

  it('exits 1 on a refusal, printing each finding with the local path and element id, and deploys nothing', async () => {
    const caller = write('refused/invoice-run.bpmn', callerProcess('no-such-process'));
    const check = write('refused/invoice-check.bpmn', checkProcess('Invoice check, refused version'));
    const { code, stdout, stderr } = await stratum(['deploy', '--server', server.url, '--note', 'calls nothing', caller, check], { STRATUM_TOKEN: TOKENS.designer });
    expect(code).toBe(1);
    expect(lines(stdout)).toContainEqual(textMatching(new RegExp(`^${escape(caller)}:CallCheck: .*no-such-process.*\\(called-process-exists\\)$`)));
    expect(lines(stdout).at(-1)).toMatch(/^2 files refused: 1 error, \d+ warnings?; nothing was deployed$/);
    expect(stderr).toContain('stratum deploy: refused (422 Unprocessable content)');
    expect((await server.api.get('/api/processes/invoice-run', TOKENS.erp)).status).toBe(404);
    expect((await server.api.get<ProcessDetail>('/api/processes/invoice-check', TOKENS.erp)).body.latestVersion).toBe(2);
  });

  it('names the local files and their sizes when the upload is over the server\'s body limit', async () => {
    // the test server takes 256 KB; a long documentation makes the file larger
    const large = write('large/large.bpmn', checkProcess('Large').replace('<bpmn:startEvent', `<bpmn:documentation>${'&lt;p&gt;notes&lt;/p&gt;\n'.repeat(16_000)}</bpmn:documentation><bpmn:startEvent`));
    const small = write('large/small.bpmn', checkProcess('Small', { id: 'small-check' }));
    const { code, stderr } = await stratum(['deploy', '--server', server.url, '--note', 'too large', small, large], { STRATUM_TOKEN: TOKENS.designer });
    expect(code).toBe(1);
    const printed = lines(stderr);
    expect(printed).toContainEqual(textMatching(/^stratum deploy: refused \(413 /));
    const named = printed.filter((line) => / \d+ bytes$/.test(line));
    expect(named).toEqual([`stratum deploy: ${large}: ${readFileSync(large).length} bytes`, `stratum deploy: ${small}: ${readFileSync(small).length} bytes`]);
    expect(printed.at(-1)).toContain('STRATUM_BODY_LIMIT caps one upload, all files of one deploy together');
  });

  it('exits 1 when the server refuses a file before validating it, naming the local file', async () => {
    const evil = write('evil/evil.bpmn', checkProcess('Evil').replace('?>', '?><!DOCTYPE x [<!ENTITY e "e">]>'));
    const { code, stderr } = await stratum(['deploy', '--server', server.url, '--note', 'doctype', evil], { STRATUM_TOKEN: TOKENS.designer });
    expect(code).toBe(1);
    expect(stderr).toContain(`stratum deploy: ${evil}: contains a DOCTYPE or ENTITY declaration`);
  });

  it('prints the server\'s answer with --json', async () => {
    const check = write('json/invoice-check.bpmn', checkProcess('Invoice check, renamed'));
    const { code, stdout } = await stratum(['deploy', '--json', '--server', server.url, '--note', 'no change', check], { STRATUM_TOKEN: TOKENS.designer });
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ deployed: [{ key: 'invoice-check', version: 2, changed: false }], warnings: [] });
  });

  it('exits 2 when the token is unknown or its user may not deploy', async () => {
    const check = write('auth/invoice-check.bpmn', checkProcess('Invoice check by an outsider'));
    const unknown = await stratum(['deploy', '--server', server.url, '--note', 'x', check], { STRATUM_TOKEN: 'not-a-token-of-anyone' });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('stratum deploy: refused (401 Authentication required)');
    const erp = await stratum(['deploy', '--server', server.url, '--token', TOKENS.erp, '--note', 'x', check]);
    expect(erp.code).toBe(2);
    expect(erp.stderr).toContain('stratum deploy: refused (403 Forbidden)');
    expect((await server.api.get<ProcessDetail>('/api/processes/invoice-check', TOKENS.erp)).body.latestVersion).toBe(2);
  });

  it('exits 2 without a server, a token, a note or files, or with two files of one name', async () => {
    const check = write('usage/invoice-check.bpmn', checkProcess('Invoice check'));
    const twin = write('usage/twin/invoice-check.bpmn', checkProcess('Invoice check'));
    const cases: [string[], string][] = [
      [['--note', 'x', check], 'name the server with --server <url>'],
      [['--server', 'ftp://example.com', '--note', 'x', check], 'must be an http or https URL'],
      [['--server', server.url, '--note', 'x', check], 'name a token of a designer with --token or the environment variable STRATUM_TOKEN'],
      [['--server', server.url, '--token', TOKENS.designer, check], 'say what changed with --note'],
      [['--server', server.url, '--token', TOKENS.designer, '--note', 'x'], 'name at least one .bpmn or .dmn file or folder'],
      [['--server', server.url, '--token', TOKENS.designer, '--note', 'x', check, twin], 'have the same file name'],
      [['--server', server.url, '--token', TOKENS.designer, '--note', 'x', join(scratch, 'missing.bpmn')], 'no such file or folder'],
    ];
    for (const [args, message] of cases) {
      const { code, stderr } = await stratum(['deploy', ...args], { STRATUM_TOKEN: '' });
      expect(code, args.join(' ')).toBe(2);
      expect(stderr, args.join(' ')).toContain(message);
    }
  });

  it('exits 2 when the server cannot be reached', async () => {
    const check = write('unreachable/invoice-check.bpmn', checkProcess('Invoice check'));
    const port = await closedPort();
    const { code, stderr } = await stratum(['deploy', '--server', `http://127.0.0.1:${port}`, '--note', 'x', check], { STRATUM_TOKEN: TOKENS.designer });
    expect(code).toBe(2);
    expect(stderr).toContain(`stratum deploy: cannot reach http://127.0.0.1:${port}: ECONNREFUSED`);
  });
});

describe('stratum --version', () => {
  it('prints the version of package.json', async () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const { code, stdout } = await stratum(['--version']);
    expect(code).toBe(0);
    expect(stdout).toBe(`${version}\n`);
    expect(version).toMatch(/^\d+\.\d+\.\d+(-[\w.]+)?$/);
  });
});

// helpers

function stratum(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [STRATUM_CLI, ...args], { cwd: ROOT, env: { ...process.env, ...env } }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

function write(relative: string, text: string): string {
  const path = join(scratch, relative);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
  return path;
}

/** A port nothing listens on: one the system just handed out and took back. */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

const lines = (text: string) => text.split('\n').filter(Boolean);

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function checkProcess(name: string, options: { id?: string; withDiagram?: boolean } = {}): string {
  const id = options.id ?? 'invoice-check';
  const diagram = options.withDiagram === false ? '' : `
  <bpmndi:BPMNDiagram id="Diagram"><bpmndi:BPMNPlane id="Plane" bpmnElement="${id}">
    <bpmndi:BPMNShape id="Start_di" bpmnElement="Start"><dc:Bounds x="100" y="100" width="36" height="36" /></bpmndi:BPMNShape>
    <bpmndi:BPMNShape id="Check_di" bpmnElement="Check"><dc:Bounds x="200" y="78" width="100" height="80" /></bpmndi:BPMNShape>
    <bpmndi:BPMNShape id="End_di" bpmnElement="End"><dc:Bounds x="360" y="100" width="36" height="36" /></bpmndi:BPMNShape>
    <bpmndi:BPMNEdge id="F1_di" bpmnElement="F1"><di:waypoint x="136" y="118" /><di:waypoint x="200" y="118" /></bpmndi:BPMNEdge>
    <bpmndi:BPMNEdge id="F2_di" bpmnElement="F2"><di:waypoint x="300" y="118" /><di:waypoint x="360" y="118" /></bpmndi:BPMNEdge>
  </bpmndi:BPMNPlane></bpmndi:BPMNDiagram>`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="Defs" targetNamespace="http://example.com">
  <bpmn:process id="${id}" name="${name}" isExecutable="true">
    <bpmn:startEvent id="Start" name="Invoice received"><bpmn:outgoing>F1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="Check" />
    <bpmn:userTask id="Check" name="Check invoice"><bpmn:extensionElements><zeebe:assignmentDefinition candidateGroups="procurement" /></bpmn:extensionElements><bpmn:incoming>F1</bpmn:incoming><bpmn:outgoing>F2</bpmn:outgoing></bpmn:userTask>
    <bpmn:sequenceFlow id="F2" sourceRef="Check" targetRef="End" />
    <bpmn:endEvent id="End" name="Invoice checked"><bpmn:incoming>F2</bpmn:incoming></bpmn:endEvent>
  </bpmn:process>${diagram}
</bpmn:definitions>
`;
}

function callerProcess(called: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="Defs" targetNamespace="http://example.com">
  <bpmn:process id="invoice-run" name="Invoice run" isExecutable="true">
    <bpmn:startEvent id="Start"><bpmn:outgoing>F1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="CallCheck" />
    <bpmn:callActivity id="CallCheck" name="Check"><bpmn:extensionElements><zeebe:calledElement processId="${called}" /></bpmn:extensionElements><bpmn:incoming>F1</bpmn:incoming><bpmn:outgoing>F2</bpmn:outgoing></bpmn:callActivity>
    <bpmn:sequenceFlow id="F2" sourceRef="CallCheck" targetRef="End" />
    <bpmn:endEvent id="End"><bpmn:incoming>F2</bpmn:incoming></bpmn:endEvent>
  </bpmn:process>
</bpmn:definitions>
`;
}
