// AddPartitionsToTxn (key 24), versions 0-3: Kafka 2.8.2's range (v3+ flexible; v4+ batches transactions for
// KIP-890 and is not advertised). Partitions the metadata does not know get UNKNOWN_TOPIC_OR_PARTITION and the others
// OPERATION_NOT_ATTEMPTED, without reaching the coordinator; otherwise every partition gets the coordinator's answer.
import { ApiKey, ErrorCode } from '../../protocol/index.js';
import type { AddPartitionsToTxnRequest, AddPartitionsToTxnResponse } from '../../protocol/schemas/add-partitions-to-txn.js';
import type { ApiHandler } from '../handler.js';
import { fencedForVersion } from '../txn/txn-errors.js';
import type { TxnHandlerDeps } from '../txn/txn-handler-deps.js';

function answer(request: AddPartitionsToTxnRequest, errorOf: (topic: string, partition: number) => number): AddPartitionsToTxnResponse {
  return {
    throttleTimeMs: 0,
    resultsByTopicV3AndBelow: (request.v3AndBelowTopics ?? []).map((t) => ({
      name: t.name,
      resultsByPartition: t.partitions.map((partitionIndex) => ({ partitionIndex, partitionErrorCode: errorOf(t.name, partitionIndex) })),
    })),
  };
}

export function addPartitionsToTxnHandler(deps: TxnHandlerDeps): ApiHandler<typeof ApiKey.AddPartitionsToTxn> {
  const known = (topic: string, partition: number) => deps.metadata.topic(topic)?.partitions.some((p) => p.partition === partition) ?? false;
  return {
    apiKey: ApiKey.AddPartitionsToTxn,
    minVersion: 0,
    maxVersion: 3,
    async handle(request, ctx) {
      const topics = request.v3AndBelowTopics ?? [];
      const partitions = topics.flatMap((t) => t.partitions.map((partition) => ({ topic: t.name, partition })));
      if (partitions.some((tp) => !known(tp.topic, tp.partition))) {
        return answer(request, (topic, partition) => (known(topic, partition) ? ErrorCode.OPERATION_NOT_ATTEMPTED : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION));
      }
      const errorCode = await deps.txn.addPartitions({
        transactionalId: request.v3AndBelowTransactionalId ?? '',
        producerId: request.v3AndBelowProducerId ?? -1n,
        producerEpoch: request.v3AndBelowProducerEpoch ?? -1,
        partitions,
      });
      const finalError = fencedForVersion(errorCode, ctx.apiVersion, 2);
      return answer(request, () => finalError);
    },
    errorResponse(request, errorCode) {
      return answer(request, () => errorCode);
    },
  };
}
