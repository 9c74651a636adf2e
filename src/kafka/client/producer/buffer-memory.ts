// buffer.memory: the bytes of records accepted by send() and not yet acknowledged. When it is used up, send() waits
// (first come, first served) for acknowledgements to free space, at most max.block.ms, and then fails.
import { KafkaArgumentError, KafkaBlockTimeoutError } from '../errors/client-errors.js';

interface Waiter {
  bytes: number;
  resolve: () => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

export class BufferMemory {
  private used = 0;
  private readonly waiters: Waiter[] = [];

  constructor(readonly totalBytes: number) {}

  get usedBytes(): number {
    return this.used;
  }

  get waiting(): number {
    return this.waiters.length;
  }

  /** Takes `bytes` if they are free now and nobody waits before us. */
  tryReserve(bytes: number): boolean {
    if (this.waiters.length > 0 || this.used + bytes > this.totalBytes) return false;
    this.used += bytes;
    return true;
  }

  /** Takes `bytes`, waiting up to maxBlockMs for them to be free. */
  reserve(bytes: number, maxBlockMs: number): Promise<void> {
    if (bytes > this.totalBytes) {
      return Promise.reject(new KafkaArgumentError(`a record of ${bytes} bytes is larger than buffer.memory (${this.totalBytes})`));
    }
    if (this.waiters.length === 0 && this.used + bytes <= this.totalBytes) {
      this.used += bytes;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        bytes,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters.splice(this.waiters.indexOf(waiter), 1);
          reject(new KafkaBlockTimeoutError(`failed to allocate ${bytes} bytes within max.block.ms (${maxBlockMs} ms): buffer.memory is full`));
          this.grant();
        }, maxBlockMs),
      };
      this.waiters.push(waiter);
    });
  }

  release(bytes: number): void {
    this.used = Math.max(0, this.used - bytes);
    this.grant();
  }

  private grant(): void {
    while (this.waiters.length > 0 && this.used + this.waiters[0].bytes <= this.totalBytes) {
      const w = this.waiters.shift()!;
      clearTimeout(w.timer);
      this.used += w.bytes;
      w.resolve();
    }
  }

  /** Fails every waiter (the producer is closing). */
  failWaiters(err: Error): void {
    for (const w of this.waiters.splice(0)) {
      clearTimeout(w.timer);
      w.reject(err);
    }
  }
}
