/**
 * A small promise cache with a time to live. Concurrent `get`s of the same key share one
 * load (in-flight deduplication); a settled value is kept for `ttlMs` (failures for at
 * most `errorTtlMs`) and then loaded again. With `ttlMs` 0 only in-flight loads are
 * shared. At most `maxEntries` are kept; the oldest are dropped first.
 */
export class TtlCache<T> {
  private readonly entries = new Map<
    string,
    { promise: Promise<T>; expiresAt: number }
  >();

  constructor(
    private readonly options: {
      /** Milliseconds a loaded value is kept. */
      ttlMs: number;
      /** Milliseconds a failed load is kept; default min(ttlMs, 5000). */
      errorTtlMs?: number;
      /** Default 20000. */
      maxEntries?: number;
      /** Clock in epoch milliseconds; for tests. */
      now?: () => number;
    },
  ) {}

  private now() {
    return (this.options.now ?? Date.now)();
  }

  /** The cached value of `key`, or the result of `load()` (cached). Rejects when `load` rejects. */
  get(key: string, load: () => Promise<T>): Promise<T> {
    const existing = this.entries.get(key);
    if (existing && existing.expiresAt > this.now()) return existing.promise;
    const entry = { promise: load(), expiresAt: Number.POSITIVE_INFINITY };
    this.entries.delete(key);
    this.entries.set(key, entry);
    this.evict();
    const { ttlMs } = this.options;
    const errorTtlMs = this.options.errorTtlMs ?? Math.min(ttlMs, 5000);
    entry.promise.then(
      () => {
        entry.expiresAt = this.now() + ttlMs;
        if (ttlMs <= 0 && this.entries.get(key) === entry)
          this.entries.delete(key);
      },
      () => {
        entry.expiresAt = this.now() + errorTtlMs;
        if (errorTtlMs <= 0 && this.entries.get(key) === entry)
          this.entries.delete(key);
      },
    );
    return entry.promise;
  }

  /** The fresh (or in-flight) value of `key`, without loading. */
  peek(key: string): Promise<T> | undefined {
    const existing = this.entries.get(key);
    return existing && existing.expiresAt > this.now()
      ? existing.promise
      : undefined;
  }

  /** Stores a value loaded elsewhere (e.g. one batched query that answers many keys), replacing any entry. */
  set(key: string, promise: Promise<T>): void {
    this.entries.delete(key);
    this.get(key, () => promise);
  }

  /** Number of entries held (settled or in flight). */
  get size() {
    return this.entries.size;
  }

  private evict() {
    const max = this.options.maxEntries ?? 20000;
    if (this.entries.size <= max) return;
    const now = this.now();
    for (const [key, entry] of this.entries) {
      if (entry.expiresAt <= now) this.entries.delete(key);
    }
    for (const key of this.entries.keys()) {
      if (this.entries.size <= max) break;
      this.entries.delete(key);
    }
  }
}
