// Transactional offset commits (Kafka 2.8's GroupCoordinator.handleTxnCommitOffsets, GroupMetadataManager.storeOffsets
// with a producer id, and handleTxnCompletion). A TxnOffsetCommit writes its offsets as the producer's transactional
// batch and keeps them pending for that producer; the transaction's marker on the group's __consumer_offsets partition
// then commits them (a plain commit written after them wins) or drops them.

import type { GroupCoordinator } from './coordinator.js';
import { ErrorCode, offsetAppendError } from './error-codes.js';
import { GroupMetadata, topicPartitionKey, type CommittedOffset } from './group.js';
import { offsetCommitRecord } from './group-store.js';
import { metadataTooLarge } from './offset-ops.js';
import type { AppendRecord, TxnOffsetCommitRequest, TxnOffsetCommitResponse } from './types.js';

function commitResponse(req: TxnOffsetCommitRequest, errorOf: (topic: string, partition: number) => number): TxnOffsetCommitResponse {
  return {
    api: 'TxnOffsetCommit',
    topics: req.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: errorOf(t.name, p.partitionIndex) })),
    })),
  };
}

export function handleTxnCommitOffsets(c: GroupCoordinator, requestId: number, req: TxnOffsetCommitRequest): void {
  const all = (code: number) => c.respond(requestId, commitResponse(req, () => code));
  const status = c.validateGroupStatus(req.groupId, 'TxnOffsetCommit');
  if (status !== null) return all(status);
  // Unlike OffsetCommit, any TxnOffsetCommit may create the group.
  const group = c.groups.get(req.groupId) ?? c.addGroup(new GroupMetadata(req.groupId, c.nowMs));
  if (group.is('Dead')) return all(ErrorCode.COORDINATOR_NOT_AVAILABLE);
  if (group.isStaticMemberFenced(req.memberId, req.groupInstanceId)) return all(ErrorCode.FENCED_INSTANCE_ID);
  // Member id and generation (v3+) are enforced only when set.
  if (req.memberId !== '' && !group.has(req.memberId)) return all(ErrorCode.UNKNOWN_MEMBER_ID);
  if (req.generationId >= 0 && req.generationId !== group.generationId) return all(ErrorCode.ILLEGAL_GENERATION);
  storeTxnOffsets(c, group, requestId, req);
}

function storeTxnOffsets(c: GroupCoordinator, group: GroupMetadata, requestId: number, req: TxnOffsetCommitRequest): void {
  const { producerId, producerEpoch } = req;
  const errors = new Map<string, number>();
  const accepted: { topic: string; partition: number; key: string; offset: CommittedOffset }[] = [];
  for (const t of req.topics) {
    for (const p of t.partitions) {
      const key = topicPartitionKey(t.name, p.partitionIndex);
      const metadata = p.committedMetadata ?? '';
      if (metadataTooLarge(c, metadata)) {
        errors.set(key, ErrorCode.OFFSET_METADATA_TOO_LARGE);
        continue;
      }
      const offset = { offset: p.committedOffset, leaderEpoch: p.committedLeaderEpoch, metadata, commitTimestampMs: c.nowMs, expireTimestampMs: -1, appendSeq: 0 };
      accepted.push({ topic: t.name, partition: p.partitionIndex, key, offset });
    }
  }
  const respond = () => c.respond(requestId, commitResponse(req, (t, p) => errors.get(topicPartitionKey(t, p)) ?? ErrorCode.NONE));
  if (accepted.length === 0) return respond();
  const seq = c.nextAppendSeq();
  const records: AppendRecord[] = [];
  for (const a of accepted) {
    a.offset.appendSeq = seq;
    group.prepareTxnOffsetCommit(producerId, a.key, a.offset);
    records.push(offsetCommitRecord(group.groupId, a.topic, a.partition, a.offset));
  }
  c.append(
    c.partitionFor(group.groupId),
    records,
    (appendError) => {
      const ok = appendError === ErrorCode.NONE;
      for (const a of accepted) {
        if (!group.is('Dead')) {
          if (ok) group.onTxnOffsetCommitAppend(producerId, a.key, a.offset);
          else group.failPendingTxnOffsetCommit(producerId, a.key, a.offset);
        }
        errors.set(a.key, ok ? ErrorCode.NONE : offsetAppendError(appendError));
      }
      respond();
    },
    { producerId, producerEpoch },
  );
}

/**
 * A transaction marker of this producer was written to __consumer_offsets partition `partition`: its pending offsets
 * in the groups there are committed or dropped. While the partition loads the marker waits for the load to finish;
 * a partition not owned here is left to the broker that loads it (it reads the marker from the log).
 */
export function completeTxn(c: GroupCoordinator, partition: number, producerId: number, commit: boolean): void {
  const owned = c.partitions.get(partition);
  if (!owned) return;
  if (owned.state === 'loading') {
    const list = c.deferredTxnMarkers.get(partition) ?? [];
    list.push({ producerId, commit });
    c.deferredTxnMarkers.set(partition, list);
    return;
  }
  for (const group of c.groups.values()) {
    if (group.is('Dead') || !group.pendingTxnOffsetCommits.has(producerId) || c.partitionFor(group.groupId) !== partition) continue;
    group.completePendingTxnOffsetCommit(producerId, commit);
  }
}
