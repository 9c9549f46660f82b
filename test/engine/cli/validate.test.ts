// Spawns the real command line: `node engine/cli/stratum.js …`, compiled from the sources (test/support/compiled-sources.ts).
import { execFile, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { compiledPath } from '../../support/compiled-sources.js';
import { textMatching } from '../../support/matchers.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const LINT = 'test/fixtures/lint';
const STRATUM_CLI = compiledPath('engine/cli/stratum.ts');

function stratum(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [STRATUM_CLI, ...args], { cwd: ROOT }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

const lines = (text: string) => text.split('\n').filter(Boolean);
const scratch = mkdtempSync(join(tmpdir(), 'stratum-cli-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('stratum validate', () => {
  it('prints file:elementId: message (rule) per finding, a summary, and exits 1 on errors', async () => {
    const { code, stdout } = await stratum('validate', `${LINT}/message-named/invalid-messages.bpmn`);
    expect(code).toBe(1);
    expect(lines(stdout)).toEqual([
      `${LINT}/message-named/invalid-messages.bpmn:NoMessage: Intermediate catch event "Something arrives" waits for a message but does not say which; choose a message with a name (e.g. "PaymentReceived") (message-named)`,
      `${LINT}/message-named/invalid-messages.bpmn:Unnamed: Receive task "Wait for unnamed" waits for message Message_Unnamed, which has no name; give the message the name senders use (e.g. "PaymentReceived") (message-named)`,
      `${LINT}/message-named/invalid-messages.bpmn:Computed: Intermediate catch event "Computed" waits for a message whose name is computed ("=messageName"); Stratum correlates messages by a fixed name (message-named)`,
      `${LINT}/message-named/invalid-messages.bpmn:-: warning: the file has no diagram (BPMN DI), so the modeler cannot show it; open and save it in a BPMN modeler to lay it out (no-bpmndi)`,
      '1 file checked: 3 errors, 1 warning',
    ]);
  });

  it('with --users, refuses a candidate group no user is in; without, says groups are not checked', async () => {
    const file = `${LINT}/candidate-group-members/invalid-groups.bpmn`;
    const users = join(scratch, 'users.json');
    writeFileSync(users, JSON.stringify({ users: [{ name: 'vera', token: 'token-of-vera', groups: ['vice-president', 'production'] }] }));
    const checked = await stratum('validate', '--quiet', '--users', users, file);
    expect(checked.code).toBe(1);
    expect(lines(checked.stdout).slice(0, -1)).toEqual([
      textMatching(new RegExp(`^${file}:Task_Typo: User task "Check stock" is offered to candidate group "procurment", which no user is in, .* \\(candidate-group-members\\)$`)),
      textMatching(new RegExp(`^${file}:Task_Mixed: .*candidate group "night-shift", which no user is in, so only members of "production" can complete it.* \\(candidate-group-members\\)$`)),
    ]);
    expect(checked.stderr).toBe('');

    const unchecked = await stratum('validate', '--quiet', file);
    expect(unchecked.code).toBe(0);
    expect(unchecked.stderr).toContain('candidate groups are not checked against users; pass --users FILE');

    writeFileSync(users, '{"users": "nobody"}');
    const unreadable = await stratum('validate', '--users', users, file);
    expect(unreadable.code).toBe(2);
    expect(unreadable.stderr).toContain(`the users file "${users}" must look like {"users": [{"name": …, "token": …, "groups": ["…"]}]}`);
  });

  it('reads ids in any script (XML names) and names elements by them; an id that is no XML name is still refused', async () => {
    const file = 'test/fixtures/server/non-ascii-ids.bpmn';
    const valid = await stratum('validate', file);
    expect(valid.code).toBe(0);
    expect(lines(valid.stdout)).toEqual([
      `${file}:-: warning: the file has no diagram (BPMN DI), so the modeler cannot show it; open and save it in a BPMN modeler to lay it out (no-bpmndi)`,
      'Job types a worker must serve (1):',
      `  kiroku  ${file}:記録`,
      '1 file checked: no errors, 1 warning',
    ]);

    // the conditional flow without its condition: the finding names it and its gateway as written
    const noDefault = join(scratch, 'ohne-bedingung.bpmn');
    writeFileSync(noDefault, readFileSync(file, 'utf8').replace(/<bpmn:conditionExpression[^]*?<\/bpmn:conditionExpression>/, ''));
    const findings = await stratum('validate', '--quiet', noDefault);
    expect(findings.code).toBe(1);
    expect(lines(findings.stdout)).toContainEqual(textMatching(new RegExp(`^${escape(noDefault)}:Fluss_groß: Sequence flow "groß" leaves exclusive gateway "Groß\\?" .*\\(exclusive-gateway-default\\)$`)));
    expect(findings.stdout).not.toMatch(/_x[0-9A-F]{4}_/);

    const notAName = join(scratch, 'kein-name.bpmn');
    writeFileSync(notAName, readFileSync(file, 'utf8').replace('id="確認_1"', 'id="1_確認"').replace('processId="確認_1"', 'processId="1_確認"'));
    const refused = await stratum('validate', '--quiet', notAName);
    expect(refused.code).toBe(1);
    expect(lines(refused.stdout)).toContainEqual(
      `${notAName}:1_確認: the id "1_確認" is not a valid BPMN id (an XML name: a letter of any script or "_" first, then letters, digits, "_", "-" and ".", no spaces), so the element cannot be read: unparsable content <bpmn:process> detected line: 34 column: 2 nested error: illegal ID <1_確認> (xml-import)`,
    );
  });

  it('exits 0 when there are only warnings', async () => {
    const { code, stdout } = await stratum('validate', `${LINT}/message-named/valid-messages.bpmn`);
    expect(code).toBe(0);
    expect(lines(stdout).at(-1)).toBe('1 file checked: no errors, 1 warning');
  });

  it('validates files together: a call to a process of another named file is fine, alone it is not', async () => {
    const caller = join(scratch, 'caller.bpmn');
    const callee = join(scratch, 'callee.bpmn');
    writeFileSync(caller, bpmnDocument('caller', '<bpmn:callActivity id="Call" name="Run callee" calledElement="callee"><bpmn:incoming>F1</bpmn:incoming><bpmn:outgoing>F2</bpmn:outgoing></bpmn:callActivity>'));
    writeFileSync(callee, bpmnDocument('callee', '<bpmn:task id="Work" name="Work"><bpmn:incoming>F1</bpmn:incoming><bpmn:outgoing>F2</bpmn:outgoing></bpmn:task>'));

    const alone = await stratum('validate', caller);
    expect(alone.code).toBe(1);
    expect(alone.stdout).toContain(`${caller}:Call: Call activity "Run callee" calls process "callee", which is neither deployed nor part of this deployment`);

    const together = await stratum('validate', caller, callee);
    expect(together.code).toBe(0);
    expect(lines(together.stdout).at(-1)).toBe('2 files checked: no errors, 2 warnings');
  });

  it('validates .dmn files with the BPMN: a business rule task may call a decision of a named .dmn file', async () => {
    const bpmn = 'test/fixtures/engine/dish-camunda8.bpmn';
    const alone = await stratum('validate', '--quiet', bpmn);
    expect(alone.code).toBe(1);
    expect(alone.stdout).toContain(`${bpmn}:Decide: Business rule task "Decide dish" calls the DMN decision "dish", which is neither deployed nor in this deployment`);
    const together = await stratum('validate', '--quiet', bpmn, 'test/fixtures/dmn/unique-dish.dmn');
    expect(together.code, together.stdout).toBe(0);
    const broken = join(scratch, 'broken.dmn');
    writeFileSync(broken, '<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="d"><decision id="x"/></definitions>');
    const refused = await stratum('validate', '--quiet', broken);
    expect(refused.code).toBe(1);
    // the finding names the decision it is about
    expect(refused.stdout).toContain(`${broken}:x: decision x has no decision logic`);
  });

  it('validates the .bpmn files of a folder', async () => {
    const { code, stdout } = await stratum('validate', '--quiet', `${LINT}/called-process-exists`);
    expect(code).toBe(1);
    const findings = lines(stdout).slice(0, -1);
    expect(findings.map((line) => line.split(': ')[0])).toEqual([
      `${LINT}/called-process-exists/invalid-called-processes.bpmn:Call_Unknown`,
      `${LINT}/called-process-exists/invalid-called-processes.bpmn:Call_Nothing`,
      `${LINT}/called-process-exists/invalid-called-processes.bpmn:Call_Computed`,
      `${LINT}/called-process-exists/valid-camunda-called-element.bpmn:Call_Credit`,
    ]);
    expect(lines(stdout).at(-1)).toMatch(/^3 files checked: 4 errors, \d+ warnings?$/);
  });

  it('reports a DOCTYPE and an unparsable file with element "-"', async () => {
    const doctype = join(scratch, 'doctype.bpmn');
    const garbage = join(scratch, 'garbage.bpmn');
    writeFileSync(doctype, '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "e">]><x>&e;</x>');
    writeFileSync(garbage, 'not xml at all');
    const { code, stdout } = await stratum('validate', doctype, garbage);
    expect(code).toBe(1);
    expect(lines(stdout)[0]).toMatch(new RegExp(`^${escape(doctype)}:-: the document declares a DOCTYPE.*\\(xml-doctype\\)$`));
    expect(lines(stdout)[1]).toMatch(new RegExp(`^${escape(garbage)}:-: not a readable BPMN 2\\.0 document.*\\(xml-parse\\)$`));
  });

  it('reports 5,000 nested subprocesses as xml-nesting naming the element, and convert refuses them naming the line, where both overflowed the stack', async () => {
    const deep = join(scratch, 'deep.bpmn');
    writeFileSync(deep, '<?xml version="1.0"?>\n<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="t"><process id="deep">' +
      Array.from({ length: 5000 }, (_, i) => `<subProcess id="p${i}">`).join('') + '</subProcess>'.repeat(5000) + '</process></definitions>');
    const validated = await stratum('validate', deep);
    expect(validated.code).toBe(1);
    expect(validated.stderr).not.toMatch(/RangeError|call stack/);
    expect(lines(validated.stdout)).toEqual([
      `${deep}:p98: <subProcess> p98 on line 2 is nested more than 100 elements deep, deeper than Stratum reads; move the inner part into a process of its own and call it (xml-nesting)`,
      '1 file checked: 1 error, 0 warnings',
    ]);
    const converted = await stratum('convert', deep);
    expect(converted.code).toBe(1);
    expect(converted.stderr).toContain(`${deep}: <subProcess> is nested more than 100 elements deep, deeper than Stratum reads (line 2)`);
  });

  it('prints JSON findings with --json', async () => {
    const { code, stdout } = await stratum('validate', '--json', `${LINT}/called-process-exists/invalid-called-processes.bpmn`);
    expect(code).toBe(1);
    const findings = JSON.parse(stdout) as unknown[];
    expect(findings[0]).toMatchObject({
      file: `${LINT}/called-process-exists/invalid-called-processes.bpmn`,
      elementId: 'Call_Unknown',
      rule: 'called-process-exists',
      severity: 'error',
    });
  });

  it('names a missing file and exits 2 without validating the others', async () => {
    const { code, stdout, stderr } = await stratum('validate', `${LINT}/message-named/valid-messages.bpmn`, 'no/such/file.bpmn');
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('stratum validate: cannot read "no/such/file.bpmn": no such file or folder');
  });

  it.skipIf(process.getuid?.() === 0)('names an unreadable file and exits 2', async () => {
    const locked = join(scratch, 'locked.bpmn');
    writeFileSync(locked, '<x/>');
    chmodSync(locked, 0o000);
    const { code, stderr } = await stratum('validate', locked);
    expect(code).toBe(2);
    expect(stderr).toContain(`cannot read "${locked}": permission denied`);
  });

  it('keeps its exit code, quietly, when the reader closes the pipe early (stratum validate … | head -c 1)', async () => {
    const child = spawn(process.execPath, [STRATUM_CLI, 'validate', ...Array<string>(40).fill(`${LINT}/message-named/invalid-messages.bpmn`)], { cwd: ROOT });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    expect(stderr).not.toMatch(/EPIPE|Unhandled/);
    expect(code).toBe(1);
  });

  it('exits 2 when no file is named or an option is unknown', async () => {
    const none = await stratum('validate');
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('name at least one .bpmn or .dmn file or folder');
    const unknown = await stratum('validate', '--colour', 'x.bpmn');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("Unknown option '--colour'");
  });

  it('explains itself with --help', async () => {
    const { code, stdout } = await stratum('validate', '--help');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: stratum validate \[options\] <file\.bpmn \| file\.dmn \| folder>…/);
    expect(stdout).toContain('Exit status: 0 no errors');
  });
});

describe('stratum validate: the job types a worker must serve', () => {
  it('lists each job type with the elements that publish it and the Camunda 7 code it stands for', async () => {
    const { code, stdout } = await stratum('validate', 'test/fixtures/engine/camunda7-code-jobs.bpmn');
    expect(code).toBe(0);
    const lines = stdout.split('\n');
    const start = lines.indexOf('Job types a worker must serve (5):');
    expect(start, stdout).toBeGreaterThanOrEqual(0);
    expect(lines.slice(start + 1, start + 6)).toEqual([
      '  archiveInvoiceService  test/fixtures/engine/camunda7-code-jobs.bpmn:Archive  from camunda:class="org.example.invoice.ArchiveInvoiceService"',
      '  notificationDelegate  test/fixtures/engine/camunda7-code-jobs.bpmn:Notify  from camunda:delegateExpression="${notificationDelegate}"',
      '  ledgerBooking  test/fixtures/engine/camunda7-code-jobs.bpmn:Ledger  from camunda:expression="${ledger.booking}"',
      '  camunda-7-adapter  test/fixtures/engine/camunda7-code-jobs.bpmn:Post  from camunda:expression="#{announcements.post(announcementId)}"',
      '  http-connector  test/fixtures/engine/camunda7-code-jobs.bpmn:Holiday  from camunda:connector="http-connector"',
    ]);
  });
});

describe('stratum', () => {
  it('lists its commands with --help', async () => {
    const { code, stdout } = await stratum('--help');
    expect(code).toBe(0);
    expect(stdout).toContain('Usage: stratum <command> [options]');
    expect(stdout).toMatch(/\n {2}validate {2}check BPMN files/);
  });

  it('shows a command\'s help with "help <command>"', async () => {
    const { code, stdout } = await stratum('help', 'validate');
    expect(code).toBe(0);
    expect(stdout).toContain('Usage: stratum validate');
  });

  it('refuses an unknown command with exit 2', async () => {
    const { code, stderr } = await stratum('deploy-everything');
    expect(code).toBe(2);
    expect(stderr).toContain('stratum: unknown command "deploy-everything"');
  });

  it('prints usage to stderr and exits 2 without a command', async () => {
    const { code, stderr } = await stratum();
    expect(code).toBe(2);
    expect(stderr).toContain('Usage: stratum <command>');
  });
});

// helpers

function bpmnDocument(id: string, middle: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="D_${id}" targetNamespace="http://stratum.example/cli">
  <bpmn:process id="${id}" name="${id}" isExecutable="true">
    <bpmn:startEvent id="Start" name="Start"><bpmn:outgoing>F1</bpmn:outgoing></bpmn:startEvent>
    ${middle}
    <bpmn:endEvent id="End" name="Done"><bpmn:incoming>F2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="${middle.includes('callActivity') ? 'Call' : 'Work'}" />
    <bpmn:sequenceFlow id="F2" sourceRef="${middle.includes('callActivity') ? 'Call' : 'Work'}" targetRef="End" />
  </bpmn:process>
</bpmn:definitions>`;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
