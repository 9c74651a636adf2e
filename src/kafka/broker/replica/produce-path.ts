// Produce through the replica manager: each partition's records validated and appended as leader, then for
// acks=-1 the answer waits (Kafka's DelayedProduce) until the high watermark passes the records — at once with a
// single-member ISR — or the request's timeout passes (REQUEST_TIMED_OUT).
import { ErrorCode } from '../../protocol/index.js';
import { tpKey } from '../../storage/topic-partition.js';
import type { Partition } from './partition.js';
import { errorCodeOf } from './replica-errors.js';
import type { ReplicaManager } from './replica-manager.js';
import { validateProduceRecords, type ValidationOrigin } from './validate-produce.js';

export interface ProduceEntry {
  topic: string;
  partition: number;
  records: Buffer | null;
}

export interface ProducePartitionResult {
  topic: string;
  partition: number;
  errorCode: number;
  errorMessage: string | null;
  baseOffset: number;
  logAppendTimeMs: number;
  logStartOffset: number;
}

interface Pending {
  result: ProducePartitionResult;
  partition: Partition;
  requiredOffset: number;
  minInsyncReplicas: number;
}

export class ProducePath {
  constructor(private readonly rm: ReplicaManager) {}

  async appendRecords(
    entries: readonly { topic: string; partition: number; records: Buffer | null }[], requiredAcks: number, timeoutMs: number, apiVersion: number,
    origin: ValidationOrigin = 'client',
  ): Promise<ProducePartitionResult[]> {
    const pending: Pending[] = [];
    const results = entries.length === 1
      ? [await this.appendOne(entries[0]!, requiredAcks, apiVersion, pending, origin)]
      : await Promise.all(entries.map((e) => this.appendOne(e, requiredAcks, apiVersion, pending, origin)));
    if (requiredAcks !== -1 || pending.length === 0) return results;
    await this.awaitReplication(pending, timeoutMs);
    return results;
  }

  private async appendOne(entry: ProduceEntry, requiredAcks: number, apiVersion: number, pending: Pending[], origin: ValidationOrigin): Promise<ProducePartitionResult> {
    const result: ProducePartitionResult = {
      topic: entry.topic, partition: entry.partition, errorCode: ErrorCode.NONE, errorMessage: null, baseOffset: -1, logAppendTimeMs: -1, logStartOffset: -1,
    };
    try {
      const partition = this.rm.leaderPartition(entry.topic, entry.partition);
      const config = this.rm.configFor(entry.topic);
      const validation = validateProduceRecords(entry.records, apiVersion, config, this.rm.nowMs(), origin);
      const append = await partition.appendRecordsToLeader(validation, requiredAcks, config.minInsyncReplicas, origin);
      await append.written;
      this.rm.stats.appended(entry.topic, entry.records?.length ?? 0, append.lastOffset - append.firstOffset + 1);
      result.baseOffset = append.firstOffset;
      result.logAppendTimeMs = append.logAppendTimeMs;
      result.logStartOffset = append.logStartOffset;
      if (requiredAcks === -1) pending.push({ result, partition, requiredOffset: append.lastOffset + 1, minInsyncReplicas: config.minInsyncReplicas });
    } catch (err) {
      this.rm.stats.produceFailed(entry.topic);
      const code = errorCodeOf(err);
      if (code === null) this.rm.say('ERROR', `Error processing append operation on partition ${entry.topic}-${entry.partition}: ${(err as Error)?.stack ?? String(err)}`);
      result.errorCode = code ?? ErrorCode.UNKNOWN_SERVER_ERROR;
      result.errorMessage = (err as Error)?.message ?? null;
    }
    return result;
  }

  /** Completes each pending partition with its ack status; those still short when the timeout passes time out. */
  private awaitReplication(pending: Pending[], timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const open = new Set(pending);
      const tryComplete = (): boolean => {
        for (const p of open) {
          const status = p.partition.ackStatus(p.requiredOffset, p.minInsyncReplicas);
          if (status === null) continue;
          if (status !== ErrorCode.NONE) p.result.errorCode = status;
          open.delete(p);
        }
        if (open.size > 0) return false;
        resolve();
        return true;
      };
      const expire = (): void => {
        for (const p of open) p.result.errorCode = ErrorCode.REQUEST_TIMED_OUT;
        open.clear();
        resolve();
      };
      if (tryComplete()) return;
      const keys = [...new Set(pending.map((p) => tpKey(p.partition.tp)))];
      if (!this.rm.produceWaiters.watch({ tryComplete, onExpire: expire }, keys, timeoutMs)) expire();
    });
  }
}
