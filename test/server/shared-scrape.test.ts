// The primary's /metrics runs one pool scrape for callers that come together (shared-scrape.ts).
import { describe, expect, it } from 'vitest';
import { sharedScrape } from '../../server/shared-scrape.js';

describe('sharedScrape', () => {
  it('runs one scrape for callers that ask while it runs, and answers callers within the reuse time from it', async () => {
    let clock = 0;
    let runs = 0;
    const release: (() => void)[] = [];
    const scrape = sharedScrape(() => {
      runs++;
      return new Promise<number>((resolve) => release.push(() => resolve(runs)));
    }, 1000, () => clock);

    const together = [scrape(), scrape(), scrape()];
    expect(runs).toBe(1);
    release.shift()!();
    expect(await Promise.all(together)).toEqual([1, 1, 1]);

    clock = 999;
    expect(await scrape()).toBe(1);
    expect(runs).toBe(1);

    clock = 1000;
    const later = scrape();
    expect(runs).toBe(2);
    release.shift()!();
    expect(await later).toBe(2);
  });

  it('keeps no failed scrape: the next caller runs a new one', async () => {
    let runs = 0;
    const scrape = sharedScrape(() => (++runs === 1 ? Promise.reject(new Error('worker gone')) : Promise.resolve(runs)), 1000, () => 0);
    const [first, second] = await Promise.allSettled([scrape(), scrape()]);
    expect(first).toMatchObject({ status: 'rejected' });
    expect(second).toMatchObject({ status: 'rejected' });
    expect(await scrape()).toBe(2);
    expect(runs).toBe(2);
  });
});
