// A map that keeps its values within a budget of (estimated) bytes, dropping
// the least recently kept first: the one eviction loop of the engine cache, the
// view cache and the modeler's cache of deployed XML. What to admit, and what a
// lookup counts as, stays with them. Browser-safe.

export class ByteBudgetLru<Key, Value> {
  /** Least recently kept first (a Map keeps insertion order). */
  private readonly entries = new Map<Key, { value: Value; bytes: number }>();
  private total = 0;
  private budget: number;

  /**
   * `removed` hears of every value that leaves: deleted, replaced or evicted; `evicted` only of those the budget
   * pushed out (by `set` or `resize`), with their bytes.
   */
  constructor(
    budgetBytes: number,
    private readonly removed: (key: Key, value: Value) => void = () => {},
    private readonly evicted: (key: Key, value: Value, bytes: number) => void = () => {},
  ) {
    this.budget = budgetBytes;
  }

  get budgetBytes(): number {
    return this.budget;
  }

  /** The value under `key`, without making it more recently used. */
  peek(key: Key): Value | undefined {
    return this.entries.get(key)?.value;
  }

  has(key: Key): boolean {
    return this.entries.has(key);
  }

  /**
   * Keeps `value` under `key` as the most recently kept, in place of what the key held, then evicts the least
   * recently kept until the total fits the budget. Returns how many it evicted, or undefined when `bytes` alone
   * exceed the budget: then nothing is kept under `key` (what it held is gone too) and nothing else is evicted.
   */
  set(key: Key, value: Value, bytes: number): number | undefined {
    this.delete(key);
    if (bytes > this.budgetBytes) return undefined;
    this.entries.set(key, { value, bytes });
    this.total += bytes;
    return this.evictBeyondBudget();
  }

  /** A new budget: the least recently kept are evicted until the total fits it. Returns how many. */
  resize(budgetBytes: number): number {
    this.budget = budgetBytes;
    return this.evictBeyondBudget();
  }

  /** Removes and returns the value under `key`. */
  delete(key: Key): Value | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    this.total -= entry.bytes;
    this.removed(key, entry.value);
    return entry.value;
  }

  /** How many values are kept. */
  get size(): number {
    return this.entries.size;
  }

  /** The bytes of the values kept. */
  get bytes(): number {
    return this.total;
  }

  private evictBeyondBudget(): number {
    let count = 0;
    for (const [oldest, { value, bytes }] of this.entries) {
      if (this.total <= this.budget) break;
      this.delete(oldest);
      this.evicted(oldest, value, bytes);
      count++;
    }
    return count;
  }
}
