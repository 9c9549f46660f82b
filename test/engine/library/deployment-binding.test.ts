// A call with bindingType="deployment" starts the version of its callee deployed together with the calling
// version. Deploying the caller with its callee unchanged must still give the callee a version in that deployment
// (Camunda 8 versions every resource of a multi-resource deployment for this), or every order fails at the call.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StratumError } from '../../../engine/errors.js';
import { objectWith } from '../../support/matchers.js';
import { director, enter, openFixture, order, shippedDiagrams, vicePresident, type Fixture } from '../../support/stratum-fixture.js';

const LATEST = 'processId="credit-order-approval" propagateAllChildVariables="true" bindingType="latest"';
const PINNED = 'processId="credit-order-approval" propagateAllChildVariables="true" bindingType="deployment"';

const shipped = shippedDiagrams();
const fileOf = (name: string) => shipped.find((file) => file.name === name)!;

/** Sales order management whose credit approval calls are bound by deployment. */
function pinnedSalesOrderManagement() {
  const { name, xml } = fileOf('sales-order-management.bpmn');
  const pinned = xml.replaceAll(LATEST, PINNED);
  expect(pinned, 'the edit applies').not.toBe(xml);
  return { name, xml: pinned };
}

describe('a call bound by deployment', () => {
  let fixture: Fixture;
  beforeEach(async () => {
    fixture = await openFixture();
  });
  afterEach(() => fixture.dispose());

  // two deployments and an order through both levels: 5.6 s alone at load 18 on 2 cores, over 30 s beside other files
  it('gives an unchanged callee deployed with its caller a version of that deployment, so a 2,000,000 order reaches the sales director', { timeout: 120_000 }, async () => {
    const { library, runtime } = fixture.stratum;
    const files = [pinnedSalesOrderManagement(), fileOf('credit-order-approval.bpmn')];
    // the impact of the change names the versions the deployment will create
    const impact = await fixture.stratum.impact.analyse(files);
    expect(impact.processes.map(({ key, version, previousVersion }) => [key, version, previousVersion])).toEqual([
      ['sales-order-management', 2, 1], ['credit-order-approval', 2, 1],
    ]);
    const result = await library.deploy(files, { user: 'designer', note: 'pin the approval' });
    expect(result.deployed).toEqual([
      { key: 'sales-order-management', version: 2, changed: true },
      { key: 'credit-order-approval', version: 2, changed: true },
    ]);
    expect(await library.deployment(result.deploymentId)).toMatchObject({
      processes: [{ key: 'credit-order-approval', version: 2 }, { key: 'sales-order-management', version: 2 }],
    });

    const entered = await enter(runtime, order('SO-2000001', 2_000_000));
    expect(entered.instance.status).toBe('running');
    expect((await runtime.findTasks({ businessKey: 'SO-2000001' })).map((task) => task.candidateGroups)).toEqual([director.groups]);

    // the same files again change nothing
    const again = await library.deploy(files, { user: 'designer', note: 'pin the approval' });
    expect(again.deployed.map((entry) => [entry.key, entry.version, entry.changed])).toEqual([
      ['sales-order-management', 2, false], ['credit-order-approval', 2, false],
    ]);
  });

  it('refuses a caller bound by deployment deployed without its callee, naming the call: no order would find a callee', async () => {
    const { library, runtime } = fixture.stratum;
    const refused = await library.deploy([pinnedSalesOrderManagement()], { user: 'designer', note: 'pin the approval' }).catch((error: unknown) => error);
    expect(refused).toMatchObject({
      code: 'invalid',
      details: { findings: [objectWith({ rule: 'called-process-exists', severity: 'error', elementId: 'CallActivity_ApproveCreditOrder', file: 'sales-order-management.bpmn' })] },
    });
    expect((refused as StratumError).details?.findings?.[0].message).toContain('calls process "credit-order-approval" with bindingType="deployment", which starts the version deployed together with this one, but "credit-order-approval" is not part of this deployment');
    expect((await library.get('sales-order-management'))?.latestVersion).toBe(1);
    await enter(runtime, order('SO-2000002', 2_000_000));
    expect((await runtime.findTasks({ businessKey: 'SO-2000002' })).map((task) => task.candidateGroups)).toEqual([director.groups]);
  });

  it('leaves an unchanged file that nothing stored calls by deployment at its version', async () => {
    const { library } = fixture.stratum;
    const files = [pinnedSalesOrderManagement(), fileOf('prepaid-entry-control.bpmn'), fileOf('credit-order-approval.bpmn')];
    const result = await library.deploy(files, { user: 'designer', note: 'pin the approval' });
    expect(result.deployed).toEqual([
      { key: 'sales-order-management', version: 2, changed: true },
      { key: 'prepaid-entry-control', version: 1, changed: false },
      { key: 'credit-order-approval', version: 2, changed: true },
    ]);
  });

  /** Acknowledges an order's special change in all three departments, each by another person. */
  async function acknowledge(businessKey: string) {
    for (const group of ['procurement', 'production', 'inspection']) {
      const [task] = await fixture.stratum.runtime.findTasks({ businessKey, candidateGroup: group });
      await fixture.stratum.runtime.completeTask(task.id, { acknowledged: true }, { name: `${group}-clerk`, groups: [group] });
    }
  }

  /** The credit approval with only orders over 5,000,000 going to the sales director (a weaker tier). */
  const weakerApproval = () => {
    const { name, xml } = fileOf('credit-order-approval.bpmn');
    const weaker = xml.replace('=reportingAmount &gt; 1000000<', '=reportingAmount &gt; 5000000<').replace('reportingAmount &lt;= 1000000', 'reportingAmount &lt;= 5000000');
    expect(weaker, 'the edit applies').not.toBe(xml);
    return { name, xml: weaker };
  };

  it('pinned, keeps the approval an order was entered under: a weaker tier deployed while it waits reaches new orders only', async () => {
    const { library, runtime } = fixture.stratum;
    await library.deploy([pinnedSalesOrderManagement(), fileOf('credit-order-approval.bpmn')], { user: 'designer', note: 'pin the approval' });
    await enter(runtime, order('SO-PINNED', 2_000_000, 'credit', { description: 'blue paint' }));

    const renamed = pinnedSalesOrderManagement();
    await library.deploy([{ ...renamed, xml: renamed.xml.replace('name="Sales order management"', 'name="Sales order management, weaker tiers"') }, weakerApproval()],
      { user: 'designer', note: 'director only above 5,000,000' });
    await acknowledge('SO-PINNED');
    expect((await runtime.findTasks({ businessKey: 'SO-PINNED' })).map((task) => task.candidateGroups)).toEqual([director.groups]);

    await enter(runtime, order('SO-AFTER', 2_000_000));
    expect((await runtime.findTasks({ businessKey: 'SO-AFTER' })).map((task) => task.candidateGroups)).toEqual([vicePresident.groups]);
  });

  it('bound to latest (the shipped library), gives an order still before its approval the tier deployed meanwhile (docs/modelling.md, "Binding")', async () => {
    const { library, runtime } = fixture.stratum;
    await enter(runtime, order('SO-LATEST', 2_000_000, 'credit', { description: 'blue paint' }));
    await library.deploy([weakerApproval()], { user: 'designer', note: 'director only above 5,000,000' });
    await acknowledge('SO-LATEST');
    expect((await runtime.findTasks({ businessKey: 'SO-LATEST' })).map((task) => task.candidateGroups)).toEqual([vicePresident.groups]);
  });
});
