// The order router's pure parts: which order a request names, which worker an order goes to, and the hints
// workers give about the orders of the instances they list.
import { describe, expect, it } from 'vitest';
import { chooseWorker, formatRouteHints, incidentRouteHints, parseRouteHints, routeHints, routeKeyOf } from '../../server/routing.js';

const known = new Map([['inst-1', 'SO-7'], ['incident:inc-1', 'SO-8']]);
const orderOf = (instance: string) => known.get(instance);

describe('routeKeyOf', () => {
  it('reads the order from the path, the businessKey query and the bodies that name it', () => {
    expect(routeKeyOf('GET', '/api/orders/SO%2F1', orderOf)).toBe('order:SO/1');
    expect(routeKeyOf('POST', '/api/orders/SO-1/cancel', orderOf)).toBe('order:SO-1');
    expect(routeKeyOf('GET', '/api/tasks?businessKey=SO-2&mine=true', orderOf)).toBe('order:SO-2');
    expect(routeKeyOf('POST', '/api/orders', orderOf, Buffer.from('{"orderNo":"SO-3","amount":1}'))).toBe('order:SO-3');
    expect(routeKeyOf('POST', '/api/messages', orderOf, Buffer.from('{"name":"paid","businessKey":"SO-4"}'))).toBe('order:SO-4');
    // a body starting with a UTF-8 byte order mark routes as the worker reads it
    expect(routeKeyOf('POST', '/api/orders', orderOf, Buffer.from('\uFEFF{"orderNo":"SO-5","amount":1}'))).toBe('order:SO-5');
  });

  it('reads a task, job or instance through its instance id, as its order once that is known', () => {
    expect(routeKeyOf('POST', `/api/tasks/${encodeURIComponent('inst-1:Activity_1')}/complete`, orderOf)).toBe('order:SO-7');
    expect(routeKeyOf('POST', '/api/jobs/inst-2:Job_1/complete', orderOf)).toBe('instance:inst-2');
    expect(routeKeyOf('GET', '/api/instances/inst-1', orderOf)).toBe('order:SO-7');
  });

  it('reads a cancel through Camunda\'s routes through the instance it names, as its order once that is known', () => {
    expect(routeKeyOf('POST', '/v2/process-instances/inst-1/cancellation', orderOf, Buffer.from('{"reason":"withdrawn"}'))).toBe('order:SO-7');
    expect(routeKeyOf('DELETE', '/engine-rest/process-instance/inst-1?deleteReason=withdrawn', orderOf)).toBe('order:SO-7');
    expect(routeKeyOf('DELETE', '/engine-rest/process-instance/inst-2', orderOf)).toBe('instance:inst-2');
    // Camunda 7's batch delete names no instance in its path
    expect(routeKeyOf('POST', '/engine-rest/process-instance/delete', orderOf, Buffer.from('{"processInstanceIds":["inst-1"]}'))).toBeUndefined();
  });

  it('reads an incident\'s retry, Camunda 8\'s resolution and reads of it as its order once that is known, and an unknown one as no order', () => {
    expect(routeKeyOf('POST', '/api/incidents/inc-1/retry', orderOf, Buffer.from('{}'))).toBe('order:SO-8');
    expect(routeKeyOf('POST', '/v2/incidents/inc-1/resolution', orderOf)).toBe('order:SO-8');
    expect(routeKeyOf('GET', '/api/incidents/inc-1', orderOf)).toBe('order:SO-8');
    expect(routeKeyOf('GET', '/v2/incidents/inc-1', orderOf)).toBe('order:SO-8');
    // an incident id is no instance id: unknown, it goes to the next worker in turn
    expect(routeKeyOf('POST', '/api/incidents/inc-2/retry', orderOf)).toBeUndefined();
    expect(routeKeyOf('POST', '/v2/incidents/inc-2/resolution', orderOf)).toBeUndefined();
    // an instance id in an incident's place is not taken for the instance's order
    expect(routeKeyOf('POST', '/api/incidents/inst-1/retry', orderOf)).toBeUndefined();
    expect(routeKeyOf('POST', '/v2/incidents/search', orderOf, Buffer.from('{"filter":{}}'))).toBeUndefined();
    expect(routeKeyOf('GET', '/api/incidents?businessKey=SO-2', orderOf)).toBe('order:SO-2');
  });

  it('reads the Camunda 7 and 8 routes the same way: external task and job ids, and the keys in message and start bodies', () => {
    for (const action of ['complete', 'failure', 'bpmnError', 'extendLock', 'unlock']) {
      expect(routeKeyOf('POST', `/engine-rest/external-task/${encodeURIComponent('inst-1:Job_1')}/${action}`, orderOf)).toBe('order:SO-7');
    }
    for (const action of ['completion', 'failure', 'error']) {
      expect(routeKeyOf('POST', `/v2/jobs/inst-1:Job_1/${action}`, orderOf)).toBe('order:SO-7');
    }
    expect(routeKeyOf('POST', '/v2/jobs/inst-2:Job_1/completion', orderOf)).toBe('instance:inst-2');
    // a user task's key is its task id: completion, assignment and unassignment go to the order's worker, as /api/tasks/{id}/… do
    for (const [method, action] of [['POST', 'completion'], ['POST', 'assignment'], ['DELETE', 'assignee']]) {
      expect(routeKeyOf(method, `/v2/user-tasks/${encodeURIComponent('inst-1:Task_1')}/${action}`, orderOf)).toBe('order:SO-7');
    }
    expect(routeKeyOf('POST', '/v2/user-tasks/inst-2:Task_1/completion', orderOf)).toBe('instance:inst-2');
    expect(routeKeyOf('POST', '/v2/user-tasks/search', orderOf, Buffer.from('{"filter":{}}'))).toBeUndefined();
    // and Camunda 7's task routes: a task read, claimed, unclaimed or completed goes to its order's worker
    expect(routeKeyOf('GET', `/engine-rest/task/${encodeURIComponent('inst-1:Task_1')}`, orderOf)).toBe('order:SO-7');
    for (const action of ['claim', 'unclaim', 'assignee', 'complete']) {
      expect(routeKeyOf('POST', `/engine-rest/task/${encodeURIComponent('inst-1:Task_1')}/${action}`, orderOf)).toBe('order:SO-7');
    }
    expect(routeKeyOf('POST', '/engine-rest/task/inst-2:Task_1/complete', orderOf)).toBe('instance:inst-2');
    expect(routeKeyOf('GET', '/engine-rest/task/count', orderOf)).toBeUndefined();
    expect(routeKeyOf('POST', '/engine-rest/message', orderOf, Buffer.from('{"messageName":"PaymentReceived","businessKey":"SO-5"}'))).toBe('order:SO-5');
    expect(routeKeyOf('POST', '/v2/messages/publication', orderOf, Buffer.from('{"name":"PaymentReceived","correlationKey":"SO-6"}'))).toBe('order:SO-6');
    expect(routeKeyOf('POST', '/v2/process-instances', orderOf, Buffer.from('{"processDefinitionId":"review","businessId":"CR-1"}'))).toBe('order:CR-1');
    expect(routeKeyOf('POST', '/api/processes/review/instances', orderOf, Buffer.from('{"businessKey":"CR-2","variables":{}}'))).toBe('order:CR-2');
    // fetching and activating name no order; neither does a start without a business key
    expect(routeKeyOf('POST', '/engine-rest/external-task/fetchAndLock', orderOf, Buffer.from('{"workerId":"w","topics":[]}'))).toBeUndefined();
    expect(routeKeyOf('POST', '/v2/jobs/activation', orderOf, Buffer.from('{"type":"shipping"}'))).toBeUndefined();
    expect(routeKeyOf('POST', '/v2/process-instances', orderOf, Buffer.from('{"processDefinitionId":"review"}'))).toBeUndefined();
  });

  it('names no order for requests about none, or with a body it cannot read', () => {
    expect(routeKeyOf('POST', '/api/jobs/fetch-and-lock', orderOf, Buffer.from('{"type":"shipping"}'))).toBeUndefined();
    expect(routeKeyOf('GET', '/metrics', orderOf)).toBeUndefined();
    expect(routeKeyOf('POST', '/api/orders', orderOf, Buffer.from('{not json'))).toBeUndefined();
    expect(routeKeyOf('POST', '/api/orders', orderOf, Buffer.from('{"orderNo":42}'))).toBeUndefined();
    expect(routeKeyOf('GET', '/api/orders/%E0%A4%A', orderOf)).toBeUndefined();
  });
});

describe('chooseWorker', () => {
  it('keeps an order on one worker, spreads orders, and moves only a dead worker\'s orders', () => {
    const keys = Array.from({ length: 200 }, (_, i) => `order:SO-${i}`);
    const before = keys.map((key) => chooseWorker(key, [0, 1, 2]));
    expect(keys.map((key) => chooseWorker(key, [0, 1, 2]))).toEqual(before);
    for (const slot of [0, 1, 2]) expect(before.filter((chosen) => chosen === slot).length).toBeGreaterThan(30);
    const after = keys.map((key) => chooseWorker(key, [0, 2]));
    keys.forEach((_, i) => {
      if (before[i] !== 1) expect(after[i]).toBe(before[i]);
      else expect([0, 2]).toContain(after[i]);
    });
    expect(chooseWorker('order:SO-1', [])).toBeUndefined();
  });
});

describe('routeHints', () => {
  it('names the order of every instance an answer lists, and parses back', () => {
    const tasks = [
      { id: 'a:1', instanceId: 'a', businessKey: 'SO,1' },
      { id: 'b:1', instanceId: 'b', businessKey: null },
    ];
    expect(parseRouteHints(routeHints(tasks)!)).toEqual([['a', 'SO,1']]);
    const view = { id: 'root', status: 'running', businessKey: 'SO-9', children: [{ id: 'child' }] };
    expect(parseRouteHints(routeHints(view)!)).toEqual([['root', 'SO-9'], ['child', 'SO-9']]);
    expect(parseRouteHints(routeHints({ items: [{ instanceId: 'c', businessKey: 'SO-3' }] })!)).toEqual([['c', 'SO-3']]);
    expect(routeHints({ status: 'ok' })).toBeUndefined();
    expect(parseRouteHints('broken,=x,%E0=y,ok=SO-1')).toEqual([['ok', 'SO-1']]);
  });

  it('names the orders a handler gives beside an answer in Camunda\'s shapes, leaving out instances without one', () => {
    const jobs = [{ instanceId: 'a', businessKey: 'SO-1' }, { instanceId: 'b', businessKey: null }, { instanceId: 'c', businessKey: 'SO=2' }];
    expect(parseRouteHints(formatRouteHints(jobs)!)).toEqual([['a', 'SO-1'], ['c', 'SO=2']]);
    expect(formatRouteHints([{ instanceId: 'b', businessKey: null }])).toBeUndefined();
  });

  it('names the order of each incident an answer lists apart from its instance\'s, the incidents first', () => {
    const incidents = [{ id: 'i,1', instanceId: 'a', businessKey: 'SO-1' }, { id: 'i2', instanceId: 'b', businessKey: null }];
    expect(parseRouteHints(formatRouteHints(incidentRouteHints(incidents))!)).toEqual([['incident:i,1', 'SO-1'], ['a', 'SO-1']]);
    // a page of 100 incidents fills the header with the incidents' orders (a retry names only the incident)
    const page = Array.from({ length: 100 }, (_, n) => ({ id: `inc-${n}`, instanceId: `inst-${n}`, businessKey: `SO-${n}` }));
    const pairs = parseRouteHints(formatRouteHints(incidentRouteHints(page))!);
    expect(pairs).toHaveLength(100);
    expect(pairs.every(([key]) => key.startsWith('incident:'))).toBe(true);
  });
});
