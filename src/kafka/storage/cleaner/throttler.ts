// Kafka's Throttler (kafka.utils.Throttler), as the log cleaner uses it for log.cleaner.io.max.bytes.per.second: the
// bytes read and written are counted, and once a check interval (300 ms) has passed the rate over it is compared with
// the desired one; above it, the caller sleeps until the bytes of the interval fit the rate, and a new interval begins.
export const THROTTLE_CHECK_INTERVAL_MS = 300;

/** Thrown by a throttled call once the throttler is aborted (the cleaner is shutting down): the pass gives up. */
export class ThrottleAbortedError extends Error {
  override readonly name = 'ThrottleAbortedError';
}

export interface ThrottlerOptions {
  /** Bytes per second; Number.MAX_VALUE (the default of the setting) or more means no throttling. */
  bytesPerSecond: number;
  nowMs: () => number;
  sleep?: (ms: number) => Promise<void>;
  checkIntervalMs?: number;
}

export class Throttler {
  private periodStartMs: number;
  private observed = 0;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly checkIntervalMs: number;
  /** Total time slept, for the cleaner's statistics. */
  sleptMs = 0;
  private aborted = false;
  private readonly sleeping = new Set<() => void>();

  constructor(private readonly opts: ThrottlerOptions) {
    this.periodStartMs = opts.nowMs();
    this.sleep = opts.sleep ?? ((ms) => this.timerSleep(ms));
    this.checkIntervalMs = opts.checkIntervalMs ?? THROTTLE_CHECK_INTERVAL_MS;
  }

  /** Wakes every sleeper with ThrottleAbortedError, and every later call throws it (Kafka interrupts its cleaner threads). */
  abort(): void {
    this.aborted = true;
    for (const wake of [...this.sleeping]) wake();
  }

  private timerSleep(ms: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const wake = () => {
        clearTimeout(timer);
        this.sleeping.delete(wake);
        reject(new ThrottleAbortedError('the cleaner is shutting down'));
      };
      const timer = setTimeout(() => {
        this.sleeping.delete(wake);
        resolve();
      }, ms);
      this.sleeping.add(wake);
    });
  }

  get unlimited(): boolean {
    return !(this.opts.bytesPerSecond > 0 && this.opts.bytesPerSecond < Number.MAX_VALUE);
  }

  async maybeThrottle(bytes: number): Promise<void> {
    if (this.aborted) throw new ThrottleAbortedError('the cleaner is shutting down');
    if (this.unlimited) return;
    this.observed += bytes;
    const elapsed = this.opts.nowMs() - this.periodStartMs;
    if (elapsed <= this.checkIntervalMs || this.observed <= 0) return;
    const rate = (this.observed * 1000) / elapsed;
    if (rate > this.opts.bytesPerSecond) {
      const sleepMs = Math.round((this.observed * 1000) / this.opts.bytesPerSecond - elapsed);
      if (sleepMs > 0) {
        this.sleptMs += sleepMs;
        await this.sleep(sleepMs);
      }
    }
    this.periodStartMs = this.opts.nowMs();
    this.observed = 0;
  }
}
