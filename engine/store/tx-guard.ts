// What both stores' transaction handles check before they touch the database:
// a handle kept past its transaction must not run statements outside it, and
// a read must not write. It also notes the job types a transaction makes
// fetchable, which the store announces to waiting workers once it commits.
import type { WaitRow } from './types.js';

export abstract class TxGuard {
  private active = true;
  /** Job types that got a fetchable job in this transaction (announced after commit, never on rollback). */
  readonly fetchableJobTypes = new Set<string>();

  constructor(protected readonly writable: boolean) {}

  /** Called when the transaction ends. */
  finish(): void {
    this.active = false;
  }

  /**
   * A new job, a failed job with retries left, an unlocked job: workers waiting for its type may take it. A failed
   * job backing off (no holder, a lock until its retry time) is not theirs yet: the next fetch after that time takes it.
   */
  protected noteFetchable(wait: WaitRow): void {
    const fetchable = wait.lockedBy === null && wait.lockExpiresAt === null && (wait.jobRetries === null || wait.jobRetries > 0);
    if (wait.kind === 'job' && wait.jobType && fetchable) this.fetchableJobTypes.add(wait.jobType);
  }

  protected assertActive(): void {
    if (!this.active) {
      throw new Error('this transaction is over: use the tx of a running store.transaction() or store.read()');
    }
  }

  protected assertWritable(method: string): void {
    this.assertActive();
    if (!this.writable) throw new Error(`${method}() writes: call it inside store.transaction(), not store.read()`);
  }
}
