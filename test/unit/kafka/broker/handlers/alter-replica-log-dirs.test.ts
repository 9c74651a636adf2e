import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiKey, decodeResponse, encodeRequest, ErrorCode } from '../../../../../src/kafka/protocol/index.js';
import { LocalBrokerMetadata } from '../../../../../src/kafka/broker/broker-metadata.js';
import { Dispatcher, type Dispatched } from '../../../../../src/kafka/broker/dispatcher.js';
import { brokerHandlers } from '../../../../../src/kafka/broker/handlers/index.js';
import type { ReplicaDirChange } from '../../../../../src/kafka/broker/log-dirs/log-dir-mover.js';

const conn = { listenerName: 'PLAINTEXT', clientAddress: '/127.0.0.1:5000', connectionId: 'test-0' };

test('AlterReplicaLogDirs v0-v2: every partition asked about answered, grouped by topic, the last dir named winning', async () => {
  const seen: ReplicaDirChange[][] = [];
  const mover = {
    async alterReplicaLogDirs(changes: readonly ReplicaDirChange[]) {
      seen.push([...changes]);
      return changes.map((c) => (c.path === '/data/missing' ? ErrorCode.LOG_DIR_NOT_FOUND : c.topic === 'later' ? ErrorCode.REPLICA_NOT_AVAILABLE : ErrorCode.NONE));
    },
  };
  let dispatcher: Dispatcher | undefined;
  dispatcher = new Dispatcher(brokerHandlers({ metadata: new LocalBrokerMetadata(1, 'c'), versionTable: () => dispatcher!.versionTable(), logDirMoves: mover }));
  assert.deepEqual(dispatcher.versionTable().find((v) => v.apiKey === ApiKey.AlterReplicaLogDirs), { apiKey: ApiKey.AlterReplicaLogDirs, minVersion: 0, maxVersion: 2 });
  for (const version of [0, 1, 2]) {
    seen.length = 0;
    const request = {
      dirs: [
        { path: '/data/a', topics: [{ name: 't', partitions: [0, 1] }, { name: 'later', partitions: [3] }] },
        { path: '/data/missing', topics: [{ name: 't', partitions: [2] }] },
        { path: '/data/b', topics: [{ name: 't', partitions: [1] }] },
      ],
    };
    const frame = Buffer.concat(encodeRequest({ apiKey: ApiKey.AlterReplicaLogDirs, apiVersion: version, correlationId: 7, clientId: 'x' }, request)).subarray(4);
    const out = dispatcher.dispatch(frame, 0, frame.length, conn) as Extract<Dispatched, { kind: 'request' }>;
    const body = decodeResponse(ApiKey.AlterReplicaLogDirs, version, Buffer.concat((await out.response)!), 4).body;
    assert.deepEqual(seen[0]!.map((c) => `${c.topic}-${c.partition}:${c.path}`), ['t-0:/data/a', 'later-3:/data/a', 't-2:/data/missing', 't-1:/data/b'], `v${version}`);
    assert.deepEqual(
      body.results.map((r) => [r.topicName, r.partitions.map((p) => [p.partitionIndex, p.errorCode])]),
      [['t', [[0, 0], [2, ErrorCode.LOG_DIR_NOT_FOUND], [1, 0]]], ['later', [[3, ErrorCode.REPLICA_NOT_AVAILABLE]]]],
      `v${version}`,
    );
  }
});
