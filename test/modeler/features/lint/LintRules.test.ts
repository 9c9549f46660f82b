import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import bpmnlint from 'bpmnlint';
import { describe, expect, it, vi } from 'vitest';
import { completeFlowReferences } from '../../../../engine/bpmn/flow-references.js';
import { parseBpmn } from '../../../../engine/bpmn/moddle.js';
import { stratumResolver } from '../../../../engine/lint/config.js';
import { lintXml } from '../../../../engine/lint/lint-bpmn.js';
import type { Me, TaskGroups } from '../../../../modeler/src/api/client.js';
import LintRules from '../../../../modeler/src/features/lint/LintRules.js';
import { problemsOf, type LintIssues } from '../../../../modeler/src/features/lint/ProblemsPanel.js';
import { LIBRARY_CHANGED } from '../../../../modeler/src/features/library/LibraryService.js';
import { SESSION_READY, type SessionReady } from '../../../../modeler/src/features/session/Session.js';
import DiagramIds from '../../../../modeler/src/features/workspace/DiagramIds.js';
import { importBpmn } from '../../../../engine/interop/index.js';
import { interopAvailable, interopFile } from '../../../support/shared-interop.js';

/** The open diagram's ids, read with `aliases` (none: a diagram moddle reads as written). */
function diagramIds(aliases = new Map<string, string>()): DiagramIds {
  const ids = new DiagramIds({ get: () => undefined });
  ids.use(aliases);
  return ids;
}

/**
 * LintRules once a session starts for `user`: the calls it made and what its rules know of task groups. The token check
 * read `user` and SESSION_READY hands it on; `checked: false` is a check that failed (the server unreachable …).
 */
async function signIn(user: Me, taskGroups: TaskGroups = { groups: ['sales-director', 'vice-president'], demo: false }, { checked = true } = {}) {
  const calls: string[] = [];
  const api = {
    me: () => { calls.push('GET /api/me'); return Promise.resolve(user); },
    listGroups: () => { calls.push('GET /api/groups'); return Promise.resolve(taskGroups); },
    listDecisions: () => Promise.resolve([]),
  };
  const configured = vi.fn();
  const listeners = new Map<string, ((event: SessionReady) => void)[]>();
  const eventBus = { on: (event: string, listener: (event: SessionReady) => void) => listeners.set(event, [...(listeners.get(event) ?? []), listener]) };
  const library = { processes: [], keys: () => [] };
  const rules = new LintRules(...([eventBus, { setLinterConfig: configured }, library, { api }, { all: () => [] }, diagramIds()] as unknown as ConstructorParameters<typeof LintRules>));
  for (const listener of listeners.get(SESSION_READY) ?? []) listener({ user: checked ? user : null });
  // once at construction, once when the task groups are known (or known not to be asked for), once the decisions are
  await vi.waitFor(() => expect(configured).toHaveBeenCalledTimes(3));
  return { calls, taskGroups: rules.context().taskGroups };
}

describe('the task groups the modeler lints candidate groups against', () => {
  it('are never asked for by a director (GET /api/groups is for designers: no 403 in the console), and candidate groups go unchecked', async () => {
    const { calls, taskGroups } = await signIn({ name: 'director', groups: ['sales-director'], roles: [], taskGroups: ['sales-director'] });
    expect(calls).toEqual([]);
    expect(taskGroups).toBeUndefined();
  });

  it('are asked for by a designer, and a candidate group nobody is in is an error', async () => {
    const { calls, taskGroups } = await signIn({ name: 'dora', groups: ['designer'], roles: ['designer'], taskGroups: [] });
    expect(calls).toEqual(['GET /api/groups']);
    expect(taskGroups).toEqual({ known: ['sales-director', 'vice-president'], severity: 'error' });
  });

  it('are asked for by an admin (a designer among other groups), as warnings on the demo users', async () => {
    const { calls, taskGroups } = await signIn({ name: 'admin', groups: ['integration', 'designer', 'operations'], roles: ['integration', 'designer', 'operations'], taskGroups: [] }, { groups: ['inspection'], demo: true });
    expect(calls).toEqual(['GET /api/groups']);
    expect(taskGroups).toEqual({ known: ['inspection'], severity: 'warn' });
  });

  it('take the user from the token check, and ask who signed in themselves when that check failed', async () => {
    const { calls, taskGroups } = await signIn({ name: 'dora', groups: ['designer'], roles: ['designer'], taskGroups: [] }, undefined, { checked: false });
    expect(calls).toEqual(['GET /api/me', 'GET /api/groups']);
    expect(taskGroups).toEqual({ known: ['sales-director', 'vice-president'], severity: 'error' });
  });
});

// A Camunda 8 diagram outside Stratum's house rules: a task without candidate groups and a gateway without a default
// flow deploy with warnings (user-task-candidate-groups, exclusive-gateway-default), so the modeler must not show errors.
const CAMUNDA_8_DIAGRAM = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="Definitions_1" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="returns-handling" name="Returns handling" isExecutable="true">
    <bpmn:startEvent id="Start" name="Return received" />
    <bpmn:sequenceFlow id="Flow_Start" sourceRef="Start" targetRef="Task_Inspect" />
    <bpmn:userTask id="Task_Inspect" name="Inspect return" />
    <bpmn:sequenceFlow id="Flow_Inspect" sourceRef="Task_Inspect" targetRef="Gateway_Damaged" />
    <bpmn:exclusiveGateway id="Gateway_Damaged" name="Damaged?" />
    <bpmn:sequenceFlow id="Flow_Yes" name="yes" sourceRef="Gateway_Damaged" targetRef="End_Scrapped">
      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">=damaged</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="Flow_No" name="no" sourceRef="Gateway_Damaged" targetRef="End_Restocked">
      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">=resellable</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:endEvent id="End_Scrapped" name="Scrapped" />
    <bpmn:endEvent id="End_Restocked" name="Restocked" />
  </bpmn:process>
</bpmn:definitions>`;

describe('the severity of a finding in the modeler', () => {
  it('is the one deploy gives it: a report a rule marks as a warning is a warning on the canvas and in the Problems panel', async () => {
    vi.stubGlobal('requestAnimationFrame', (work: () => void) => { work(); return 0; });
    try {
      const configured = vi.fn();
      const eventBus = { on: () => undefined };
      const library = { processes: [], keys: () => [] };
      new LintRules(...([eventBus, { setLinterConfig: configured }, library, { api: {} }, undefined, diagramIds()] as unknown as ConstructorParameters<typeof LintRules>));
      const { config, resolver } = configured.mock.calls[0][0] as { config: unknown; resolver: unknown };
      const { definitions } = await parseBpmn(CAMUNDA_8_DIAGRAM);
      completeFlowReferences(definitions); // as the modeler's import does (Workspace)
      const results = await new bpmnlint.Linter({ config, resolver }).lint(definitions) as Record<string, { category: string; message: string }[]>;
      const categoryOf = (rule: string) => [...(results[`stratum/${rule}`] ?? []), ...(results[`stratum/${rule}-warnings`] ?? [])].map((report) => report.category);

      const deployed = await lintXml(CAMUNDA_8_DIAGRAM);
      for (const rule of ['user-task-candidate-groups', 'exclusive-gateway-default']) {
        expect(deployed.filter((finding) => finding.rule === rule).map((finding) => finding.severity)).toEqual(['warning']);
        expect(categoryOf(rule)).toEqual(['warn']);
      }
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('is an error for a condition reading a customer field order entry does not require, as deploy refuses it', async () => {
    vi.stubGlobal('requestAnimationFrame', (work: () => void) => { work(); return 0; });
    try {
      const configured = vi.fn();
      new LintRules(...([{ on: () => undefined }, { setLinterConfig: configured }, { processes: [], keys: () => [] }, { api: {} }, undefined, diagramIds()] as unknown as ConstructorParameters<typeof LintRules>));
      const { config, resolver } = configured.mock.calls[0][0] as { config: unknown; resolver: unknown };
      // in the order library (house rules), where customer is the order's: an error, as deploy refuses it
      const diagram = CAMUNDA_8_DIAGRAM.replace('>=damaged<', '>=customer.id = "ACME" and damaged<')
        .replace('targetNamespace="http://bpmn.io/schema/bpmn"', 'targetNamespace="http://stratum.example/bpmn/order-library"');
      const { definitions } = await parseBpmn(diagram);
      completeFlowReferences(definitions);
      const results = await new bpmnlint.Linter({ config, resolver }).lint(definitions) as Record<string, { id: string; category: string; message: string }[]>;
      const deployed = (await lintXml(diagram)).filter((finding) => finding.rule === 'order-field-optional');
      expect(deployed.map(({ elementId, severity }) => ({ elementId, severity }))).toEqual([{ elementId: 'Flow_Yes', severity: 'error' }]);
      expect(results['stratum/order-field-optional']).toEqual([
        expect.objectContaining({ id: 'Flow_Yes', category: 'error', message: expect.stringContaining('get value(customer, "id")') as string }),
      ]);
    } finally {
      vi.unstubAllGlobals();
    }
  });
});

// A business rule task calling a decision that is neither deployed nor in the deployment is refused at deploy
// (supported-elements with the known decisions); the modeler did not pass the decisions it knows, so the canvas showed
// nothing until Deploy… refused the file.
const CALLS_DECISION = (decisionId: string) => `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="Definitions_1" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="scoring" isExecutable="true">
    <bpmn:startEvent id="Start" />
    <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="Score" />
    <bpmn:businessRuleTask id="Score" name="Score customer">
      <bpmn:extensionElements><zeebe:calledDecision decisionId="${decisionId}" resultVariable="score" /></bpmn:extensionElements>
    </bpmn:businessRuleTask>
    <bpmn:sequenceFlow id="F2" sourceRef="Score" targetRef="End" />
    <bpmn:endEvent id="End" />
  </bpmn:process>
</bpmn:definitions>`;

const DMN_FROM_DISK = `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="d" name="d" namespace="http://camunda.org/schema/1.0/dmn">
  <decision id="risk-class" name="Risk class">
    <decisionTable id="t" hitPolicy="FIRST">
      <input id="i"><inputExpression id="ie" typeRef="number"><text>score</text></inputExpression></input>
      <output id="o" name="riskClass" typeRef="string" />
      <rule id="r"><inputEntry id="e"><text>-</text></inputEntry><outputEntry id="oe"><text>"low"</text></outputEntry></rule>
    </decisionTable>
  </decision>
</definitions>`;

describe('a finding\'s documentation link in the modeler', () => {
  it('leads to /docs/validation.md#<rule>, which the server serves beside the modeler, not to a path under the page\'s route', async () => {
    vi.stubGlobal('requestAnimationFrame', (work: () => void) => { work(); return 0; });
    try {
      const configured = vi.fn();
      const library = { processes: [], keys: () => [] };
      new LintRules(...([{ on: () => undefined }, { setLinterConfig: configured }, library, { api: {} }, undefined, diagramIds()] as unknown as ConstructorParameters<typeof LintRules>));
      const { config, resolver } = configured.mock.calls[0][0] as { config: unknown; resolver: unknown };
      const xml = readFileSync('test/fixtures/lint/feel-condition-syntax/invalid-doubled-operators.bpmn', 'utf8');
      const { definitions } = await parseBpmn(xml);
      completeFlowReferences(definitions);
      const results = await new bpmnlint.Linter({ config, resolver }).lint(definitions) as Record<string, { meta?: { documentation?: { url?: string } } }[]>;
      const urls = new Set((results['stratum/feel-condition-syntax'] ?? []).map((report) => report.meta?.documentation?.url));
      expect([...urls]).toEqual(['/docs/validation.md#feel-condition-syntax-error']);
    } finally {
      vi.unstubAllGlobals();
    }
  });
});

describe('the decisions a business rule task may call, in the modeler', () => {
  async function modelerFindings(decisionId: string, dmnFiles: { name: string; xml: string }[]) {
    vi.stubGlobal('requestAnimationFrame', (work: () => void) => { work(); return 0; });
    try {
      const configured = vi.fn();
      const listeners = new Map<string, (() => void)[]>();
      const eventBus = { on: (event: string, listener: () => void) => listeners.set(event, [...(listeners.get(event) ?? []), listener]) };
      const api = { me: () => Promise.resolve({ name: 'dora', groups: [], roles: [], taskGroups: [] }), listDecisions: () => Promise.resolve([{ id: 'credit-score' }]) };
      new LintRules(...([eventBus, { setLinterConfig: configured }, { processes: [], keys: () => [] }, { api }, { all: () => dmnFiles }, diagramIds()] as unknown as ConstructorParameters<typeof LintRules>));
      for (const listener of listeners.get(SESSION_READY) ?? []) listener();
      await vi.waitFor(() => expect(configured).toHaveBeenCalledTimes(3));
      const { config, resolver } = configured.mock.calls.at(-1)![0] as { config: unknown; resolver: unknown };
      const { definitions } = await parseBpmn(CALLS_DECISION(decisionId));
      const results = await new bpmnlint.Linter({ config, resolver }).lint(definitions) as Record<string, { message: string }[]>;
      return (results['stratum/supported-elements'] ?? []).map((report) => report.message);
    } finally {
      vi.unstubAllGlobals();
    }
  }

  it('marks a call of a decision neither deployed nor opened from disk, as deploy refuses it', async () => {
    expect(await modelerFindings('no-such-decision', [])).toEqual([expect.stringContaining('no-such-decision')]);
    expect((await lintXml(CALLS_DECISION('no-such-decision'), { knownDecisionIds: ['credit-score'] })).filter((finding) => finding.rule === 'supported-elements'))
      .toHaveLength(1);
  });

  it('accepts a call of a deployed decision, and of one in a .dmn file opened in this session', async () => {
    expect(await modelerFindings('credit-score', [])).toEqual([]);
    expect(await modelerFindings('risk-class', [{ name: 'risk.dmn', xml: DMN_FROM_DISK }])).toEqual([]);
  });
});

describe('a finding\'s message in the modeler', () => {
  it('names the file\'s ids, though the canvas holds moddle\'s aliases of ids in any script', async () => {
    vi.stubGlobal('requestAnimationFrame', (work: () => void) => { work(); return 0; });
    try {
      const fixture = readFileSync(join(import.meta.dirname, '../../fixtures/non-ascii-ids.bpmn'), 'utf8');
      const document = await importBpmn(fixture.replace('name="Zahlungseingang"', ''));
      expect(document.idAliases.size).toBeGreaterThan(0);
      const configured = vi.fn();
      new LintRules(...([{ on: () => undefined }, { setLinterConfig: configured }, { processes: [], keys: () => [] }, { api: {} }, undefined, diagramIds(document.idAliases)] as unknown as ConstructorParameters<typeof LintRules>));
      const { config, resolver } = configured.mock.calls[0][0] as { config: unknown; resolver: unknown };
      completeFlowReferences(document.definitions as Parameters<typeof completeFlowReferences>[0]);
      const results = await new bpmnlint.Linter({ config, resolver }).lint(document.definitions) as Record<string, { id: string; message: string }[]>;
      const [finding] = results['stratum/message-named'] ?? [];
      expect(finding?.message).toContain('waits for message Nachricht_Zahlungseingang_ä, which has no name');
      expect(finding?.id).toMatch(/^[\w.-]+$/); // marked on the canvas's shape, under its alias
    } finally {
      vi.unstubAllGlobals();
    }
  });
});

/** What the modeler's Problems panel lists for `xml` (its canvas badges come from the same reports). */
async function modelerProblems(xml: string) {
  vi.stubGlobal('requestAnimationFrame', (work: () => void) => { work(); return 0; });
  try {
    const configured = vi.fn();
    new LintRules(...([{ on: () => undefined }, { setLinterConfig: configured }, { processes: [], keys: () => [] }, { api: {} }, undefined, diagramIds()] as unknown as ConstructorParameters<typeof LintRules>));
    const { config, resolver } = configured.mock.calls[0][0] as { config: unknown; resolver: unknown };
    const { definitions } = await parseBpmn(xml);
    completeFlowReferences(definitions);
    const results = await new bpmnlint.Linter({ config, resolver }).lint(definitions) as Record<string, { id: string; message: string; category: string }[]>;
    // bpmn-js-bpmnlint hands the Problems panel each report with its rule's name
    const issues: LintIssues = Object.fromEntries(Object.entries(results).map(([rule, reports]) => [rule, reports.map((report) => ({ ...report, rule }))]));
    return problemsOf(issues, null);
  } finally {
    vi.unstubAllGlobals();
  }
}

// A pool marked isExecutable="false" is documentation: deploy and `stratum validate` skip it and make what would not
// run in it a warning. The modeler drew error badges there and listed them as errors, errors the server never raises.
const WITH_DOCUMENTATION_POOL = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="Definitions_1" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:collaboration id="Collaboration_1">
    <bpmn:participant id="Participant_Shop" name="Shop" processRef="shop" />
    <bpmn:participant id="Participant_Customer" name="Customer" processRef="customer-side" />
  </bpmn:collaboration>
  <bpmn:process id="shop" name="Shop" isExecutable="true">
    <bpmn:startEvent id="Start" name="Order placed" />
    <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="Ship" />
    <bpmn:serviceTask id="Ship" name="Ship">
      <bpmn:extensionElements><zeebe:taskDefinition type="shipping" /></bpmn:extensionElements>
    </bpmn:serviceTask>
    <bpmn:sequenceFlow id="F2" sourceRef="Ship" targetRef="Wait" />
    <bpmn:intermediateCatchEvent id="Wait" name="Paid?"><bpmn:messageEventDefinition id="Wait_Def" /></bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="F3" sourceRef="Wait" targetRef="End" />
    <bpmn:endEvent id="End" name="Shipped" />
  </bpmn:process>
  <bpmn:process id="customer-side" name="Customer" isExecutable="false">
    <bpmn:task id="Order" name="Order" />
    <bpmn:sequenceFlow id="C1" sourceRef="Order" targetRef="Choose" />
    <bpmn:exclusiveGateway id="Choose" name="Pay now?" />
    <bpmn:sequenceFlow id="C2" sourceRef="Choose" targetRef="PayCard" />
    <bpmn:sequenceFlow id="C3" sourceRef="Choose" targetRef="PayLater" />
    <bpmn:task id="PayCard" name="Pay by card" />
    <bpmn:intermediateCatchEvent id="PayLater" name="Invoice"><bpmn:messageEventDefinition id="PayLater_Def" /></bpmn:intermediateCatchEvent>
  </bpmn:process>
</bpmn:definitions>`;

describe('a pool marked isExecutable="false" in the modeler', () => {
  /**
   * Each finding on an element as rule, element and severity, in one order: what the two lists must agree on (deploy
   * sums up a file without any diagram in one no-bpmndi finding; the canvas always has one).
   */
  const byElement = (findings: { rule: string; elementId: string | null; severity: string }[]) => findings
    .filter((finding) => finding.elementId !== null && !['xml-import', 'no-bpmndi'].includes(finding.rule))
    .map(({ rule, elementId, severity }) => `${severity} ${rule} ${elementId}`)
    .sort();

  it('shows the findings stratum validate gives, as warnings in the documentation pool, in the same words', async () => {
    const problems = await modelerProblems(WITH_DOCUMENTATION_POOL);
    const validated = await lintXml(WITH_DOCUMENTATION_POOL);
    expect(byElement(problems)).toEqual(byElement(validated));
    const note = '(in process "customer-side", marked isExecutable="false": documentation, not deployed)';
    // a message catch without a message, a process without start and end events: errors in the executable pool only
    expect(problems.filter((problem) => problem.message.endsWith(note)).map(({ rule, elementId, severity }) => ({ rule, elementId, severity })))
      .toEqual(expect.arrayContaining([
        { rule: 'message-named', elementId: 'PayLater', severity: 'warning' },
        { rule: 'start-event-required', elementId: 'customer-side', severity: 'warning' },
        { rule: 'end-event-required', elementId: 'customer-side', severity: 'warning' },
      ]));
    expect(problems).toContainEqual(expect.objectContaining({ rule: 'message-named', elementId: 'Wait', severity: 'error', message: expect.not.stringContaining(note) as string }));
    const inDocumentation = new Set(['Order', 'Choose', 'PayCard', 'PayLater', 'C1', 'C2', 'C3', 'customer-side']);
    expect(problems.filter((problem) => problem.severity === 'error' && inDocumentation.has(problem.elementId!))).toEqual([]);
    for (const problem of problems.filter((candidate) => candidate.message.endsWith(note))) {
      expect(validated).toContainEqual(expect.objectContaining({ rule: problem.rule, elementId: problem.elementId, severity: 'warning', message: expect.stringMatching(/documentation, not deployed\)$/) as string }));
    }
  });

  it.skipIf(!interopAvailable)('agrees with stratum validate on the MIWG invoice as Camunda Modeler saves it (the Team-Assistant pool)', async () => {
    const { xml } = interopFile('vendors/bpmn.io-camunda-modeler-18.6.1/C.1.0-roundtrip.bpmn');
    const problems = await modelerProblems(xml);
    const validated = await lintXml(xml);
    expect(byElement(problems)).toEqual(byElement(validated));
    expect(problems.some((problem) => problem.severity === 'warning' && problem.message.endsWith('marked isExecutable="false": documentation, not deployed)'))).toBe(true);
  });
});

describe('a lint rule that crashes, in the modeler', () => {
  it('is listed once in the Problems panel, as an error about the document worded as deploy words it', async () => {
    // every error rule runs beside a "-warnings" companion (the same check): both threw, and the panel listed the crash twice
    const resolveRule = stratumResolver.resolveRule.bind(stratumResolver);
    const spy = vi.spyOn(stratumResolver, 'resolveRule').mockImplementation((pkg, ruleName) => (ruleName === 'exclusive-gateway-default'
      ? () => ({ check: () => { throw new Error('boom on the way'); } })
      : resolveRule(pkg, ruleName)));
    try {
      const crashes = (await modelerProblems(CAMUNDA_8_DIAGRAM)).filter((problem) => problem.rule === 'exclusive-gateway-default');
      expect(crashes).toEqual([{
        elementId: null, processKey: null, rule: 'exclusive-gateway-default', severity: 'error', message: 'The check "exclusive-gateway-default" failed on this document: boom on the way',
      }]);
      expect((await lintXml(CAMUNDA_8_DIAGRAM)).filter((finding) => finding.rule === 'exclusive-gateway-default').map((finding) => finding.message))
        .toEqual([crashes[0].message]);
    } finally {
      spy.mockRestore();
    }
  });
});

// An error end event whose code no call of its process catches fails each instance reaching it; the canvas warns with
// what the deployed library's callers catch (error-end-caught), as deploy does.
const ERRORS_DEFINITIONS = (process: string) => `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="Definitions_1" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:error id="Error_Rejected" name="Credit rejected" errorCode="CREDIT_REJECTED" />
  ${process}
</bpmn:definitions>`;
const CREDIT_CHECK = ERRORS_DEFINITIONS(`<bpmn:process id="credit-check" isExecutable="true">
    <bpmn:startEvent id="Start" />
    <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="Refuse" />
    <bpmn:endEvent id="Refuse" name="Credit refused"><bpmn:errorEventDefinition errorRef="Error_Rejected" /></bpmn:endEvent>
  </bpmn:process>`);
/** The deployed order-to-cash calling credit-check, its call activity catching the code (`catches`) or nothing. */
const DEPLOYED_CALLER = (catches: boolean) => ERRORS_DEFINITIONS(`<bpmn:process id="order-to-cash" isExecutable="true">
    <bpmn:startEvent id="Start" />
    <bpmn:callActivity id="CallCheck" name="Check credit"><bpmn:extensionElements><zeebe:calledElement processId="credit-check" /></bpmn:extensionElements></bpmn:callActivity>
    ${catches ? '<bpmn:boundaryEvent id="Refused" attachedToRef="CallCheck"><bpmn:errorEventDefinition errorRef="Error_Rejected" /></bpmn:boundaryEvent>' : ''}
  </bpmn:process>`);

describe('an error end event nothing catches, in the modeler', () => {
  /** The canvas's error-end-caught reports on credit-check once the deployed library (order-to-cash) is read. */
  async function canvasReports(callerCatches: boolean) {
    vi.stubGlobal('requestAnimationFrame', (work: () => void) => { work(); return 0; });
    try {
      const configured = vi.fn();
      const listeners = new Map<string, (() => void)[]>();
      const eventBus = { on: (event: string, listener: () => void) => listeners.set(event, [...(listeners.get(event) ?? []), listener]) };
      const api = { getVersionXml: () => Promise.resolve(DEPLOYED_CALLER(callerCatches)) };
      const library = { processes: [{ key: 'order-to-cash', latestVersion: 1 }], keys: () => ['order-to-cash', 'credit-check'] };
      const rules = new LintRules(...([eventBus, { setLinterConfig: configured }, library, { api }, { all: () => [] }, diagramIds()] as unknown as ConstructorParameters<typeof LintRules>));
      for (const listener of listeners.get(LIBRARY_CHANGED) ?? []) listener();
      await vi.waitFor(() => expect(rules.context().processSupplies).toHaveLength(1));
      const { config, resolver } = configured.mock.calls.at(-1)![0] as { config: unknown; resolver: unknown };
      const { definitions } = await parseBpmn(CREDIT_CHECK);
      completeFlowReferences(definitions);
      const results = await new bpmnlint.Linter({ config, resolver }).lint(definitions) as Record<string, { id: string; category: string; message: string }[]>;
      return (results['stratum/error-end-caught'] ?? []).map(({ id, category, message }) => [id, category, message]);
    } finally {
      vi.unstubAllGlobals();
    }
  }

  it('is a warning on the canvas when no call of its process in the deployed library catches the code, and none once the deployed caller\'s call activity does', async () => {
    expect(await canvasReports(false)).toEqual([['Refuse', 'warn', expect.stringContaining('no call of "credit-check" in the library (order-to-cash › "Check credit")')]]);
    expect(await canvasReports(true)).toEqual([]);
  });
});
