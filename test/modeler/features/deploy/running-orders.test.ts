import { describe, expect, it } from 'vitest';
import { insideStays } from '../../../../modeler/src/features/deploy/running-orders.js';

describe('what the running orders inside a process keep, in the deploy dialog', () => {
  it('names the version they are on, which need not be the latest', () => {
    expect(insideStays({ count: 1, orders: [{ orderNo: 'SO-4', version: 1 }] }, 3)).toBe('they stay on version 1');
    expect(insideStays({ count: 2, orders: [{ orderNo: 'SO-4', version: 3 }, { orderNo: 'SO-5', version: 3 }] }, 3)).toBe('they stay on version 3');
  });

  it('names every version when the orders are on several', () => {
    expect(insideStays({ count: 3, orders: [{ orderNo: 'SO-9', version: 2 }, { orderNo: 'SO-4', version: 1 }, { orderNo: 'SO-5', version: 2 }] }, 2))
      .toBe('each stays on the version it started: 1, 2');
  });

  it('falls back on the latest version when no order is listed', () => {
    expect(insideStays({ count: 0, orders: [] }, 2)).toBe('they stay on version 2');
  });
});
