// `stratum impact` and `stratum validate --server` as a CI pipeline runs them:
// the real command line against a started server with recorded orders.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImpactReport } from '../../../engine/impact/impact-report.js';
import { TOKENS } from '../../server/support/client.js';
import { DIAGRAMS_DIR, removeDataDir, startTestServer, type TestServer } from '../../server/support/real-server.js';
import { compiledPath } from '../../support/compiled-sources.js';
import { arrayWith } from '../../support/matchers.js';
import { erp } from '../../support/stratum-fixture.js';
import { approvalTierDmn, decidedTiers } from '../impact/candidates.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
// compiled from the sources (test/support/compiled-sources.ts): tsx took a second or more per run
const STRATUM_CLI = compiledPath('engine/cli/stratum.ts');

let server: TestServer;
const scratch = mkdtempSync(join(tmpdir(), 'stratum-cli-impact-'));
const approval = readFileSync(`${DIAGRAMS_DIR}credit-order-approval.bpmn`, 'utf8');

beforeAll(async () => {
  server = await startTestServer();
  // running: CLI-350, CLI-450, CLI-700 (approved by the vice-president); worked to their end: CLI-450E and CLI-700E. A running
  // order replays on the versions it started (it keeps its approval), an ended one as if entered now (docs/impact.md)
  for (const [orderNo, amount] of [['CLI-350', 350_000], ['CLI-450', 450_000], ['CLI-700', 700_000], ['CLI-450E', 450_000], ['CLI-700E', 700_000]] as const) {
    const entered = await server.api.post('/api/orders', TOKENS.erp, { orderNo, customer: { name: 'ACME' }, amount, currency: 'CNY', paymentTerms: 'credit' });
    expect(entered.status).toBe(201);
  }
  for (const orderNo of ['CLI-700', 'CLI-700E']) {
    const [task] = (await server.api.get<{ id: string }[]>(`/api/tasks?businessKey=${orderNo}`, TOKENS.vp)).body;
    expect((await server.api.post(`/api/tasks/${task.id}/complete`, TOKENS.vp, { variables: { approved: true, comment: 'fine' } })).status).toBe(200);
  }
  for (const businessKey of ['CLI-450E', 'CLI-700E']) {
    for (const type of ['procurement-planning', 'production-planning', 'shipping']) {
      for (const job of await server.stratum.runtime.fetchAndLockJobs({ type, workerId: 'w', max: 5, businessKey })) await server.stratum.runtime.completeJob(job.id, {}, erp, 'w');
    }
  }
});
afterAll(async () => {
  await server.close();
  removeDataDir(server.dataDir);
  rmSync(scratch, { recursive: true, force: true });
});

describe('stratum impact', () => {
  it('prints the diff, the running orders, the replay groups and the conditions elsewhere still comparing with the moved constant, and exits 0 when nothing would block', async () => {
    const file = write('lower/credit-order-approval.bpmn', approval.replace('reportingAmount &gt; 500000', 'reportingAmount &gt; 400000'));
    const { code, stdout, stderr } = await stratum(['impact', '--server', server.url, file], { STRATUM_TOKEN: TOKENS.designer });
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(lines(stdout)).toEqual(arrayWith([
      'credit-order-approval: version 2 (was version 1)',
      '  changed Flow_AmountTier_Above500000 (sequence flow "more than 500,000 up to 1,000,000"): condition =reportingAmount > 500000 and reportingAmount <= 1000000 → =reportingAmount > 400000 and reportingAmount <= 1000000',
      '  called by sales-order-management (versions 1) at CallActivity_ReapproveChange, CallActivity_ApproveCreditOrder',
      // the running orders are past their approval: only a raise requested for them would call it again
      '  running orders that will start version 2: 0',
      '  1 order would now wait for "Review order (vice-president)" (vice-president): CLI-450E',
      // sales-order-management repeats the tier for a raised amount: a warning, which does not block
      'conditions that still compare with a constant this change moved (warnings, not blocking): 1',
      '  warning: sales-order-management "Approval tier raised?" still compares changeReportingAmount (passed as reportingAmount at "Approve changed amount") ' +
        'with 500000, which this change moved to 400000 in credit-order-approval "Amount tier?" (sales-order-management/Flow_ApprovalTierRaised_Yes: ' +
        '=paymentTerms != "prepaid-at-entry" and paymentTerms != "prepaid-at-shipment" and ((changeReportingAmount > 1000000 and approvedReportingAmount <= 1000000) ' +
        'or (changeReportingAmount > 500000 and approvedReportingAmount <= 500000)))',
      'the change blocks no recorded order',
    ]));
    const onChange = lines(stdout).find((line) => line.startsWith('  running orders that would start version 2 only if a change to the order leads there: 3: '));
    expect(onChange?.split(': ')[2].split(', ').sort()).toEqual(['CLI-350', 'CLI-450', 'CLI-700']);
  });

  it('prints a decision of the change with the processes calling it and the running orders that will evaluate it', async () => {
    const process = write('decided/credit-order-approval.bpmn', decidedTiers().xml);
    const decision = write('decided/approval-tier.dmn', approvalTierDmn((xml) => xml.replace('&gt; 500000', '&gt; 400000')).xml);
    const { code, stdout } = await stratum(['impact', '-s', server.url, '--token', TOKENS.designer, '--orders', '2', process, decision]);
    expect(code).toBe(0);
    // each running credit order can be approved again after a change of its amount, by the new version calling the decision
    const reaching = (orderNo: string) => `    ${orderNo} waits at sales-order-management/IntermediateCatchEvent_OrderChanged, reaches credit-order-approval/BusinessRuleTask_DecideTier`;
    expect(lines(stdout)).toEqual(arrayWith([
      'decision approval-tier: version 1 (new decision), from approval-tier.dmn',
      '  called by credit-order-approval (no deployed version) at BusinessRuleTask_DecideTier',
      '  running orders that will evaluate version 1: 3',
      '    … and 1 more',
      '  1 order would now wait for "Review order (vice-president)" (vice-president): CLI-450E',
    ]));
    // --orders 2: two of the three
    const listed = lines(stdout).filter((line) => line.startsWith('    CLI-'));
    expect(listed).toHaveLength(2);
    expect(['CLI-350', 'CLI-450', 'CLI-700'].map(reaching)).toEqual(arrayWith(listed));
  });

  it('exits 1 when recorded orders would block, naming them', async () => {
    const file = write('block/credit-order-approval.bpmn', approval
      .replace('<zeebe:output source="=comment" target="vicePresidentComment" />',
        '<zeebe:output source="=comment" target="vicePresidentComment" />\n          <zeebe:output source="=riskAccepted" target="vicePresidentRiskAccepted" />')
      .replace('>=vicePresidentApproved<', '>=vicePresidentApproved and vicePresidentRiskAccepted<'));
    const { code, stdout } = await stratum(['impact', '-s', server.url, '--token', TOKENS.designer, file]);
    expect(code).toBe(1);
    expect(stdout).toMatch(/1 order would block at "Vice-president approved\?": .*: CLI-700E$/m);
    expect(lines(stdout).at(-1)).toBe('the change would block: 1 order blocked, 0 errors in the library');
  });

  it('words a block by an assignment expression that gives a server role\'s group as the refused assignment, in text and in the JSON', async () => {
    const file = write('server-role/credit-order-approval.bpmn', approval.replace('<zeebe:assignmentDefinition candidateGroups="vice-president" />',
      '<zeebe:assignmentDefinition candidateGroups="=if reportingAmount &gt; 600000 then &quot;integration&quot; else &quot;vice-president&quot;" />'));
    const { code, stdout } = await stratum(['impact', '-s', server.url, '--token', TOKENS.designer, file]);
    expect(code).toBe(1);
    expect(lines(stdout)).toContainEqual(expect.stringMatching(new RegExp('^  1 order would block at "Review order \\(vice-president\\)": ' +
      'the new version\'s assignment gives the server role group integration to task "Review order \\(vice-president\\)" ' +
      '\\(task UserTask_ReviewByVicePresident: candidate groups =if .* gave "integration", a group that grants a server role.*\\): CLI-700E$')));
    expect(stdout).not.toMatch(/never recorded/);

    const json = JSON.parse((await stratum(['impact', '-s', server.url, '--token', TOKENS.designer, '--json', file])).stdout) as ImpactReport;
    expect(json.replay.groups.find((group) => group.kind === 'blocked')?.block).toMatchObject({
      element: 'credit-order-approval/UserTask_ReviewByVicePresident', reason: 'assignment-refused',
      incident: { kind: 'assignment-server-role', attribute: 'candidateGroups', given: 'integration', serverRole: 'group' },
    });
  });

  it('exits 2 without a server or a designer token', async () => {
    const file = write('usage/credit-order-approval.bpmn', approval);
    expect((await stratum(['impact', file], { STRATUM_TOKEN: TOKENS.designer })).code).toBe(2);
    const refused = await stratum(['impact', '-s', server.url, '--token', TOKENS.erp, file]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/the server refused \(403/);
  });
});

describe('stratum validate --server', () => {
  it('checks a caller against the deployed library: a call to a deployed process resolves, an unknown one is an error', async () => {
    const caller = (called: string) => `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="Defs" targetNamespace="http://example.com">
  <bpmn:process id="credit-recheck" name="Credit recheck" isExecutable="true">
    <bpmn:startEvent id="Start"><bpmn:outgoing>F1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="Call" />
    <bpmn:callActivity id="Call" name="Approve again"><bpmn:extensionElements><zeebe:calledElement processId="${called}" /></bpmn:extensionElements><bpmn:incoming>F1</bpmn:incoming><bpmn:outgoing>F2</bpmn:outgoing></bpmn:callActivity>
    <bpmn:sequenceFlow id="F2" sourceRef="Call" targetRef="End" />
    <bpmn:endEvent id="End"><bpmn:incoming>F2</bpmn:incoming></bpmn:endEvent>
  </bpmn:process>
</bpmn:definitions>`;
    const good = write('remote/credit-recheck.bpmn', caller('credit-order-approval'));
    const known = await stratum(['validate', '--server', server.url, good], { STRATUM_TOKEN: TOKENS.designer });
    // the call resolves; credit-order-approval runs inside orders, so a process outside them may not call it (order-entry-only)
    expect(lines(known.stdout).filter((line) => line.includes(': ') && !line.includes('warning') && line.startsWith(good))).toEqual([
      expect.stringMatching(/:Call: Call activity "Approve again" calls "credit-order-approval", which runs inside orders .* \(order-entry-only\)$/),
    ]);
    expect(known.code).toBe(1);

    const bad = write('remote-bad/credit-recheck.bpmn', caller('no-such-process'));
    const unknown = await stratum(['validate', '--server', server.url, bad], { STRATUM_TOKEN: TOKENS.designer });
    expect(unknown.code).toBe(1);
    expect(unknown.stdout).toContain(`${bad}:Call:`);
  });

  it('prints the conditions elsewhere that still compare with a constant the files move, as warnings that do not fail the check', async () => {
    const file = write('remote-lower/credit-order-approval.bpmn', approval.replace('reportingAmount &gt; 500000', 'reportingAmount &gt; 400000'));
    const { code, stdout } = await stratum(['validate', '--server', server.url, file], { STRATUM_TOKEN: TOKENS.designer });
    expect(code).toBe(0);
    expect(lines(stdout)).toEqual(arrayWith([
      'conditions that still compare with a constant this change moved (warnings, not blocking): 1',
      expect.stringMatching(/^ {2}warning: sales-order-management "Approval tier raised\?" still compares changeReportingAmount .* with 500000, which this change moved to 400000 /),
    ]));
    expect(lines(stdout).at(-1)).toMatch(/^1 file checked: no errors, [1-9]\d* warnings?$/);
    // errors only: not them
    const quiet = await stratum(['validate', '--quiet', '--server', server.url, file], { STRATUM_TOKEN: TOKENS.designer });
    expect(quiet.stdout).not.toContain('still compares');
  });
});

// helpers

function stratum(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [STRATUM_CLI, ...args], { cwd: ROOT, env: { ...process.env, STRATUM_TOKEN: '', ...env } }, (error, stdout, stderr) => {
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

function lines(text: string): string[] {
  return text.split('\n').filter(Boolean);
}

// last: it deploys a change the tests above must not see
describe('stratum impact after an earlier change was deployed', () => {
  it('lists the orders that ran on an older version apart, not as changed or blocking', async () => {
    const lowered = approval.replace('reportingAmount &gt; 500000', 'reportingAmount &gt; 400000');
    const form = new FormData();
    form.append('files', new Blob([lowered], { type: 'application/octet-stream' }), 'credit-order-approval.bpmn');
    form.append('note', 'vice-president from 400,000');
    expect((await server.api.request('POST', '/api/deployments', { token: TOKENS.designer, body: form })).status).toBe(201);
    // an unrelated change: a task of another process renamed
    const renamed = readFileSync(`${DIAGRAMS_DIR}special-change-notification.bpmn`, 'utf8')
      .replace('name="Acknowledge special change (procurement)"', 'name="Acknowledge the special change (procurement)"');
    const file = write('renamed/special-change-notification.bpmn', renamed);
    const { code, stdout } = await stratum(['impact', '--server', server.url, file], { STRATUM_TOKEN: TOKENS.designer });
    expect(code).toBe(0);
    const printed = lines(stdout);
    expect(printed).toContainEqual(expect.stringMatching(/^replay of 5 recorded orders in \d+ ms: 0 changed, 0 blocked, 1 ran on an older version$/));
    expect(printed).toEqual(arrayWith([
      'orders that ran on an older version, which the deployed library already routes otherwise (not this change\'s doing): 1',
      '  on the deployed library, 1 order would now wait for "Review order (vice-president)" (vice-president): CLI-450E',
      'the change blocks no recorded order',
    ]));
    expect(stdout).not.toMatch(/^ {2}1 order would now wait/m);
  });
});

// after the others: it enters a prepaid order, which their replays must not count
describe('stratum impact and validate --server of a renamed message', () => {
  it('print who still catches PaymentReceived and who now waits for PaymentArrived, with the orders waiting for the old name, as warnings', async () => {
    const entered = await server.api.post('/api/orders', TOKENS.erp, { orderNo: 'CLI-PRE', customer: { name: 'ACME' }, amount: 450_000, currency: 'CNY', paymentTerms: 'prepaid-at-entry' });
    expect(entered.status).toBe(201);
    // credit orders wait for no payment: what the ERP sends them is buffered for its time-to-live
    for (const businessKey of ['CLI-350', 'CLI-350', 'CLI-450']) {
      expect((await server.api.post('/api/messages', TOKENS.erp, { name: 'PaymentReceived', businessKey, timeToLive: 'PT1H' })).status).toBe(202);
    }
    const renamed = readFileSync(`${DIAGRAMS_DIR}prepaid-entry-control.bpmn`, 'utf8').replace('name="PaymentReceived"', 'name="PaymentArrived"');
    const file = write('message/prepaid-entry-control.bpmn', renamed);
    const warnings = [
      'messages whose catchers this change alters (warnings, not blocking): 2',
      '  warning: No process caught PaymentArrived before: after the deploy prepaid-entry-control "Payment received" waits for it (instead of PaymentReceived), ' +
        'so senders must start sending PaymentArrived (correlated by =orderNo) for the orders that reach it.',
      expect.stringMatching(/^ {2}warning: PaymentReceived: prepaid-entry-control "Payment received" no longer catches it \(it waits for PaymentArrived instead\), while /),
      '    running orders waiting for PaymentReceived now: 1: CLI-PRE',
      '    messages of PaymentReceived buffered now, not yet correlated: 3: CLI-350 (2), CLI-450',
    ];
    const impact = await stratum(['impact', '--server', server.url, file], { STRATUM_TOKEN: TOKENS.designer });
    // a warning: it does not make the change block
    expect(impact.code).toBe(0);
    expect(lines(impact.stdout)).toEqual(arrayWith(warnings));
    // --orders 0 leaves the order numbers out, as it does for the other lists
    const counted = await stratum(['impact', '--orders', '0', '--server', server.url, file], { STRATUM_TOKEN: TOKENS.designer });
    expect(lines(counted.stdout)).toContainEqual('    running orders waiting for PaymentReceived now: 1');
    expect(lines(counted.stdout)).toContainEqual('    messages of PaymentReceived buffered now, not yet correlated: 3');

    const validate = await stratum(['validate', '--server', server.url, file], { STRATUM_TOKEN: TOKENS.designer });
    expect(validate.code).toBe(0);
    expect(lines(validate.stdout)).toEqual(arrayWith(warnings));
    expect(lines(validate.stdout).at(-1)).toMatch(/^1 file checked: no errors, ([2-9]|\d\d+) warnings$/);
  });
});
