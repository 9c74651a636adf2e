// The orders below were printed by OpenJDK 17 (`new HashMap<>()` / `new HashMap<>(17)`, keys put in the given order,
// keySet joined): Kafka's tools print describe results in these orders.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { javaHashMapOrder } from '../../../../src/kafka/tools/java-hash-map-order.js';
import { TOPIC_CONFIGS } from '../../../../src/kafka/admin/topic-config-defs.js';

test('topic config names in a default HashMap iterate as on the JVM', () => {
  assert.equal(
    javaHashMapOrder(TOPIC_CONFIGS.map((d) => d.name)).join(','),
    'compression.type,leader.replication.throttled.replicas,min.insync.replicas,message.downconversion.enable,segment.jitter.ms,cleanup.policy,flush.ms,' +
      'follower.replication.throttled.replicas,segment.bytes,retention.ms,flush.messages,message.format.version,max.compaction.lag.ms,file.delete.delay.ms,' +
      'max.message.bytes,min.compaction.lag.ms,message.timestamp.type,preallocate,index.interval.bytes,min.cleanable.dirty.ratio,unclean.leader.election.enable,' +
      'retention.bytes,delete.retention.ms,segment.ms,message.timestamp.difference.max.ms,segment.index.bytes',
  );
});

test('a HashMap sized for its keys, growing while filled, iterates as on the JVM', () => {
  const keys = 'orders plain a.b once spread solo my-topic t1 t2 t3 t4 t5 t6 t7 t8 t9 __consumer_offsets'.split(' ');
  assert.equal(javaHashMapOrder(keys, 17).join(','), 't4,t5,t6,t7,t8,t9,solo,spread,a.b,once,plain,orders,my-topic,t1,t2,__consumer_offsets,t3');
  assert.deepEqual(javaHashMapOrder(['b', 'a', 'b'], 1), ['a', 'b']);
});
