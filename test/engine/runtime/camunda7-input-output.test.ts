// Camunda 7 input/output parameters outside connectors: the input parameters
// (text, ${…} translated to FEEL, lists and maps) are the activity's local
// variables — a job's variables, what a user task's assignment reads — and never
// reach the process; the output parameters map the completion back to it.
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { erp, openFixture, type Fixture } from '../../support/stratum-fixture.js';
import { refusalOf } from '../../support/refusal.js';

const IO = { name: 'camunda7-input-output.bpmn', xml: readFileSync(new URL('../../fixtures/engine/camunda7-input-output.bpmn', import.meta.url), 'utf8') };
const order = { customer: 'ACME', amount: 150, first: 'bolts', owner: 'mary' };

let fixture: Fixture;
beforeEach(async () => { fixture = await openFixture({ deployShipped: false }); });
afterEach(async () => { await fixture?.dispose(); });
const runtime = () => fixture.stratum.runtime;
const deploy = (xml: string) => fixture.stratum.library.deploy([{ ...IO, xml }], { user: 'designer' });

describe('camunda:inputOutput on a job and a user task', () => {
  it('hands the inputs to the worker as local variables, maps the outputs back, and assigns the task from an input', async () => {
    await deploy(IO.xml);
    const { instance } = await runtime().start('camunda7-io', { variables: { order } });
    const [job] = await runtime().fetchAndLockJobs({ type: 'quote', workerId: 'worker' });
    expect(job.variables).toEqual({
      order, customer: 'ACME', currency: 'EUR', doubled: 300, discounted: 290, nothing: null,
      lines: ['bolts', 'shipping'], meta: { source: 'web', large: true },
    });
    const afterQuote = await runtime().completeJob(job.id, { total: 321 }, erp, 'worker');
    // the outputs reach the process; the inputs and what the worker sent stay local
    expect(afterQuote.variables).toEqual({ order, quoteTotal: 321, quoteNote: 'quoted' });

    const [task] = await runtime().findTasks({ instanceId: instance.id });
    expect(task).toMatchObject({ elementId: 'Approve', assignee: 'mary' });
    const done = await runtime().completeTask(task.id, { approved: true }, { name: 'mary', groups: [] });
    expect(done.status).toBe('completed');
    expect(done.variables).toEqual({ order, quoteTotal: 321, quoteNote: 'quoted', quoteApproved: true });
  });

  it('evaluates the outputs in the local scope: they read the inputs, under what the completer sent', async () => {
    const xml = IO.xml
      .replace('<camunda:outputParameter name="quoteNote">quoted</camunda:outputParameter>',
        '<camunda:outputParameter name="quoteNote">quoted</camunda:outputParameter><camunda:outputParameter name="quotedFor">${customer}</camunda:outputParameter>')
      .replace('<camunda:outputParameter name="quoteApproved">${approved}</camunda:outputParameter>',
        '<camunda:outputParameter name="quoteApproved">${approved}</camunda:outputParameter><camunda:outputParameter name="approvedBy">${approver}</camunda:outputParameter>');
    await deploy(xml);
    const { instance } = await runtime().start('camunda7-io', { variables: { order } });
    const [job] = await runtime().fetchAndLockJobs({ type: 'quote', workerId: 'worker' });
    // a variable sent under an input's name replaces it (a completion updates the local variable, as in Camunda)
    const afterQuote = await runtime().completeJob(job.id, { total: 321, customer: 'ACME Ltd' }, erp, 'worker');
    expect(afterQuote.variables).toEqual({ order, quoteTotal: 321, quoteNote: 'quoted', quotedFor: 'ACME Ltd' });
    const [task] = await runtime().findTasks({ instanceId: instance.id });
    const done = await runtime().completeTask(task.id, { approved: true }, { name: 'mary', groups: [] });
    expect(done.variables).toMatchObject({ quoteApproved: true, approvedBy: 'mary' });
    expect(done.variables).not.toHaveProperty('approver');
  });

  it('lets the worker send only what the outputs read', async () => {
    await deploy(IO.xml);
    await runtime().start('camunda7-io', { variables: { order } });
    const [job] = await runtime().fetchAndLockJobs({ type: 'quote', workerId: 'worker' });
    const error = await refusalOf(runtime().completeJob(job.id, { total: 1, order: { customer: 'EVIL' } }, erp, 'worker'));
    expect(error).toMatchObject({ code: 'invalid' });
    expect(error.message).toMatch(/does not declare order; it declares only total/);
  });

  it('an input that fails at run time is an incident naming the job', async () => {
    await deploy(IO.xml);
    const { instance } = await runtime().start('camunda7-io', { variables: { order: { customer: 'ACME' } } });
    expect(instance.status).toBe('failed');
    expect(instance.incident).toMatchObject({ elementId: 'Quote' });
    expect(instance.incident!.message).toMatch(/amount/);
  });

  it('refuses at deploy a parameter that calls a method, naming element and parameter', async () => {
    const error = await refusalOf(deploy(IO.xml.replace('${order.amount * 2}', '${pricing.double(order)}')));
    const findings = (error.details?.findings ?? []).filter((finding) => finding.elementId === 'Quote');
    expect(findings.map((finding) => finding.message)).toContainEqual(expect.stringMatching(/input parameter "doubled" of .*Quote.* cannot be translated to FEEL: .*method call/));
  });

  it('refuses at deploy a script among them', async () => {
    const withScript = IO.xml.replace('<camunda:outputParameter name="quoteNote">quoted</camunda:outputParameter>',
      '<camunda:outputParameter name="quoteNote"><camunda:script scriptFormat="javascript">"quoted"</camunda:script></camunda:outputParameter>');
    const error = await refusalOf(deploy(withScript));
    const findings = (error.details?.findings ?? []).filter((finding) => finding.elementId === 'Quote');
    expect(findings.map((finding) => finding.message)).toContainEqual(expect.stringMatching(/parameter "quoteNote" .* javascript script/));
  });
});
