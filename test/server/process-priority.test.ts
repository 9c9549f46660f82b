// The primary's priority over its workers (server/process-priority.ts), with the system's calls stood in for:
// raised where the system allows it, the workers lowered where it refuses.
import { describe, expect, it } from 'vitest';
import { applyWorkerNice, prioritizePrimary, WORKER_NICE_ENV, workerEnv, type PriorityCalls } from '../../server/process-priority.js';

/** A process of three threads at `started`; `refuseBelow` stands in for a system that refuses a nice value under it. */
function fakeProcess(started: number, { refuseBelow, endedThread }: { refuseBelow?: number; endedThread?: number } = {}) {
  const nice = new Map([[100, started], [101, started], [102, started]]);
  const calls: PriorityCalls = {
    get: () => nice.get(100)!,
    threads: () => [...nice.keys(), ...(endedThread !== undefined ? [endedThread] : [])],
    set: (thread, value) => {
      if (thread === endedThread) throw Object.assign(new Error('uv_os_setpriority returned ESRCH'), { code: 'ERR_SYSTEM_ERROR', info: { code: 'ESRCH' } });
      // the second thread is where the refusal comes, after the first was set: it must go back
      if (refuseBelow !== undefined && value < refuseBelow && thread === 101) {
        throw Object.assign(new Error('uv_os_setpriority returned EACCES'), { code: 'ERR_SYSTEM_ERROR', info: { code: 'EACCES' } });
      }
      nice.set(thread, value);
    },
  };
  return { calls, nice: () => [...nice.values()] };
}

describe('prioritizePrimary', () => {
  it('raises every thread of the primary by the gap where the system allows it; the workers keep the priority it was started with', () => {
    const primary = fakeProcess(0);
    expect(prioritizePrimary(5, primary.calls)).toEqual({ primary: -5, workers: 0, by: 'primary-raised' });
    expect(primary.nice()).toEqual([-5, -5, -5]);
  });

  it('lowers the workers by the gap instead where the system refuses to raise it, and puts back a thread it had raised', () => {
    const primary = fakeProcess(0, { refuseBelow: 0 });
    const priorities = prioritizePrimary(5, primary.calls);
    expect(priorities).toEqual({ primary: 0, workers: 5, by: 'workers-lowered' });
    expect(primary.nice()).toEqual([0, 0, 0]);
    expect(workerEnv(priorities)).toEqual({ [WORKER_NICE_ENV]: '5' });
  });

  it('keeps the gap from the priority the primary was started with, and never beyond the lowest (19)', () => {
    expect(prioritizePrimary(5, fakeProcess(10, { refuseBelow: 10 }).calls)).toEqual({ primary: 10, workers: 15, by: 'workers-lowered' });
    expect(prioritizePrimary(5, fakeProcess(17, { refuseBelow: 17 }).calls)).toEqual({ primary: 17, workers: 19, by: 'workers-lowered' });
    const lowest = prioritizePrimary(5, fakeProcess(19, { refuseBelow: 19 }).calls);
    expect(lowest).toEqual({ primary: 19, workers: 19, by: 'none' });
    // no gap to make: a worker keeps the primary's priority, which it starts with
    expect(workerEnv(lowest)).toEqual({});
  });

  it('changes nothing with a gap of 0 (STRATUM_PRIMARY_PRIORITY=0)', () => {
    const primary = fakeProcess(3);
    expect(prioritizePrimary(0, primary.calls)).toEqual({ primary: 3, workers: 3, by: 'none' });
    expect(primary.nice()).toEqual([3, 3, 3]);
  });

  it('passes by a thread that ended while the list was read, and fails on anything else the system answers', () => {
    const primary = fakeProcess(0, { endedThread: 999 });
    expect(prioritizePrimary(5, primary.calls).by).toBe('primary-raised');
    const broken = fakeProcess(0);
    broken.calls.set = () => {
      throw Object.assign(new Error('uv_os_setpriority returned EINVAL'), { code: 'ERR_SYSTEM_ERROR', info: { code: 'EINVAL' } });
    };
    expect(() => prioritizePrimary(5, broken.calls)).toThrow(/EINVAL/);
  });
});

describe('applyWorkerNice', () => {
  it('sets every thread of a worker to the value the primary chose, a worker forked from a raised primary back to the value it started with', () => {
    const worker = fakeProcess(-5);
    expect(applyWorkerNice({ [WORKER_NICE_ENV]: '0' }, worker.calls)).toBe(0);
    expect(worker.nice()).toEqual([0, 0, 0]);
  });

  it('does nothing when the primary named no value, or a value that is not a whole number', () => {
    for (const env of [{}, { [WORKER_NICE_ENV]: '' }, { [WORKER_NICE_ENV]: '5x' }]) {
      const worker = fakeProcess(0);
      expect(applyWorkerNice(env, worker.calls)).toBeUndefined();
      expect(worker.nice()).toEqual([0, 0, 0]);
    }
  });
});
