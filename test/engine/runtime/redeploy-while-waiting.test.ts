// A deployment while orders wait: the new version removes what they wait on (the director's task, the job type,
// the message) and moves the director's threshold. A running instance stays on the version it started with, so
// completing, correlating or finishing what it waits on still works there, by that version's rules; an order
// entered after the deployment runs by the new ones. (An order that reaches a call after it starts the called
// process's latest version, by the shipped `latest` binding: docs/modelling.md, "Binding".)
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { director, enter, erp, openFixture, order, shippedDiagrams, vicePresident, type Fixture } from '../../support/stratum-fixture.js';

const fileOf = (name: string) => shippedDiagrams().find((file) => file.name === name)!;

/** `name`'s shipped file with every `from` replaced (each must occur). */
function edited(name: string, ...replacements: [string, string][]) {
  let { xml } = fileOf(name);
  for (const [from, to] of replacements) {
    expect(xml, `${name} holds ${from}`).toContain(from);
    xml = xml.replaceAll(from, to);
  }
  return { name, xml };
}

describe('a deployment while orders wait', () => {
  let fixture: Fixture;
  beforeEach(async () => {
    fixture = await openFixture();
  });
  afterEach(() => fixture.dispose());

  it('leaves each running order on its version: the removed task, job and message still complete there, under the rules it started with', async () => {
    const { library, runtime } = fixture.stratum;
    await enter(runtime, order('SO-DIRECTOR', 2_000_000));
    await enter(runtime, order('SO-PLANNING', 100_000));
    await enter(runtime, order('SO-PREPAID', 100_000, 'prepaid-at-entry'));

    await library.deploy([
      // the director's task gets another id, and only orders over 5,000,000 go to the director
      edited('credit-order-approval.bpmn',
        ['UserTask_ApproveBySalesDirector', 'UserTask_DirectorSignOff'],
        ['=reportingAmount &gt; 1000000<', '=reportingAmount &gt; 5000000<'],
        ['reportingAmount &lt;= 1000000', 'reportingAmount &lt;= 5000000']),
      edited('sales-order-management.bpmn', ['type="procurement-planning"', 'type="procurement-planning-v2"']),
      edited('prepaid-entry-control.bpmn', ['name="PaymentReceived"', 'name="PaymentConfirmed"']),
    ], { user: 'designer', note: 'new tiers, new names' });

    // the director still decides the order that waits for them, and version 1's vice-president review follows
    const [directorTask] = await runtime.findTasks({ businessKey: 'SO-DIRECTOR' });
    expect(directorTask.elementId).toBe('UserTask_ApproveBySalesDirector');
    await runtime.completeTask(directorTask.id, { approved: true }, director);
    const [review] = await runtime.findTasks({ businessKey: 'SO-DIRECTOR' });
    expect(review.candidateGroups).toEqual(vicePresident.groups);

    // the job of the old type is still fetched and completed
    const [job] = await runtime.fetchAndLockJobs({ type: 'procurement-planning', workerId: 'erp-1', businessKey: 'SO-PLANNING' });
    expect(job.businessKey).toBe('SO-PLANNING');
    await runtime.completeJob(job.id, {}, erp, 'erp-1');

    // the order waiting for PaymentReceived still takes it
    const paid = await runtime.correlateMessage({ name: 'PaymentReceived', businessKey: 'SO-PREPAID', actor: erp.name });
    expect(paid.outcome).toBe('delivered');

    // an order entered now runs by version 2: 2,000,000 goes to the vice-president alone
    await enter(runtime, order('SO-NEW', 2_000_000));
    const fresh = await runtime.findTasks({ businessKey: 'SO-NEW' });
    expect(fresh.map((task) => task.candidateGroups)).toEqual([vicePresident.groups]);
  });
});
