// A business rule task that pins its decision's version evaluates that version, as Camunda does, where the pin was
// refused at deploy (and before that ignored, the latest table deciding): Camunda 8's bindingType deployment and
// versionTag, Camunda 7's decisionRefBinding (its parsing in test/engine/dmn/decision-call.test.ts). A pinned
// version that cannot be found is an incident naming decision and binding, never the latest table.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { approvalTierDmn, decidedTiers } from '../impact/candidates.js';
import { objectWith, textContaining } from '../../support/matchers.js';
import { enter, openFixture, order, type Fixture } from '../../support/stratum-fixture.js';

let fixture: Fixture;
beforeEach(async () => { fixture = await openFixture(); });
afterEach(async () => { await fixture.dispose(); });

const runtime = () => fixture.stratum.runtime;
const deploy = (files: Parameters<Fixture['stratum']['library']['deploy']>[0]) => fixture.stratum.library.deploy(files, { user: 'designer' });
/** The vice-president from 400,000 instead of 500,000: 450,000 then needs one. */
const lowerTier = (xml: string) => xml.replace('&gt; 500000', '&gt; 400000');
const tagged = (tag: string, change: (xml: string) => string = (xml) => xml) => approvalTierDmn((xml) => change(xml)
  .replace('xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/"', 'xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0"')
  .replace('<decision id="approval-tier" name="Approval tier">', `<decision id="approval-tier" name="Approval tier"><extensionElements><zeebe:versionTag value="${tag}" /></extensionElements>`));
const bound = (binding: string, rename = '') => {
  const file = decidedTiers();
  return { ...file, xml: file.xml.replace('resultVariable="approvalTier" />', `resultVariable="approvalTier" ${binding} />`).replace('name="Decide approval tier"', `name="Decide approval tier${rename}"`) };
};

async function approvalOf(orderNo: string) {
  const approval = await runtime().findInstances({ businessKey: orderNo, processKey: 'credit-order-approval' });
  return (await runtime().getInstance(approval.items[0].id))!;
}
const evaluated = async (orderNo: string) => (await approvalOf(orderNo)).history.find((row) => row.event === 'decision.evaluated')?.data;

describe('a business rule task that pins its decision version', () => {
  it('bound by deployment keeps its deployment\'s table after a newer table is deployed, and says so in the history', async () => {
    await deploy([bound('bindingType="deployment"'), approvalTierDmn()]);
    await deploy([approvalTierDmn(lowerTier)]);
    await enter(runtime(), order('DB-1', 450_000));
    expect(await evaluated('DB-1')).toMatchObject({ decisionId: 'approval-tier', version: 1, result: 'automatic' });
  });

  it('bound by deployment, a changed caller deployed with the unchanged table gets a version of the table in its deployment', async () => {
    await deploy([bound('bindingType="deployment"'), approvalTierDmn()]);
    const again = await deploy([bound('bindingType="deployment"', ' again'), approvalTierDmn()]);
    expect(again.decisions).toEqual([{ id: 'approval-tier', version: 2, changed: true }]);
    await enter(runtime(), order('DB-2', 450_000));
    expect((await approvalOf('DB-2')).incident).toBeNull();
    expect(await evaluated('DB-2')).toMatchObject({ version: 2, result: 'automatic' });
  });

  it('bound by deployment is refused at deploy when its decision is not in the deployment, and nothing is stored', async () => {
    await deploy([approvalTierDmn()]);
    const before = (await fixture.stratum.library.get('credit-order-approval'))?.latestVersion;
    const refused = await deploy([bound('bindingType="deployment"')]).then(() => undefined, (error: { code?: string; details?: { findings?: unknown[] } }) => error);
    expect(refused).toMatchObject({ code: 'invalid' });
    expect(refused?.details?.findings).toContainEqual(objectWith({
      elementId: 'BusinessRuleTask_DecideTier', rule: 'supported-elements', severity: 'error',
      message: textContaining('calls the DMN decision "approval-tier" bound by deployment, which evaluates the version deployed together with this process, but no .dmn file of this deployment defines it'),
    }));
    expect((await fixture.stratum.library.get('credit-order-approval'))?.latestVersion).toBe(before);
  });

  it('bound by versionTag evaluates the latest version whose decision carries the tag', async () => {
    await deploy([tagged('v1')]);
    await deploy([tagged('v2', lowerTier)]);
    await deploy([bound('bindingType="versionTag" versionTag="v1"')]);
    await enter(runtime(), order('DB-3', 450_000));
    expect(await evaluated('DB-3')).toMatchObject({ version: 1, result: 'automatic' });
  });

  it('fails with an incident naming decision and binding when no deployed version carries the tag', async () => {
    await deploy([tagged('v1')]);
    await deploy([bound('bindingType="versionTag" versionTag="v9"')]);
    await enter(runtime(), order('DB-4', 450_000));
    expect((await approvalOf('DB-4')).incident).toMatchObject({
      elementId: 'BusinessRuleTask_DecideTier',
      message: 'business rule task calls decision approval-tier with version tag "v9", which no deployed version carries',
      reason: { kind: 'decision-not-found', decisionId: 'approval-tier' },
    });
  });
});

describe('Camunda 7 decisionRefBinding', () => {
  /** A Camunda 7 process deciding the tier of `reportingAmount` with `binding`, ending at once with it set. */
  const tierC7 = (binding: string) => ({ name: 'tier-c7.bpmn', xml: `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="Definitions_tier_c7" targetNamespace="http://stratum.dev/test">
  <bpmn:process id="tier-c7" name="Tier (Camunda 7)" isExecutable="true">
    <bpmn:startEvent id="Start" />
    <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="Decide" />
    <bpmn:businessRuleTask id="Decide" name="Decide tier" camunda:decisionRef="approval-tier" ${binding} camunda:mapDecisionResult="singleEntry" camunda:resultVariable="tier" />
    <bpmn:sequenceFlow id="F2" sourceRef="Decide" targetRef="Done" />
    <bpmn:endEvent id="Done" />
  </bpmn:process>
</bpmn:definitions>` });
  const decide = (businessKey: string) => runtime().start('tier-c7', { businessKey, variables: { reportingAmount: 450_000 }, user: 'designer' });

  it('binding "version" evaluates that version after a newer one is deployed, and a version never deployed is an incident', async () => {
    await deploy([approvalTierDmn()]);
    await deploy([approvalTierDmn(lowerTier)]);
    await deploy([tierC7('camunda:decisionRefBinding="version" camunda:decisionRefVersion="1"')]);
    const { instance } = await decide('C7-1');
    expect(instance.variables.tier).toBe('automatic');
    expect((await runtime().getInstance(instance.id))!.history.find((row) => row.event === 'decision.evaluated')?.data).toMatchObject({ version: 1 });

    await deploy([tierC7('camunda:decisionRefBinding="version" camunda:decisionRefVersion="7"')]);
    const missing = (await decide('C7-2')).instance;
    expect(missing.incident).toMatchObject({
      elementId: 'Decide',
      message: 'business rule task calls decision approval-tier version 7 (binding "version"), which is not deployed',
      reason: { kind: 'decision-not-found', decisionId: 'approval-tier' },
    });
  });
});
