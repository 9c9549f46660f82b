// A value nested deeper than a JSON body may be (MAX_DEPTH) is refused by the
// engine itself, whatever calls it: the HTTP routes refuse such bodies, but an
// in-process caller reached the runtime with them, and a value 3,000 deep was
// stored (every later step, view and history read of its instance carries it)
// while one 10,000 deep overflowed the stack on the way to the store.
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_DEPTH } from '../../../engine/variables/json-value-rules.js';
import { enter, erp, openFixture, order, vicePresident, type Fixture } from '../../support/stratum-fixture.js';
import { refusalOf } from '../../support/refusal.js';

const REVIEW = readFileSync(new URL('../../fixtures/server/customer-review.bpmn', import.meta.url), 'utf8');

let fixture: Fixture;
beforeEach(async () => {
  fixture = await openFixture();
  await fixture.stratum.library.deploy([{ name: 'customer-review.bpmn', xml: REVIEW }], { user: 'test' });
});
afterEach(async () => { await fixture.dispose(); });

const runtime = () => fixture.stratum.runtime;

/** `{a: {a: … 1}}` with `levels` objects. */
function nested(levels: number): unknown {
  let value: unknown = 1;
  for (let level = 0; level < levels; level++) value = { a: value };
  return value;
}

const instanceCount = async () => (await runtime().findInstances({ limit: 100, offset: 0 })).total;

describe('variables nested deeper than a JSON body may be are refused before anything is stored', () => {
  it.each([3_000, 100_000])('refuses a start whose variable nests %i levels, naming where, and stores no instance', async (levels) => {
    const before = await instanceCount();
    const refused = await refusalOf(runtime().start('customer-review', { variables: { customerId: nested(levels) }, user: 'erp' }));
    expect(refused.code).toBe('invalid');
    expect(refused.details?.errors?.[0]).toEqual({ field: `/variables/customerId${'/a'.repeat(MAX_DEPTH - 2)}`, message: `nests deeper than ${MAX_DEPTH} levels` });
    expect(await instanceCount()).toBe(before);
  });

  it('accepts a variable as deep as a body may carry it, and one level more is refused', async () => {
    // a body is level 0, /variables 1, the variable's value 2: its objects may reach level MAX_DEPTH - 1
    const deepest = MAX_DEPTH - 2;
    expect((await runtime().start('customer-review', { variables: { customerId: nested(deepest) }, user: 'erp' })).created).toBe(true);
    expect((await refusalOf(runtime().start('customer-review', { variables: { customerId: nested(deepest + 1) }, user: 'erp' }))).code).toBe('invalid');
  });

  it('refuses it on every way in: order entry, a task, a job, a BPMN error, a message, an order change, an incident retry', async () => {
    const placed = order('SO-DEEP', 750_000);
    const deep = nested(5_000);
    expect((await refusalOf(runtime().enterOrder({ ...placed.entry, customer: { name: 'ACME', notes: deep } as never }, { user: 'erp' }))).details?.errors?.[0].field).toMatch(/^\/customer\/notes\/a\//);
    const { instance } = await enter(runtime(), placed);
    const [task] = await runtime().findTasks({ businessKey: 'SO-DEEP' });
    const refusals = [
      runtime().completeTask(task.id, { approved: deep }, vicePresident),
      runtime().correlateMessage({ name: 'PaymentReceived', businessKey: 'SO-DEEP', variables: { remittance: deep }, actor: 'erp' }),
      runtime().changeOrder('SO-DEEP', { description: deep as never }, { user: 'erp' }),
      runtime().retryIncident('no-such-incident', { variables: { fix: deep } }, erp),
      runtime().completeJob('no-such-job', { plan: deep }, erp, 'w1'),
      runtime().throwJobError('no-such-job', { errorCode: 'BLOCKED', variables: { plan: deep }, workerId: 'w1' }, erp),
    ];
    for (const refusal of refusals) expect((await refusalOf(refusal)).code).toBe('invalid');
    const after = (await runtime().getInstance(instance.id))!;
    expect(after.history.map((entry) => entry.event)).toEqual(instance.history.map((entry) => entry.event));
  });

  it('refuses the keys that would pollute prototypes, as a body\'s', async () => {
    const refused = await refusalOf(runtime().start('customer-review', { variables: JSON.parse('{"customerId":{"__proto__":{"polluted":true}}}') as Record<string, unknown>, user: 'erp' }));
    expect(refused.details?.errors).toEqual([{ field: '/variables/customerId/__proto__', message: 'is a reserved key and not allowed' }]);
  });
});
