// Quorum packets: the jute QuorumPacket record and each type's data layout, as Apache 3.8's Leader, Learner and
// LearnerHandler write them (null data and null authinfo are written as length -1).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PacketType } from '../../../../src/zookeeper/quorum/wire/packet-types.js';
import { decodeQuorumPacket, encodeQuorumPacket, fromQuorumPacket, QuorumPacketError, toQuorumPacket } from '../../../../src/zookeeper/quorum/wire/quorum-packet.js';
import type { ZabMessage } from '../../../../src/zookeeper/quorum/wire/zab-messages.js';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const NULL = 'ffffffff';

const txnData = hex('0102030405');
const cases: { name: string; m: ZabMessage; fromLeader: boolean; bytes: string }[] = [
  { name: 'FOLLOWERINFO', fromLeader: false, m: { type: PacketType.FOLLOWERINFO, acceptedEpoch: 4, sid: 2n, protocolVersion: 0x10000, configVersion: 0x100000000n },
    bytes: `0000000b 0000000400000000 00000014 0000000000000002 00010000 0000000100000000 ${NULL}` },
  { name: 'OBSERVERINFO', fromLeader: false, m: { type: PacketType.OBSERVERINFO, acceptedEpoch: 0, sid: 9n, protocolVersion: 0x10000, configVersion: 0n },
    bytes: `00000010 0000000000000000 00000014 0000000000000009 00010000 0000000000000000 ${NULL}` },
  { name: 'LEADERINFO', fromLeader: true, m: { type: PacketType.LEADERINFO, newEpoch: 5, protocolVersion: 0x10000 }, bytes: `00000011 0000000500000000 00000004 00010000 ${NULL}` },
  { name: 'ACKEPOCH', fromLeader: false, m: { type: PacketType.ACKEPOCH, lastZxid: 0x400000007n, currentEpoch: 4 }, bytes: `00000012 0000000400000007 00000004 00000004 ${NULL}` },
  { name: 'ACKEPOCH already accepted', fromLeader: false, m: { type: PacketType.ACKEPOCH, lastZxid: 0x400000007n, currentEpoch: -1 }, bytes: `00000012 0000000400000007 00000004 ffffffff ${NULL}` },
  { name: 'DIFF', fromLeader: true, m: { type: PacketType.DIFF, zxid: 0x400000007n }, bytes: `0000000d 0000000400000007 ${NULL} ${NULL}` },
  { name: 'TRUNC', fromLeader: true, m: { type: PacketType.TRUNC, zxid: 0x400000003n }, bytes: `0000000e 0000000400000003 ${NULL} ${NULL}` },
  { name: 'SNAP', fromLeader: true, m: { type: PacketType.SNAP, zxid: 0x400000007n }, bytes: `0000000f 0000000400000007 ${NULL} ${NULL}` },
  { name: 'PROPOSAL', fromLeader: true, m: { type: PacketType.PROPOSAL, txn: { zxid: 0x500000001n, data: txnData } }, bytes: `00000002 0000000500000001 00000005 0102030405 ${NULL}` },
  { name: 'INFORM', fromLeader: true, m: { type: PacketType.INFORM, txn: { zxid: 0x500000001n, data: txnData } }, bytes: `00000008 0000000500000001 00000005 0102030405 ${NULL}` },
  { name: 'COMMIT', fromLeader: true, m: { type: PacketType.COMMIT, zxid: 0x500000001n }, bytes: `00000004 0000000500000001 ${NULL} ${NULL}` },
  { name: 'ACK', fromLeader: false, m: { type: PacketType.ACK, zxid: 0x500000001n }, bytes: `00000003 0000000500000001 ${NULL} ${NULL}` },
  { name: 'NEWLEADER', fromLeader: true, m: { type: PacketType.NEWLEADER, zxid: 0x500000000n, config: Buffer.from('version=0') },
    bytes: `0000000a 0000000500000000 00000009 ${Buffer.from('version=0').toString('hex')} ${NULL}` },
  { name: 'UPTODATE', fromLeader: true, m: { type: PacketType.UPTODATE }, bytes: `0000000c ffffffffffffffff ${NULL} ${NULL}` },
  { name: 'PING from the leader', fromLeader: true, m: { type: PacketType.PING, zxid: 0x500000009n, sessions: [] }, bytes: `00000005 0000000500000009 ${NULL} ${NULL}` },
  { name: 'PING reply with touched sessions', fromLeader: false, m: { type: PacketType.PING, zxid: 0x500000009n, sessions: [{ sessionId: 0x100000abcn, timeoutMs: 30000 }] },
    bytes: `00000005 0000000500000009 0000000c 0000000100000abc 00007530 ${NULL}` },
  { name: 'REQUEST with auth ids', fromLeader: false, m: { type: PacketType.REQUEST, sessionId: 0x100000abcn, cxid: 7, opcode: 1, body: hex('aabb'), authinfo: [{ scheme: 'ip', id: '127.0.0.1' }] },
    bytes: `00000001 ffffffffffffffff 00000012 0000000100000abc 00000007 00000001 aabb 00000001 00000002 6970 00000009 3132372e302e302e31` },
  { name: 'REVALIDATE from a learner', fromLeader: false, m: { type: PacketType.REVALIDATE, sessionId: 0x100000abcn, timeoutMs: 30000 }, bytes: `00000006 ffffffffffffffff 0000000c 0000000100000abc 00007530 ${NULL}` },
  { name: 'REVALIDATE answer', fromLeader: true, m: { type: PacketType.REVALIDATE, sessionId: 0x100000abcn, valid: true }, bytes: `00000006 ffffffffffffffff 00000009 0000000100000abc 01 ${NULL}` },
  { name: 'SYNC', fromLeader: true, m: { type: PacketType.SYNC }, bytes: `00000007 0000000000000000 ${NULL} ${NULL}` },
  { name: 'COMMITANDACTIVATE', fromLeader: true, m: { type: PacketType.COMMITANDACTIVATE, zxid: 0x500000002n, designatedLeader: 3n }, bytes: `00000009 0000000500000002 00000008 0000000000000003 ${NULL}` },
  { name: 'INFORMANDACTIVATE', fromLeader: true, m: { type: PacketType.INFORMANDACTIVATE, designatedLeader: 3n, txn: { zxid: 0x500000002n, data: txnData } },
    bytes: `00000013 0000000500000002 0000000d 0000000000000003 0102030405 ${NULL}` },
];

for (const c of cases) {
  test(`${c.name}: exact bytes both ways`, () => {
    const bytes = encodeQuorumPacket(toQuorumPacket(c.m));
    assert.equal(bytes.toString('hex'), hex(c.bytes).toString('hex'));
    const parsed = decodeQuorumPacket(bytes);
    assert.ok(parsed.done);
    assert.equal(parsed.bytesRead, bytes.length);
    assert.deepEqual(fromQuorumPacket(parsed.packet, c.fromLeader), c.m);
  });
}

test('packets follow one another with no length prefix; a partial one asks for more bytes', () => {
  const a = encodeQuorumPacket(toQuorumPacket({ type: PacketType.COMMIT, zxid: 1n }));
  const b = encodeQuorumPacket(toQuorumPacket({ type: PacketType.PROPOSAL, txn: { zxid: 2n, data: txnData } }));
  const stream = Buffer.concat([a, b]);
  const first = decodeQuorumPacket(stream);
  assert.ok(first.done);
  assert.equal(first.bytesRead, a.length);
  const second = decodeQuorumPacket(stream.subarray(first.bytesRead));
  assert.ok(second.done);
  assert.equal(second.packet.type, PacketType.PROPOSAL);
  for (let cut = 0; cut < b.length; cut++) assert.deepEqual(decodeQuorumPacket(b.subarray(0, cut)), { done: false }, `cut at ${cut}`);
});

test('a pre-3.5 FOLLOWERINFO carrying only the sid is read; short or unknown packets are errors', () => {
  const legacy = fromQuorumPacket({ type: PacketType.FOLLOWERINFO, zxid: 0x200000000n, data: hex('0000000000000003'), authinfo: null }, false);
  assert.deepEqual(legacy, { type: PacketType.FOLLOWERINFO, acceptedEpoch: 2, sid: 3n, protocolVersion: 0, configVersion: 0n });
  assert.throws(() => fromQuorumPacket({ type: PacketType.LEADERINFO, zxid: 0n, data: null, authinfo: null }, true), QuorumPacketError);
  assert.throws(() => fromQuorumPacket({ type: 99, zxid: 0n, data: null, authinfo: null }, true), /unknown quorum packet type 99/);
  assert.throws(() => fromQuorumPacket({ type: PacketType.PING, zxid: 0n, data: hex('00'), authinfo: null }, false), /multiple of 12/);
});
