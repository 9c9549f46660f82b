// Engine errors become problem details with the right status.
import { describe, expect, it } from 'vitest';
import { lostRace, StratumError } from '../../engine/errors.js';
import { validator } from '../../server/http/validate.js';
import { HttpProblem, toHttpProblem } from '../../server/problem.js';

describe('toHttpProblem', () => {
  it('maps each engine error code to its status and keeps findings', () => {
    const statuses = (['not-found', 'conflict', 'forbidden', 'invalid', 'bad-request'] as const).map((code) => toHttpProblem(new StratumError(code, code)).status);
    expect(statuses).toEqual([404, 409, 403, 422, 400]);
    const findings = [{ elementId: 'Gateway_1', rule: 'exclusive-gateway-default', severity: 'error' as const, message: 'no default flow' }];
    expect(toHttpProblem(new StratumError('invalid', 'bad', { findings })).toProblem()).toMatchObject({ status: 422, detail: 'bad', findings });
  });

  it('answers a race lost on every attempt as a plain conflict: the race flag and the database code stay inside', () => {
    const lost = lostRace('rollback', 'transaction rolled back by PostgreSQL, retry it (deadlock detected)', { postgresCode: '40P01' });
    expect(toHttpProblem(lost).toProblem()).toEqual({
      type: 'https://stratum.dev/problems/conflict', title: 'Conflict', status: 409, detail: 'transaction rolled back by PostgreSQL, retry it (deadlock detected)',
    });
  });

  it('gives a task refusal\'s facts beside its reason, keeps the plain 403 type, and nothing the engine keeps inside', () => {
    const task = { id: 'i1:t1', instanceId: 'i1', processKey: 'credit-order-approval', elementId: 'Review', name: 'Review order' };
    const refusal = new StratumError('forbidden', 'four eyes: ann requested change C-2 of order SO-1, so another person must decide "Review order"', {
      reason: 'four-eyes-change-requester', task, businessKey: 'SO-1', rootInstanceId: 'r1', changeId: 'C-2', actorGroups: ['admin'],
    });
    expect(toHttpProblem(refusal).toProblem()).toEqual({
      type: 'https://stratum.dev/problems/forbidden', title: 'Forbidden', status: 403, detail: refusal.message,
      reason: 'four-eyes-change-requester', task, businessKey: 'SO-1', rootInstanceId: 'r1', changeId: 'C-2',
    });
    // another reason's details stay inside, as before
    expect(toHttpProblem(new StratumError('conflict', 'called', { reason: 'called-process', calledBy: ['x'], task })).toProblem()).not.toHaveProperty('task');
  });

  it('hides the message of anything unexpected behind a 500', () => {
    const problem = toHttpProblem(new Error('connection string postgres://user:secret@db'));
    expect(problem.status).toBe(500);
    expect(JSON.stringify(problem.toProblem())).not.toContain('secret');
  });

  it('writes RFC 9457 members', () => {
    expect(new HttpProblem(409, 'Task is no longer open.').toProblem('/api/tasks/t1/complete')).toEqual({
      type: 'https://stratum.dev/problems/conflict', title: 'Conflict', status: 409, detail: 'Task is no longer open.', instance: '/api/tasks/t1/complete',
    });
  });

  it('names every status the server answers: a multipart upload without Content-Length is length-required, not a generic error', () => {
    expect(new HttpProblem(411, 'A multipart upload needs a Content-Length header.').toProblem()).toMatchObject({
      type: 'https://stratum.dev/problems/length-required', title: 'Length required', status: 411,
    });
  });

  it('says which part of the request is not valid in a sentence that reads', () => {
    const query = validator({ type: 'object', additionalProperties: false }, 'query');
    expect(() => query({ foo: '1' })).toThrow("The request's query parameters are not valid: query.foo is not allowed.");
    const body = validator({ type: 'object', additionalProperties: false }, 'body');
    expect(() => body({ foo: 1 })).toThrow('The request body is not valid: /foo is not allowed.');
  });
});
