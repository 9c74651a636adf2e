// Requests that wait for something to happen to a partition (Kafka's DelayedOperationPurgatory): an acks=-1
// produce for the high watermark to pass its records, a fetch for min_bytes to be available. Each waits under the
// keys of its partitions and is re-checked when one of them changes, or completed when its timeout passes. The
// number waiting is bounded: past it, a request is answered at once with what there is.
export interface DelayedOperation {
  /** Re-checks the condition; true when the operation completed (it is then removed). */
  tryComplete(): boolean;
  /** Called once when the timeout passes (or the purgatory shuts down) before tryComplete succeeded. */
  onExpire(): void;
}

interface Waiting {
  op: DelayedOperation;
  keys: readonly string[];
  timer: NodeJS.Timeout;
  done: boolean;
}

export class DelayedOperations {
  private readonly byKey = new Map<string, Set<Waiting>>();
  private count = 0;
  private closed = false;

  constructor(readonly name: string, private readonly maxWaiting: number) {}

  get waiting(): number {
    return this.count;
  }

  /**
   * Parks `op` under `keys` for at most `timeoutMs`. Returns false (op not parked) when the purgatory is full; the
   * caller then answers at once.
   */
  watch(op: DelayedOperation, keys: readonly string[], timeoutMs: number): boolean {
    if (this.closed || this.count >= this.maxWaiting) return false;
    const w: Waiting = { op, keys, done: false, timer: setTimeout(() => this.expire(w), Math.max(0, timeoutMs)) };
    this.count++;
    for (const key of keys) {
      let set = this.byKey.get(key);
      if (!set) this.byKey.set(key, (set = new Set()));
      set.add(w);
    }
    // The condition may have become true between the caller's check and the parking.
    if (op.tryComplete()) this.finish(w);
    return true;
  }

  /** Re-checks every operation waiting on `key`. */
  checkAndComplete(key: string): number {
    const set = this.byKey.get(key);
    if (!set) return 0;
    let completed = 0;
    for (const w of [...set]) {
      if (w.done) continue;
      if (w.op.tryComplete()) {
        this.finish(w);
        completed++;
      }
    }
    return completed;
  }

  private finish(w: Waiting): void {
    if (w.done) return;
    w.done = true;
    clearTimeout(w.timer);
    this.count--;
    for (const key of w.keys) {
      const set = this.byKey.get(key);
      set?.delete(w);
      if (set?.size === 0) this.byKey.delete(key);
    }
  }

  private expire(w: Waiting): void {
    if (w.done) return;
    this.finish(w);
    w.op.onExpire();
  }

  /** Expires everything now and parks nothing more (shutdown: each waiting request gets its answer at once). */
  expireAll(): void {
    this.closed = true;
    const all = new Set<Waiting>();
    for (const set of this.byKey.values()) for (const w of set) all.add(w);
    for (const w of all) this.expire(w);
  }
}
