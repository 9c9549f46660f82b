// Over HTTP, a process with an event sub-process started by a message deployed (201), and POST /api/messages for an
// instance waiting on its task answered `buffered`: the sub-process opened no wait, so nothing ever ran it. The deploy
// is now 422 problem+json naming each message start event (supported-elements), and nothing is deployed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { problemOf, TOKENS, type ApiClient } from './support/client.js';
import { removeDataDir, startTestServer, type TestServer } from './support/real-server.js';
import { objectWith, textContaining } from '../support/matchers.js';

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

const PACKING = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="Defs_esp_packing" targetNamespace="http://stratum.example/test">
  <bpmn:message id="Msg_cancel" name="esp-cancel-requested"><bpmn:extensionElements><zeebe:subscription correlationKey="=orderNo" /></bpmn:extensionElements></bpmn:message>
  <bpmn:message id="Msg_note" name="esp-note-added" />
  <bpmn:process id="esp-packing" name="Packing" isExecutable="true">
    <bpmn:startEvent id="Start" />
    <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="Pack" />
    <bpmn:userTask id="Pack" name="Pack"><bpmn:extensionElements><zeebe:assignmentDefinition candidateGroups="operations" /></bpmn:extensionElements></bpmn:userTask>
    <bpmn:sequenceFlow id="F2" sourceRef="Pack" targetRef="Done" />
    <bpmn:endEvent id="Done" />
    <bpmn:subProcess id="Cancel" triggeredByEvent="true">
      <bpmn:startEvent id="CancelStart" name="Cancel requested"><bpmn:messageEventDefinition messageRef="Msg_cancel" /></bpmn:startEvent>
      <bpmn:sequenceFlow id="C1" sourceRef="CancelStart" targetRef="Cancelled" />
      <bpmn:endEvent id="Cancelled" />
    </bpmn:subProcess>
    <bpmn:subProcess id="Note" triggeredByEvent="true">
      <bpmn:startEvent id="NoteStart" name="Note added" isInterrupting="false"><bpmn:messageEventDefinition messageRef="Msg_note" /></bpmn:startEvent>
      <bpmn:sequenceFlow id="N1" sourceRef="NoteStart" targetRef="Noted" />
      <bpmn:endEvent id="Noted" />
    </bpmn:subProcess>
  </bpmn:process>
</bpmn:definitions>`;

describe('POST /api/deployments with an event sub-process started by a message', () => {
  it('is 422 problem+json naming each message start event, and deploys nothing', async () => {
    const response = await api.request('POST', '/api/deployments?name=esp-packing.bpmn', {
      token: TOKENS.designer, body: PACKING, headers: { 'content-type': 'application/xml' },
    });
    expect(response.status, response.text).toBe(422);
    expect(response.contentType).toMatch(/^application\/problem\+json/);
    const findings = (problemOf(response).findings as { rule: string }[]).filter((finding) => finding.rule === 'supported-elements');
    expect(findings).toEqual([
      objectWith({ elementId: 'CancelStart', severity: 'error', message: textContaining('is a message start event of an event sub-process') }),
      objectWith({ elementId: 'NoteStart', severity: 'error', message: textContaining('non-interrupting message boundary event') }),
    ]);
    expect((await api.get('/api/processes/esp-packing', TOKENS.designer)).status).toBe(404);
  });
});
