// WriteTxnMarkers (key 27), versions 0-1 (v1 flexible), Kafka 2.8.2's range: a transaction coordinator ends a
// producer's transaction on each partition it touched. Per marker and partition the local leader appends a control
// batch (COMMIT or ABORT, with the coordinator's epoch) as a coordinator append with acks=-1, and the answer waits
// until the in-sync replicas have it or request.timeout.ms passes, as Kafka's handleWriteTxnMarkersRequest does.
// Errors are per partition: NOT_LEADER_OR_FOLLOWER / UNKNOWN_TOPIC_OR_PARTITION, INVALID_PRODUCER_EPOCH for a marker
// of an older producer epoch, TRANSACTION_COORDINATOR_FENCED for one of an older coordinator epoch than the last
// marker of that producer, REQUEST_TIMED_OUT, ... Each partition whose marker was written is told to the listener
// (the group coordinator completes pending transactional offset commits from it).
import { ApiKey, ErrorCode } from '../../protocol/index.js';
import { buildEndTxnMarker } from '../../protocol/records/index.js';
import type { WriteTxnMarkersResponse } from '../../protocol/schemas/write-txn-markers.js';
import type { TxnMarkerListener } from '../broker-contracts.js';
import type { ApiHandler } from '../handler.js';
import type { ReplicaManager } from '../replica/replica-manager.js';

/** request.timeout.ms default. */
export const DEFAULT_MARKER_TIMEOUT_MS = 30_000;

export function writeTxnMarkersHandler(
  replicas: ReplicaManager, listener?: TxnMarkerListener, timeoutMs = DEFAULT_MARKER_TIMEOUT_MS,
): ApiHandler<typeof ApiKey.WriteTxnMarkers> {
  return {
    apiKey: ApiKey.WriteTxnMarkers,
    minVersion: 0,
    maxVersion: 1,
    async handle(request) {
      const markers = await Promise.all(request.markers.map(async (m) => {
        const producerId = Number(m.producerId);
        const topics = await Promise.all(m.topics.map(async (t) => ({
          name: t.name,
          partitions: await Promise.all(t.partitionIndexes.map(async (partitionIndex) => {
            const records = buildEndTxnMarker({
              producerId, producerEpoch: m.producerEpoch, commit: m.transactionResult, coordinatorEpoch: m.coordinatorEpoch, timestamp: replicas.nowMs(),
            });
            const result = await replicas.appendAsLeader(t.name, partitionIndex, records, -1, 'coordinator', timeoutMs);
            if (result.errorCode === ErrorCode.NONE) listener?.onTxnMarkerWritten(t.name, partitionIndex, producerId, m.producerEpoch, m.transactionResult);
            return { partitionIndex, errorCode: result.errorCode };
          })),
        })));
        return { producerId: m.producerId, topics };
      }));
      return { markers };
    },
    errorResponse(request, errorCode): WriteTxnMarkersResponse {
      return {
        markers: request.markers.map((m) => ({
          producerId: m.producerId,
          topics: m.topics.map((t) => ({ name: t.name, partitions: t.partitionIndexes.map((partitionIndex) => ({ partitionIndex, errorCode })) })),
        })),
      };
    },
  };
}
