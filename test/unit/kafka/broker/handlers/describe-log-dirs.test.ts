import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiKey, decodeResponse, encodeRequest, ErrorCode } from '../../../../../src/kafka/protocol/index.js';
import { LocalBrokerMetadata } from '../../../../../src/kafka/broker/broker-metadata.js';
import { Dispatcher, type Dispatched } from '../../../../../src/kafka/broker/dispatcher.js';
import { brokerHandlers } from '../../../../../src/kafka/broker/handlers/index.js';
import type { LogDirsSource } from '../../../../../src/kafka/admin/log-dirs-source.js';

const conn = { listenerName: 'PLAINTEXT', clientAddress: '/127.0.0.1:5000', connectionId: 'test-0' };

const logDirs: LogDirsSource = {
  logDirs: () => [
    {
      path: '/data/a',
      errorCode: ErrorCode.NONE,
      partitions: [
        { topic: 't', partition: 0, size: 1234n, offsetLag: 0n, isFuture: false },
        { topic: 't', partition: 1, size: 99n, offsetLag: 2n, isFuture: false },
        { topic: 'u', partition: 0, size: 5n, offsetLag: 0n, isFuture: true },
      ],
    },
    { path: '/data/b', errorCode: ErrorCode.KAFKA_STORAGE_ERROR, partitions: [] },
  ],
};

async function describe(version: number, topics: { topic: string; partitions: number[] }[] | null) {
  let dispatcher: Dispatcher | undefined;
  dispatcher = new Dispatcher(brokerHandlers({ metadata: new LocalBrokerMetadata(1, 'c'), versionTable: () => dispatcher!.versionTable(), logDirs }));
  const frame = Buffer.concat(encodeRequest({ apiKey: ApiKey.DescribeLogDirs, apiVersion: version, correlationId: 5, clientId: 'x' }, { topics })).subarray(4);
  const out = dispatcher.dispatch(frame, 0, frame.length, conn) as Extract<Dispatched, { kind: 'request' }>;
  const chunks = (await out.response)!;
  return decodeResponse(ApiKey.DescribeLogDirs, version, Buffer.concat(chunks), 4).body;
}

test('DescribeLogDirs lists every dir, offline ones with KAFKA_STORAGE_ERROR, partitions grouped by topic', async () => {
  for (const version of [0, 1, 2]) {
    const body = await describe(version, null);
    assert.deepEqual(
      body.results.map((r) => [r.logDir, r.errorCode, r.topics.map((t) => [t.name, t.partitions.map((p) => [p.partitionIndex, p.partitionSize, p.offsetLag, p.isFutureKey])])]),
      [
        ['/data/a', 0, [['t', [[0, 1234n, 0n, false], [1, 99n, 2n, false]]], ['u', [[0, 5n, 0n, true]]]]],
        ['/data/b', ErrorCode.KAFKA_STORAGE_ERROR, []],
      ],
      `v${version}`,
    );
  }
});

test('DescribeLogDirs with topics lists only the partitions asked for', async () => {
  const body = await describe(1, [{ topic: 't', partitions: [1] }, { topic: 'v', partitions: [0] }]);
  assert.deepEqual(body.results[0]!.topics, [{ name: 't', partitions: [{ partitionIndex: 1, partitionSize: 99n, offsetLag: 2n, isFutureKey: false }] }]);
});
