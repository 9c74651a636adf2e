// Deadlines keyed by name, earliest first; setting a key again replaces its deadline. Ties fire in the
// order they were set, so a replay with the same inputs fires timers in the same order.

interface Entry {
  deadlineMs: number;
  seq: number;
  key: string;
}

export class TimerQueue {
  private readonly heap: Entry[] = [];
  private readonly live = new Map<string, Entry>();
  private seq = 0;

  set(key: string, deadlineMs: number): void {
    const e = { deadlineMs, seq: this.seq++, key };
    this.live.set(key, e);
    this.push(e);
  }

  clear(key: string): void {
    this.live.delete(key);
  }

  has(key: string): boolean {
    return this.live.has(key);
  }

  get size(): number {
    return this.live.size;
  }

  nextDeadlineMs(): number | null {
    this.dropStale();
    return this.heap.length === 0 ? null : this.heap[0]!.deadlineMs;
  }

  /** Removes and returns the earliest key due at nowMs, or null. */
  popDue(nowMs: number): string | null {
    this.dropStale();
    const top = this.heap[0];
    if (!top || top.deadlineMs > nowMs) return null;
    this.pop();
    this.live.delete(top.key);
    return top.key;
  }

  private dropStale(): void {
    while (this.heap.length > 0 && this.live.get(this.heap[0]!.key) !== this.heap[0]) this.pop();
    // Without this bound a key re-set many times while others stay pending would grow the heap forever.
    if (this.heap.length > 64 && this.heap.length > 4 * this.live.size) this.rebuild();
  }

  private rebuild(): void {
    const entries = [...this.live.values()];
    this.heap.length = 0;
    for (const e of entries) this.push(e);
  }

  private less(a: Entry, b: Entry): boolean {
    return a.deadlineMs < b.deadlineMs || (a.deadlineMs === b.deadlineMs && a.seq < b.seq);
  }

  private push(e: Entry): void {
    const h = this.heap;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(h[i]!, h[p]!)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }

  private pop(): void {
    const h = this.heap;
    const last = h.pop()!;
    if (h.length === 0) return;
    h[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && this.less(h[l]!, h[m]!)) m = l;
      if (r < h.length && this.less(h[r]!, h[m]!)) m = r;
      if (m === i) break;
      [h[i], h[m]] = [h[m]!, h[i]!];
      i = m;
    }
  }
}
