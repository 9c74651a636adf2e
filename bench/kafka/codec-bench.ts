// Kafka message codec throughput: encode/decode of the hot messages (Produce requests and Fetch
// responses carrying a 1 MiB record blob, Metadata responses for a mid-sized cluster), in ops/s.
// Usage: node dist/bench/kafka/codec-bench.js [--ms 1000]
import { decodeMessage, decodeRequest, decodeResponse, encodeMessage, encodeRequest, encodeResponse } from '../../src/kafka/protocol/codec.js';
import { ApiKey, RESPONSE_SCHEMAS } from '../../src/kafka/protocol/schemas/index.js';

const msArg = process.argv.indexOf('--ms');
const budgetMs = msArg > 0 ? Number(process.argv[msArg + 1]) : 1000;

const MiB = 1024 * 1024;
const records = Buffer.alloc(MiB, 0x5a);

const produce = {
  transactionalId: null,
  acks: -1,
  timeoutMs: 30000,
  topicData: [{ name: 'bench-topic', partitionData: [{ index: 0, records }] }],
};

function fetchResponse(): any {
  return {
    throttleTimeMs: 0,
    errorCode: 0,
    sessionId: 0,
    responses: [
      {
        topic: 'bench-topic',
        partitions: [
          {
            partitionIndex: 0,
            errorCode: 0,
            highWatermark: 1_000_000n,
            lastStableOffset: 1_000_000n,
            logStartOffset: 0n,
            abortedTransactions: [],
            preferredReadReplica: -1,
            records,
          },
        ],
      },
    ],
  };
}

function metadataResponse(topicCount: number, partitionsPerTopic: number): any {
  const brokers = [1, 2, 3].map((id) => ({ nodeId: id, host: `broker-${id}.example.internal`, port: 9092, rack: null }));
  const topics = Array.from({ length: topicCount }, (_, t) => ({
    errorCode: 0,
    name: `topic-${t}`,
    isInternal: false,
    partitions: Array.from({ length: partitionsPerTopic }, (_, p) => ({
      errorCode: 0,
      partitionIndex: p,
      leaderId: 1 + (p % 3),
      leaderEpoch: 4,
      replicaNodes: [1, 2, 3],
      isrNodes: [1, 2, 3],
      offlineReplicas: [],
    })),
    topicAuthorizedOperations: -2147483648,
  }));
  return { throttleTimeMs: 0, brokers, clusterId: 'bench-cluster', controllerId: 1, topics, clusterAuthorizedOperations: -2147483648 };
}

function measure(name: string, fn: () => unknown, bytesPerOp = 0): void {
  for (let i = 0; i < 200; i++) fn(); // warm up: compile the codec and let the JIT settle
  let ops = 0;
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(budgetMs) * 1_000_000n;
  let now = start;
  while (now < deadline) {
    for (let i = 0; i < 50; i++) fn();
    ops += 50;
    now = process.hrtime.bigint();
  }
  const seconds = Number(now - start) / 1e9;
  const rate = ops / seconds;
  const extra = bytesPerOp > 0 ? `  (${((rate * bytesPerOp) / MiB).toFixed(0)} MiB/s)` : '';
  process.stdout.write(`${name.padEnd(48)} ${rate.toFixed(0).padStart(10)} ops/s${extra}\n`);
}

const frameBytes = (chunks: Buffer[]) => chunks.reduce((n, c) => n + c.length, 0);

// Record blobs pass through by reference, so their rate is per message, not per byte.
// Produce v8 (the highest non-flexible version; kafkajs, librdkafka and kafka-python send v7).
const produceHead = { apiKey: ApiKey.Produce, apiVersion: 8, correlationId: 1, clientId: 'bench' } as const;
const produceFrame = Buffer.concat(encodeRequest(produceHead, produce));
measure('Produce v8 request encode (1 MiB records)', () => encodeRequest(produceHead, produce));
measure('Produce v8 request decode (1 MiB records)', () => decodeRequest(produceFrame, 4));

for (const version of [11, 12]) {
  const body = fetchResponse();
  const frame = Buffer.concat(encodeResponse(ApiKey.Fetch, version, 7, body));
  measure(`Fetch v${version} response encode (1 MiB records)`, () => encodeResponse(ApiKey.Fetch, version, 7, body));
  measure(`Fetch v${version} response decode (1 MiB records)`, () => decodeResponse(ApiKey.Fetch, version, frame, 4));
}

const metadataSchema = RESPONSE_SCHEMAS[ApiKey.Metadata];
for (const [version, topics, partitions] of [[1, 10, 3], [9, 10, 3], [9, 200, 10]] as const) {
  const body = metadataResponse(topics, partitions);
  const bytes = encodeMessage(metadataSchema, version, body);
  const label = `Metadata v${version} response, ${topics}x${partitions} partitions`;
  measure(`${label} encode`, () => encodeResponse(ApiKey.Metadata, version, 1, body), frameBytes(encodeResponse(ApiKey.Metadata, version, 1, body)));
  measure(`${label} decode`, () => decodeMessage(metadataSchema, version, bytes), bytes.length);
}
