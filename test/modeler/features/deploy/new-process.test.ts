import { describe, expect, it } from 'vitest';
import { asNewProcess, emptyProcess } from '../../../../modeler/src/features/deploy/new-process.js';
import { compareVersions } from '../../../../modeler/src/features/diff/VersionDiff.js';

// A Camunda Modeler file with a pool, as ticket-booking.bpmn of the interop corpus has it: the participant points at the process.
const POOLED = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="Definitions_1" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:collaboration id="Collaboration_1">
    <bpmn:participant id="Participant_Booking" name="Ticket booking" processRef="ticket-booking" />
  </bpmn:collaboration>
  <bpmn:process id="ticket-booking" isExecutable="true">
    <bpmn:startEvent id="Start" name="Booking requested" />
    <bpmn:sequenceFlow id="Flow_1" sourceRef="Start" targetRef="Task_Reserve" />
    <bpmn:serviceTask id="Task_Reserve" name="Reserve seats" />
    <bpmn:sequenceFlow id="Flow_2" sourceRef="Task_Reserve" targetRef="End" />
    <bpmn:endEvent id="End" name="Booked" />
    <bpmn:textAnnotation id="Note"><bpmn:text>Seats are held for 10 minutes</bpmn:text></bpmn:textAnnotation>
  </bpmn:process>
</bpmn:definitions>`;

describe('the changes of a new process in the deploy dialog', () => {
  it('are its elements, all added: nothing of it is changed, and no value reads as going from something to nothing', async () => {
    const raw = await compareVersions(emptyProcess('ticket-booking'), POOLED);
    // the differ matches the pool to the stand-in and calls it changed (its process lost its flow elements …)
    expect(raw.changed.map((item) => item.id)).toContain('Participant_Booking');
    const comparison = asNewProcess(raw, 'ticket-booking');
    expect(comparison.changed).toEqual([]);
    expect(comparison.added.map((item) => item.id)).toEqual(expect.arrayContaining(['Participant_Booking', 'Start', 'Task_Reserve', 'End', 'Flow_1', 'Flow_2']));
    expect(comparison.added.some((item) => item.id === 'ticket-booking')).toBe(false);
    expect(comparison.added.every((item) => item.attributes === undefined)).toBe(true);
  });
});
