// FindCoordinator's lookup: the leader of the group's __consumer_offsets partition on the request's listener, and
// one creation of a missing offsets topic at a time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TopicCreationRequest, TopicCreator } from '../../../../../src/kafka/broker/broker-contracts.js';
import { silentLog } from '../../../../../src/kafka/broker/broker-log.js';
import { CoordinatorLocator } from '../../../../../src/kafka/broker/groups/coordinator-locator.js';
import { ErrorCode } from '../../../../../src/kafka/protocol/index.js';
import { StaticBrokerMetadata } from '../../../../support/static-metadata.js';

const CONFIG = { offsetsTopicNumPartitions: 50, offsetsTopicReplicationFactor: 3, offsetsTopicSegmentBytes: 104857600 };
const NOT_AVAILABLE = { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, nodeId: -1, host: '', port: -1 };

function heldCreator(): TopicCreator & { requests: TopicCreationRequest[]; finish(errorCode: number): void } {
  const pending: ((r: { errorCode: number; errorMessage: string | null }) => void)[] = [];
  const requests: TopicCreationRequest[] = [];
  return {
    requests,
    createTopic(request) {
      requests.push(request);
      return new Promise((resolve) => pending.push(resolve));
    },
    finish(errorCode) {
      for (const resolve of pending.splice(0)) resolve({ errorCode, errorMessage: null });
    },
  };
}

test('a missing offsets topic is created once while a creation is in flight, again after it failed', async () => {
  const metadata = new StaticBrokerMetadata(4, () => [{ listenerName: 'PLAINTEXT', host: 'h', port: 9092 }]);
  const creator = heldCreator();
  const locator = new CoordinatorLocator(metadata, creator, CONFIG, silentLog);
  assert.deepEqual(locator.locate(0, 'PLAINTEXT'), NOT_AVAILABLE);
  assert.deepEqual(locator.locate(1, 'PLAINTEXT'), NOT_AVAILABLE);
  assert.deepEqual(creator.requests, [
    {
      name: '__consumer_offsets',
      numPartitions: 50,
      replicationFactor: 3,
      assignments: new Map(),
      configs: { 'cleanup.policy': 'compact', 'segment.bytes': '104857600', 'compression.type': 'producer' },
    },
  ]);
  creator.finish(ErrorCode.INVALID_REPLICATION_FACTOR);
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(locator.locate(0, 'PLAINTEXT'), NOT_AVAILABLE);
  assert.equal(creator.requests.length, 2);
});

test('the partition leader is answered on the request listener; a leaderless partition or a listener the leader lacks is not available', () => {
  const metadata = new StaticBrokerMetadata(4, () => [{ listenerName: 'INTERNAL', host: 'broker-4.internal', port: 19092 }]);
  metadata.addTopic('__consumer_offsets', 2);
  const locator = new CoordinatorLocator(metadata, heldCreator(), CONFIG, silentLog);
  assert.deepEqual(locator.locate(1, 'INTERNAL'), { errorCode: ErrorCode.NONE, nodeId: 4, host: 'broker-4.internal', port: 19092 });
  assert.deepEqual(locator.locate(1, 'EXTERNAL'), NOT_AVAILABLE);
  assert.deepEqual(locator.locate(5, 'INTERNAL'), NOT_AVAILABLE);
});
