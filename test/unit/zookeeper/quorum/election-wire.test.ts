// Election port bytes, built field by field from Apache 3.8's QuorumCnxManager (initial message) and
// FastLeaderElection.buildMsg / WorkerReceiver (notifications).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  decodeNotification, ElectionWireError, encodeInitialMessage, encodeLegacyInitialMessage, encodeNotification, frameElectionMessage,
  parseElectionFrame, parseInitialMessage, PROTOCOL_VERSION_V2, ServerState,
} from '../../../../src/zookeeper/quorum/wire/election-messages.js';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

test('initial message V1: version -65536, sid, address length and host:port', () => {
  const golden = hex('ffffffffffff0000 0000000000000002 0000000e') ;
  const bytes = encodeInitialMessage(2n, ['127.0.0.1:3888']);
  assert.deepEqual(bytes, Buffer.concat([golden, Buffer.from('127.0.0.1:3888')]));
  const parsed = parseInitialMessage(bytes);
  assert.deepEqual(parsed, { done: true, bytesRead: 34, message: { protocolVersion: -65536n, sid: 2n, electionAddresses: ['127.0.0.1:3888'] } });
  assert.deepEqual(parseInitialMessage(bytes.subarray(0, 25)), { done: false });
});

test('initial message V2 joins several addresses with |; V1 sends only the first', () => {
  const v2 = encodeInitialMessage(7n, ['10.0.0.1:3888', '10.0.0.2:3888'], PROTOCOL_VERSION_V2);
  assert.deepEqual(v2.subarray(0, 8), hex('ffffffffffff0001'));
  assert.equal(v2.toString('utf8', 20), '10.0.0.1:3888|10.0.0.2:3888');
  const r = parseInitialMessage(v2);
  assert.ok(r.done);
  assert.deepEqual(r.message.electionAddresses, ['10.0.0.1:3888', '10.0.0.2:3888']);
  assert.equal(encodeInitialMessage(7n, ['10.0.0.1:3888', '10.0.0.2:3888']).toString('utf8', 20), '10.0.0.1:3888');
});

test('the legacy handshake is the bare sid; bad versions, lengths and addresses are refused', () => {
  assert.deepEqual(encodeLegacyInitialMessage(3n), hex('0000000000000003'));
  assert.deepEqual(parseInitialMessage(hex('0000000000000003')), { done: true, bytesRead: 8, message: { protocolVersion: 3n, sid: 3n, electionAddresses: [] } });
  assert.throws(() => parseInitialMessage(hex('fffffffffffffff0 0000000000000001 00000001 41')), ElectionWireError);
  assert.throws(() => parseInitialMessage(hex('ffffffffffff0000 0000000000000001 00000000')), /Unreasonable buffer length: 0/);
  assert.throws(() => parseInitialMessage(hex('ffffffffffff0000 0000000000000001 00000801')), /Unreasonable buffer length: 2049/);
  assert.throws(() => parseInitialMessage(Buffer.concat([hex('ffffffffffff0000 0000000000000001 00000004'), Buffer.from('host')])), /Badly formed address/);
});

test('notification v2: state, leader, zxid, electionEpoch, peerEpoch, version, config length and text', () => {
  const config = Buffer.from('version=0');
  const golden = Buffer.concat([hex('00000000 0000000000000003 0000000100000005 0000000000000002 0000000000000001 00000002 00000009'), config]);
  const n = { state: ServerState.LOOKING, leader: 3n, zxid: 0x100000005n, electionEpoch: 2n, peerEpoch: 1n, config };
  assert.deepEqual(encodeNotification(n), golden);
  assert.deepEqual(decodeNotification(golden), { ...n, version: 2 });
  assert.deepEqual(frameElectionMessage(golden).subarray(0, 4), hex('00000035'));
});

test('old notification forms: 28 bytes take peerEpoch from the zxid, 40 bytes ignore the trailing int', () => {
  const base = hex('00000002 0000000000000001 0000000400000009 0000000000000007');
  assert.deepEqual(decodeNotification(base), { state: ServerState.LEADING, leader: 1n, zxid: 0x400000009n, electionEpoch: 7n, peerEpoch: 4n, version: 0, config: Buffer.alloc(0) });
  const forty = Buffer.concat([base, hex('0000000000000003 00000001')]);
  assert.deepEqual(decodeNotification(forty), { state: ServerState.LEADING, leader: 1n, zxid: 0x400000009n, electionEpoch: 7n, peerEpoch: 3n, version: 0, config: Buffer.alloc(0) });
  // Version 1 (44 bytes, no config read).
  const v1 = Buffer.concat([base, hex('0000000000000003 00000001 00000000')]);
  assert.equal(decodeNotification(v1)?.version, 1);
});

test('notifications the receiver drops: too short, unknown state, bad config length', () => {
  assert.equal(decodeNotification(Buffer.alloc(27)), null);
  const unknownState = Buffer.concat([hex('00000004'), Buffer.alloc(24)]);
  assert.equal(decodeNotification(unknownState), null);
  const n = encodeNotification({ state: ServerState.FOLLOWING, leader: 1n, zxid: 0n, electionEpoch: 1n, peerEpoch: 0n, config: Buffer.from('abc') });
  n.writeInt32BE(100, 40);
  assert.equal(decodeNotification(n), null);
  n.writeInt32BE(-1, 40);
  assert.equal(decodeNotification(n), null);
});

test('election frames: int length prefix, 1..512 KiB', () => {
  const f = frameElectionMessage(Buffer.from('abc'));
  assert.deepEqual(f, hex('00000003 616263'));
  assert.deepEqual(parseElectionFrame(f), { done: true, payload: Buffer.from('abc'), bytesRead: 7 });
  assert.deepEqual(parseElectionFrame(f.subarray(0, 5)), { done: false });
  assert.throws(() => parseElectionFrame(hex('00000000')), ElectionWireError);
  assert.throws(() => parseElectionFrame(hex('00080001')), ElectionWireError);
});
