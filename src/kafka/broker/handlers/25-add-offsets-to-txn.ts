// AddOffsetsToTxn (key 25), versions 0-3: Kafka 2.8.2's range (v3+ flexible). The group's __consumer_offsets
// partition (Utils.abs(groupId.hashCode()) % offsets.topic.num.partitions) joins the transaction, so EndTxn writes
// a marker there too.
import { ApiKey } from '../../protocol/index.js';
import { OFFSETS_TOPIC } from '../groups/offsets-batches.js';
import type { ApiHandler } from '../handler.js';
import { fencedForVersion } from '../txn/txn-errors.js';
import type { TxnHandlerDeps } from '../txn/txn-handler-deps.js';

export function addOffsetsToTxnHandler(deps: TxnHandlerDeps): ApiHandler<typeof ApiKey.AddOffsetsToTxn> {
  return {
    apiKey: ApiKey.AddOffsetsToTxn,
    minVersion: 0,
    maxVersion: 3,
    async handle(request, ctx) {
      const errorCode = await deps.txn.addPartitions({
        transactionalId: request.transactionalId,
        producerId: request.producerId,
        producerEpoch: request.producerEpoch,
        partitions: [{ topic: OFFSETS_TOPIC, partition: deps.groupPartitionFor(request.groupId) }],
      });
      return { throttleTimeMs: 0, errorCode: fencedForVersion(errorCode, ctx.apiVersion, 2) };
    },
    errorResponse(_request, errorCode) {
      return { throttleTimeMs: 0, errorCode };
    },
  };
}
