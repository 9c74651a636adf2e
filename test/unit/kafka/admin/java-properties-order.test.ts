import { test } from 'node:test';
import assert from 'node:assert/strict';
import { javaPropertiesOrder, javaStringHash } from '../../../../src/kafka/admin/java-properties-order.js';

test('String.hashCode as Java computes it (signed 32-bit, UTF-16 units)', () => {
  assert.equal(javaStringHash(''), 0);
  assert.equal(javaStringHash('a'), 97);
  assert.equal(javaStringHash('cleanup.policy'), -537988164);
  assert.equal(javaStringHash('compression.type'), -2096996670);
});

test('__consumer_offsets overrides come out in the order Kafka writes /config/topics/__consumer_offsets', () => {
  const ordered = javaPropertiesOrder([['cleanup.policy', 'compact'], ['segment.bytes', '104857600'], ['compression.type', 'producer']]);
  assert.equal(JSON.stringify(ordered), '{"compression.type":"producer","cleanup.policy":"compact","segment.bytes":"104857600"}');
});

test('insertion order does not matter across buckets; a repeated key keeps its place with the last value', () => {
  const a = javaPropertiesOrder([['retention.ms', '1'], ['cleanup.policy', 'compact']]);
  const b = javaPropertiesOrder([['cleanup.policy', 'compact'], ['retention.ms', '2'], ['retention.ms', '1']]);
  assert.equal(JSON.stringify(a), JSON.stringify(b));
});

// Expected orders printed by Java 17's Properties.entrySet() for the same setProperty calls.
test('more than 12 keys grow the table (twice for 30 keys) as ConcurrentHashMap does', () => {
  const keys = Array.from({ length: 30 }, (_, i) => `key.${i}`);
  assert.equal(
    Object.keys(javaPropertiesOrder(keys.map((k) => [k, k]))).join(','),
    'key.17,key.16,key.19,key.18,key.13,key.12,key.15,key.14,key.11,key.10,key.28,key.27,key.29,key.24,key.23,key.26,key.25,key.2,key.20,key.1,key.0,key.22,key.21,key.6,key.5,key.4,key.3,key.9,key.8,key.7',
  );
  const topicKeys = ['segment.bytes', 'segment.ms', 'segment.jitter.ms', 'segment.index.bytes', 'flush.messages', 'flush.ms', 'retention.bytes', 'retention.ms', 'max.message.bytes', 'index.interval.bytes', 'delete.retention.ms', 'min.compaction.lag.ms', 'max.compaction.lag.ms', 'file.delete.delay.ms', 'min.cleanable.dirty.ratio', 'cleanup.policy'];
  assert.equal(
    Object.keys(javaPropertiesOrder(topicKeys.map((k) => [k, '1']))).join(','),
    'max.compaction.lag.ms,file.delete.delay.ms,max.message.bytes,min.compaction.lag.ms,segment.jitter.ms,index.interval.bytes,min.cleanable.dirty.ratio,retention.bytes,delete.retention.ms,cleanup.policy,flush.ms,segment.ms,segment.bytes,retention.ms,flush.messages,segment.index.bytes',
  );
});
