// A Camunda 8 caller and the review process it calls, for the tests of what a call activity passes
// (runtime/call-variables.ts) at run time and in the impact replays: the review routes on `approved`,
// which the caller holds, so a variable it is not given decides nothing there.
import type { BpmnFile } from '../../engine/index.js';

const NS = 'xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0"';

/** The caller: the call activity with `calledElement` attributes, `mappings` and `loop`, then an `after` job that shows what came back. */
export const caller = (calledElement: string, mappings = '', loop = ''): BpmnFile => ({
  name: 'c8-caller.bpmn',
  xml: `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions ${NS} id="CallerDefinitions" targetNamespace="http://example.com/c8">
  <bpmn:process id="c8-caller" isExecutable="true">
    <bpmn:startEvent id="Start" />
    <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="Call" />
    <bpmn:callActivity id="Call" name="Review the order">
      <bpmn:extensionElements>
        <zeebe:calledElement processId="c8-review" ${calledElement} />
        ${mappings ? `<zeebe:ioMapping>${mappings}</zeebe:ioMapping>` : ''}
      </bpmn:extensionElements>
      ${loop}
    </bpmn:callActivity>
    <bpmn:sequenceFlow id="F2" sourceRef="Call" targetRef="After" />
    <bpmn:serviceTask id="After" name="Look after"><bpmn:extensionElements><zeebe:taskDefinition type="after" /></bpmn:extensionElements></bpmn:serviceTask>
    <bpmn:sequenceFlow id="F3" sourceRef="After" targetRef="End" />
    <bpmn:endEvent id="End" />
  </bpmn:process>
</bpmn:definitions>`,
});

/** The called process: a `review` job (its variables are the child's), then a gateway on `approved`. */
export const REVIEW: BpmnFile = {
  name: 'c8-review.bpmn',
  xml: `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions ${NS} id="ReviewDefinitions" targetNamespace="http://example.com/c8">
  <bpmn:process id="c8-review" isExecutable="true">
    <bpmn:startEvent id="Start" />
    <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="Review" />
    <bpmn:serviceTask id="Review" name="Review"><bpmn:extensionElements><zeebe:taskDefinition type="review" /></bpmn:extensionElements></bpmn:serviceTask>
    <bpmn:sequenceFlow id="F2" sourceRef="Review" targetRef="Approved" />
    <bpmn:exclusiveGateway id="Approved" name="Approved?" default="Flow_Other" />
    <bpmn:sequenceFlow id="Flow_Approved" name="approved" sourceRef="Approved" targetRef="Ship"><bpmn:conditionExpression>=approved = true</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="Flow_Other" name="otherwise" sourceRef="Approved" targetRef="Recheck" />
    <bpmn:serviceTask id="Ship" name="Ship"><bpmn:extensionElements><zeebe:taskDefinition type="ship" /></bpmn:extensionElements></bpmn:serviceTask>
    <bpmn:serviceTask id="Recheck" name="Recheck"><bpmn:extensionElements><zeebe:taskDefinition type="recheck" /></bpmn:extensionElements></bpmn:serviceTask>
    <bpmn:sequenceFlow id="F3" sourceRef="Ship" targetRef="Shipped" />
    <bpmn:sequenceFlow id="F4" sourceRef="Recheck" targetRef="Rechecked" />
    <bpmn:endEvent id="Shipped" />
    <bpmn:endEvent id="Rechecked" />
  </bpmn:process>
</bpmn:definitions>`,
};

export const CALLER_VARIABLES = { approved: true, amount: 40, reviewers: ['ann', 'bob'] };

/** A multi-instance loop over the caller's `reviewers`, each iteration's element as `reviewer`. */
export const OVER_REVIEWERS = '<bpmn:multiInstanceLoopCharacteristics><bpmn:extensionElements><zeebe:loopCharacteristics inputCollection="=reviewers" inputElement="reviewer" /></bpmn:extensionElements></bpmn:multiInstanceLoopCharacteristics>';
