// What both stores' transaction handles check before they touch the database:
// a handle kept past its transaction must not run statements outside it, and
// a read must not write.

export abstract class TxGuard {
  private active = true;

  constructor(protected readonly writable: boolean) {}

  /** Called when the transaction ends. */
  finish(): void {
    this.active = false;
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
