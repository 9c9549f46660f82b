// The idle collector scavenges once nothing has been in hand for a little while,
// when the young generation is filled enough to be worth it.
import { describe, expect, it } from 'vitest';
import { IdleCollector, type YoungGeneration } from '../../../server/http/idle-collector.js';

function collector(young: YoungGeneration) {
  const waits = new Map<number, { check: () => void; ms: number }>();
  let next = 0;
  let scavenges = 0;
  const idle = new IdleCollector({
    scavenge: () => scavenges++,
    young: () => young,
    wait: (check, ms) => {
      const id = next++;
      waits.set(id, { check, ms });
      return () => waits.delete(id);
    },
  });
  return {
    idle,
    /** The quiet period runs out: the checks still waiting run. */
    quiet: () => [...waits.entries()].forEach(([id, { check }]) => (waits.delete(id), check())),
    waiting: () => [...waits.values()].map(({ ms }) => ms),
    scavenges: () => scavenges,
  };
}

const MB = 1024 * 1024;
const FULL: YoungGeneration = { used: 12 * MB, available: 12 * MB };

describe('IdleCollector', () => {
  it('scavenges once the last request in hand has answered and nothing came for 25 ms', () => {
    const { idle, quiet, waiting, scavenges } = collector(FULL);
    const first = idle.begin();
    const second = idle.begin();
    first();
    expect(waiting()).toEqual([]);
    second();
    expect(waiting()).toEqual([25]);
    expect(scavenges()).toBe(0);
    quiet();
    expect(scavenges()).toBe(1);
  });

  it('does not scavenge when the client\'s next request comes within the quiet period (it would wait for it)', () => {
    const { idle, quiet, waiting, scavenges } = collector(FULL);
    idle.begin()();
    const next = idle.begin();
    expect(waiting()).toEqual([]);
    quiet();
    expect(scavenges()).toBe(0);
    next();
    quiet();
    expect(scavenges()).toBe(1);
  });

  it('leaves a young generation less than an eighth full to V8', () => {
    const { idle, quiet, scavenges } = collector({ used: 2 * MB, available: 22 * MB });
    idle.begin()();
    quiet();
    expect(scavenges()).toBe(0);
  });

  it('counts a request that ends twice (finish, then close) once', () => {
    const { idle, quiet, waiting, scavenges } = collector(FULL);
    const done = idle.begin();
    const other = idle.begin();
    done();
    done();
    expect(waiting()).toEqual([]);
    other();
    quiet();
    expect(scavenges()).toBe(1);
  });
});
