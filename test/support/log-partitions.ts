// LocalPartitions over real storage Logs in a temp dir, for the group coordinator's tests: this broker is the only
// replica, so the high watermark follows each append; leadership is moved by hand (lead/resign) and announced to the
// listeners as the replica manager does. Appends can be held to test what waits on them.
import * as path from 'node:path';
import type { AppendOrigin, LeaderAppendResult, LeadershipChange, LocalPartitions, LocalReadResult } from '../../src/kafka/broker/broker-contracts.js';
import { ErrorCode } from '../../src/kafka/protocol/index.js';
import { buildEndTxnMarker } from '../../src/kafka/protocol/records/index.js';
import { OffsetOutOfRangeError } from '../../src/kafka/storage/errors.js';
import type { Log } from '../../src/kafka/storage/log.js';
import { openTestLog, readSlice, testConfig } from './kafka-log.js';

interface Hosted {
  log: Log;
  leaderEpoch: number;
  isLeader: boolean;
}

export class LogBackedPartitions implements LocalPartitions {
  private readonly hosted = new Map<string, Hosted>();
  private readonly listeners = new Set<(change: LeadershipChange) => void>();
  private readonly held: (() => void)[] = [];
  holdAppends = false;
  /** Every append call, in order: topic, partition, acks, origin. */
  readonly appendCalls: { topic: string; partition: number; requiredAcks: number; origin: AppendOrigin | undefined }[] = [];
  /** Every read call, in order. */
  readonly readCalls: { topic: string; partition: number; fetchOffset: bigint; maxBytes: number }[] = [];

  constructor(private readonly dir: string) {}

  private key(topic: string, partition: number): string {
    return `${topic}-${partition}`;
  }

  /**
   * Opens (or reopens) the partition's log and makes this broker its leader at `leaderEpoch`. A log opened here gets its
   * log end as high watermark, or `highWatermark` (a follower just made leader, its high watermark trailing).
   */
  async lead(topic: string, partition: number, leaderEpoch: number, highWatermark?: number): Promise<void> {
    const key = this.key(topic, partition);
    let hosted = this.hosted.get(key);
    if (!hosted) {
      const { log } = await openTestLog(path.join(this.dir, key), testConfig());
      log.updateHighWatermark(highWatermark ?? log.logEndOffset);
      hosted = { log, leaderEpoch, isLeader: true };
      this.hosted.set(key, hosted);
    }
    hosted.leaderEpoch = leaderEpoch;
    hosted.isLeader = true;
    this.announce({ topic, partition, isLeader: true, leaderEpoch });
  }

  resign(topic: string, partition: number, leaderEpoch: number): void {
    const hosted = this.hosted.get(this.key(topic, partition));
    if (hosted) hosted.isLeader = false;
    this.announce({ topic, partition, isLeader: false, leaderEpoch });
  }

  log(topic: string, partition: number): Log | undefined {
    return this.hosted.get(this.key(topic, partition))?.log;
  }

  releaseHeld(): void {
    for (const release of this.held.splice(0)) release();
  }

  async close(): Promise<void> {
    for (const h of this.hosted.values()) await h.log.close();
    this.hosted.clear();
  }

  private announce(change: LeadershipChange): void {
    for (const l of [...this.listeners]) l(change);
  }

  /** Writes a transaction marker (as WriteTxnMarkers does) to a partition this broker leads. */
  async appendMarker(topic: string, partition: number, producerId: number, producerEpoch: number, commit: boolean): Promise<void> {
    const hosted = this.hosted.get(this.key(topic, partition));
    if (!hosted?.isLeader) throw new Error(`${topic}-${partition} is not led here`);
    await hosted.log.appendAsLeader(buildEndTxnMarker({ producerId, producerEpoch, commit, coordinatorEpoch: 0, timestamp: Date.now() }), hosted.leaderEpoch);
    hosted.log.updateHighWatermark(hosted.log.logEndOffset);
  }

  async appendAsLeader(topic: string, partition: number, records: Buffer, requiredAcks: number, origin?: AppendOrigin): Promise<LeaderAppendResult> {
    this.appendCalls.push({ topic, partition, requiredAcks, origin });
    const hosted = this.hosted.get(this.key(topic, partition));
    if (!hosted?.isLeader) return { errorCode: ErrorCode.NOT_LEADER_OR_FOLLOWER, baseOffset: -1n, logAppendTimeMs: -1n, logStartOffset: -1n };
    const info = await hosted.log.appendAsLeader(records, hosted.leaderEpoch);
    if (this.holdAppends) await new Promise<void>((resolve) => this.held.push(resolve));
    hosted.log.updateHighWatermark(hosted.log.logEndOffset);
    return { errorCode: ErrorCode.NONE, baseOffset: BigInt(info.firstOffset), logAppendTimeMs: -1n, logStartOffset: BigInt(hosted.log.logStartOffset) };
  }

  async readAsLeader(topic: string, partition: number, fetchOffset: bigint, maxBytes: number): Promise<LocalReadResult> {
    this.readCalls.push({ topic, partition, fetchOffset, maxBytes });
    const hosted = this.hosted.get(this.key(topic, partition));
    const empty = { records: Buffer.alloc(0), highWatermark: -1n, logStartOffset: -1n, logEndOffset: -1n };
    if (!hosted?.isLeader) return { errorCode: ErrorCode.NOT_LEADER_OR_FOLLOWER, ...empty };
    const log = hosted.log;
    const bounds = { highWatermark: BigInt(log.highWatermark), logStartOffset: BigInt(log.logStartOffset), logEndOffset: BigInt(log.logEndOffset) };
    try {
      const read = await log.read(Number(fetchOffset), { maxBytes, minOneMessage: true });
      return { errorCode: ErrorCode.NONE, records: read.slice ? readSlice(read.slice) : Buffer.alloc(0), ...bounds };
    } catch (err) {
      if (err instanceof OffsetOutOfRangeError) return { errorCode: ErrorCode.OFFSET_OUT_OF_RANGE, records: Buffer.alloc(0), ...bounds };
      throw err;
    }
  }

  onLeadershipChange(listener: (change: LeadershipChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
