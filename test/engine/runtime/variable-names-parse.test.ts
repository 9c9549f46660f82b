// An entry inside a worker's value never changes what a condition says.
// feelin parses a text against the names it is given, those inside the
// variables' values too (a FEEL name may hold spaces, keywords and operators),
// so a worker completing a job without outputs (which may set any variable but
// the order's fields and the elements' decisions) with
// `check = {ok: true, "ok and signerApproved": true}` made the condition
// `=check.ok and signerApproved` read that entry instead of the signer's
// decision: what the signer rejected went on as approved
// (engine/feel/parse-guard.ts).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { erp, openFixture, type Fixture } from '../../support/stratum-fixture.js';

const reviewer = { name: 'rita', groups: ['reviewers'] };
const signer = { name: 'sven', groups: ['signers'] };

function userTask(id: string, group: string, target: string, incoming: string, outgoing: string) {
  return `<bpmn:userTask id="${id}" name="${id}"><bpmn:extensionElements><zeebe:assignmentDefinition candidateGroups="${group}" />
      <zeebe:ioMapping><zeebe:output source="=approved" target="${target}" /></zeebe:ioMapping></bpmn:extensionElements>
      <bpmn:incoming>${incoming}</bpmn:incoming><bpmn:outgoing>${outgoing}</bpmn:outgoing></bpmn:userTask>`;
}

function serviceTask(id: string, type: string, incoming: string, outgoing: string) {
  return `<bpmn:serviceTask id="${id}" name="${id}"><bpmn:extensionElements><zeebe:taskDefinition type="${type}" /></bpmn:extensionElements>
      <bpmn:incoming>${incoming}</bpmn:incoming><bpmn:outgoing>${outgoing}</bpmn:outgoing></bpmn:serviceTask>`;
}

/** A worker prepares, two people decide, and a gateway ships only what both approved. */
function signedRelease(condition: string) {
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="D" targetNamespace="http://example.com/camunda8">
  <bpmn:process id="signed-release" name="Signed release" isExecutable="true">
    <bpmn:startEvent id="Start"><bpmn:outgoing>F1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="Prepare" />
    ${serviceTask('Prepare', 'prepare-release', 'F1', 'F2')}
    <bpmn:sequenceFlow id="F2" sourceRef="Prepare" targetRef="Review" />
    ${userTask('Review', 'reviewers', 'reviewApproved', 'F2', 'F3')}
    <bpmn:sequenceFlow id="F3" sourceRef="Review" targetRef="Sign" />
    ${userTask('Sign', 'signers', 'signerApproved', 'F3', 'F4')}
    <bpmn:sequenceFlow id="F4" sourceRef="Sign" targetRef="Both" />
    <bpmn:exclusiveGateway id="Both" name="Both approved?" default="No"><bpmn:incoming>F4</bpmn:incoming><bpmn:outgoing>Yes</bpmn:outgoing><bpmn:outgoing>No</bpmn:outgoing></bpmn:exclusiveGateway>
    <bpmn:sequenceFlow id="Yes" sourceRef="Both" targetRef="Ship"><bpmn:conditionExpression>${condition}</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="No" sourceRef="Both" targetRef="Hold" />
    ${serviceTask('Ship', 'ship', 'Yes', 'E1')}
    ${serviceTask('Hold', 'hold', 'No', 'E2')}
    <bpmn:sequenceFlow id="E1" sourceRef="Ship" targetRef="End" />
    <bpmn:sequenceFlow id="E2" sourceRef="Hold" targetRef="End" />
    <bpmn:endEvent id="End"><bpmn:incoming>E1</bpmn:incoming><bpmn:incoming>E2</bpmn:incoming></bpmn:endEvent>
  </bpmn:process>
</bpmn:definitions>`;
}

let fixture: Fixture;
beforeEach(async () => {
  fixture = await openFixture({ deployShipped: false });
});
afterEach(async () => { await fixture?.dispose(); });
const runtime = () => fixture.stratum.runtime;

/** Runs the release with the worker's variables and the two decisions; the instance and the job types it then waits for. */
async function release(condition: string, workerVariables: Record<string, unknown>, reviewApproved: boolean, signerApproved: boolean) {
  await fixture.stratum.library.deploy([{ name: 'signed-release.bpmn', xml: signedRelease(condition) }], { user: 'designer' });
  const { instance } = await runtime().start('signed-release', { variables: {}, user: 'erp' });
  const [job] = await runtime().fetchAndLockJobs({ type: 'prepare-release', workerId: 'w1' });
  await runtime().completeJob(job.id, workerVariables, erp, 'w1');
  const [review] = await runtime().findTasks({ instanceId: instance.id });
  await runtime().completeTask(review.id, { approved: reviewApproved }, reviewer);
  const [sign] = await runtime().findTasks({ instanceId: instance.id });
  const after = await runtime().completeTask(sign.id, { approved: signerApproved }, signer);
  return { after, waitingFor: after.waiting.map((wait) => wait.jobType) };
}

describe('an entry of a worker\'s value named across a condition\'s words', () => {
  it.each([
    ['=check.ok and signerApproved', { ok: true, 'ok and signerApproved': true }],
    ['=check.ok and signerApproved', { ok: true, 'ok  and  signerApproved': true }],
    ['=(check).ok and signerApproved', { ok: true, 'ok and signerApproved': true }],
    ['=if check.ok and signerApproved then true else false', { ok: true, 'ok and signerApproved then true else false': true, 'ok and signerApproved': true }],
  ])('%s with check = %j refuses the decision that would evaluate it, rather than reading the entry', async (condition, check) => {
    const refused = await release(condition, { check }, true, false).catch((error: unknown) => error);
    expect(refused).toMatchObject({ code: 'invalid', message: expect.stringMatching(/"check\.ok +and +signerApproved[^"]*" would be read in place of what the expression says/) as unknown });
    const [instance] = (await runtime().findInstances({ processKey: 'signed-release' })).items;
    const waiting = (await runtime().getInstance(instance.id))!.waiting;
    expect(waiting.map((wait) => wait.elementId)).toEqual(['Sign']);
  });

  it('keeps what the worker sent when no condition spans it, and ships what both approved', async () => {
    const check = { ok: true, 'checked by': 'bureau', 'ref-no': 'R-7' };
    const { after, waitingFor } = await release('=check.ok and reviewApproved and signerApproved', { check }, true, true);
    expect(waitingFor).toEqual(['ship']);
    expect(after.variables).toMatchObject({ check });
  });

  it('reads a variable by its own name as before, spaces and dots included (a process\'s own output target may be named so)', async () => {
    const { waitingFor } = await release('=order total > 5 and credit.limit > 5 and reviewApproved and signerApproved', { 'order total': 6, 'credit.limit': 6 }, true, true);
    expect(waitingFor).toEqual(['ship']);
  });
});
