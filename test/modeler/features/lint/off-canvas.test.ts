// A click on a Problems panel finding whose element has no shape (a choreography, a message or an error defined beside
// the processes, the process of a pool, an event's definition, the whole file) selected nothing and said nothing.
// off-canvas.ts says where it is and selects what stands for it on the canvas.
import { describe, expect, it } from 'vitest';
import { parseBpmn } from '../../../../engine/bpmn/moddle.js';
import { offCanvas } from '../../../../modeler/src/features/lint/off-canvas.js';

const DIAGRAM = `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="Defs" targetNamespace="http://example.com/shop">
  <message id="Msg_Paid" name="Payment received" />
  <error id="Err_Credit" name="Credit refused" errorCode="CREDIT" />
  <signal id="Sig_Unused" name="Recall" />
  <collaboration id="Collab">
    <participant id="Pool_Shop" name="Shop" processRef="shop" />
  </collaboration>
  <process id="shop" name="Shop" isExecutable="true">
    <startEvent id="Start" />
    <intermediateCatchEvent id="Wait_Paid" name="Paid"><messageEventDefinition id="Wait_Paid_Def" messageRef="Msg_Paid" /></intermediateCatchEvent>
    <serviceTask id="Check" name="Check credit" />
    <boundaryEvent id="Refused" name="Refused" attachedToRef="Check"><errorEventDefinition id="Refused_Def" errorRef="Err_Credit" /></boundaryEvent>
  </process>
  <choreography id="Chor" name="Quote choreography">
    <choreographyTask id="CT" name="Request quote" />
  </choreography>
</definitions>`;

/** The shapes bpmn-js draws of DIAGRAM: the collaboration (the root), its pool and the process's elements. */
const DRAWN = new Set(['Collab', 'Pool_Shop', 'Start', 'Wait_Paid', 'Check', 'Refused']);

async function clickOn(elementId: string | null) {
  const { definitions } = await parseBpmn(DIAGRAM);
  return offCanvas(definitions, elementId, (id) => DRAWN.has(id));
}

describe('a click on a finding whose element is not on the canvas', () => {
  it('says a choreography is not drawn but kept in the file, and that what is inside it is too', async () => {
    expect(await clickOn('Chor')).toEqual({ select: [], sentence: 'Choreography "Quote choreography" is not drawn: kept in the file' });
    expect(await clickOn('CT')).toEqual({
      select: [], sentence: 'Choreography task "Request quote" is not drawn: it is inside choreography "Quote choreography", kept in the file',
    });
  });

  it('selects what uses a message or an error the file defines, and says so', async () => {
    expect(await clickOn('Msg_Paid')).toEqual({
      select: ['Wait_Paid'], sentence: 'Message "Payment received" is not drawn: kept in the file; selected what uses it: intermediate catch event "Paid"',
    });
    expect(await clickOn('Err_Credit')).toEqual({
      select: ['Refused'], sentence: 'Error "Credit refused" is not drawn: kept in the file; selected what uses it: boundary event "Refused"',
    });
    expect(await clickOn('Sig_Unused')).toEqual({ select: [], sentence: 'Signal "Recall" is not drawn: kept in the file' });
  });

  it('selects the pool of a process, and the event holding an event definition', async () => {
    expect(await clickOn('shop')).toEqual({ select: ['Pool_Shop'], sentence: 'Process "Shop" is drawn as its pool participant "Shop": selected' });
    expect(await clickOn('Wait_Paid_Def')).toEqual({
      select: ['Wait_Paid'], sentence: 'Message event definition Wait_Paid_Def is not drawn itself: selected intermediate catch event "Paid", which holds it',
    });
  });

  it('says a finding about the whole file, or on an element the diagram no longer has, has nothing to select', async () => {
    expect(await clickOn(null)).toEqual({ select: [], sentence: 'This finding is about the whole file, not one element of it: there is nothing to select' });
    expect(await clickOn('Gone')).toEqual({ select: [], sentence: 'Gone is not in the diagram on the canvas' });
  });
});
