import { AsyncLocalStorage } from 'node:async_hooks';

interface Scope {
  /** The store's family of queues: a call inside any of them is nested. */
  owner: object;
  active: boolean;
}

const currentScope = new AsyncLocalStorage<Scope>();

/**
 * Runs a store's transactions and reads one after another (when `serialize`
 * is set: one SQLite connection cannot interleave two transactions) and
 * refuses a transaction or read started inside another one of the same
 * store: it would wait for itself forever (SQLite) or for a row lock its
 * caller holds (PostgreSQL). Queues made with the same `family` (a store's
 * write queue and its read connections' queues) count as one store for that.
 */
export class TransactionQueue {
  private tail: Promise<void> = Promise.resolve();
  private waiting = 0;

  constructor(
    private readonly serialize: boolean,
    private readonly family: object | null = null,
  ) {}

  /** Work queued or running: how busy this queue is. */
  get pending(): number {
    return this.waiting;
  }

  async run<T>(what: string, work: () => Promise<T>): Promise<T> {
    const outer = currentScope.getStore();
    if (outer && outer.owner === this.owner && outer.active) {
      throw new Error(
        `Store.${what}() was called inside another transaction or read of the same store; ` +
          'use the tx handed to the running work function instead (a nested call would wait for itself)',
      );
    }
    if (!this.serialize) return this.inScope(work);

    const previous = this.tail;
    let release!: () => void;
    this.tail = new Promise<void>((resolve) => (release = resolve));
    this.waiting++;
    await previous;
    try {
      return await this.inScope(work);
    } finally {
      this.waiting--;
      release();
    }
  }

  /** Resolves once everything queued so far has finished. */
  async drain(): Promise<void> {
    if (!this.serialize) return;
    await this.run('close', () => Promise.resolve());
  }

  private get owner(): object {
    return this.family ?? this;
  }

  private async inScope<T>(work: () => Promise<T>): Promise<T> {
    const scope: Scope = { owner: this.owner, active: true };
    try {
      return await currentScope.run(scope, work);
    } finally {
      scope.active = false;
    }
  }
}
