// A variable named like a FEEL literal or keyword is refused by the engine on
// every way in: feelin reads a variable named `false` in place of the literal,
// so a planning job completed with {"false": true} made a department's "not
// acknowledged" (`procurementAcknowledged = false`) read as acknowledged, and
// one named `and` breaks every condition that uses the word.
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
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

describe('variables named like FEEL\'s own words', () => {
  it.each(['false', 'true', 'null', 'and', 'not', 'in'])('refuses %s on every way in: a start, a task, a job, a BPMN error, a message, an incident retry', async (name) => {
    const { instance } = await enter(runtime(), order('SO-WORDS', 750_000));
    const [task] = await runtime().findTasks({ businessKey: 'SO-WORDS' });
    const variables = { [name]: true };
    const refusals = [
      runtime().start('customer-review', { variables, user: 'erp' }),
      runtime().completeTask(task.id, variables, vicePresident),
      runtime().correlateMessage({ name: 'PaymentReceived', businessKey: 'SO-WORDS', variables, actor: 'erp' }),
      runtime().retryIncident('no-such-incident', { variables }, erp),
      runtime().completeJob('no-such-job', variables, erp, 'w1'),
      runtime().throwJobError('no-such-job', { errorCode: 'BLOCKED', variables, workerId: 'w1' }, erp),
    ];
    for (const refusal of refusals) {
      const refused = await refusalOf(refusal);
      expect(refused.code).toBe('invalid');
      expect(refused.details?.errors).toEqual([{ field: `/variables/${name}`, message: expect.stringContaining('FEEL word') as unknown }]);
    }
    const after = (await runtime().getInstance(instance.id))!;
    expect(after.history.map((entry) => entry.event)).toEqual(instance.history.map((entry) => entry.event));
  });

  it('keeps names that only begin or end like one (falsePositive, notes, index)', async () => {
    const { created } = await runtime().start('customer-review', { variables: { customerId: 'C-1' }, user: 'erp' });
    expect(created).toBe(true);
    await enter(runtime(), order('SO-NAMES', 100, 'prepaid-at-entry'));
    const result = await runtime().correlateMessage({ name: 'PaymentReceived', businessKey: 'SO-NAMES', variables: { falsePositive: 1, notes: 'x', index: 2 }, actor: 'erp' });
    expect(result.outcome).toBe('delivered');
  });
});
