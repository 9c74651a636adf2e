// DeleteRecords through the replica manager (Kafka's deleteRecords and DelayedDeleteRecords): the leader moves each
// partition's log start offset up to the offset asked (-1: its high watermark), then the answer waits until the low
// watermark — the smallest log start offset over the replicas on live brokers, which followers report in their
// fetches after taking the leader's from its fetch responses — has reached that offset. A partition still short of it
// when timeout_ms passes is answered REQUEST_TIMED_OUT with the low watermark it had at the start.
import { ErrorCode } from '../../protocol/index.js';
import { tpKey } from '../../storage/topic-partition.js';
import { errorCodeOf, ReplicaError } from './replica-errors.js';
import type { ReplicaManager } from './replica-manager.js';

/** DeleteRecordsRequest.HIGH_WATERMARK */
export const DELETE_TO_HIGH_WATERMARK = -1;
const INVALID_LOW_WATERMARK = -1;

export interface DeleteRecordsEntry {
  topic: string;
  partition: number;
  offset: number;
}

export interface DeleteRecordsResult {
  topic: string;
  partition: number;
  lowWatermark: number;
  errorCode: number;
}

interface Status {
  result: DeleteRecordsResult;
  requiredOffset: number;
  pending: boolean;
}

async function deleteOnLeader(rm: ReplicaManager, e: DeleteRecordsEntry): Promise<Status> {
  try {
    const p = rm.leaderPartition(e.topic, e.partition);
    const target = e.offset === DELETE_TO_HIGH_WATERMARK ? p.highWatermark : e.offset;
    if (target < 0) throw new ReplicaError(ErrorCode.OFFSET_OUT_OF_RANGE, `The offset ${target} for partition ${p.name} is not valid`);
    await p.log.deleteRecordsTo(target);
    const lowWatermark = rm.lowWatermark(p);
    return { result: { topic: e.topic, partition: e.partition, lowWatermark, errorCode: ErrorCode.NONE }, requiredOffset: target, pending: lowWatermark < target };
  } catch (err) {
    const code = errorCodeOf(err);
    if (code === null) throw err;
    return { result: { topic: e.topic, partition: e.partition, lowWatermark: INVALID_LOW_WATERMARK, errorCode: code }, requiredOffset: -1, pending: false };
  }
}

/** Re-checks a waiting partition: done once the low watermark reached the offset, or the leadership moved away. */
function recheck(rm: ReplicaManager, s: Status): void {
  const p = rm.getPartition(s.result.topic, s.result.partition);
  if (!p || !p.isLeader) {
    s.result = { ...s.result, lowWatermark: INVALID_LOW_WATERMARK, errorCode: p ? ErrorCode.NOT_LEADER_OR_FOLLOWER : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION };
    s.pending = false;
    return;
  }
  const low = rm.lowWatermark(p);
  if (low >= s.requiredOffset) {
    s.result = { ...s.result, lowWatermark: low, errorCode: ErrorCode.NONE };
    s.pending = false;
  }
}

export async function deleteRecords(rm: ReplicaManager, entries: readonly DeleteRecordsEntry[], timeoutMs: number): Promise<DeleteRecordsResult[]> {
  const statuses = await Promise.all(entries.map((e) => deleteOnLeader(rm, e)));
  if (!statuses.some((s) => s.pending)) return statuses.map((s) => s.result);
  return new Promise((resolve) => {
    const answer = () => resolve(statuses.map((s) => s.result));
    const tryComplete = (): boolean => {
      for (const s of statuses) if (s.pending) recheck(rm, s);
      if (statuses.some((s) => s.pending)) return false;
      answer();
      return true;
    };
    const onExpire = () => {
      for (const s of statuses) {
        if (s.pending) s.result = { ...s.result, errorCode: ErrorCode.REQUEST_TIMED_OUT };
      }
      answer();
    };
    const keys = [...new Set(statuses.filter((s) => s.pending).map((s) => tpKey(s.result)))];
    if (!rm.deleteRecordsWaiters.watch({ tryComplete, onExpire }, keys, timeoutMs)) onExpire();
  });
}
