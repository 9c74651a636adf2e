// Which segments retention deletes (Kafka's Log.deletableSegments and its three predicates), as pure functions
// over segment summaries. Only a prefix of segments is ever deleted, only segments wholly below the high
// watermark, and never an empty last segment.

export interface SegmentSummary {
  baseOffset: number;
  sizeBytes: number;
  /** Max record timestamp, else the file's mtime. */
  largestTimestamp: number;
}

export interface RetentionView {
  segments: readonly SegmentSummary[];
  logEndOffset: number;
  highWatermark: number;
}

/** Length of the leading run of segments that are below the high watermark and satisfy `predicate`. */
export function deletablePrefix(
  view: RetentionView,
  predicate: (segment: SegmentSummary, next: SegmentSummary | null) => boolean,
): number {
  const segs = view.segments;
  let n = 0;
  while (n < segs.length) {
    const segment = segs[n]!;
    const next = segs[n + 1] ?? null;
    const upperBoundOffset = next ? next.baseOffset : view.logEndOffset;
    const isLastAndEmpty = next === null && segment.sizeBytes === 0;
    if (view.highWatermark >= upperBoundOffset && !isLastAndEmpty && predicate(segment, next)) n++;
    else break;
  }
  return n;
}

/** Segments wholly before logStartOffset (their successor starts at or before it). */
export function logStartOffsetBreached(view: RetentionView, logStartOffset: number): number {
  return deletablePrefix(view, (_, next) => next !== null && next.baseOffset <= logStartOffset);
}

/** Oldest segments to drop so that the log is no longer larger than retentionBytes (-1 = unlimited). */
export function retentionSizeBreached(view: RetentionView, retentionBytes: number): number {
  if (retentionBytes < 0) return 0;
  const total = view.segments.reduce((sum, s) => sum + s.sizeBytes, 0);
  if (total < retentionBytes) return 0;
  let diff = total - retentionBytes;
  return deletablePrefix(view, (segment) => {
    if (diff - segment.sizeBytes < 0) return false;
    diff -= segment.sizeBytes;
    return true;
  });
}

/** Segments whose newest record is older than retentionMs at `nowMs` (-1 = unlimited). */
export function retentionMsBreached(view: RetentionView, retentionMs: number, nowMs: number): number {
  if (retentionMs < 0) return 0;
  return deletablePrefix(view, (segment) => nowMs - segment.largestTimestamp > retentionMs);
}
