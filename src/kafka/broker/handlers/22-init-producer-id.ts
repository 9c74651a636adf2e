// InitProducerId (key 22), versions 0-4: Kafka 2.8.2's range (v2+ flexible, v3+ carry the producer's current id and
// epoch). Without a transactional id (idempotent producers) every request gets a fresh producer id at epoch 0, from
// the blocks this broker claims in ZooKeeper, as Kafka's transaction coordinator does for them. Transactions are not
// served: a transactional id gets COORDINATOR_NOT_AVAILABLE; so does everything when the broker has no producer id
// source.
import { ApiKey, ErrorCode } from '../../protocol/index.js';
import type { ApiHandler } from '../handler.js';
import type { ProducerIdManager } from '../replica/producer-id-manager.js';

export function initProducerIdHandler(producerIds: ProducerIdManager | undefined): ApiHandler<typeof ApiKey.InitProducerId> {
  const failed = (errorCode: number) => ({ throttleTimeMs: 0, errorCode, producerId: -1n, producerEpoch: -1 });
  return {
    apiKey: ApiKey.InitProducerId,
    minVersion: 0,
    maxVersion: 4,
    async handle(request) {
      if (request.transactionalId !== null || producerIds === undefined) return failed(ErrorCode.COORDINATOR_NOT_AVAILABLE);
      return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, producerId: await producerIds.generateProducerId(), producerEpoch: 0 };
    },
    errorResponse(_request, errorCode) {
      return failed(errorCode);
    },
  };
}
