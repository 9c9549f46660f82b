import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import bpmnlint from 'bpmnlint';
import { describe, expect, it } from 'vitest';
import { parseBpmn } from '../../../engine/bpmn/moddle.js';
import { stratumLintConfig, stratumResolver, stratumRules, stratumRuleSeverities } from '../../../engine/lint/config.js';
import { lintDefinitions, lintFiles, lintXml } from '../../../engine/lint/lint-bpmn.js';
import { errorsOf, FIXTURES } from './lint-fixture.js';
import { objectWith, textContaining } from '../../support/matchers.js';

const { Linter } = bpmnlint;

const minimal = (body: string, extra = '') => `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="D" targetNamespace="http://stratum.example/lint"${extra}>
  <bpmn:process id="p" name="P" isExecutable="true">
${body}
  </bpmn:process>
</bpmn:definitions>`;

const startToEnd = `    <bpmn:startEvent id="Start" name="Start"><bpmn:outgoing>F1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="End" />
    <bpmn:endEvent id="End" name="Done"><bpmn:incoming>F1</bpmn:incoming></bpmn:endEvent>`;

describe('lintXml', () => {
  it('refuses a DOCTYPE with an entity before parsing, so no entity is ever expanded', async () => {
    const xml = `<?xml version="1.0"?>
<!DOCTYPE bpmn:definitions [ <!ENTITY lol "lol"> <!ENTITY lol2 "&lol;&lol;&lol;&lol;"> ]>
${minimal(startToEnd).replace('<?xml version="1.0" encoding="UTF-8"?>\n', '').replace('name="P"', 'name="&lol2;"')}`;
    const findings = await lintXml(xml);
    expect(findings).toEqual([
      {
        elementId: null,
        rule: 'xml-doctype',
        severity: 'error',
        message: textContaining('the document declares a DOCTYPE'),
      },
    ]);
  });

  it('reports a file that is not XML as one xml-parse error', async () => {
    const findings = await lintXml('this is not a diagram {');
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ elementId: null, rule: 'xml-parse', severity: 'error' });
    expect(findings[0].message).toMatch(/^not a readable BPMN 2\.0 document/);
    expect(findings[0].message).not.toContain('\n');
  });

  it('reports XML that is not BPMN as an xml-parse error', async () => {
    const findings = await lintXml('<?xml version="1.0"?><order><amount>5</amount></order>');
    expect(findings.map((finding) => finding.rule)).toEqual(['xml-parse']);
  });

  it('reports unknown elements as xml-import warnings, on one line', async () => {
    const findings = await lintXml(minimal(`${startToEnd}\n    <bpmn:bogusElement id="X" />`));
    const imports = findings.filter((finding) => finding.rule === 'xml-import');
    expect(imports.length).toBeGreaterThan(0);
    expect(imports[0]).toMatchObject({ elementId: 'p', severity: 'warning' });
    expect(imports[0].message).toContain('bpmn:bogusElement');
    expect(imports[0].message).not.toContain('\n');
    expect(errorsOf(findings)).toEqual([]);
  });

  it('names the element an unknown vendor element sits in (moddle itself names only a line and column)', async () => {
    // blank lines before the root (trimmed before reading), a comment and an attribute holding ">" before the spot
    const xml = `\n\n${minimal(`${startToEnd.replace('name="Done">', 'name="a > b"><!-- <x:meta> -->')}
    <bpmn:task id="Check" name="Check"><vendor:meta a="1"><vendor:inner>t</vendor:inner></vendor:meta></bpmn:task>`, ' xmlns:vendor="urn:vendor"')}`;
    const imports = (await lintXml(xml)).filter((finding) => finding.rule === 'xml-import');
    expect(imports).toEqual([objectWith({ elementId: 'Check', severity: 'warning', message: textContaining('<vendor:meta>') })]);
  });

  it('names an id that is no XML name (a digit first) instead of claiming there is no process', async () => {
    const xml = `<?xml version="1.0"?><bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="D"><bpmn:process id="2026-rechnungsprüfung" isExecutable="true"><bpmn:startEvent id="S" /></bpmn:process></bpmn:definitions>`;
    const findings = await lintFiles([{ name: 'invoice.bpmn', xml }]);
    expect(findings).toContainEqual(objectWith({ rule: 'xml-import', severity: 'error', elementId: '2026-rechnungsprüfung', message: textContaining('is not a valid BPMN id (an XML name') }));
    expect(findings.find((finding) => finding.rule === 'no-process')?.message).toContain('can be read');
  });

  it('does not say a file declaring ISO-8859-1 was read as UTF-8: its text was decoded with its encoding before', async () => {
    const latin1 = minimal(startToEnd).replace('encoding="UTF-8"', 'encoding="ISO-8859-1"');
    expect((await lintXml(latin1)).filter((finding) => finding.rule === 'xml-import')).toEqual([]);
  });

  it('makes a duplicate element id an error', async () => {
    const findings = await lintXml(minimal(`${startToEnd}\n    <bpmn:task id="End" name="Twin" />`));
    expect(findings).toContainEqual(objectWith({ rule: 'xml-import', severity: 'error', message: textContaining('duplicate ID <End>') }));
  });

  it('reports a flow node whose id the definitions already use, instead of crashing on the flow that names it', async () => {
    // moddle keeps the first element read under an id: the flow's targetRef then names the definitions
    const xml = `<?xml version="1.0"?><bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="Review">
      <bpmn:process id="P" isExecutable="true"><bpmn:startEvent id="S" name="S" /><bpmn:userTask id="Review" name="Review" />
      <bpmn:sequenceFlow id="F" sourceRef="S" targetRef="Review" /></bpmn:process></bpmn:definitions>`;
    const findings = await lintFiles([{ name: 'review.bpmn', xml }]);
    expect(findings).toContainEqual(objectWith({ file: 'review.bpmn', rule: 'xml-import', severity: 'error', elementId: 'Review', message: textContaining('two elements') }));
  });

  it('accepts a minimal process, with one warning for the missing diagram instead of one per element', async () => {
    const findings = await lintXml(minimal(startToEnd));
    expect(findings).toEqual([
      {
        elementId: null,
        rule: 'no-bpmndi',
        severity: 'warning',
        message: 'the file has no diagram (BPMN DI), so the modeler cannot show it; open and save it in a BPMN modeler to lay it out',
      },
    ]);
  });

  it("runs bpmnlint's execution rules with messages naming the element", async () => {
    const findings = await lintXml(minimal(`${startToEnd}\n    <bpmn:task id="Lonely" name="Forgotten task" />`));
    expect(findings).toContainEqual({
      elementId: 'Lonely',
      rule: 'no-disconnected',
      severity: 'error',
      message: 'Task "Forgotten task" is not connected to the flow, so it can never run; connect it or remove it',
    });
  });

  it('reports a process without start event', async () => {
    const findings = await lintXml(minimal('    <bpmn:task id="T" name="Only task" />'));
    expect(findings).toContainEqual(objectWith({ elementId: 'p', rule: 'start-event-required', severity: 'error' }));
  });

  it('puts errors before warnings', async () => {
    const findings = await lintXml(minimal(`${startToEnd}\n    <bpmn:task id="Lonely" />`));
    const severities = findings.map((finding) => finding.severity);
    expect(severities).toEqual([...severities].sort());
    expect(severities).toContain('warning');
  });
});

describe('lintDefinitions', () => {
  it('lints definitions the caller already parsed (the deploy path)', async () => {
    const xml = readFileSync(`${FIXTURES}called-process-exists/invalid-called-processes.bpmn`, 'utf8');
    const { definitions } = await parseBpmn(xml);
    const findings = await lintDefinitions(definitions, { knownProcessKeys: [] });
    expect(findings.filter((finding) => finding.rule === 'called-process-exists').map((finding) => finding.elementId)).toEqual([
      'Call_Unknown',
      'Call_Nothing',
      'Call_Computed',
    ]);
  });
});

describe('lintFiles', () => {
  const callerOf = (callee: string) =>
    minimal(`    <bpmn:startEvent id="Start" name="Start" />
    <bpmn:callActivity id="Call" name="Run ${callee}" calledElement="${callee}" />
    <bpmn:endEvent id="End" name="Done" />
    <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="Call" />
    <bpmn:sequenceFlow id="F2" sourceRef="Call" targetRef="End" />`).replace('id="p"', 'id="caller"');

  it('accepts files that omit <incoming>/<outgoing>, as the deployment does', async () => {
    const findings = await lintFiles([{ name: 'caller.bpmn', xml: callerOf('order-to-cash') }], { knownProcessKeys: ['order-to-cash'] });
    expect(errorsOf(findings)).toEqual([]);
  });

  it('lets a call activity name a process of another file of the same deployment, and tags findings with their file', async () => {
    const callee = minimal(startToEnd).replace('id="p"', 'id="callee"');
    const together = await lintFiles([{ name: 'caller.bpmn', xml: callerOf('callee') }, { name: 'callee.bpmn', xml: callee }], { knownProcessKeys: [] });
    expect(errorsOf(together)).toEqual([]);
    expect(together.every((finding) => finding.file === 'caller.bpmn' || finding.file === 'callee.bpmn')).toBe(true);
    const alone = await lintFiles([{ name: 'caller.bpmn', xml: callerOf('callee') }], { knownProcessKeys: [] });
    expect(errorsOf(alone)).toEqual([objectWith({ file: 'caller.bpmn', elementId: 'Call', rule: 'called-process-exists' })]);
  });

  it('refuses a process id defined in two files, and a file without a process', async () => {
    const findings = await lintFiles([
      { name: 'a.bpmn', xml: minimal(startToEnd) },
      { name: 'b.bpmn', xml: minimal(startToEnd) },
      { name: 'empty.bpmn', xml: '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="E" targetNamespace="x" />' },
    ]);
    expect(errorsOf(findings)).toEqual([
      { file: 'b.bpmn', elementId: 'p', rule: 'duplicate-process', severity: 'error', message: 'process "p" is also defined in a.bpmn; a process id is its key and must be unique in a deployment' },
      { file: 'empty.bpmn', elementId: null, rule: 'no-process', severity: 'error', message: 'the file contains no process' },
    ]);
  });

  it('names what a file without a process holds instead: a conversation\'s collaboration, a choreography', async () => {
    const path = fileURLToPath(new URL('../../fixtures/interop-crafted/semantics-conversation-choreography.bpmn', import.meta.url));
    const findings = await lintFiles([{ name: 'exchange.bpmn', xml: readFileSync(path, 'utf8') }]);
    expect(errorsOf(findings)).toEqual([{
      file: 'exchange.bpmn', elementId: 'Collab_Conv', rule: 'no-process', severity: 'error',
      message: 'the file contains no process, only the collaboration "Collab_Conv", the choreography "Chor_1"; Stratum runs processes, and a choreography or conversation has none to run',
    }]);
  });

  it('says a choreography beside a process is kept but not run, and makes what would not run inside it a warning', async () => {
    const path = fileURLToPath(new URL('../../fixtures/interop-crafted/choreography-beside-process.bpmn', import.meta.url));
    // its start event no longer connected: an error in a process, a warning in a choreography
    const xml = readFileSync(path, 'utf8').replace('<startEvent id="C_Start"><outgoing>CF_1</outgoing></startEvent>', '<startEvent id="C_Start"/>')
      .replace('<sequenceFlow id="CF_1" sourceRef="C_Start" targetRef="CT_Request"/>', '');
    const findings = await lintFiles([{ name: 'quote.bpmn', xml }]);
    expect(errorsOf(findings)).toEqual([]);
    expect(findings).toContainEqual({
      file: 'quote.bpmn', elementId: 'Chor_Quote', rule: 'choreography-not-run', severity: 'warning',
      message: 'Choreography "Quote choreography" is kept in the file but not run, and the modeler does not draw it: Stratum runs the processes beside it',
    });
    expect(findings).toContainEqual(objectWith({ elementId: 'C_Start', rule: 'no-disconnected', severity: 'warning', message: textContaining('(in choreography "Chor_Quote": kept in the file, not run)') }));
  });

  it('does not count a process marked isExecutable="false": its findings are warnings, and it is no key for a call', async () => {
    const documentation = minimal(`    <bpmn:task id="Draw" name="Draw" />`).replace('id="p" name="P" isExecutable="true"', 'id="doc" name="Doc" isExecutable="false"');
    const alone = await lintFiles([{ name: 'doc.bpmn', xml: documentation }]);
    expect(errorsOf(alone)).toEqual([objectWith({ file: 'doc.bpmn', elementId: 'doc', rule: 'no-process', message: textContaining('process "doc" is marked isExecutable="false"') })]);
    expect(alone).toContainEqual(objectWith({ elementId: 'doc', rule: 'start-event-required', severity: 'warning', message: textContaining('(in process "doc", marked isExecutable="false": documentation, not deployed)') }));
    const called = await lintFiles([{ name: 'caller.bpmn', xml: callerOf('doc') }, { name: 'doc.bpmn', xml: documentation }], { knownProcessKeys: [] });
    expect(errorsOf(called)).toContainEqual(objectWith({ file: 'caller.bpmn', elementId: 'Call', rule: 'called-process-exists' }));
  });
});

describe('the Stratum ruleset', () => {
  it('names each Stratum rule after its file in engine/lint/rules', () => {
    const files = readdirSync(fileURLToPath(new URL('../../../engine/lint/rules/', import.meta.url)))
      .filter((file) => file.endsWith('.ts'))
      .map((file) => file.replace(/\.ts$/, ''))
      .sort();
    expect(Object.keys(stratumRules).sort()).toEqual(files);
  });

  it('gives every Stratum rule a severity, and every configured rule resolves', () => {
    // error-end-caught only ever warns; the others are errors that may mark some reports as warnings
    for (const id of Object.keys(stratumRules)) expect(stratumRuleSeverities[`stratum/${id}`], id).toBe(id === 'error-end-caught' ? 'warn' : 'error');
    for (const name of Object.keys(stratumRuleSeverities)) {
      const [pkg, rule] = name.startsWith('stratum/') ? ['bpmnlint-plugin-stratum', name.slice(8)] : ['bpmnlint', name];
      expect(typeof stratumResolver.resolveRule(pkg, rule), name).toBe('function');
    }
  });

  it('works with a plain bpmnlint Linter in the shape bpmn-js-bpmnlint uses ({ config, resolver })', async () => {
    const xml = readFileSync(`${FIXTURES}user-task-candidate-groups/invalid-zeebe.bpmn`, 'utf8');
    const { definitions } = await parseBpmn(xml);
    const linter = new Linter({ config: stratumLintConfig, resolver: stratumResolver });
    const results = await linter.lint(definitions);
    expect(results['stratum/user-task-candidate-groups'].map((report) => report.id)).toEqual(['NoGroups', 'Manual']);
    expect(results['stratum/user-task-candidate-groups'][0].category).toBe('error');
  });

  it('refuses to resolve a rule it does not know', () => {
    expect(() => stratumResolver.resolveRule('bpmnlint', 'no-such-rule')).toThrow(/unknown rule/);
  });
});

const DIAGRAMS = fileURLToPath(new URL('../../../diagrams/', import.meta.url));
const shipped = existsSync(DIAGRAMS) ? readdirSync(DIAGRAMS).filter((file) => file.endsWith('.bpmn')).sort() : [];

describe.skipIf(shipped.length === 0)('the shipped diagrams', () => {
  it('lint without errors when deployed together', async () => {
    const files = shipped.map((file) => ({ name: file, xml: readFileSync(`${DIAGRAMS}${file}`, 'utf8') }));
    // Deployed together: calls resolve and each process sees what its callers and callees supply.
    const errors = errorsOf(await lintFiles(files));
    expect(errors, JSON.stringify(errors, null, 2)).toEqual([]);
  });
});
