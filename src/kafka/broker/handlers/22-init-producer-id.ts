// InitProducerId (key 22), versions 0-4: Kafka 2.8.2's range (v2+ flexible, v3+ carry the producer's current id and
// epoch). Without a transactional id (idempotent producers) every request gets a fresh producer id at epoch 0, from
// the blocks this broker claims in ZooKeeper, as Kafka's transaction coordinator does for them. With one, the
// transaction coordinator answers (new id at epoch 0, or the id's epoch bumped); without a coordinator (or a
// producer id source) COORDINATOR_NOT_AVAILABLE.
import { ApiKey, ErrorCode } from '../../protocol/index.js';
import type { ApiHandler } from '../handler.js';
import type { ProducerIdManager } from '../replica/producer-id-manager.js';
import { fencedForVersion } from '../txn/txn-errors.js';
import type { TxnHandlerDeps } from '../txn/txn-handler-deps.js';

const NO_PRODUCER_ID = -1n;
const NO_PRODUCER_EPOCH = -1;

export function initProducerIdHandler(producerIds: ProducerIdManager | undefined, txn?: TxnHandlerDeps): ApiHandler<typeof ApiKey.InitProducerId> {
  const failed = (errorCode: number) => ({ throttleTimeMs: 0, errorCode, producerId: -1n, producerEpoch: -1 });
  return {
    apiKey: ApiKey.InitProducerId,
    minVersion: 0,
    maxVersion: 4,
    async handle(request, ctx) {
      if (producerIds === undefined) return failed(ErrorCode.COORDINATOR_NOT_AVAILABLE);
      if (request.transactionalId === null) return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, producerId: await producerIds.generateProducerId(), producerEpoch: 0 };
      if (txn === undefined) return failed(ErrorCode.COORDINATOR_NOT_AVAILABLE);
      const producerId = request.producerId ?? NO_PRODUCER_ID;
      const producerEpoch = request.producerEpoch ?? NO_PRODUCER_EPOCH;
      // KafkaApis: both absent, or both present.
      if ((producerId === NO_PRODUCER_ID) !== (producerEpoch === NO_PRODUCER_EPOCH)) return failed(ErrorCode.INVALID_REQUEST);
      const result = await txn.txn.initProducerId({
        transactionalId: request.transactionalId,
        transactionTimeoutMs: request.transactionTimeoutMs,
        expected: producerId === NO_PRODUCER_ID ? undefined : { producerId, producerEpoch },
      });
      if (result.errorCode !== ErrorCode.NONE) return failed(fencedForVersion(result.errorCode, ctx.apiVersion, 4));
      return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, producerId: result.producerId, producerEpoch: result.producerEpoch };
    },
    errorResponse(_request, errorCode) {
      return failed(errorCode);
    },
  };
}
