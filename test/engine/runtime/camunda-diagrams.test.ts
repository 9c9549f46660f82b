// Real Camunda 7 and 8 diagrams (../shared/interop/executable): those whose
// elements Stratum can run deploy and are driven to an end event; the others
// are refused at deploy, naming the element and the construct.
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { interopAvailable, interopFile } from '../../support/shared-interop.js';
import { erp, openFixture, type Fixture } from '../../support/stratum-fixture.js';
import { objectWith } from '../../support/matchers.js';
import { refusalOf } from '../../support/refusal.js';
import { LIBRARY_NAMESPACE } from '../../../engine/lint/house-rules.js';

let fixture: Fixture;
beforeEach(async () => { fixture = await openFixture({ deployShipped: false }); });
afterEach(async () => { await fixture?.dispose(); });

const runtime = () => fixture.stratum.runtime;
const deploy = (...paths: string[]) => fixture.stratum.library.deploy(paths.map(interopFile), { user: 'interop' });

async function completeJob(type: string, variables: Record<string, unknown> = {}) {
  const [job] = await runtime().fetchAndLockJobs({ type, workerId: 'worker' });
  expect(job, `a ${type} job`).toBeDefined();
  return runtime().completeJob(job.id, variables, erp, 'worker');
}

const endEventsOf = (view: { history: { event: string; elementType: string | null; elementId: string | null }[] }) =>
  view.history.filter((entry) => entry.event === 'element.completed' && entry.elementType === 'bpmn:EndEvent').map((entry) => entry.elementId);

describe.skipIf(!interopAvailable)('Camunda 8 diagrams that run', () => {
  it('ticket-booking: seats, payment command, payment message, ticket → "Booking succeeded"', async () => {
    await deploy('executable/camunda8/ticket-booking.bpmn');
    const { instance } = await runtime().start('ticket-booking', { businessKey: 'booking-1' });
    await completeJob('reserve-seats', { reservationId: 'R-1' });
    const waiting = await completeJob('retrieve-payment', { paymentRequestId: 'PAY-1' });
    expect(waiting.waiting.map((wait) => wait.type).sort()).toEqual(['message', 'timer']);
    // correlated by the message's correlation key (=paymentRequestId), not the business key
    await runtime().correlateMessage({ name: 'msg-payment-received', businessKey: 'PAY-1' });
    const done = await completeJob('generate-ticket', { ticketId: 'T-1' });
    expect(done.status).toBe('completed');
    expect(endEventsOf(done)).toEqual(['Event_1mqmjv4']);
    expect(done.id).toBe(instance.id);
  });

  it('ticket-booking: a worker\'s BPMN error "ErrorSeatsNotAvailable" is caught by the boundary event', async () => {
    await deploy('executable/camunda8/ticket-booking.bpmn');
    await runtime().start('ticket-booking', { businessKey: 'booking-2' });
    const [job] = await runtime().fetchAndLockJobs({ type: 'reserve-seats', workerId: 'worker' });
    const after = await runtime().throwJobError(job.id, { errorCode: 'ErrorSeatsNotAvailable', workerId: 'worker' }, erp);
    expect(after.status).toBe('completed');
    expect(endEventsOf(after)).toEqual(['Event_1ne48r4']);
  });

  it('ticket-booking: an unknown BPMN error code is not caught and fails the instance with an incident', async () => {
    await deploy('executable/camunda8/ticket-booking.bpmn');
    await runtime().start('ticket-booking', { businessKey: 'booking-3' });
    const [job] = await runtime().fetchAndLockJobs({ type: 'reserve-seats', workerId: 'worker' });
    const after = await runtime().throwJobError(job.id, { errorCode: 'SomethingElse', message: 'boom', workerId: 'worker' }, erp);
    expect(after.status).toBe('failed');
    expect(after.incident).toMatchObject({ elementId: 'Activity_1g89uec' });
  });

  it('ticket-booking: the 30 s payment timeout cancels the booking', async () => {
    await deploy('executable/camunda8/ticket-booking.bpmn');
    const { instance } = await runtime().start('ticket-booking', { businessKey: 'booking-4' });
    await completeJob('reserve-seats');
    await completeJob('retrieve-payment', { paymentRequestId: 'PAY-4' });
    fixture.clock.advance(29_000);
    expect(await runtime().fireDueTimers()).toBe(0);
    fixture.clock.advance(2_000);
    expect(await runtime().fireDueTimers()).toBe(1);
    const after = await runtime().getInstance(instance.id);
    expect(endEventsOf(after!)).toEqual(['Event_05eni0s']);
    await expect(runtime().correlateMessage({ name: 'msg-payment-received', businessKey: 'PAY-4' })).rejects.toMatchObject({ code: 'not-found' });
  });

  it('customer-scoring: a timed-out request is retried, then the scoring result arrives', async () => {
    await deploy('executable/camunda8/customer-scoring.bpmn');
    const { instance } = await runtime().start('customer-scoring', { businessKey: 'C-1', variables: { scoringRetryCount: 0 } });
    await completeJob('SendScoringRequest', { scoringRequestId: 'SR-1', scoringRetryCount: 1 });
    fixture.clock.advance(5 * 60_000);
    expect(await runtime().fireDueTimers()).toBe(1);
    await completeJob('SendScoringRequest', { scoringRequestId: 'SR-2', scoringRetryCount: 2 });
    const { reached } = await runtime().correlateMessage({ name: 'MessageScoringResult', businessKey: 'SR-2', variables: { score: 42 } });
    expect(reached[0]).toMatchObject({ id: instance.id, status: 'completed', variables: objectWith({ score: 42 }) });
    expect(endEventsOf(reached[0])).toEqual(['EndEventCustomerScoringSuccess']);
  });

  it('customer-scoring: gives up after more than 5 retries', async () => {
    await deploy('executable/camunda8/customer-scoring.bpmn');
    const { instance } = await runtime().start('customer-scoring', { businessKey: 'C-2', variables: { scoringRetryCount: 6 } });
    await completeJob('SendScoringRequest', { scoringRequestId: 'SR-9' });
    fixture.clock.advance(5 * 60_000);
    await runtime().fireDueTimers();
    const after = await runtime().getInstance(instance.id);
    expect(endEventsOf(after!)).toEqual(['EndEventCustomerScoringFailed']);
  });

  it('payment: a message start, jobs on throw and end events with their task headers', async () => {
    await deploy('executable/camunda8/payment.bpmn');
    const { reached } = await runtime().correlateMessage({ name: 'RetrievePaymentCommand', businessKey: 'PAY-9', variables: { amount: 30 } });
    expect(reached[0].processKey).toBe('payment');
    const [deduct] = await runtime().fetchAndLockJobs({ type: 'noop', workerId: 'worker' });
    await runtime().completeJob(deduct.id, { remainingAmount: 0 }, erp, 'worker');
    const [emit] = await runtime().fetchAndLockJobs({ type: 'emitEvent', workerId: 'worker' });
    expect(emit.customHeaders).toEqual({ eventName: 'CustomerCreditUsed' });
    await runtime().completeJob(emit.id, {}, erp, 'worker');
    const done = await completeJob('paymentReceived');
    expect(done.status).toBe('completed');
  });

  it('complex_subprocess: the business rule task evaluates its deployed DMN decision, then a worker', async () => {
    const dmn = readFileSync(new URL('../../fixtures/dmn/benchmark-decision.dmn', import.meta.url), 'utf8');
    await fixture.stratum.library.deploy([interopFile('executable/camunda8/complex_subprocess.bpmn'), { name: 'benchmark-decision.dmn', xml: dmn }], { user: 'interop' });
    const { instance } = await runtime().start('benchmark-subprocess', { variables: { var2: true } });
    expect(instance.variables.decisionResult).toBe('fast');
    const done = await completeJob('benchmark-task');
    expect(done.status).toBe('completed');
    expect(endEventsOf(done)).toEqual(['Event_0dyw44v']);
  });

  it('typical_process: job types computed with FEEL, two one-minute timers', async () => {
    await deploy('executable/camunda8/typical_process.bpmn');
    const { instance } = await runtime().start('benchmark', { variables: { benchmark_starter_id: 'starter-7', var2: true } });
    const jobTypes = new Set<string>();
    let timersFired = 0;
    for (let round = 0; round < 30; round++) {
      const view = (await runtime().getInstance(instance.id))!;
      if (view.status !== 'running') break;
      const jobs = view.waiting.filter((wait) => wait.type === 'job');
      for (const job of jobs) {
        jobTypes.add(job.jobType!);
        await completeJob(job.jobType!);
      }
      if (jobs.length === 0 && view.waiting.some((wait) => wait.type === 'timer')) {
        fixture.clock.advance(60_000);
        timersFired += await runtime().fireDueTimers();
      }
    }
    expect([...jobTypes].sort()).toEqual(['benchmark-task-starter-7', 'benchmark-task-starter-7-completed']);
    expect(timersFired).toBe(2);
    expect((await runtime().getInstance(instance.id))!.status).toBe('completed');
  });
});

describe.skipIf(!interopAvailable)('Camunda 7 diagrams that run', () => {
  it('reviewInvoice: the task assigned to "demo", then the one assigned to ${reviewer}, each completed by its assignee', async () => {
    await deploy('executable/camunda7/reviewInvoice.bpmn');
    const { instance } = await runtime().start('ReviewInvoice', { variables: { reviewer: 'mary' } });
    const [assign] = await runtime().findTasks({ instanceId: instance.id });
    expect(assign).toMatchObject({ elementId: 'assignReviewer', assignee: 'demo', candidateGroups: [] });
    await expect(runtime().completeTask(assign.id, {}, { name: 'mary', groups: ['task-users'] })).rejects.toMatchObject({ code: 'forbidden' });
    await runtime().completeTask(assign.id, {}, { name: 'demo', groups: [] });
    const [review] = await runtime().findTasks({ assignee: 'mary' });
    expect(review).toMatchObject({ elementId: 'reviewInvoice', instanceId: instance.id });
    const done = await runtime().completeTask(review.id, {}, { name: 'mary', groups: [] });
    expect(done.status).toBe('completed');
    expect(endEventsOf(done)).toEqual(['EndEvent_1og1zom']);
  });

  it('message_start_process: a message starts it; its unassigned task is offered to the default task group', async () => {
    const { warnings } = await deploy('executable/camunda7/message_start_process.bpmn');
    expect(warnings).toContainEqual(objectWith({ elementId: 'UserTask_1', rule: 'user-task-candidate-groups', severity: 'warning' }));
    const { reached } = await runtime().correlateMessage({ name: 'instantiationMessage', businessKey: 'M-1' });
    const [task] = await runtime().findTasks({ instanceId: reached[0].id });
    expect(task).toMatchObject({ elementId: 'UserTask_1', candidateGroups: ['task-users'] });
    const done = await runtime().completeTask(task.id, {}, { name: 'tom', groups: ['task-users'] });
    expect(done.status).toBe('completed');
  });
});

describe.skipIf(!interopAvailable)('Camunda 8 diagrams with DMN and call activities', () => {
  const onboarding = async () => {
    const dmn = readFileSync(new URL('../../fixtures/dmn/automatic-processing-applicability.dmn', import.meta.url), 'utf8');
    await fixture.stratum.library.deploy([
      interopFile('executable/camunda8/customer-onboarding-extended.bpmn'), interopFile('executable/camunda8/customer-scoring.bpmn'),
      { name: 'automatic-processing-applicability.dmn', xml: dmn },
    ], { user: 'interop' });
  };
  /** Runs the called customer-scoring to its success end with `score`. */
  async function scoreCustomer(score: number) {
    const [request] = await runtime().fetchAndLockJobs({ type: 'SendScoringRequest', workerId: 'worker' });
    await runtime().completeJob(request.id, { scoringRequestId: `SR-${score}` }, erp, 'worker');
    return runtime().correlateMessage({ name: 'MessageScoringResult', businessKey: `SR-${score}`, variables: { score } });
  }

  it('customer-onboarding-extended: scored 80, the decision says automatic: CRM, billing, SIM jobs to "processed automatically"', async () => {
    await onboarding();
    const { instance } = await runtime().start('customer-onboarding-extended', { businessKey: 'CO-1', variables: { scoringRetryCount: 0 } });
    await scoreCustomer(80);
    expect((await runtime().getInstance(instance.id))!.variables.automaticProcessing).toBe(true);
    for (const type of ['addCustomerToCrm', 'addCustomerToBilling', 'provisionSIM']) await completeJob(type);
    const done = await completeJob('registerSIM');
    expect(done).toMatchObject({ id: instance.id, status: 'completed' });
    // the called customer-scoring's end, then the order's own
    expect(endEventsOf(done)).toEqual(['EndEventCustomerScoringSuccess', 'EndEventProcessedAutomatically']);
  });

  it('customer-onboarding-extended: scored 20, a person handles the order (the task goes to the default task group)', async () => {
    await onboarding();
    const { instance } = await runtime().start('customer-onboarding-extended', { businessKey: 'CO-2', variables: { scoringRetryCount: 0 } });
    await scoreCustomer(20);
    const [task] = await runtime().findTasks({ instanceId: instance.id });
    expect(task).toMatchObject({ elementId: 'TaskProcessApplicationManually', candidateGroups: ['task-users'] });
    const done = await runtime().completeTask(task.id, {}, { name: 'clerk', groups: ['task-users'] });
    expect(done.status).toBe('completed');
    expect(endEventsOf(done)).toEqual(['EndEventCustomerScoringSuccess', 'EndEventProcessesManually']);
  });
});

describe.skipIf(!interopAvailable)('Camunda 7 code as external jobs', () => {
  // Two exclusive merges before a parallel join: the join fires once, when both channels' paths have come
  // (a path not chosen is no token), so the end event is reached once whichever channels were chosen.
  it.each([
    [true, true, ['postToFacebook', 'postToTwitter', 'postToWebsite']],
    [true, false, ['postToTwitter', 'postToWebsite']],
    [false, false, ['postToWebsite']],
  ])('job-announcement-publication (twitter %s, facebook %s): camunda-7-adapter jobs with the expression as header, to its end once', async (twitter, facebook, posts) => {
    const { warnings } = await deploy('executable/camunda7/camunda-testing-job-announcement-publication.bpmn');
    expect(warnings.filter((warning) => warning.rule === 'no-javascript')).toEqual([]);
    const { instance } = await runtime().start('camunda-testing-job-announcement-publication', { variables: { jobAnnouncementId: 42, twitter, facebook } });
    const served: string[] = [];
    for (let round = 0; round < 3; round++) {
      await fixture.reopen();
      for (const job of await runtime().fetchAndLockJobs({ type: 'camunda-7-adapter', workerId: 'adapter', max: 10 })) {
        expect(job.variables).toMatchObject({ jobAnnouncementId: 42 });
        served.push(job.customHeaders.expression);
        await runtime().completeJob(job.id, {}, erp, 'adapter');
      }
    }
    expect(served.sort()).toEqual(posts.map((post) => `#{jobAnnouncementService.${post}(jobAnnouncementId)}`));
    const done = (await runtime().getInstance(instance.id))!;
    expect(done.status).toBe('completed');
    expect(endEventsOf(done)).toEqual(['Event_087qk1c']);
    expect(done.history.filter((entry) => entry.event === 'element.completed' && entry.elementId === 'Gateway_1loiva2')).toHaveLength(1);
  });
});

describe.skipIf(!interopAvailable)('Camunda 7 job announcement: a review decided by what its gateway reads', () => {
  const engineering = { name: 'eve', groups: ['engineering'] };
  const taskUser = { name: 'tom', groups: ['task-users'] };
  const deployAnnouncement = () => deploy(
    'executable/camunda7/camunda-testing-job-announcement.bpmn', 'executable/camunda7/camunda-testing-job-announcement-publication.bpmn');

  async function openTask(instanceId: string, elementId: string) {
    const tasks = await runtime().findTasks({ instanceId });
    expect(tasks.map((task) => task.elementId)).toEqual([elementId]);
    return tasks[0];
  }

  /** Publishes (twitter only), posts through the called publication process and mails: to "New position announced". */
  async function publishAndAnnounce(instanceId: string) {
    const publish = await openTask(instanceId, 'publish');
    await runtime().completeTask(publish.id, {}, engineering);
    const served: string[] = [];
    for (let round = 0; round < 4; round++) {
      for (const job of await runtime().fetchAndLockJobs({ type: 'camunda-7-adapter', workerId: 'adapter', max: 10 })) {
        served.push(job.customHeaders.expression);
        await runtime().completeJob(job.id, {}, erp, 'adapter');
      }
    }
    expect(served).toEqual([
      '#{jobAnnouncementService.postToWebsite(jobAnnouncementId)}', '#{jobAnnouncementService.postToTwitter(jobAnnouncementId)}',
      '#{jobAnnouncementService.notifyAboutPostings(jobAnnouncementId)}',
    ]);
    const done = (await runtime().getInstance(instanceId))!;
    expect(done.status).toBe('completed');
    expect(endEventsOf(done)).toEqual(['Event_087qk1c', 'Event_194gsd3']);
    return done;
  }

  it('deploys with a warning that names the review task and the decision inferred from its gateway', async () => {
    const { warnings } = await deployAnnouncement();
    const inferred = warnings.filter((warning) => warning.rule === 'decision-reads-own-output');
    expect(inferred).toEqual([objectWith({ elementId: 'review', severity: 'warning' })]);
    expect(inferred[0].message).toMatch(/User task "Review job role description" declares no outputs, but the gateway after it decides on "approved"/);
  });

  it('approved at the first review: published, posted by the called publication process, mailed, to its end', async () => {
    await deployAnnouncement();
    const { instance } = await runtime().start('camunda-testing-job-announcement', { variables: { jobAnnouncementId: 7, twitter: true, facebook: false } });
    await runtime().completeTask((await openTask(instance.id, 'edit')).id, {}, engineering);
    const review = await openTask(instance.id, 'review');
    // its assignee calls a bean method: the task goes to the default task group
    expect(review.candidateGroups).toEqual(['task-users']);
    await runtime().completeTask(review.id, { approved: true }, taskUser);
    const done = await publishAndAnnounce(instance.id);
    expect(done.variables).toMatchObject({ approved: true });
  });

  it('rejected, improved, then approved at the second review: to its end', async () => {
    await deployAnnouncement();
    const { instance } = await runtime().start('camunda-testing-job-announcement', { variables: { jobAnnouncementId: 8, twitter: true, facebook: false } });
    await runtime().completeTask((await openTask(instance.id, 'edit')).id, {}, engineering);
    await runtime().completeTask((await openTask(instance.id, 'review')).id, { approved: false }, taskUser);
    await runtime().completeTask((await openTask(instance.id, 'correct')).id, {}, taskUser);
    await runtime().completeTask((await openTask(instance.id, 'review')).id, { approved: true }, taskUser);
    await publishAndAnnounce(instance.id);
  });

  it('refuses a review completed without "approved": the first round\'s rejection never stands in for the second decision', async () => {
    await deployAnnouncement();
    const { instance } = await runtime().start('camunda-testing-job-announcement', { variables: { jobAnnouncementId: 9, twitter: false, facebook: false } });
    await runtime().completeTask((await openTask(instance.id, 'edit')).id, {}, engineering);
    await expect(runtime().completeTask((await openTask(instance.id, 'review')).id, {}, taskUser)).rejects.toMatchObject({ code: 'invalid' });
    await runtime().completeTask((await openTask(instance.id, 'review')).id, { approved: false }, taskUser);
    await runtime().completeTask((await openTask(instance.id, 'correct')).id, {}, taskUser);
    const second = await openTask(instance.id, 'review');
    for (const variables of [{}, { approved: null }]) {
      const error = await refusalOf(runtime().completeTask(second.id, variables, taskUser));
      expect(error).toMatchObject({ code: 'invalid' });
      expect(error.message).toMatch(/task "Review job role description" decides approved, which the gateway after it reads/);
      expect(error.details?.variables).toEqual([objectWith({ name: 'approved', problem: 'is missing' })]);
    }
    // still open, still on the review; "approved" is still the first round's false
    expect(await openTask(instance.id, 'review')).toMatchObject({ id: second.id });
    expect((await runtime().getInstance(instance.id))!.variables.approved).toBe(false);
    // and the completer may send only the decision
    await expect(runtime().completeTask(second.id, { approved: true, twitter: true }, taskUser)).rejects.toMatchObject({ code: 'invalid' });
  });
});

describe.skipIf(!interopAvailable)('Camunda 8 diagrams with multi-instance sub-processes', () => {
  it('complex_process: a sub-process per list element calls benchmark-subprocess (DMN, worker); the results are gathered', async () => {
    const dmn = readFileSync(new URL('../../fixtures/dmn/benchmark-decision.dmn', import.meta.url), 'utf8');
    await fixture.stratum.library.deploy([
      interopFile('executable/camunda8/complex_process.bpmn'), interopFile('executable/camunda8/complex_subprocess.bpmn'),
      { name: 'benchmark-decision.dmn', xml: dmn },
    ], { user: 'interop' });
    const { instance } = await runtime().start('benchmark-complex', { variables: { benchmark_starter_id: 'starter-3', var2: true, list: ['a', 'b', 'c'] } });
    fixture.clock.advance(5_000);
    expect(await runtime().fireDueTimers()).toBe(1);
    // one called child per element, each waiting for its worker; stored and recovered between the jobs
    const children = (await runtime().getInstance(instance.id))!.children;
    expect(children).toHaveLength(3);
    for (let round = 0; round < 3; round++) {
      await fixture.reopen();
      await completeJob('benchmark-task');
    }
    const parent = (await runtime().getInstance(instance.id))!;
    expect(parent.variables.results).toEqual(['fast', 'fast', 'fast']);
    const done = await completeJob('benchmark-task-starter-3-completed');
    expect(done.status).toBe('completed');
    const ends = endEventsOf(done);
    expect(ends.filter((id) => id === 'Event_0ecypb3')).toHaveLength(3);
    expect(ends.at(-1)).toBe('Event_1hr99hk');
  });

  // Its "Duplicate order" event sub-process, started by a second ORDER message, is refused at deploy (below): Stratum
  // never delivered a message to it, so the second ORDER started a second order instead. Without it, the rest runs.
  it('msg_process (without its duplicate-order event sub-process): a message starts the order; each item follows its own messages, correlated by the item', async () => {
    const file = interopFile('executable/camunda8/msg_process.bpmn');
    const xml = file.xml.replace(/<bpmn:subProcess id="Activity_03jfohc" triggeredByEvent="true">[\s\S]*?<\/bpmn:subProcess>/, '');
    expect(xml).not.toContain('triggeredByEvent');
    await fixture.stratum.library.deploy([{ ...file, xml }], { user: 'interop' });
    const { reached } = await runtime().correlateMessage({ name: 'ORDER', businessKey: 'O-1', variables: { orderId: 'O-1', items: ['I-1', 'I-2'] } });
    const id = reached[0].id;
    const waitsFor = async () => (await runtime().getInstance(id))!.waiting.filter((wait) => wait.type === 'message').map((wait) => wait.message).sort();
    expect(await waitsFor()).toEqual(['CANCELED', 'INTRANSIT', 'INTRANSIT']);
    const send = async (name: string, item: string) => {
      await fixture.reopen();
      const { reached: moved } = await runtime().correlateMessage({ name, businessKey: item });
      expect(moved.map((view) => view.id)).toEqual([id]);
      return moved[0];
    };
    await send('INTRANSIT', 'I-1');
    await send('DELIVERED', 'I-1');
    // I-1 is done; only I-2's messages (and the order's cancel) are awaited
    expect(await waitsFor()).toEqual(['CANCELED', 'INTRANSIT']);
    await send('INTRANSIT', 'I-2');
    await send('NOTDELIVERED', 'I-2');
    await send('INTRANSIT', 'I-2');
    const done = await send('DELIVERED', 'I-2');
    expect(done.status).toBe('completed');
    expect(endEventsOf(done)).toEqual(['Event_0ea0ks4', 'Event_0ea0ks4', 'Event_1x7ojdn']);
  });
});

describe.skipIf(!interopAvailable)('Camunda diagrams with constructs Stratum refuses at deploy', () => {
  const refusals: [string[], string, RegExp][] = [
    [['executable/camunda8/complex_subprocess.bpmn'], 'Activity_0ehlkav', /DMN/],
    // a message start event of an event sub-process: no message ever reached it
    [['executable/camunda8/msg_process.bpmn'], 'Event_06wf1r6', /Start event "Duplicate order" is a message start event of an event sub-process/],
    // scripts run inside the engine: never (task listeners, a connector's output, an input parameter)
    [['executable/camunda7/invoice.v2.bpmn', 'executable/camunda7/reviewInvoice.bpmn'], 'approveInvoice', /task listener \(a javascript script\)/],
    [['executable/camunda7/loan-granting.bpmn'], 'Task_1lvjtd4', /script/],
    [['executable/camunda7/invokeRestService.bpmn'], 'ServiceTask_1', /connector "http-connector".*script \(parseHoliday\.js\)/],
  ];

  for (const [paths, elementId, construct] of refusals) {
    it(`refuses ${paths[0].split('/').at(-1)}: ${elementId} (${construct.source})`, async () => {
      const error = await refusalOf(deploy(...paths));
      expect(error).toMatchObject({ code: 'invalid' });
      const finding = (error.details?.findings ?? []).find((candidate) =>
        candidate.elementId === elementId && construct.test(candidate.message));
      expect(finding, JSON.stringify((error.details?.findings ?? []).filter((f) => f.severity === 'error'), null, 1)).toBeDefined();
      expect(await fixture.stratum.library.list()).toEqual([]);
    });
  }

  it('keeps the control for the shipped library: job-announcement in its namespace is refused, its review declaring no decision', async () => {
    const [announcement, publication] = ['camunda-testing-job-announcement', 'camunda-testing-job-announcement-publication']
      .map((name) => interopFile(`executable/camunda7/${name}.bpmn`))
      .map((file) => ({ ...file, xml: file.xml.replace('targetNamespace="http://bpmn.io/schema/bpmn"', `targetNamespace="${LIBRARY_NAMESPACE}"`) }));
    const error = await refusalOf(fixture.stratum.library.deploy([announcement, publication], { user: 'interop' }));
    const findings = (error.details?.findings ?? []).filter((finding) => finding.rule === 'decision-reads-own-output');
    expect(findings).toEqual([objectWith({ elementId: 'Flow_1gfi885', severity: 'error' }), objectWith({ elementId: 'Flow_0yjunvn', severity: 'error' })]);
    expect(findings[0].message).toMatch(/decides on the outcome of user task "Review job role description" but reads none of its outputs/);
  });
});
