// Produce (key 0), versions 0-9: Kafka 2.8.2's range (v10+, trunk, add the current leader to errors).
// v0-2 carry legacy message sets (magic 0/1), up-converted to one v2 batch; v3+ exactly one v2 batch; zstd from v7;
// v9 is flexible. acks must be -1, 0 or 1 (else INVALID_REQUIRED_ACKS everywhere). acks=0 gets no answer, and when a
// partition failed the connection is closed instead, as Kafka does, so the producer refreshes its metadata.
// Duplicates of an idempotent producer's last five batches are answered with their first offsets and no error.
// Transactional batches need the request's transactional id (else TRANSACTIONAL_ID_AUTHORIZATION_FAILED everywhere,
// as Kafka's authorization check answers).
import { ApiKey, ErrorCode } from '../../protocol/index.js';
import { BATCH_HEADER_BYTES, MAGIC_POS, MAGIC_V2, RecordBatchView } from '../../protocol/records/index.js';
import type { ProduceRequest, ProduceResponse } from '../../protocol/schemas/produce.js';
import { CloseConnection, NO_RESPONSE, type ApiHandler } from '../handler.js';
import type { ProduceEntry, ProducePartitionResult } from '../replica/produce-path.js';
import type { ReplicaManager } from '../replica/replica-manager.js';

type PartitionOutcome = Pick<ProducePartitionResult, 'errorCode' | 'errorMessage' | 'baseOffset' | 'logAppendTimeMs' | 'logStartOffset'>;

/** The answer; `resultFor` gets each partition's position in the request (topics in order, their partitions in order). */
function response(request: ProduceRequest, resultFor: (i: number) => PartitionOutcome): ProduceResponse {
  let i = 0;
  return {
    throttleTimeMs: 0,
    responses: request.topicData.map((t) => ({
      name: t.name,
      partitionResponses: t.partitionData.map((p) => {
        const r = resultFor(i++);
        return {
          index: p.index, errorCode: r.errorCode, baseOffset: BigInt(r.baseOffset), logAppendTimeMs: BigInt(r.logAppendTimeMs),
          logStartOffset: BigInt(r.logStartOffset), recordErrors: [], errorMessage: r.errorMessage,
        };
      }),
    })),
  };
}

/** Kafka's RequestUtils.hasTransactionalRecords (the first batch of each partition's records). */
function hasTransactionalRecords(request: ProduceRequest): boolean {
  return request.topicData.some((t) => t.partitionData.some((p) => {
    const r = p.records;
    return r !== null && r.length >= BATCH_HEADER_BYTES && r[MAGIC_POS] === MAGIC_V2 && new RecordBatchView(r, 0).isTransactional;
  }));
}

const failed = (errorCode: number) => ({ errorCode, errorMessage: null, baseOffset: -1, logAppendTimeMs: -1, logStartOffset: -1 });

export function produceHandler(replicas: ReplicaManager): ApiHandler<typeof ApiKey.Produce> {
  return {
    apiKey: ApiKey.Produce,
    minVersion: 0,
    maxVersion: 9,
    async handle(request, ctx) {
      const acks = request.acks;
      if (acks !== -1 && acks !== 0 && acks !== 1) {
        if (acks === 0) throw new CloseConnection('invalid acks');
        return response(request, () => failed(ErrorCode.INVALID_REQUIRED_ACKS));
      }
      if (hasTransactionalRecords(request) && request.transactionalId == null) {
        if (acks === 0) throw new CloseConnection('transactional records without a transactional id');
        return response(request, () => failed(ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED));
      }
      const entries: ProduceEntry[] = [];
      for (const t of request.topicData) for (const p of t.partitionData) entries.push({ topic: t.name, partition: p.index, records: p.records });
      const results = await replicas.appendRecords(entries, acks, request.timeoutMs, ctx.apiVersion);
      if (acks === 0) {
        const error = results.find((r) => r.errorCode !== ErrorCode.NONE);
        if (error) {
          throw new CloseConnection(`Closing connection due to error during produce request with correlation id ${ctx.header.correlationId} from client id ${ctx.header.clientId ?? ''} with ack=0: partition ${error.topic}-${error.partition} failed with error code ${error.errorCode}`);
        }
        return NO_RESPONSE;
      }
      // One partition: its result. Several: by name, so that a partition named twice gets the last result for it.
      if (results.length === 1) return response(request, () => results[0]!);
      const byKey = new Map(results.map((r) => [`${r.topic}\u0000${r.partition}`, r]));
      const keys = entries.map((e) => `${e.topic}\u0000${e.partition}`);
      return response(request, (i) => byKey.get(keys[i]!)!);
    },
    errorResponse(request, errorCode) {
      if (request.acks === 0) throw new CloseConnection(`produce with acks=0 failed with error code ${errorCode}`);
      return response(request, () => failed(errorCode));
    },
  };
}
