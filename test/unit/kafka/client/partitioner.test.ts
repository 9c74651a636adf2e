// murmur2 and the default partitioner against Kafka's golden values and kafkajs's JavaCompatiblePartitioner.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { randomBytes } from 'node:crypto';
import { Partitioners } from 'kafkajs';
import { murmur2, toPositive } from '../../../../src/kafka/client/producer/murmur2.js';
import { DefaultPartitioner, keyedPartition } from '../../../../src/kafka/client/producer/partitioner.js';

const require = createRequire(import.meta.url);
const kafkajsMurmur2 = require('kafkajs/src/producer/partitioners/default/murmur2.js') as (key: Buffer | string) => number;

// org.apache.kafka.common.utils.UtilsTest#testMurmur2
const JAVA_VECTORS: [string, number][] = [
  ['21', -973932308],
  ['foobar', -790332482],
  ['a-little-bit-long-string', -985981536],
  ['a-little-bit-longer-string', -1486304829],
  ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
  ['abc', 479470107],
];

test('murmur2 gives the Java client\'s values, and so does kafkajs', () => {
  for (const [key, hash] of JAVA_VECTORS) {
    assert.equal(murmur2(Buffer.from(key)), hash, key);
    assert.equal(kafkajsMurmur2(key), hash, `kafkajs ${key}`);
  }
  assert.equal(toPositive(-2147483648), 0);
  assert.equal(toPositive(-1), 0x7fffffff);
});

test('keyed records land where kafkajs\'s JavaCompatiblePartitioner puts them, for every length and byte', () => {
  const kafkajs = Partitioners.JavaCompatiblePartitioner();
  const partitionMetadata = Array.from({ length: 7 }, (_, i) => ({ partitionId: i, leader: 0 }));
  for (let len = 0; len < 64; len++) {
    for (let i = 0; i < 8; i++) {
      const key = randomBytes(len);
      const expected = kafkajs({ topic: 't', partitionMetadata, message: { key, value: null } } as any);
      assert.equal(keyedPartition(key, 7), expected, `key ${key.toString('hex')}`);
      assert.equal(toPositive(murmur2(key)), toPositive(kafkajsMurmur2(key)));
    }
  }
});

test('a key maps over all partitions, available or not', () => {
  const p = new DefaultPartitioner();
  const key = Buffer.from('foobar');
  const expected = toPositive(-790332482) % 12;
  assert.equal(p.partition({ topic: 't', key, partitionCount: 12, availablePartitions: [expected === 0 ? 1 : 0] }), expected);
});

test('records without a key stick to one available partition until a new batch moves them to another', () => {
  let n = 0;
  const sequence = [0.1, 0.5, 0.5, 0.9];
  const p = new DefaultPartitioner(() => sequence[n++ % sequence.length]);
  const input = { topic: 't', key: null, partitionCount: 6, availablePartitions: [1, 3, 5] };
  const first = p.partition(input);
  assert.equal(first, 1);
  for (let i = 0; i < 10; i++) assert.equal(p.partition(input), first);
  p.onNewBatch('t', input.availablePartitions, 6, first);
  const second = p.partition(input);
  assert.notEqual(second, first);
  assert.ok(input.availablePartitions.includes(second));
  // A stale notification (for a partition no longer sticky) changes nothing.
  p.onNewBatch('t', input.availablePartitions, 6, first);
  assert.equal(p.partition(input), second);
});
