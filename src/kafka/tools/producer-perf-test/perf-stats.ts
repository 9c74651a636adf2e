// ProducerPerformance.Stats (Kafka 2.8): latencies of completed sends, a report line per 5 s window and the total
// line with percentiles from at most 500,000 sampled latencies, formatted as Java's printf formats them.

export function windowLine(count: number, elapsedMs: number, bytes: number, totalLatencyMs: number, maxLatencyMs: number): string {
  const recsPerSec = (1000 * count) / elapsedMs;
  const mbPerSec = (1000 * bytes) / elapsedMs / (1024 * 1024);
  return `${count} records sent, ${recsPerSec.toFixed(1)} records/sec (${mbPerSec.toFixed(2)} MB/sec), ${(totalLatencyMs / count).toFixed(1)} ms avg latency, ${maxLatencyMs.toFixed(1)} ms max latency.`;
}

export class PerfStats {
  private readonly start: number;
  private windowStart: number;
  private readonly sampling: number;
  private readonly latencies: Int32Array;
  private index = 0;
  private iteration = 0;
  private count = 0;
  private bytes = 0;
  private maxLatency = 0;
  private totalLatency = 0;
  private windowCount = 0;
  private windowMaxLatency = 0;
  private windowTotalLatency = 0;
  private windowBytes = 0;

  constructor(
    numRecords: number,
    private readonly reportingIntervalMs: number,
    private readonly print: (line: string) => void,
    private readonly clock: () => number = Date.now,
  ) {
    this.start = this.windowStart = clock();
    this.sampling = Math.max(1, Math.floor(numRecords / Math.min(numRecords, 500_000)));
    this.latencies = new Int32Array(Math.floor(numRecords / this.sampling) + 1);
  }

  /** A send completed (successfully or not) `latencyMs` after it was handed to the producer. */
  record(latencyMs: number, bytes: number, now: number): void {
    const iter = this.iteration++;
    this.count++;
    this.bytes += bytes;
    this.totalLatency += latencyMs;
    if (latencyMs > this.maxLatency) this.maxLatency = latencyMs;
    this.windowCount++;
    this.windowBytes += bytes;
    this.windowTotalLatency += latencyMs;
    if (latencyMs > this.windowMaxLatency) this.windowMaxLatency = latencyMs;
    if (iter % this.sampling === 0 && this.index < this.latencies.length) this.latencies[this.index++] = latencyMs;
    if (now - this.windowStart >= this.reportingIntervalMs) {
      this.print(windowLine(this.windowCount, this.clock() - this.windowStart, this.windowBytes, this.windowTotalLatency, this.windowMaxLatency));
      this.windowStart = this.clock();
      this.windowCount = this.windowMaxLatency = this.windowTotalLatency = this.windowBytes = 0;
    }
  }

  totalLine(): string {
    const elapsed = this.clock() - this.start;
    const recsPerSec = (1000 * this.count) / elapsed;
    const mbPerSec = (1000 * this.bytes) / elapsed / (1024 * 1024);
    const sorted = this.latencies.subarray(0, this.index).sort();
    const pct = (p: number) => (sorted.length === 0 ? 0 : sorted[Math.floor(p * sorted.length)]!);
    return (
      `${this.count} records sent, ${recsPerSec.toFixed(6)} records/sec (${mbPerSec.toFixed(2)} MB/sec), ` +
      `${(this.totalLatency / this.count).toFixed(2)} ms avg latency, ${this.maxLatency.toFixed(2)} ms max latency, ` +
      `${pct(0.5)} ms 50th, ${pct(0.95)} ms 95th, ${pct(0.99)} ms 99th, ${pct(0.999)} ms 99.9th.`
    );
  }
}
