// An event sub-process started by a message (interrupting or not) never ran: bpmn-elements starts one only when the
// running process throws the message itself (bpmn-engine's signal and sendMessage never reach it), and Stratum's
// correlation delivers a message to a catch's wait or to a process's top-level start event only. The sub-process opened no wait, GET /api/instances/{id} did not list it, and
// its message was buffered as if nothing waited, with the engine warm or cold. It is refused at deploy, naming the
// start event (lint rule supported-elements); the message boundary events it stands for run as before.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openFixture, type Fixture } from '../../support/stratum-fixture.js';
import { objectWith, textContaining } from '../../support/matchers.js';
import { refusalOf } from '../../support/refusal.js';

let fixture: Fixture;
beforeEach(async () => { fixture = await openFixture({ deployShipped: false }); });
afterEach(async () => { await fixture.dispose(); });

const file = (body: string, documentation = '') => ({
  name: 'packing.bpmn',
  xml: `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="Definitions_packing" targetNamespace="http://stratum.dev/test">
  <bpmn:message id="Msg_cancel" name="cancel-requested" />
  <bpmn:message id="Msg_note" name="note-added" />
  <bpmn:process id="packing" isExecutable="true">
    <bpmn:startEvent id="Start" />
    <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="Pack" />
    <bpmn:userTask id="Pack" name="Pack" />
    <bpmn:sequenceFlow id="F2" sourceRef="Pack" targetRef="Done" />
    <bpmn:endEvent id="Done" />
${body}
  </bpmn:process>${documentation}
</bpmn:definitions>`,
});

const eventSubProcess = (prefix: string, message: string, interrupting: boolean, name: string) => `
    <bpmn:subProcess id="${prefix}" triggeredByEvent="true">
      <bpmn:startEvent id="${prefix}Start" name="${name}" isInterrupting="${interrupting}"><bpmn:messageEventDefinition messageRef="${message}" /></bpmn:startEvent>
      <bpmn:sequenceFlow id="${prefix}F1" sourceRef="${prefix}Start" targetRef="${prefix}Task" />
      <bpmn:userTask id="${prefix}Task" name="Handle ${name}" />
      <bpmn:sequenceFlow id="${prefix}F2" sourceRef="${prefix}Task" targetRef="${prefix}End" />
      <bpmn:endEvent id="${prefix}End" />
    </bpmn:subProcess>`;

describe('an event sub-process started by a message', () => {
  it('is refused at deploy, interrupting or not, naming each start event and the boundary event to model instead', async () => {
    const body = eventSubProcess('Cancel', 'Msg_cancel', true, 'Cancel requested') + eventSubProcess('Note', 'Msg_note', false, 'Note added');
    const error = await refusalOf(fixture.stratum.library.deploy([file(body)], { user: 'designer' }));
    expect(error.code).toBe('invalid');
    const findings = (error.details?.findings ?? []).filter((finding) => finding.rule === 'supported-elements');
    expect(findings).toEqual([
      objectWith({ elementId: 'CancelStart', severity: 'error', message: textContaining('Start event "Cancel requested" is a message start event of an event sub-process') }),
      objectWith({ elementId: 'NoteStart', severity: 'error', message: textContaining('Start event "Note added" is a message start event of an event sub-process') }),
    ]);
    expect(findings[0].message).toContain('interrupting message boundary event');
    expect(findings[1].message).toContain('non-interrupting message boundary event');
    expect(await fixture.stratum.library.list()).toEqual([]);
  });

  it('in a pool marked isExecutable="false" stays documentation: the file deploys its executable process, with a warning', async () => {
    const documented = `
  <bpmn:process id="packing-notes" isExecutable="false">
    <bpmn:startEvent id="NotesStart" />${eventSubProcess('Note', 'Msg_note', false, 'Note added')}
  </bpmn:process>`;
    const { deployed, warnings } = await fixture.stratum.library.deploy([file('', documented)], { user: 'designer' });
    expect(deployed).toEqual([{ key: 'packing', version: 1, changed: true }]);
    expect(warnings.filter((finding) => finding.rule === 'supported-elements')).toEqual([objectWith({ elementId: 'NoteStart', severity: 'warning' })]);
  });
});

describe('the message boundary events an event sub-process stands for', () => {
  it('a non-interrupting one keeps the task open and runs its path; an interrupting one closes the task', async () => {
    const boundaries = `
    <bpmn:boundaryEvent id="Noted" attachedToRef="Pack" cancelActivity="false"><bpmn:messageEventDefinition messageRef="Msg_note" /></bpmn:boundaryEvent>
    <bpmn:sequenceFlow id="N1" sourceRef="Noted" targetRef="ReadNote" />
    <bpmn:userTask id="ReadNote" name="Read note" />
    <bpmn:sequenceFlow id="N2" sourceRef="ReadNote" targetRef="NoteRead" />
    <bpmn:endEvent id="NoteRead" />
    <bpmn:boundaryEvent id="Cancelled" attachedToRef="Pack"><bpmn:messageEventDefinition messageRef="Msg_cancel" /></bpmn:boundaryEvent>
    <bpmn:sequenceFlow id="C1" sourceRef="Cancelled" targetRef="Refund" />
    <bpmn:userTask id="Refund" name="Refund" />
    <bpmn:sequenceFlow id="C2" sourceRef="Refund" targetRef="Refunded" />
    <bpmn:endEvent id="Refunded" />`;
    await fixture.stratum.library.deploy([file(boundaries)], { user: 'designer' });
    const { runtime } = fixture.stratum;
    const id = (await runtime.start('packing', { businessKey: 'P-1', user: 'clerk' })).instance.id;
    const waitingAt = async () => (await runtime.getInstance(id))!.waiting.map((wait) => wait.elementId).sort();
    expect(await waitingAt()).toEqual(['Cancelled', 'Noted', 'Pack']);
    expect((await runtime.correlateMessage({ name: 'note-added', businessKey: 'P-1' })).moved).toHaveLength(1);
    // the task stays open beside the note's path (bpmn-elements catches a non-interrupting boundary message once)
    expect(await waitingAt()).toEqual(['Cancelled', 'Pack', 'ReadNote']);
    expect((await runtime.correlateMessage({ name: 'cancel-requested', businessKey: 'P-1' })).moved).toHaveLength(1);
    expect(await waitingAt()).toEqual(['ReadNote', 'Refund']);
  });
});
