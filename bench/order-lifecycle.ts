// The whole-order lifecycle over HTTP that the workers and latency benches
// drive (issue 10): a credit order over 1,000,000 posted, approved by the
// sales director and the vice-president, then one job of each planning and
// shipping type fetched and completed — as a job worker does, by type, so the
// job may be another order's. The latency of every answered request is kept
// by request type.
import { order } from '../test/support/stratum-fixture.js';

export type RequestKind = 'post-order' | 'list-tasks' | 'complete-task' | 'fetch-jobs' | 'complete-job';

export const REQUEST_KINDS: readonly RequestKind[] = ['post-order', 'list-tasks', 'complete-task', 'fetch-jobs', 'complete-job'];
export const JOB_TYPES = ['procurement-planning', 'production-planning', 'shipping'];
/** Over 1,000,000: the director's and the vice-president's approvals. */
export const LIFECYCLE_AMOUNT = 1_200_000;

/** `Extra`: request types of a bench's own beside the lifecycle's. */
export class LifecycleClient<Extra extends string = never> {
  /** Milliseconds from sending a request to its whole answer, by request type (the answer of a retried one). */
  readonly latencies = new Map<RequestKind | Extra, number[]>();
  /** Requests answered 503 (shaped away by the admission queue) and retried after `Retry-After`. */
  refused = 0;

  constructor(private readonly url: string) {}

  /** `kind` null: not counted (the checks around a measurement). */
  async call<T = unknown>(kind: RequestKind | Extra | null, method: string, path: string, token: string, body?: unknown): Promise<T> {
    for (;;) {
      const began = performance.now();
      const response = await fetch(`${this.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
        ...(body !== undefined && { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      if (response.status === 503) {
        this.refused++;
        await new Promise((resolve) => setTimeout(resolve, Number(response.headers.get('retry-after') ?? 1) * 1000));
        continue;
      }
      if (response.status >= 300) throw new Error(`${method} ${path}: ${response.status} ${text}`);
      const took = performance.now() - began;
      if (kind) {
        const latencies = this.latencies.get(kind);
        if (latencies) latencies.push(took);
        else this.latencies.set(kind, [took]);
      }
      return (text ? JSON.parse(text) : null) as T;
    }
  }

  async post(orderNo: string, amount = LIFECYCLE_AMOUNT): Promise<void> {
    const { specialChange: _none, ...body } = order(orderNo, amount).entry;
    await this.call('post-order', 'POST', '/api/orders', 'demo-integration', body);
  }

  async approve(orderNo: string, token: string): Promise<void> {
    const tasks = await this.call<{ id: string }[]>('list-tasks', 'GET', `/api/tasks?businessKey=${orderNo}&mine=true`, token);
    if (tasks.length !== 1) throw new Error(`${orderNo}: ${tasks.length} tasks for ${token}`);
    await this.call('complete-task', 'POST', `/api/tasks/${encodeURIComponent(tasks[0].id)}/complete`, token, { variables: { approved: true } });
  }

  /** Fetches at most one job of `type` and completes it; resolves with how many it found. */
  async work(workerId: string, type: string): Promise<number> {
    const jobs = await this.call<{ id: string }[]>('fetch-jobs', 'POST', '/api/jobs/fetch-and-lock', 'demo-integration', { type, workerId, max: 1 });
    for (const job of jobs) await this.call('complete-job', 'POST', `/api/jobs/${encodeURIComponent(job.id)}/complete`, 'demo-integration', { variables: {}, workerId });
    return jobs.length;
  }

  /** One whole order: posted, approved twice, one job of each type worked. */
  async lifecycle(orderNo: string, workerId: string): Promise<void> {
    await this.post(orderNo);
    await this.approve(orderNo, 'demo-director');
    await this.approve(orderNo, 'demo-vp');
    for (const type of JOB_TYPES) await this.work(workerId, type);
  }

  /** Works the jobs no lifecycle's fetch found yet, until none is left. */
  async drain(): Promise<void> {
    for (let left = 1; left;) {
      left = 0;
      for (const type of JOB_TYPES) left += await this.work('drain', type);
    }
  }

  /** Throws unless every order-to-cash instance has finished. */
  async assertAllFinished(): Promise<void> {
    const running = await this.call<{ total: number }>(null, 'GET', '/api/instances?processKey=order-to-cash&status=running&limit=1', 'demo-integration');
    if (running.total !== 0) throw new Error(`${running.total} orders did not finish`);
  }
}

/**
 * `orders` whole lifecycles by `clients` concurrent clients, each starting its next order when the last one is done
 * (closed loop), then the jobs no client's fetch found yet.
 */
export async function closedLoop(client: LifecycleClient, clients: number, orders: number, prefix: string): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: clients }, async (_, index) => {
    for (let number = next++; number < orders; number = next++) await client.lifecycle(`${prefix}-${number}`, `client-${index}`);
  }));
  await client.drain();
}
