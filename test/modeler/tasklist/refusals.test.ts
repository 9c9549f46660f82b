// The server's refusals of a decision, as the task list words them.
import { describe, expect, it } from 'vitest';
import { refusalOf, refusesForGood } from '../../../modeler/src/tasklist/refusals.js';
import { TaskProblem } from '../../../modeler/src/tasklist/TasklistClient.js';
import { approvalTier, waitedFor } from '../../../modeler/src/tasklist/order-facts.js';

const problem = (status: number, detail: string, extra: Record<string, unknown> = {}) => new TaskProblem(status, { status, detail, ...extra });

/** A refused task as the server names it beside `reason` (docs/api.md, "Task refusals"). */
const task = { id: 'i2:t2', instanceId: 'i2', processKey: 'credit-order-approval', elementId: 'UserTask_ReviewByVicePresident', name: 'Review order (vice-president)' };
const order = { task, businessKey: 'SO-1', rootInstanceId: 'r1' };
/** The detail may be worded otherwise (another server version, a gateway): the task list reads the reason. */
const REWORDED = 'Forbidden.';

describe('refusals as sentences', () => {
  it('words four eyes with the step the person already decided, from the reason and the decided task', () => {
    const decidedTask = { id: 'i2:t1', instanceId: 'i2', processKey: 'credit-order-approval', elementId: 'UserTask_ApproveBySalesDirector', name: 'Approve order (sales director)' };
    const refusal = refusalOf(problem(403, REWORDED, { reason: 'four-eyes-other-task', ...order, decidedTask }));
    expect(refusal).toEqual({ sentence: 'You already decided "Approve order (sales director)" for this order. Four eyes: another person must make this decision.', taskGone: false });
  });

  it('words four eyes for the person who started the order', () => {
    const refusal = refusalOf(problem(403, REWORDED, { reason: 'four-eyes-starter', ...order }));
    expect(refusal).toEqual({ sentence: 'You started this order. Four eyes: another person must make this decision.', taskGone: false });
  });

  it('words four eyes for the person who requested a change of the order, naming the change', () => {
    const refusal = refusalOf(problem(403, REWORDED, { reason: 'four-eyes-change-requester', ...order, changeId: 'C-2' }));
    expect(refusal).toEqual({ sentence: 'You requested change C-2 of this order. Four eyes: another person must make this decision.', taskGone: false });
  });

  it('words four eyes for a second iteration of a multi-instance task', () => {
    const approve = { id: 'i3:a1', instanceId: 'i3', processKey: 'mi', elementId: 'Approve', name: 'Approve' };
    const refusal = refusalOf(problem(403, REWORDED, { reason: 'four-eyes-other-iteration', task: { ...approve, id: 'i3:a2' }, businessKey: null, rootInstanceId: 'i3', decidedTask: approve }));
    expect(refusal.sentence).toBe('You already decided one of the "Approve" tasks of this order. Four eyes: another person must decide this one.');
  });

  it('words four eyes for a second acknowledgement of the same special change', () => {
    const procurement = { id: 'i4:p', instanceId: 'i4', processKey: 'special-change-notification', elementId: 'UserTask_AcknowledgeProcurement', name: 'Acknowledge special change (procurement)' };
    const production = { ...procurement, id: 'i4:q', elementId: 'UserTask_AcknowledgeProduction', name: 'Acknowledge special change (production)' };
    const refusal = refusalOf(problem(403, REWORDED, { reason: 'four-eyes-distinct-deciders', task: production, businessKey: 'SO-1', rootInstanceId: 'r1', decidedTask: procurement }));
    expect(refusal.sentence).toBe('You already decided "Acknowledge special change (procurement)" here. Four eyes: another person must decide "Acknowledge special change (production)".');
  });

  it('names the groups of a task for other people', () => {
    const refusal = refusalOf(problem(403, REWORDED, { reason: 'not-offered', task, offeredTo: { assignee: null, candidateUsers: [], candidateGroups: ['vice-president'] } }));
    expect(refusal.sentence).toBe('This task is for vice-president, and you are in none of these groups.');
  });

  it('names the assignee and candidate users of a task for other people', () => {
    const offeredTo = { assignee: 'bo', candidateUsers: ['vera'], candidateGroups: ['legal'] };
    expect(refusalOf(problem(403, REWORDED, { reason: 'not-offered', task, offeredTo })).sentence)
      .toBe('This task is assigned to bo, offered to vera, for legal, and you are not among them.');
  });

  it('names who claimed a task someone else decides, and keeps the task open', () => {
    const offeredTo = { assignee: 'dana', candidateUsers: [], candidateGroups: [] };
    expect(refusalOf(problem(403, REWORDED, { reason: 'not-offered', task, offeredTo, claimedBy: 'dana' })))
      .toEqual({ sentence: 'dana has assigned this task to themselves: only they can decide it until they unassign it.', taskGone: false });
  });

  it('words a claim someone else made first (409 task-claimed) without calling the task gone; another 409 still is', () => {
    const claimed = problem(409, REWORDED, { type: 'https://stratum.dev/problems/task-claimed', assignee: 'dana' });
    expect(refusalOf(claimed)).toEqual({ sentence: 'dana assigned this task to themselves first.', taskGone: false });
    expect(refusalOf(problem(409, 'task t1 is no longer open')).taskGone).toBe(true);
  });

  it('reads the reason and its members into the problem, and no refusal from members it does not recognise', () => {
    const named = new TaskProblem(403, { status: 403, detail: REWORDED, reason: 'four-eyes-change-requester', ...order, changeId: 'C-2' });
    expect([named.reason, named.refusal]).toEqual(['four-eyes-change-requester', { reason: 'four-eyes-change-requester', ...order, changeId: 'C-2' }]);
    const incomplete = new TaskProblem(403, { status: 403, detail: REWORDED, reason: 'four-eyes-other-task', ...order });
    expect([incomplete.reason, incomplete.refusal]).toEqual(['four-eyes-other-task', undefined]);
    expect(new TaskProblem(403, { status: 403, detail: REWORDED, reason: 'four-eyes-someday', ...order }).refusal).toBeUndefined();
    expect(refusalOf(incomplete).sentence).toBe('You may not decide this task.');
  });
});

// An older server (Stratum 0.1.1 and earlier) sends the detail sentence only: the task list reads it with patterns.
describe('refusals of a server that sends only the detail', () => {
  it('words four eyes with the step the person already decided', () => {
    const refusal = refusalOf(problem(403, 'four eyes: dirk already decided "Approve order (sales director)" (credit-order-approval/UserTask_ApproveBySalesDirector) of order SO-1, so another person must decide "Review order (vice-president)"'));
    expect(refusal).toEqual({ sentence: 'You already decided "Approve order (sales director)" for this order. Four eyes: another person must make this decision.', taskGone: false });
  });

  it('words four eyes for the person who started the order', () => {
    const refusal = refusalOf(problem(403, 'four eyes: root started order SO-1, so another person must decide "Review order (vice-president)"'));
    expect(refusal).toEqual({ sentence: 'You started this order. Four eyes: another person must make this decision.', taskGone: false });
  });

  it('words four eyes for the person who requested a change of the order', () => {
    const refusal = refusalOf(problem(403, 'four eyes: root requested change C-2 of order SO-1, so another person must decide "Approve order (sales director)"'));
    expect(refusal).toEqual({ sentence: 'You requested change C-2 of this order. Four eyes: another person must make this decision.', taskGone: false });
  });

  it('words four eyes for a second iteration of a multi-instance task', () => {
    const refusal = refusalOf(problem(403, 'four eyes: ann already decided another iteration of "Approve" (mi/Approve) of order SO-1, so another person must decide this one'));
    expect(refusal.sentence).toBe('You already decided one of the "Approve" tasks of this order. Four eyes: another person must decide this one.');
  });

  it('names the groups of a task for other people', () => {
    expect(refusalOf(problem(403, 'task t1 is for vice-president; ann is in none of these groups')).sentence)
      .toBe('This task is for vice-president, and you are in none of these groups.');
  });
});

describe('other refusals as sentences', () => {
  it('closes a task someone else decided first (409)', () => {
    expect(refusalOf(problem(409, 'task t1 is no longer open'))).toEqual({ sentence: 'Someone else decided this task first, or the order moved on. It is no longer open.', taskGone: true });
  });

  it('names the missing decision of a 422 from its errors', () => {
    const refusal = refusalOf(problem(422, 'completing task "Review order" with these variables would fail', { errors: [{ field: '/variables/approved', message: 'is missing; the next condition reads it' }] }));
    expect(refusal.sentence).toBe('The decision is incomplete: fill in approved and send it again.');
  });
});

describe('order facts', () => {
  it('says how long a task has waited', () => {
    const now = Date.parse('2026-03-02T12:00:00Z');
    expect(waitedFor('2026-03-02T11:59:30Z', now)).toBe('just now');
    expect(waitedFor('2026-03-02T11:15:00Z', now)).toBe('45 min');
    expect(waitedFor('2026-03-02T08:40:00Z', now)).toBe('3 h 20 min');
    expect(waitedFor('2026-02-28T12:00:00Z', now)).toBe('2 days');
  });

  it('explains the tier with the compared amount and the task\'s documentation', () => {
    const { tier, why } = approvalTier({
      id: 't', instanceId: 'i', businessKey: 'SO-1', processKey: 'credit-order-approval', elementId: 'UserTask_ReviewByVicePresident',
      name: 'Review order (vice-president)', candidateGroups: ['vice-president'], createdAt: '2026-03-02T12:00:00Z',
      variables: ['approved', 'comment'], documentation: 'Orders of more than 500,000 need a vice-president.', processName: 'Credit order approval', form: null,
      order: { orderNo: 'SO-1', amount: 90_000, currency: 'EUR', reportingAmount: '742050.00', reportingCurrency: 'CNY' },
    }, 'en-US');
    expect(tier).toBe('Review order (vice-president)');
    expect(why.replaceAll('\u00a0', ' ')).toBe('This order is CNY 742,050.00. Orders of more than 500,000 need a vice-president.');
  });

  it('writes the compared amount as the reader\'s locale writes numbers', () => {
    const { why } = approvalTier({
      id: 't', instanceId: 'i', businessKey: 'SO-1', processKey: 'credit-order-approval', elementId: 'UserTask_ReviewByVicePresident',
      name: 'Review order (vice-president)', candidateGroups: ['vice-president'], createdAt: '2026-03-02T12:00:00Z',
      variables: ['approved', 'comment'], documentation: null, processName: 'Credit order approval', form: null,
      order: { orderNo: 'SO-1', amount: 90_000, currency: 'EUR', reportingAmount: '742050.00', reportingCurrency: 'CNY' },
    }, 'de-DE');
    expect(why.replaceAll('\u00a0', ' ')).toBe('This order is 742.050,00 CNY.');
  });
});

describe('refusals that stand for good', () => {
  it('are four eyes\' (by reason, or by the detail of a server without one): the page then disables the decision', () => {
    expect(refusesForGood(problem(403, REWORDED, { reason: 'four-eyes-other-task', ...order }))).toBe(true);
    expect(refusesForGood(problem(403, REWORDED, { reason: 'four-eyes-starter', ...order }))).toBe(true);
    expect(refusesForGood(problem(403, 'four eyes: root started order SO-1, so another person must decide "Review order (vice-president)"'))).toBe(true);
    // someone else holding it, another group, a missing decision, a busy server: it may go through later
    expect(refusesForGood(problem(403, REWORDED, { reason: 'not-offered', task, offeredTo: { assignee: null, candidateUsers: [], candidateGroups: ['vice-president'] }, claimedBy: 'dana' }))).toBe(false);
    expect(refusesForGood(problem(403, 'task t1 is for vice-president; ann is in none of these groups'))).toBe(false);
    expect(refusesForGood(problem(422, 'four eyes: not a 403'))).toBe(false);
    expect(refusesForGood(problem(503, 'busy'))).toBe(false);
  });
});
