import bpmnlint from 'bpmnlint';
import { describe, expect, it, vi } from 'vitest';
import { completeFlowReferences } from '../../../../engine/bpmn/flow-references.js';
import { parseBpmn } from '../../../../engine/bpmn/moddle.js';
import { lintXml } from '../../../../engine/lint/lint-bpmn.js';
import type { Me, TaskGroups } from '../../../../modeler/src/api/client.js';
import LintRules from '../../../../modeler/src/features/lint/LintRules.js';
import { SESSION_READY, type SessionReady } from '../../../../modeler/src/features/session/Session.js';

/**
 * LintRules once a session starts for `user`: the calls it made and what its rules know of task groups. The token check
 * read `user` and SESSION_READY hands it on; `checked: false` is a check that failed (the server unreachable …).
 */
async function signIn(user: Me, taskGroups: TaskGroups = { groups: ['sales-director', 'vice-president'], demo: false }, { checked = true } = {}) {
  const calls: string[] = [];
  const api = {
    me: () => { calls.push('GET /api/me'); return Promise.resolve(user); },
    listGroups: () => { calls.push('GET /api/groups'); return Promise.resolve(taskGroups); },
  };
  const configured = vi.fn();
  const listeners = new Map<string, (event: SessionReady) => void>();
  const eventBus = { on: (event: string, listener: (event: SessionReady) => void) => listeners.set(event, listener) };
  const library = { processes: [], keys: () => [] };
  const rules = new LintRules(...([eventBus, { setLinterConfig: configured }, library, { api }] as unknown as ConstructorParameters<typeof LintRules>));
  listeners.get(SESSION_READY)!({ user: checked ? user : null });
  // once at construction, once when the task groups are known (or known not to be asked for)
  await vi.waitFor(() => expect(configured).toHaveBeenCalledTimes(2));
  return { calls, taskGroups: rules.context().taskGroups };
}

describe('the task groups the modeler lints candidate groups against', () => {
  it('are never asked for by a director (GET /api/groups is for designers: no 403 in the console), and candidate groups go unchecked', async () => {
    const { calls, taskGroups } = await signIn({ name: 'director', groups: ['sales-director'] });
    expect(calls).toEqual([]);
    expect(taskGroups).toBeUndefined();
  });

  it('are asked for by a designer, and a candidate group nobody is in is an error', async () => {
    const { calls, taskGroups } = await signIn({ name: 'dora', groups: ['designer'] });
    expect(calls).toEqual(['GET /api/groups']);
    expect(taskGroups).toEqual({ known: ['sales-director', 'vice-president'], severity: 'error' });
  });

  it('are asked for by an admin (a designer among other groups), as warnings on the demo users', async () => {
    const { calls, taskGroups } = await signIn({ name: 'admin', groups: ['integration', 'designer', 'operations'] }, { groups: ['inspection'], demo: true });
    expect(calls).toEqual(['GET /api/groups']);
    expect(taskGroups).toEqual({ known: ['inspection'], severity: 'warn' });
  });

  it('take the user from the token check, and ask who signed in themselves when that check failed', async () => {
    const { calls, taskGroups } = await signIn({ name: 'dora', groups: ['designer'] }, undefined, { checked: false });
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
      new LintRules(...([eventBus, { setLinterConfig: configured }, library, { api: {} }] as unknown as ConstructorParameters<typeof LintRules>));
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
});
