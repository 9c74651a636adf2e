import assert from 'node:assert/strict';
import { test } from 'node:test';
import { javaStringHashCode, kafkaAbs, partitionForGroup } from '../../../../src/kafka/coordinator/group-partition.js';

test('String.hashCode over UTF-16 code units and the partition vectors for 50 partitions', () => {
  const vectors: [string, number, number][] = [
    ['my-group', -1906497762, 12],
    ['test-group', 627841412, 12],
    ['été', 227742, 42],
    ['😀', 1772899, 49],
    ['polygenelubricants', -2147483648, 0],
  ];
  for (const [group, hash, partition] of vectors) {
    assert.equal(javaStringHashCode(group), hash, group);
    assert.equal(partitionForGroup(group, 50), partition, group);
  }
  assert.equal(javaStringHashCode(''), 0);
  assert.equal(partitionForGroup('', 50), 0);
});

test('Utils.abs maps Integer.MIN_VALUE to 0; a bad partition count is refused', () => {
  assert.equal(kafkaAbs(-2147483648), 0);
  assert.equal(kafkaAbs(-5), 5);
  assert.throws(() => partitionForGroup('g', 0), RangeError);
});
