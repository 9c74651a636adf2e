// Exact bytes of every __consumer_offsets key/value version, built by hand from the field tables of
// Kafka 2.8.2's storage schemas (int16 version, then classic fields).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  OffsetsRecordError,
  decodeGroupMetadataValue,
  decodeOffsetCommitValue,
  decodeOffsetsLogRecord,
  decodeOffsetsRecordKey,
  encodeGroupMetadataKey,
  encodeGroupMetadataValue,
  encodeOffsetCommitKey,
  encodeOffsetCommitValue,
  offsetCommitValueVersionFor,
} from '../../../../src/kafka/coordinator/offsets-records.js';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

test('OffsetCommitKey v0 and v1: version, group, topic, partition', () => {
  const v1 = hex('0001 0001 67 0002 7431 00000002');
  assert.deepEqual(encodeOffsetCommitKey('g', 't1', 2), v1);
  assert.deepEqual(encodeOffsetCommitKey('g', 't1', 2, 0), hex('0000 0001 67 0002 7431 00000002'));
  assert.deepEqual(decodeOffsetsRecordKey(v1), { type: 'offset', version: 1, group: 'g', topic: 't1', partition: 2 });
  assert.deepEqual(decodeOffsetsRecordKey(hex('0000 0001 67 0002 7431 00000002')).type, 'offset');
  assert.throws(() => encodeOffsetCommitKey('g', 't', 0, 2), OffsetsRecordError);
});

test('GroupMetadataKey v2: the key version tells the record type; UTF-8 lengths are bytes', () => {
  assert.deepEqual(encodeGroupMetadataKey('g'), hex('0002 0001 67'));
  assert.deepEqual(encodeGroupMetadataKey('été'), hex('0002 0005 c3a974c3a9'));
  assert.deepEqual(decodeOffsetsRecordKey(hex('0002 0005 c3a974c3a9')), { type: 'group', version: 2, group: 'été' });
  assert.throws(() => decodeOffsetsRecordKey(hex('0003 0001 67')), /unknown version 3/);
});

const commit = { offset: 100n, leaderEpoch: 5, metadata: 'm', commitTimestampMs: 1000n, expireTimestampMs: 2000n };

test('OffsetCommitValue v0-v3 bytes', () => {
  const off = '0000000000000064';
  const ts = '00000000000003e8';
  assert.deepEqual(encodeOffsetCommitValue(commit, 0), hex(`0000 ${off} 0001 6d ${ts}`));
  assert.deepEqual(encodeOffsetCommitValue(commit, 1), hex(`0001 ${off} 0001 6d ${ts} 00000000000007d0`));
  assert.deepEqual(encodeOffsetCommitValue(commit, 2), hex(`0002 ${off} 0001 6d ${ts}`));
  assert.deepEqual(encodeOffsetCommitValue(commit, 3), hex(`0003 ${off} 00000005 0001 6d ${ts}`));
  assert.deepEqual(decodeOffsetCommitValue(hex(`0003 ${off} ffffffff 0000 ${ts}`)), {
    version: 3,
    offset: 100n,
    leaderEpoch: -1,
    metadata: '',
    commitTimestampMs: 1000n,
    expireTimestampMs: -1n,
  });
  assert.deepEqual(decodeOffsetCommitValue(hex(`0001 ${off} 0001 6d ${ts} 00000000000007d0`)), { ...commit, version: 1, leaderEpoch: -1 });
  assert.deepEqual(decodeOffsetCommitValue(hex(`0000 ${off} 0001 6d ${ts}`)), { ...commit, version: 0, leaderEpoch: -1, expireTimestampMs: -1n });
  assert.deepEqual(decodeOffsetCommitValue(hex(`0002 ${off} 0001 6d ${ts}`)).version, 2);
  assert.throws(() => encodeOffsetCommitValue(commit, 4), OffsetsRecordError);
});

test('2.8 writes OffsetCommitValue v1 only when an expire timestamp was given', () => {
  assert.equal(offsetCommitValueVersionFor(-1n), 3);
  assert.equal(offsetCommitValueVersionFor(5n), 1);
});

const group = {
  protocolType: 'consumer',
  generation: 1,
  protocol: 'range',
  leader: 'm1',
  currentStateTimestampMs: 1000n,
  members: [
    {
      memberId: 'm1',
      groupInstanceId: null,
      clientId: 'c',
      clientHost: 'h',
      rebalanceTimeoutMs: 30000,
      sessionTimeoutMs: 10000,
      subscription: new Uint8Array([1, 2]),
      assignment: new Uint8Array([3]),
    },
  ],
};
const head = '0008 636f6e73756d6572 00000001 0005 72616e6765 0002 6d31';
const tail = '00002710 00000002 0102 00000001 03';

test('GroupMetadataValue v0-v3 bytes', () => {
  const expected: Record<number, string> = {
    0: `0000 ${head} 00000001 0002 6d31 0001 63 0001 68 ${tail}`,
    1: `0001 ${head} 00000001 0002 6d31 0001 63 0001 68 00007530 ${tail}`,
    2: `0002 ${head} 00000000000003e8 00000001 0002 6d31 0001 63 0001 68 00007530 ${tail}`,
    3: `0003 ${head} 00000000000003e8 00000001 0002 6d31 ffff 0001 63 0001 68 00007530 ${tail}`,
  };
  for (const [version, bytes] of Object.entries(expected)) {
    const v = Number(version);
    assert.deepEqual(encodeGroupMetadataValue(group, v), hex(bytes), `v${v}`);
    const decoded = decodeGroupMetadataValue(hex(bytes));
    assert.equal(decoded.version, v);
    assert.equal(decoded.currentStateTimestampMs, v >= 2 ? 1000n : -1n);
    // v0 has no rebalance timeout: the session timeout stands in.
    assert.equal(decoded.members[0]!.rebalanceTimeoutMs, v >= 1 ? 30000 : 10000);
    assert.deepEqual(decoded.members[0]!.assignment, new Uint8Array([3]));
  }
});

test('GroupMetadataValue v3 with a static member, and an Empty group (null protocol and leader, no members)', () => {
  const withInstance = { ...group, members: [{ ...group.members[0]!, groupInstanceId: 'i' }] };
  const bytes = encodeGroupMetadataValue(withInstance);
  assert.deepEqual(bytes.subarray(2 + 10 + 4 + 7 + 4 + 8 + 4 + 4, 2 + 10 + 4 + 7 + 4 + 8 + 4 + 4 + 3), hex('0001 69'));
  assert.equal(decodeGroupMetadataValue(bytes).members[0]!.groupInstanceId, 'i');
  const empty = { protocolType: 'consumer', generation: 3, protocol: null, leader: null, currentStateTimestampMs: -1n, members: [] };
  assert.deepEqual(encodeGroupMetadataValue(empty), hex('0003 0008 636f6e73756d6572 00000003 ffff ffff ffffffffffffffff 00000000'));
  assert.deepEqual(decodeGroupMetadataValue(encodeGroupMetadataValue(empty)), { ...empty, version: 3 });
});

test('tombstones decode to a null value; truncated or negative lengths are errors, not crashes', () => {
  assert.deepEqual(decodeOffsetsLogRecord(hex('0002 0001 67'), null), { key: { type: 'group', version: 2, group: 'g' }, value: null });
  assert.equal(decodeOffsetsLogRecord(hex('0001 0001 67 0001 74 00000000'), null).value, null);
  assert.throws(() => decodeOffsetCommitValue(hex('0003 00000000')), /truncated/);
  assert.throws(() => decodeOffsetsRecordKey(hex('0001 ffff')), /not nullable/);
  assert.throws(() => decodeGroupMetadataValue(hex(`0003 ${head} 00000000000003e8 ffffffff`)), /members count -1/);
  assert.throws(() => decodeOffsetsRecordKey(hex('0001 0005 67')), OffsetsRecordError);
});
