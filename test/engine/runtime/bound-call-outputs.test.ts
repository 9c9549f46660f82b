// A call activity bound by `deployment` or `versionTag` starts an older version of the called process than the
// latest. What that version declares as its output is decided there: no worker, message or operator's retry of
// the caller may set it, though the latest version no longer declares it (tree-models.ts follows the binding).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Stratum } from '../../../engine/index.js';
import { erp, openFixture, type Fixture } from '../../support/stratum-fixture.js';
import { objectWith } from '../../support/matchers.js';
import { refusalOf } from '../../support/refusal.js';

let fixture: Fixture;
let stratum: Stratum;
const operator = { name: 'otto', groups: ['operations'] };

beforeEach(async () => {
  fixture = await openFixture({ deployShipped: false });
  stratum = fixture.stratum;
  // version 1 decides `approved`; version 2, the latest, renamed it
  await stratum.library.deploy([
    caller('latest-caller', ''), caller('deployment-caller', 'bindingType="deployment"'),
    caller('tag-caller', 'bindingType="versionTag" versionTag="1.0"'), approval('1.0', 'approved'),
  ], { user: 'test' });
  await stratum.library.deploy([approval('2.0', 'approvalGranted')], { user: 'test' });
});
afterEach(async () => {
  await fixture.dispose();
});

const runtime = () => stratum.runtime;

async function preparing(key: string, businessKey: string) {
  await runtime().start(key, { businessKey });
  const [job] = await runtime().fetchAndLockJobs({ type: 'prepare', workerId: 'w1' });
  expect(job, 'the caller\'s prepare job').toBeDefined();
  return job;
}

const BOUND = [['deployment', 'deployment-caller'], ['versionTag', 'tag-caller']] as const;

describe('the output of the version a bound call starts is not the caller\'s to set', () => {
  it.each(BOUND)('refuses a worker of a caller bound by %s setting it', async (_binding, key) => {
    const job = await preparing(key, `J-${key}`);
    const error = await refusalOf(runtime().completeJob(job.id, { approved: true }, erp, 'w1'));
    expect(error).toMatchObject({ code: 'invalid' });
    expect(error.details?.variables).toEqual([objectWith({ name: 'approved', problem: 'is the declared output of an element' })]);
    expect((await runtime().completeJob(job.id, { preparedBy: 'erp' }, erp, 'w1')).status).toBe('running');
  });

  it.each(BOUND)('refuses a BPMN error of a caller bound by %s carrying it', async (_binding, key) => {
    const job = await preparing(key, `E-${key}`);
    const error = await refusalOf(runtime().throwJobError(job.id, { errorCode: 'LATE', variables: { approved: true } }, erp));
    expect(error.details?.variables).toEqual([objectWith({ name: 'approved' })]);
  });

  it.each(BOUND)('refuses a message to a caller bound by %s setting it', async (_binding, key) => {
    await preparing(key, `M-${key}`);
    const error = await refusalOf(runtime().correlateMessage({ name: 'Approved', businessKey: `M-${key}`, variables: { approved: true }, actor: 'erp' }));
    expect(error).toMatchObject({ code: 'invalid' });
    expect(error.details?.variables).toEqual([objectWith({ name: 'approved', problem: 'is the declared output of another element' })]);
  });

  it.each(BOUND)('refuses an operator\'s retry of a caller bound by %s setting it', async (_binding, key) => {
    const job = await preparing(key, `R-${key}`);
    await runtime().failJob(job.id, { message: 'ERP down', retries: 0, workerId: 'w1' }, erp);
    const [incident] = (await runtime().findIncidents({ businessKey: `R-${key}` })).items;
    const error = await refusalOf(runtime().retryIncident(incident.id, { variables: { approved: true } }, operator));
    expect(error.details?.variables).toEqual([objectWith({ name: 'approved', problem: 'is the declared output of an element' })]);
    expect((await runtime().findIncidents({ businessKey: `R-${key}` })).items.map((open) => open.id)).toEqual([incident.id]);
  });

  it('lets a worker of a caller bound to the latest version set it: only the latest version\'s outputs are decided there', async () => {
    const job = await preparing('latest-caller', 'J-latest');
    const error = await refusalOf(runtime().completeJob(job.id, { approvalGranted: true }, erp, 'w1'));
    expect(error.details?.variables).toEqual([objectWith({ name: 'approvalGranted' })]);
    expect((await runtime().completeJob(job.id, { approved: true }, erp, 'w1')).variables).toMatchObject({ approved: true });
  });
});

// helpers

function definitions(body: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="Defs" targetNamespace="http://example.com">
${body}
</bpmn:definitions>`;
}

/** A worker prepares, then the approval is called with `binding`. */
function caller(key: string, binding: string) {
  return {
    name: `${key}.bpmn`,
    xml: definitions(`  <bpmn:process id="${key}" name="${key}" isExecutable="true">
    <bpmn:startEvent id="Start" />
    <bpmn:serviceTask id="Prepare" name="Prepare"><bpmn:extensionElements><zeebe:taskDefinition type="prepare" /></bpmn:extensionElements></bpmn:serviceTask>
    <bpmn:callActivity id="CallApproval" name="Approval"><bpmn:extensionElements><zeebe:calledElement processId="bound-approval" ${binding} /></bpmn:extensionElements></bpmn:callActivity>
    <bpmn:endEvent id="End" />
    <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="Prepare" />
    <bpmn:sequenceFlow id="F2" sourceRef="Prepare" targetRef="CallApproval" />
    <bpmn:sequenceFlow id="F3" sourceRef="CallApproval" targetRef="End" />
  </bpmn:process>`),
  };
}

/** The called approval, tagged `tag`, whose task decides `target`. */
function approval(tag: string, target: string) {
  return {
    name: 'bound-approval.bpmn',
    xml: definitions(`  <bpmn:process id="bound-approval" name="Approval ${tag}" isExecutable="true">
    <bpmn:extensionElements><zeebe:versionTag value="${tag}" /></bpmn:extensionElements>
    <bpmn:startEvent id="ApprovalStart" />
    <bpmn:userTask id="Approve" name="Approve">
      <bpmn:extensionElements>
        <zeebe:assignmentDefinition candidateGroups="sales-director" />
        <zeebe:ioMapping><zeebe:output source="=approved" target="${target}" /></zeebe:ioMapping>
      </bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:endEvent id="ApprovalEnd" />
    <bpmn:sequenceFlow id="A1" sourceRef="ApprovalStart" targetRef="Approve" />
    <bpmn:sequenceFlow id="A2" sourceRef="Approve" targetRef="ApprovalEnd" />
  </bpmn:process>`),
  };
}
