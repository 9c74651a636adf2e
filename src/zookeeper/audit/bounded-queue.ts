// A fixed-size ring of items waiting for delivery. offer() never waits and never grows the ring: when it is full
// the item is dropped and counted, so memory stays bounded whatever happens to the consumer.
export class BoundedQueue<T> {
  private readonly ring: (T | undefined)[];
  private head = 0;
  private count = 0;
  /** Items accepted in all. */
  enqueued = 0;
  /** Items refused because the ring was full. */
  dropped = 0;
  /** The most items held at once. */
  highWater = 0;
  private onItem: (() => void) | null = null;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`queue capacity must be a positive integer, got ${capacity}`);
    this.ring = new Array<T | undefined>(capacity);
  }

  get size(): number {
    return this.count;
  }

  /** Adds the item, or drops it when full; true when added. */
  offer(item: T): boolean {
    if (this.count === this.capacity) {
      this.dropped++;
      return false;
    }
    this.ring[(this.head + this.count) % this.capacity] = item;
    this.count++;
    this.enqueued++;
    if (this.count > this.highWater) this.highWater = this.count;
    if (this.onItem !== null) {
      const wake = this.onItem;
      this.onItem = null;
      wake();
    }
    return true;
  }

  /** Takes up to `max` items, oldest first. */
  take(max: number): T[] {
    const n = Math.min(max, this.count);
    const out = new Array<T>(n);
    for (let i = 0; i < n; i++) {
      const at = (this.head + i) % this.capacity;
      out[i] = this.ring[at]!;
      this.ring[at] = undefined;
    }
    this.head = (this.head + n) % this.capacity;
    this.count -= n;
    return out;
  }

  /** Calls `wake` once, at the next offer (at once when items are waiting). */
  notifyOnItem(wake: () => void): void {
    if (this.count > 0) wake();
    else this.onItem = wake;
  }

  /** Forgets a pending notifyOnItem. */
  cancelNotify(): void {
    this.onItem = null;
  }
}
