// Camunda 8's call-activity bindingType: `latest` (default) starts the latest
// version when the call is reached, `deployment` the version deployed with the
// caller, `versionTag` the latest version carrying the tag; impact counts a
// running caller as picking up a new version only when its binding would.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Stratum } from '../../../engine/index.js';
import { openFixture, type Fixture } from '../../support/stratum-fixture.js';

let fixture: Fixture;
let stratum: Stratum;
const clerk = { name: 'clara', groups: ['sales-director'] };

beforeEach(async () => {
  fixture = await openFixture({ deployShipped: false });
  stratum = fixture.stratum;
});
afterEach(async () => {
  await fixture.dispose();
});

describe('call activity binding', () => {
  it('latest (the default) starts the latest version, deployment the one deployed with the caller, versionTag the one with the tag', async () => {
    await stratum.library.deploy([caller('latest-caller', ''), caller('deployment-caller', 'bindingType="deployment"'),
      caller('tag-caller', 'bindingType="versionTag" versionTag="1.0"'), child('1.0', 'first')], { user: 'test' });
    await stratum.library.deploy([child('2.0', 'second')], { user: 'test' });

    expect(await childVersionStartedBy('latest-caller')).toBe(2);
    expect(await childVersionStartedBy('deployment-caller')).toBe(1);
    expect(await childVersionStartedBy('tag-caller')).toBe(1);
  });

  it('fails the call, naming the tag, when no version carries it', async () => {
    await stratum.library.deploy([caller('tag-caller', 'bindingType="versionTag" versionTag="3.0"'), child('1.0', 'first')], { user: 'test' });
    const started = await start('tag-caller');
    const done = await stratum.runtime.completeTask((await stratum.runtime.findTasks({ instanceId: started }))[0].id, { approved: true }, clerk)
      .catch((error: Error) => error);
    expect(String((done as Error).message ?? JSON.stringify(done))).toMatch(/version tag "3.0"/);
  });

  it('impact: a running caller bound to its deployment does not pick up a new child version; one bound to latest does', async () => {
    await stratum.library.deploy([caller('latest-caller', ''), caller('deployment-caller', 'bindingType="deployment"'), child('1.0', 'first')], { user: 'test' });
    await start('latest-caller', 'L-1');
    await start('deployment-caller', 'D-1');
    const report = await stratum.impact.analyse([child('2.0', 'second')]);
    expect(report.processes[0].runningOrders.willPickUp.orders).toEqual(['L-1']);
    expect(report.processes[0].diff.process).toEqual([
      { property: 'name', before: 'Bound child first', after: 'Bound child second' },
      { property: 'versionTag', before: '1.0', after: '2.0' },
    ]);
  });
});

// helpers

async function start(key: string, businessKey?: string): Promise<string> {
  const { instance } = await stratum.runtime.start(key, { variables: {}, ...(businessKey && { businessKey }) });
  return instance.id;
}

/** Starts the caller, passes its task, and returns the version of the child it started. */
async function childVersionStartedBy(key: string): Promise<number> {
  const id = await start(key);
  const [task] = await stratum.runtime.findTasks({ instanceId: id });
  const view = await stratum.runtime.completeTask(task.id, { approved: true }, clerk);
  expect(view.children).toHaveLength(1);
  return view.children[0].version;
}

function definitions(body: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="Defs" targetNamespace="http://example.com">
${body}
</bpmn:definitions>`;
}

function caller(key: string, binding: string) {
  return {
    name: `${key}.bpmn`,
    xml: definitions(`  <bpmn:process id="${key}" name="${key}" isExecutable="true">
    <bpmn:startEvent id="Start" />
    <bpmn:userTask id="Prepare" name="Prepare">
      <bpmn:extensionElements><zeebe:assignmentDefinition candidateGroups="sales-director" /><zeebe:ioMapping><zeebe:output source="=approved" target="prepared" /></zeebe:ioMapping></bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:callActivity id="CallChild" name="Call child"><bpmn:extensionElements><zeebe:calledElement processId="bound-child" ${binding} /></bpmn:extensionElements></bpmn:callActivity>
    <bpmn:endEvent id="End" />
    <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="Prepare" />
    <bpmn:sequenceFlow id="F2" sourceRef="Prepare" targetRef="CallChild" />
    <bpmn:sequenceFlow id="F3" sourceRef="CallChild" targetRef="End" />
  </bpmn:process>`),
  };
}

function child(tag: string, name: string) {
  return {
    name: 'bound-child.bpmn',
    xml: definitions(`  <bpmn:process id="bound-child" name="Bound child ${name}" isExecutable="true">
    <bpmn:extensionElements><zeebe:versionTag value="${tag}" /></bpmn:extensionElements>
    <bpmn:startEvent id="ChildStart" />
    <bpmn:userTask id="ChildTask" name="Child task"><bpmn:extensionElements><zeebe:assignmentDefinition candidateGroups="sales-director" /></bpmn:extensionElements></bpmn:userTask>
    <bpmn:endEvent id="ChildEnd" />
    <bpmn:sequenceFlow id="C1" sourceRef="ChildStart" targetRef="ChildTask" />
    <bpmn:sequenceFlow id="C2" sourceRef="ChildTask" targetRef="ChildEnd" />
  </bpmn:process>`),
  };
}
