// Large buffers the broker hands back and forth many times a second — what connections read requests into, fetch
// reads from segment files — reused instead of allocated per request. A fresh multi-MiB Buffer costs a page
// fault per 4 KiB on first touch and drives V8's external-memory GCs; a reused one costs neither. A buffer is
// returned by whoever knows the last reader is done (the connection, after the request's response is complete or
// after the socket took the response's bytes); one never returned is simply left to the garbage collector.

/** Capacity granule: sizes are rounded up to it so that buffers fit requests of similar size. */
const GRANULE = 64 * 1024;

export class BufferPool {
  /** Whole buffers (each the full length of its own ArrayBuffer), free for reuse. */
  private readonly free: Buffer[] = [];
  private freeBytes = 0;
  /** Backing stores handed out and not yet returned. */
  private readonly issued = new WeakSet<ArrayBufferLike>();

  constructor(
    /** Bytes of free buffers kept; a buffer returned past this is dropped. */
    private readonly maxFreeBytes: number,
    /** Free buffers kept. */
    private readonly maxFreeBuffers = 32,
  ) {}

  /** A buffer of exactly `size` bytes (unzeroed), a view of a pooled backing store. */
  acquire(size: number): Buffer {
    let best = -1;
    for (let i = 0; i < this.free.length; i++) {
      const len = this.free[i]!.length;
      if (len >= size && (best < 0 || len < this.free[best]!.length)) best = i;
    }
    let whole: Buffer;
    // A free buffer far larger than asked stays for a request that needs it.
    if (best >= 0 && this.free[best]!.length <= 2 * size + GRANULE) {
      whole = this.free[best]!;
      this.free[best] = this.free[this.free.length - 1]!;
      this.free.pop();
      this.freeBytes -= whole.length;
    } else {
      whole = Buffer.allocUnsafeSlow(Math.ceil(size / GRANULE) * GRANULE);
    }
    this.issued.add(whole.buffer);
    return whole.subarray(0, size);
  }

  /** Whether `buf` is a view of a buffer handed out by acquire and not yet returned. */
  owns(buf: Buffer): boolean {
    return this.issued.has(buf.buffer);
  }

  /** Returns the buffer `buf` is a view of; anything not handed out by acquire (or already returned) is ignored. */
  release(buf: Buffer): void {
    const store = buf.buffer;
    if (!this.issued.delete(store)) return;
    const whole = Buffer.from(store);
    if (this.freeBytes + whole.length > this.maxFreeBytes || this.free.length >= this.maxFreeBuffers) return;
    this.free.push(whole);
    this.freeBytes += whole.length;
  }

  /** Bytes held in free buffers. */
  get idleBytes(): number {
    return this.freeBytes;
  }
}

/** The broker process's pool for fetch reads of segment files, returned once the socket took the response. */
export const brokerBufferPool = new BufferPool(64 * 1024 * 1024);

/** The broker process's pool for what connections read requests into: receive buffers and large request frames. */
export const brokerReceivePool = new BufferPool(64 * 1024 * 1024);
