// Order entry through the engine API: what is kept, who is recorded, and when
// order entry refuses to work at all.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, StratumError } from '../../../engine/index.js';
import { enter, openFixture, order, shippedDiagrams, type Fixture } from '../../support/stratum-fixture.js';
import { textContaining } from '../../support/matchers.js';

let fixture: Fixture;
afterEach(async () => { await fixture.dispose(); });

async function storedOrder(orderNo: string) {
  const store = await openStore({ dataDir: fixture.dataDir });
  try {
    return await store.read((tx) => tx.getOrder(orderNo));
  } finally {
    await store.close();
  }
}

async function refusal(promise: Promise<unknown>): Promise<StratumError> {
  const error = await promise.then(() => undefined, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(StratumError);
  return error as StratumError;
}

describe('an entered order', () => {
  beforeEach(async () => { fixture = await openFixture(); });

  it('is kept under its number as entered, with both amounts as exact decimals and the rate of the day', async () => {
    const { instance } = await fixture.stratum.runtime.enterOrder(
      { orderNo: 'SO-KEEP', customer: { name: 'ACME', country: 'KW' }, amount: 10.125, currency: 'KWD', paymentTerms: 'credit' },
      { user: 'erp' },
    );
    expect(await storedOrder('SO-KEEP')).toEqual({
      orderNo: 'SO-KEEP',
      processKey: 'order-to-cash',
      instanceId: instance.id,
      order: { orderNo: 'SO-KEEP', customer: { name: 'ACME', country: 'KW' }, amount: 10.125, currency: 'KWD', paymentTerms: 'credit', specialChange: null },
      amount: '10.125',
      currency: 'KWD',
      reportingAmount: '234.75',
      reportingCurrency: 'CNY',
      exchangeRate: '23.185',
      rateDate: '2026-01-02',
      enteredBy: 'erp',
      enteredAt: '2026-01-05T09:00:00.000Z',
    });
  });

  it('records who entered it and what the order process started with', async () => {
    const { instance } = await enter(fixture.stratum.runtime, order('SO-WHO', 100), 'crm-sync');
    const started = instance.history.find((entry) => entry.event === 'instance.started' && entry.instanceId === instance.id);
    expect(started).toMatchObject({ actor: 'crm-sync', data: { entry: 'order', variables: { orderNo: 'SO-WHO', reportingAmount: 100, reportingCurrency: 'CNY' } } });
    expect(instance.variables).toMatchObject({ orderNo: 'SO-WHO', amount: 100, reportingAmount: 100, exchangeRate: 1, rateDate: '2026-01-05' });
  });

  it('refuses every field at fault at once, naming each', async () => {
    const error = await refusal(fixture.stratum.runtime.enterOrder(
      { orderNo: 'SO-BAD', customer: { name: '' }, amount: 1.5, currency: 'JPY', paymentTerms: 'cash' as never },
      { user: 'erp' },
    ));
    expect(error.code).toBe('invalid');
    expect(error.details?.errors?.map((problem) => problem.field)).toEqual(['/customer/name', '/paymentTerms', '/amount']);
    expect(await storedOrder('SO-BAD')).toBeUndefined();
  });

  it('refuses . and .. as order numbers: a URL path resolves them away, so no route could name the order', async () => {
    for (const orderNo of ['.', '..']) {
      const error = await refusal(enter(fixture.stratum.runtime, order(orderNo, 100)));
      expect(error.code).toBe('invalid');
      expect(error.details?.errors).toEqual([{ field: '/orderNo', message: textContaining('relative segment') }]);
      expect(await storedOrder(orderNo)).toBeUndefined();
    }
    // dots inside a number are kept as they are
    expect((await enter(fixture.stratum.runtime, order('SO.1..2', 100))).instance.status).toBe('running');
  });
});

describe('order entry as configured', () => {
  it('is ready with the shipped library and a rate table', async () => {
    fixture = await openFixture();
    expect(await fixture.stratum.runtime.orderEntryStatus()).toEqual({ processKey: 'order-to-cash', ready: true, reportingCurrency: 'CNY' });
  });

  it('is unavailable while the order process is not deployed', async () => {
    fixture = await openFixture({ deployShipped: false });
    expect(await fixture.stratum.runtime.orderEntryStatus()).toMatchObject({ ready: false, problem: textContaining('not deployed') });
    expect((await refusal(enter(fixture.stratum.runtime, order('SO-1', 100)))).code).toBe('unavailable');
  });

  it('is unavailable when the order process does not declare that it takes orders', async () => {
    fixture = await openFixture({ deployShipped: false });
    const files = shippedDiagrams().map((file) =>
      file.name === 'order-to-cash.bpmn' ? { ...file, xml: file.xml.replace('<zeebe:property name="takesOrders" value="true" />', '') } : file);
    await fixture.stratum.library.deploy(files, { user: 'test' });
    const status = await fixture.stratum.runtime.orderEntryStatus();
    expect(status).toMatchObject({ ready: false, problem: textContaining('does not declare that it takes orders') });
    expect((await refusal(enter(fixture.stratum.runtime, order('SO-1', 100)))).code).toBe('unavailable');
    // and, taking no orders, it is an ordinary level-1 process for the generic start
    const { instance } = await fixture.stratum.runtime.start('order-to-cash', { businessKey: 'SO-1', variables: order('SO-1', 100).variables });
    expect(instance.status).toBe('running');
  });
});
