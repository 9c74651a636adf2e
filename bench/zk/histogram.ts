// A fixed-size log-linear latency histogram in microseconds: 1 µs steps below 64 µs, then 32 buckets per
// power of two (≤ 3 % error), up to ~18 minutes. Recording never allocates; histograms merge by adding counts.

const SUB_BUCKET_BITS = 5;
const SUB_BUCKETS = 1 << SUB_BUCKET_BITS;
const LINEAR_LIMIT = SUB_BUCKETS * 2;
const MAX_MSB = 30;
export const HISTOGRAM_BUCKETS = (MAX_MSB - SUB_BUCKET_BITS + 1) * SUB_BUCKETS + SUB_BUCKETS;

function bucketOf(micros: number): number {
  let v = Math.round(micros);
  if (v < LINEAR_LIMIT) return v < 0 ? 0 : v;
  if (v >= 2 ** (MAX_MSB + 1)) v = 2 ** (MAX_MSB + 1) - 1;
  const shift = 31 - Math.clz32(v) - SUB_BUCKET_BITS;
  return shift * SUB_BUCKETS + (v >>> shift);
}

/** Middle of a bucket, in microseconds. */
function valueOf(bucket: number): number {
  if (bucket < LINEAR_LIMIT) return bucket;
  const shift = (bucket >>> SUB_BUCKET_BITS) - 1;
  const mantissa = (bucket & (SUB_BUCKETS - 1)) + SUB_BUCKETS;
  return mantissa * 2 ** shift + (2 ** shift - 1) / 2;
}

export class Histogram {
  readonly counts: Float64Array;
  total = 0;

  constructor(counts?: Float64Array) {
    this.counts = counts ?? new Float64Array(HISTOGRAM_BUCKETS);
    if (counts) for (const c of counts) this.total += c;
  }

  record(micros: number, times = 1): void {
    this.counts[bucketOf(micros)]! += times;
    this.total += times;
  }

  add(other: Histogram): void {
    for (let i = 0; i < HISTOGRAM_BUCKETS; i++) this.counts[i]! += other.counts[i]!;
    this.total += other.total;
  }

  /** The latency at or below which `fraction` of the samples lie, in microseconds (NaN when empty). */
  percentile(fraction: number): number {
    if (this.total === 0) return Number.NaN;
    const rank = Math.max(1, Math.ceil(fraction * this.total));
    let seen = 0;
    for (let i = 0; i < HISTOGRAM_BUCKETS; i++) {
      seen += this.counts[i]!;
      if (seen >= rank) return valueOf(i);
    }
    return valueOf(HISTOGRAM_BUCKETS - 1);
  }
}
