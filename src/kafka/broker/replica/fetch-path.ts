// Fetch through the replica manager (Kafka's fetchMessages and DelayedFetch): partitions read in request order
// within the response's byte budget — the first batch of the first partition with data always whole — consumers up
// to the high watermark, followers up to the log end (their fetch offset advances the high watermark first). When
// less than min_bytes is there, the request waits up to max_wait_ms, re-checked whenever one of its partitions
// takes an append or moves its high watermark, then reads again. What counts as new is measured from each partition's
// state when its read was bounded (its high watermark or log end, taken in the same synchronous step as the read's
// limits), not from after the read: a read of the thread pool's or one behind other partitions' reads can take a
// while, and an append landing meanwhile is neither in the read nor a change after it, so the fetch would sleep
// through it until the next append or max_wait_ms. A follower's fetch naming the epoch of its last
// batch (Fetch v12+) is first checked against the leader's epochs: a diverging one is answered at once, without
// records (diverging-epoch.ts), and does not count as the follower's position. A read_committed consumer reads up to
// the last stable offset, is told the aborted transactions overlapping what it gets (from the segments' `.txnindex`),
// and its wait completes when the last stable offset moves.
import { ErrorCode } from '../../protocol/index.js';
import { BatchScanner, MAGIC_V2, RecordBatchView } from '../../protocol/records/index.js';
import type { FileSlice } from '../../storage/log-segment.js';
import { tpKey } from '../../storage/topic-partition.js';
import { divergingEpoch } from './diverging-epoch.js';
import type { Partition } from './partition.js';
import { readSlice } from './read-slice.js';
import { errorCodeOf } from './replica-errors.js';
import { shouldLeaderThrottle } from './replication-quota.js';
import type { ReplicaManager } from './replica-manager.js';

export interface FetchPartitionRequest {
  topic: string;
  partition: number;
  fetchOffset: number;
  partitionMaxBytes: number;
  /** -1 or absent: the client does not know (no fencing check). */
  currentLeaderEpoch?: number;
  /** The epoch of the follower's last batch (Fetch v12+); -1 or absent: not checked. */
  lastFetchedEpoch?: number;
  /** A follower's log start offset (Fetch v5+); -1 or absent: unknown. */
  logStartOffset?: number;
}

export interface FetchParams {
  /** -1 for consumers; a broker id for a follower's fetch. */
  replicaId: number;
  maxWaitMs: number;
  minBytes: number;
  maxBytes: number;
  partitions: readonly FetchPartitionRequest[];
  /** 1: read_committed (consumers only); 0 or absent: read_uncommitted. */
  isolationLevel?: number;
}

export const READ_COMMITTED = 1;
/** Bytes of one follower fetch read from the log's recent tail without the thread pool (read-slice.ts). */
const FOLLOWER_SYNC_READ_MAX_BYTES = 2 * 1024 * 1024;

export interface AbortedTransaction {
  producerId: number;
  firstOffset: number;
}

export interface FetchPartitionResult {
  topic: string;
  partition: number;
  errorCode: number;
  highWatermark: number;
  lastStableOffset: number;
  logStartOffset: number;
  records: Buffer | null;
  /** read_committed: the aborted transactions overlapping the records returned. */
  abortedTransactions?: AbortedTransaction[];
  /** Set when the follower's last fetched epoch diverges from the leader's log: the leader's end of that epoch. */
  divergingEpoch?: { epoch: number; endOffset: number };
}

interface Snapshot {
  partition: Partition | undefined;
  leaderEpoch: number;
  highWatermark: number;
  lastStableOffset: number;
  logEndOffset: number;
  bytesAppended: number;
}

/** The offset after the last whole batch of `records`, or `fetchOffset` when there is none. */
function endOfRecords(records: Buffer, fetchOffset: number): number {
  const scanner = new BatchScanner(records);
  let last = -1;
  while (scanner.next()) if (scanner.magic === MAGIC_V2) last = scanner.batchStart;
  return last < 0 ? fetchOffset : new RecordBatchView(records, last).lastOffset + 1;
}

/**
 * A follower's fetch woken by an append reads at the end of the event loop's turn (its check phase): the produce
 * requests read from the sockets in this turn are appended one after another, and the first would wake it with only
 * its own batch (and write the turn's deferred appends in pieces, see LogSegment.append). Read after them all, one
 * response carries them: fewer leader→follower→leader round trips, each of which costs both sides a wake-up, a read
 * and a write. Every fetch woken goes on in the same step, so the followers' responses are complete together and
 * written back to back (connection.ts) rather than one per step, where the write to the first follower wakes it and,
 * on a busy machine, it may take this broker's CPU before the second follower's read is made, holding back the high
 * watermark, which waits for both. A fetch that finds records as it arrives is answered at once: it is the one whose
 * offset just moved the high watermark, and at the log's tail it often takes replica.fetch.max.bytes, so waiting for
 * the rest of the turn would only lengthen the cycle.
 */
let turnEnd: Promise<void> | null = null;
function endOfTurn(): Promise<void> {
  turnEnd ??= new Promise((resolve) => {
    setImmediate(() => {
      turnEnd = null;
      resolve();
    });
  });
  return turnEnd;
}

export class FetchPath {
  constructor(private readonly rm: ReplicaManager, private readonly fetchMaxBytes: number) {}

  async fetch(params: FetchParams): Promise<FetchPartitionResult[]> {
    const fromFollower = params.replicaId >= 0;
    const maxBytes = Math.min(params.maxBytes, this.fetchMaxBytes);
    // A follower's fetch offset proves what it holds before anything is read: the high watermark moves and the
    // acks=all produces it covers are answered now, not after the read of what comes next.
    const followerErrors = fromFollower ? this.updateFollowers(params) : [];
    const { results: first, snapshots } = await this.readFromLocalLog(params, maxBytes, params.maxWaitMs > 0);
    for (const [i, code] of followerErrors) {
      first[i]!.errorCode = code;
      first[i]!.records = null;
    }
    const bytes = first.reduce((n, r) => n + (r.records?.length ?? 0), 0);
    const anyError = first.some((r) => r.errorCode !== ErrorCode.NONE || r.divergingEpoch !== undefined);
    if (params.maxWaitMs <= 0 || params.partitions.length === 0 || bytes >= params.minBytes || anyError) return first;
    const ready = await this.waitForBytes(params, snapshots, bytes, fromFollower);
    if (!ready) return first;
    if (fromFollower) await endOfTurn();
    return (await this.readFromLocalLog(params, maxBytes, false)).results;
  }

  private snapshot(req: FetchPartitionRequest): Snapshot {
    const p = this.rm.getPartition(req.topic, req.partition);
    return {
      partition: p, leaderEpoch: p?.leaderEpoch ?? -1, highWatermark: p?.highWatermark ?? -1, lastStableOffset: p?.lastStableOffset ?? -1,
      logEndOffset: p?.log.logEndOffset ?? -1,
      bytesAppended: p?.bytesAppended ?? 0,
    };
  }

  /** Resolves true once min_bytes is (estimated to be) readable or a partition changed leadership; false on timeout. */
  private waitForBytes(params: FetchParams, snapshots: Snapshot[], bytesAtStart: number, fromFollower: boolean): Promise<boolean> {
    const readCommitted = !fromFollower && params.isolationLevel === READ_COMMITTED;
    return new Promise((resolve) => {
      const tryComplete = (): boolean => {
        let bytes = bytesAtStart;
        for (let i = 0; i < snapshots.length; i++) {
          const s = snapshots[i]!;
          const req = params.partitions[i]!;
          const now = this.rm.getPartition(req.topic, req.partition);
          if (now !== s.partition || !now?.isLeader || now.leaderEpoch !== s.leaderEpoch) {
            if (s.partition !== undefined || now !== undefined) return done();
            continue;
          }
          const moved = fromFollower
            ? now.log.logEndOffset > s.logEndOffset
            : readCommitted ? now.lastStableOffset > s.lastStableOffset : now.highWatermark > s.highWatermark;
          // A partition throttled for this follower brings it nothing (Kafka's DelayedFetch skips it too).
          if (moved && !(fromFollower && shouldLeaderThrottle(this.rm.quotas.leader, now, params.replicaId))) bytes += Math.max(1, now.bytesAppended - s.bytesAppended);
        }
        return bytes >= params.minBytes ? done() : false;
      };
      const done = (): true => {
        resolve(true);
        return true;
      };
      const keys = [...new Set(params.partitions.map((p) => tpKey(p)))];
      if (!this.rm.fetchWaiters.watch({ tryComplete, onExpire: () => resolve(false) }, keys, params.maxWaitMs)) resolve(false);
    });
  }

  /**
   * Kafka's updateFollowerFetchState for each partition the follower fetches from this leader at a valid offset
   * (the read reports the others' errors). Returns the partitions where the fetcher is not a replica, with their error.
   */
  private updateFollowers(params: FetchParams): [number, number][] {
    const errors: [number, number][] = [];
    params.partitions.forEach((req, i) => {
      let p: Partition;
      try {
        p = this.rm.leaderPartition(req.topic, req.partition, req.currentLeaderEpoch);
      } catch {
        return;
      }
      const log = p.log;
      if (req.fetchOffset < log.logStartOffset || req.fetchOffset > log.logEndOffset) return;
      try {
        // A fetch whose last epoch diverges from this log is no position of the follower's (the read answers it).
        if (divergingEpoch(req.lastFetchedEpoch ?? -1, req.fetchOffset, (epoch) => log.leaderEpochCache.endOffsetFor(epoch, log.logEndOffset), log.logStartOffset) !== null) return;
      } catch {
        return;
      }
      try {
        p.updateFollowerFetchState(params.replicaId, req.fetchOffset, req.logStartOffset ?? -1);
        this.rm.followerFetched(tpKey(req));
      } catch (err) {
        errors.push([i, errorCodeOf(err) ?? ErrorCode.UNKNOWN_SERVER_ERROR]);
      }
    });
    return errors;
  }

  /**
   * Kafka's readFromLocalLog: the byte budget shrinks as partitions return data; only the first may exceed it. Every
   * partition's slice is found first, then all are read from their files at once (the reads overlap in the thread pool;
   * a follower's reads of the log's recent tail are copied at once instead, see read-slice.ts).
   * With `snapshot`, what each partition holds as its read is bounded is kept, for a wait on new data that may follow.
   */
  private async readFromLocalLog(params: FetchParams, maxBytes: number, snapshot: boolean): Promise<{ results: FetchPartitionResult[]; snapshots: Snapshot[] }> {
    const out: FetchPartitionResult[] = [];
    const slices: (FileSlice | null)[] = [];
    const snapshots: Snapshot[] = [];
    let limitBytes = maxBytes;
    let minOneMessage = true;
    for (const req of params.partitions) {
      // Taken with no await before locate() fixes the read's upper bound: what comes after it is new.
      if (snapshot) snapshots.push(this.snapshot(req));
      const result: FetchPartitionResult = {
        topic: req.topic, partition: req.partition, errorCode: ErrorCode.NONE, highWatermark: -1, lastStableOffset: -1, logStartOffset: -1, records: null,
      };
      let slice: FileSlice | null = null;
      try {
        const p = this.rm.leaderPartition(req.topic, req.partition, req.currentLeaderEpoch);
        const log = p.log;
        const diverging = divergingEpoch(req.lastFetchedEpoch ?? -1, req.fetchOffset, (epoch) => log.leaderEpochCache.endOffsetFor(epoch, log.logEndOffset), log.logStartOffset);
        if (diverging !== null) {
          result.highWatermark = p.highWatermark;
          result.lastStableOffset = p.highWatermark;
          result.logStartOffset = log.logStartOffset;
          result.divergingEpoch = diverging;
          out.push(result);
          slices.push(null);
          continue;
        }
        const found = await p.locate({
          fetchOffset: req.fetchOffset,
          maxBytes: Math.max(0, Math.min(req.partitionMaxBytes, limitBytes)),
          minOneMessage,
          upTo: params.replicaId >= 0 ? 'logEnd' : params.isolationLevel === READ_COMMITTED ? 'lastStable' : 'highWatermark',
        });
        result.highWatermark = found.highWatermark;
        result.lastStableOffset = found.lastStableOffset;
        result.logStartOffset = found.logStartOffset;
        // A follower out of the ISR gets nothing of a throttled partition while the leader's quota is exceeded.
        slice = params.replicaId >= 0 && shouldLeaderThrottle(this.rm.quotas.leader, p, params.replicaId) ? null : found.slice;
        const size = slice?.length ?? 0;
        if (size > 0) minOneMessage = false;
        limitBytes = Math.max(0, limitBytes - size);
      } catch (err) {
        this.failed(req, result, err);
      }
      out.push(result);
      slices.push(slice);
    }
    // A follower's recent slices are copied at once, up to a bound that keeps the event loop's stall short.
    let syncBytes = params.replicaId >= 0 ? FOLLOWER_SYNC_READ_MAX_BYTES : 0;
    const readAtOnce = slices.map((s) => {
      if (!s?.recent || s.length > syncBytes) return false;
      syncBytes -= s.length;
      return true;
    });
    await Promise.all(out.map(async (result, i) => {
      try {
        result.records = await readSlice(slices[i]!, readAtOnce[i]);
        if (params.replicaId < 0 && params.isolationLevel === READ_COMMITTED && result.errorCode === ErrorCode.NONE) {
          result.abortedTransactions = this.abortedTransactions(params.partitions[i]!, result.records);
        }
      } catch (err) {
        this.failed(params.partitions[i]!, result, err);
      }
    }));
    return { results: out, snapshots };
  }

  /** Kafka's addAbortedTransactions: those overlapping [fetchOffset, the end of the records returned). */
  private abortedTransactions(req: FetchPartitionRequest, records: Buffer | null): AbortedTransaction[] {
    if (records === null || records.length === 0) return [];
    const p = this.rm.getPartition(req.topic, req.partition);
    if (!p) return [];
    return p.log.collectAbortedTxns(req.fetchOffset, endOfRecords(records, req.fetchOffset)).map((t) => ({ producerId: t.producerId, firstOffset: t.firstOffset }));
  }

  private failed(req: FetchPartitionRequest, result: FetchPartitionResult, err: unknown): void {
    const code = errorCodeOf(err);
    if (code === null) this.rm.say('ERROR', `Error processing fetch with max size ${req.partitionMaxBytes} from consumer on partition ${req.topic}-${req.partition}: ${(err as Error)?.stack ?? String(err)}`);
    result.errorCode = code ?? ErrorCode.UNKNOWN_SERVER_ERROR;
    result.highWatermark = result.lastStableOffset = result.logStartOffset = -1;
    result.records = null;
  }
}
