// What other tools write beside an executable process and Stratum does not run: resource roles naming a resource
// (Signavio, Trisotech, the MIWG models), resources, item definitions, interfaces and global tasks at the root.
// bpmn-engine's serializer failed on them when the process started ("Cannot read properties of undefined (reading
// 'expression')", "Unknown activity type bpmn:Resource": a 500 from POST /api/processes/{key}/instances).
import { describe, expect, it } from 'vitest';
import { compileExecutable } from '../../../engine/runtime/definition-cache.js';
import { LiveEngine } from '../../../engine/runtime/engine-adapter.js';

const XML = `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="defs" targetNamespace="http://example.com">
  <itemDefinition id="Item_Invoice" structureRef="Invoice" />
  <resource id="Clerk" name="Clerk" />
  <interface id="Erp" name="ERP"><operation id="Post" name="post"><inMessageRef>Msg_Invoice</inMessageRef></operation></interface>
  <message id="Msg_Invoice" name="invoice" itemRef="Item_Invoice" />
  <globalUserTask id="Global_Approve" name="Approve" />
  <process id="described" isExecutable="true">
    <performer id="Owner"><resourceRef>Clerk</resourceRef></performer>
    <startEvent id="start" />
    <sequenceFlow id="f1" sourceRef="start" targetRef="approve" />
    <userTask id="approve" name="Approve">
      <potentialOwner id="Approver"><resourceRef>Clerk</resourceRef></potentialOwner>
      <humanPerformer id="Signer"><resourceAssignmentExpression><formalExpression>clerk</formalExpression></resourceAssignmentExpression></humanPerformer>
    </userTask>
    <sequenceFlow id="f2" sourceRef="approve" targetRef="inner" />
    <subProcess id="inner">
      <startEvent id="inner-start" />
      <sequenceFlow id="f3" sourceRef="inner-start" targetRef="check" />
      <userTask id="check"><potentialOwner id="Checker"><resourceRef>Clerk</resourceRef></potentialOwner></userTask>
    </subProcess>
    <sequenceFlow id="f4" sourceRef="inner" targetRef="end" />
    <endEvent id="end" />
  </process>
</definitions>`;

describe('a process beside resources, item definitions, interfaces and resource roles naming a resource', () => {
  it('compiles and runs, its user tasks waiting as in any process', async () => {
    const definition = await compileExecutable('described', 1, XML);
    const engine = new LiveEngine('i-1', definition.sourceContext);
    await engine.start({});
    expect(engine.waiting().map((element) => element.id)).toEqual(['approve']);
    expect(definition.model.elements.has('check')).toBe(true);
  });
});
