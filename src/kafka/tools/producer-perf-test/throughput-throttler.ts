// Kafka's ThroughputThrottler: after each send, if the rate so far is above the target, owe 1/target seconds of
// sleep, and sleep once at least 2 ms are owed. A negative target never throttles; 0 stops sending.
const NS_PER_MS = 1_000_000;
const NS_PER_SEC = 1_000_000_000;
const MIN_SLEEP_NS = 2 * NS_PER_MS;

export class ThroughputThrottler {
  private readonly sleepTimeNs: number;
  private sleepDeficitNs = 0;

  constructor(
    private readonly targetThroughput: number,
    private readonly startMs: number,
  ) {
    this.sleepTimeNs = targetThroughput > 0 ? NS_PER_SEC / targetThroughput : Number.MAX_SAFE_INTEGER;
  }

  shouldThrottle(amountSoFar: number, sendStartMs: number): boolean {
    if (this.targetThroughput < 0) return false;
    const elapsedSec = (sendStartMs - this.startMs) / 1000;
    return elapsedSec > 0 && amountSoFar / elapsedSec > this.targetThroughput;
  }

  /** The time to sleep now, in ms (0: keep going), as throttle() would; Infinity for a target of 0. */
  owedSleepMs(): number {
    if (this.targetThroughput === 0) return Infinity;
    this.sleepDeficitNs += this.sleepTimeNs;
    if (this.sleepDeficitNs < MIN_SLEEP_NS) return 0;
    const ms = this.sleepDeficitNs / NS_PER_MS;
    this.sleepDeficitNs = 0;
    return ms;
  }
}
