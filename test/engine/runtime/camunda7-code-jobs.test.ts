// Camunda 7 code becomes an external job: Java classes, delegate expressions,
// expressions and connectors each publish a job whose type follows Camunda's
// 7-to-8 Diagram Converter, with the original attribute as a header and a
// connector's inputs as variables; a connector's outputs are the job's
// declared outputs, so the worker may send only what they read.
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CAMUNDA_7_ADAPTER_JOB_TYPE, delegateJobType } from '../../../engine/bpmn/camunda7-jobs.js';
import { erp, openFixture, type Fixture } from '../../support/stratum-fixture.js';
import { objectWith, textContaining } from '../../support/matchers.js';
import { refusalOf } from '../../support/refusal.js';

const CODE = { name: 'camunda7-code-jobs.bpmn', xml: readFileSync(new URL('../../fixtures/engine/camunda7-code-jobs.bpmn', import.meta.url), 'utf8') };

let fixture: Fixture;
beforeEach(async () => { fixture = await openFixture({ deployShipped: false }); });
afterEach(async () => { await fixture?.dispose(); });
const runtime = () => fixture.stratum.runtime;

async function nextJob(type: string) {
  const [job] = await runtime().fetchAndLockJobs({ type, workerId: 'java-worker' });
  expect(job, `a job of type ${type}`).toBeDefined();
  return job;
}

describe('the job type rule (the Diagram Converter\'s)', () => {
  it.each([
    ['class', 'org.example.invoice.ArchiveInvoiceService', 'archiveInvoiceService'],
    ['class', 'Plain', 'plain'],
    ['delegateExpression', '${notificationDelegate}', 'notificationDelegate'],
    ['delegateExpression', '#{mailer}', 'mailer'],
    ['expression', '${ledger.booking}', 'ledgerBooking'],
    ['expression', '#{announcements.post(announcementId)}', CAMUNDA_7_ADAPTER_JOB_TYPE],
    ['expression', '${a + b}', CAMUNDA_7_ADAPTER_JOB_TYPE],
  ] as const)('%s="%s" → %s', (attribute, value, type) => {
    expect(delegateJobType(attribute, value)).toBe(type);
  });
});

describe('Camunda 7 code runs as external jobs', () => {
  it('deploys without findings about Java, publishes one job per task with the attribute as header, and runs to the end', async () => {
    const { warnings } = await fixture.stratum.library.deploy([CODE], { user: 'designer' });
    expect(warnings.filter((warning) => warning.rule === 'no-javascript' || warning.rule === 'service-task-job-type')).toEqual([]);
    const { instance } = await runtime().start('camunda7-code', { variables: { year: 2026, announcementId: 'A-7' } });

    const archive = await nextJob('archiveInvoiceService');
    expect(archive.customHeaders).toEqual({ class: 'org.example.invoice.ArchiveInvoiceService' });
    expect(archive.variables).toMatchObject({ year: 2026 });
    await runtime().completeJob(archive.id, {}, erp, 'java-worker');

    const notify = await nextJob('notificationDelegate');
    expect(notify.customHeaders).toEqual({ delegateExpression: '${notificationDelegate}' });
    await runtime().completeJob(notify.id, {}, erp, 'java-worker');

    const ledger = await nextJob('ledgerBooking');
    expect(ledger.customHeaders).toEqual({ expression: '${ledger.booking}' });
    await runtime().completeJob(ledger.id, {}, erp, 'java-worker');

    const post = await nextJob(CAMUNDA_7_ADAPTER_JOB_TYPE);
    expect(post.customHeaders).toEqual({ expression: '#{announcements.post(announcementId)}', resultVariable: 'postId' });
    await runtime().completeJob(post.id, { postId: 'P-1' }, erp, 'java-worker');

    const holiday = await nextJob('http-connector');
    expect(holiday.customHeaders).toEqual({ connectorId: 'http-connector' });
    expect(holiday.variables).toMatchObject({
      url: 'https://holidays.example/api?year=${year}', // plain text stays text, as in Camunda (only a whole ${…} is an expression)
      method: 'GET', query: 2027, headers: { Accept: 'application/json', 'X-Year': 2026 },
    });
    // the connector's output parameters are the job's declared outputs: nothing else is accepted
    await expect(runtime().completeJob(holiday.id, { statusCode: 200, isHoliday: false }, erp, 'java-worker')).rejects.toMatchObject({ code: 'invalid' });
    const done = await runtime().completeJob(holiday.id, { statusCode: 200 }, erp, 'java-worker');
    expect(done).toMatchObject({ id: instance.id, status: 'completed', variables: objectWith({ isHoliday: true, postId: 'P-1' }) });
  });

  it('still refuses a script among a connector\'s parameters, naming it', async () => {
    const withScript = CODE.xml.replace('<camunda:outputParameter name="isHoliday">${statusCode == 200}</camunda:outputParameter>',
      '<camunda:outputParameter name="isHoliday"><camunda:script scriptFormat="javascript" resource="parseHoliday.js" /></camunda:outputParameter>');
    const error = await refusalOf(fixture.stratum.library.deploy([{ ...CODE, xml: withScript }], { user: 'designer' }));
    expect(error).toMatchObject({ code: 'invalid' });
    expect(error.details?.findings).toContainEqual(objectWith({
      elementId: 'Holiday', rule: 'no-javascript', severity: 'error', message: textContaining('parameter "isHoliday" of the connector "http-connector"'),
    }));
  });
});
