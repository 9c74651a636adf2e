import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { StatPersisted } from '../../../../src/zookeeper/jute/records.generated.js';
import { SnapBodyReader, SnapStreamError, decodeSnapBody, encodeSnapBody } from '../../../../src/zookeeper/ensemble/snap-stream.js';
import type { SnapshotNode } from '../../../../src/zookeeper/storage/snapshot.js';

const stat = (czxid: bigint, ephemeralOwner = 0n): StatPersisted => ({
  czxid, mzxid: czxid, ctime: 1000n, mtime: 2000n, version: 1, cversion: 2, aversion: 0, ephemeralOwner, pzxid: czxid,
});

const digestAcl = [{ perms: 31, id: { scheme: 'digest', id: 'u:x' } }];
const nodes: SnapshotNode[] = [
  { path: '', data: null, acl: null, stat: stat(0n) },
  { path: '/a', data: Buffer.from('hi'), acl: digestAcl, stat: stat(5n) },
  { path: '/a/e', data: Buffer.alloc(0), acl: digestAcl, stat: stat(6n, 0x77n) },
];

test('a SNAP body: sessions, ACL map, nodes and "/" as in a snapshot file, then "BenWasHere", no header or seal', () => {
  const body = encodeSnapBody({ zxid: 6n, sessions: [[0x77n, 4000]], nodes });
  const expected = Buffer.concat([
    Buffer.from('00000001' + '0000000000000077' + '00000fa0', 'hex'), // one session: id, timeout
    Buffer.from('00000001' + '0000000000000001' + '00000001' + '0000001f', 'hex'), // ACL map: key 1 → one ACL, perms 31
    Buffer.from('00000006', 'hex'), Buffer.from('digest'), Buffer.from('00000003', 'hex'), Buffer.from('u:x'),
  ]);
  assert.deepEqual(body.subarray(0, expected.length), expected);
  // The root first: path "" (length 0), null data (-1), the -1 ACL key.
  assert.deepEqual(body.subarray(expected.length, expected.length + 16), Buffer.from('00000000' + 'ffffffff' + 'ffffffffffffffff', 'hex'));
  assert.deepEqual(body.subarray(body.length - 19), Buffer.concat([Buffer.from('000000012f0000000a', 'hex'), Buffer.from('BenWasHere')]));

  const parsed = decodeSnapBody(body, 1 << 20);
  assert.ok(parsed.done);
  assert.equal(parsed.bytesRead, body.length);
  assert.deepEqual([...parsed.body.sessions], [[0x77n, 4000]]);
  assert.deepEqual(parsed.body.nodes, nodes);
});

test('a SNAP body arriving in pieces is not done until its signature is in; bytes after it are left alone', () => {
  const body = encodeSnapBody({ zxid: 6n, sessions: [], nodes });
  for (const cut of [0, 3, 20, body.length - 1]) assert.deepEqual(decodeSnapBody(body.subarray(0, cut), 1 << 20), { done: false });
  const parsed = decodeSnapBody(Buffer.concat([body, Buffer.from('next packet')]), 1 << 20);
  assert.ok(parsed.done);
  assert.equal(parsed.bytesRead, body.length);
});

test('a SNAP body read as it arrives, one byte at a time, keeps only the unfinished item and ends at its signature', () => {
  const body = encodeSnapBody({ zxid: 6n, sessions: [[1n, 2000], [2n, 3000]], nodes });
  const stream = Buffer.concat([body, Buffer.from([0xaa, 0xbb])]);
  const reader = new SnapBodyReader(1 << 20);
  let result: ReturnType<SnapBodyReader['push']> = null;
  for (let i = 0; i < stream.length && !result; i++) result = reader.push(stream.subarray(i, i + 1));
  assert.ok(result);
  assert.deepEqual([...result.body.sessions], [[1n, 2000], [2n, 3000]]);
  assert.deepEqual(result.body.nodes, nodes);
  assert.deepEqual(result.rest, Buffer.alloc(0));
  // Fed in two pieces, what follows the signature comes back.
  const two = new SnapBodyReader(1 << 20);
  assert.equal(two.push(stream.subarray(0, 40)), null);
  assert.deepEqual(two.push(stream.subarray(40))?.rest, Buffer.from([0xaa, 0xbb]));
});

test('a SNAP body with the wrong signature or an unknown ACL key is refused', () => {
  const body = encodeSnapBody({ zxid: 6n, sessions: [], nodes });
  const wrong = Buffer.from(body);
  wrong.write('X', wrong.length - 1);
  assert.throws(() => decodeSnapBody(wrong, 1 << 20), (e: unknown) => e instanceof SnapStreamError && /Missing signature. Got BenWasHerX/.test(e.message));
  // ACL map with no entries, then a node naming key 1.
  const noAcls = encodeSnapBody({ zxid: 6n, sessions: [], nodes: [nodes[0]!] });
  const tampered = Buffer.concat([noAcls.subarray(0, 8), Buffer.from('00000000' + 'ffffffff' + '0000000000000001', 'hex'), noAcls.subarray(24)]);
  assert.throws(() => decodeSnapBody(tampered, 1 << 20), /ACL key 1 of {2}is not in/);
});
