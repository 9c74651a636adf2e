// Exact bytes of the jute primitives and records, and rejection of truncated or absurd input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decode, encode, JuteReader, MarshallingError, codecOf, type RecordName } from '../../../src/zookeeper/jute/index.js';
import type { ConnectRequest, Stat } from '../../../src/zookeeper/jute/index.js';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

function assertBytes(name: RecordName, value: unknown, expectedHex: string): void {
  const want = hex(expectedHex);
  const got = encode(name, value as never);
  assert.equal(got.toString('hex'), want.toString('hex'), `${name} encoding`);
  assert.deepEqual(decode(name, want), value, `${name} decoding`);
}

const STAT: Stat = {
  czxid: 0x0102030405060708n,
  mzxid: -2n,
  ctime: 1_700_000_000_000n,
  mtime: -9223372036854775808n,
  version: 7,
  cversion: -1,
  aversion: 0x7fffffff,
  ephemeralOwner: 0x10000653a550000n,
  dataLength: 6144,
  numChildren: 3,
  pzxid: 9223372036854775807n,
};
const STAT_HEX =
  '0102030405060708 fffffffffffffffe 0000018bcfe56800 8000000000000000' +
  '00000007 ffffffff 7fffffff 010000653a550000 00001800 00000003 7fffffffffffffff';

test('ustring: null is length -1, empty is length 0', () => {
  assertBytes('SyncRequest', { path: null }, 'ffffffff');
  assertBytes('SyncRequest', { path: '' }, '00000000');
  assertBytes('SyncRequest', { path: '/é' }, '00000003 2fc3a9');
});

test('buffer: null is length -1, empty is length 0', () => {
  assertBytes('GetSASLRequest', { token: null }, 'ffffffff');
  assertBytes('GetSASLRequest', { token: Buffer.alloc(0) }, '00000000');
  assertBytes('GetSASLRequest', { token: Buffer.from('abcd') }, '00000004 61626364');
  assert.equal(decode('GetSASLRequest', hex('ffffffff')).token, null);
  assert.equal(decode('GetSASLRequest', hex('00000000')).token?.length, 0);
});

test('int, long and boolean: big-endian two\'s complement, negative values included', () => {
  assertBytes('ReplyHeader', { xid: -1, zxid: -1n, err: 0 }, 'ffffffff ffffffffffffffff 00000000');
  assertBytes('ReplyHeader', { xid: -2, zxid: -9223372036854775808n, err: -101 }, 'fffffffe 8000000000000000 ffffff9b');
  assertBytes('ExistsRequest', { path: '/a', watch: true }, '00000002 2f61 01');
  assertBytes('ExistsRequest', { path: '/a', watch: false }, '00000002 2f61 00');
  assert.equal(decode('ExistsRequest', hex('00000002 2f61 07')).watch, true, 'any non-zero byte reads as true');
  assert.equal(encode('ReplyHeader', { xid: 0, zxid: 0xffffffffffffffffn, err: 0 }).subarray(4, 12).toString('hex'), 'ffffffffffffffff');
});

test('vectors: null is -1, empty is 0, items follow the count', () => {
  assertBytes('GetChildrenResponse', { children: null }, 'ffffffff');
  assertBytes('GetChildrenResponse', { children: [] }, '00000000');
  assertBytes('GetChildrenResponse', { children: ['a', 'bc', null] }, '00000003 00000001 61 00000002 6263 ffffffff');
  assertBytes(
    'SetACLRequest',
    { path: '/x', acl: [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }], version: -1 },
    '00000002 2f78 00000001 0000001f 00000005 776f726c64 00000006 616e796f6e65 ffffffff',
  );
});

test('Stat is 68 bytes in field order', () => {
  const bytes = encode('Stat', STAT);
  assert.equal(bytes.length, 68);
  assert.equal(bytes.toString('hex'), hex(STAT_HEX).toString('hex'));
  assert.deepEqual(decode('Stat', bytes), STAT);
  assertBytes('ExistsResponse', { stat: STAT }, STAT_HEX);
});

test('ConnectRequest is 44 bytes without readOnly and 45 with it; ConnectResponse 36 and 37', () => {
  const req: ConnectRequest = { protocolVersion: 0, lastZxidSeen: 0n, timeOut: 10000, sessionId: 0n, passwd: Buffer.alloc(16) };
  const base = '00000000 0000000000000000 00002710 0000000000000000 00000010 00000000000000000000000000000000';
  assert.equal(encode('ConnectRequest', req).length, 44);
  assertBytes('ConnectRequest', req, base);
  assert.equal('readOnly' in decode('ConnectRequest', hex(base)), false, 'absent readOnly stays absent');
  assertBytes('ConnectRequest', { ...req, readOnly: true }, base + '01');
  assertBytes('ConnectRequest', { ...req, readOnly: false }, base + '00');
  assert.equal(encode('ConnectRequest', { ...req, readOnly: false }).length, 45);

  const resp = { protocolVersion: 0, timeOut: 4000, sessionId: 0x10000653a550000n, passwd: Buffer.alloc(16, 0xab) };
  assert.equal(encode('ConnectResponse', resp).length, 36);
  assert.equal(encode('ConnectResponse', { ...resp, readOnly: false }).length, 37);
  assert.deepEqual(decode('ConnectResponse', encode('ConnectResponse', { ...resp, readOnly: true })), { ...resp, readOnly: true });
});

test('decode honours start and end', () => {
  const buf = Buffer.concat([hex('aaaa'), encode('SyncRequest', { path: '/q' }), hex('bbbb')]);
  assert.deepEqual(decode('SyncRequest', buf, 2, buf.length - 2), { path: '/q' });
  assert.throws(() => decode('SyncRequest', buf, 2, 7), MarshallingError, 'end cuts the string');
});

test('every truncation of a record throws MarshallingError', () => {
  const cases: [RecordName, unknown][] = [
    ['Stat', STAT],
    ['CreateRequest', { path: '/a', data: Buffer.from('xyz'), acl: [{ perms: 1, id: { scheme: 'ip', id: '1.2.3.4' } }], flags: 0 }],
    ['GetChildren2Response', { children: ['x', 'y'], stat: STAT }],
    ['ReplyHeader', { xid: 1, zxid: 2n, err: 0 }],
  ];
  for (const [name, value] of cases) {
    const bytes = encode(name, value as never);
    for (let len = 0; len < bytes.length; len++) {
      assert.throws(() => decode(name, bytes.subarray(0, len)), MarshallingError, `${name} cut to ${len} bytes`);
    }
  }
  const connect = encode('ConnectRequest', { protocolVersion: 0, lastZxidSeen: 0n, timeOut: 1, sessionId: 0n, passwd: Buffer.alloc(16), readOnly: true });
  assert.throws(() => decode('ConnectRequest', connect.subarray(0, 43)), MarshallingError);
});

test('unreasonable lengths throw MarshallingError before allocating', () => {
  assert.throws(() => decode('SyncRequest', hex('fffffffe')), MarshallingError, 'string length -2');
  assert.throws(() => decode('SyncRequest', hex('80000000')), MarshallingError, 'string length -2^31');
  assert.throws(() => decode('SyncRequest', hex('7fffffff 2f')), MarshallingError, 'string length 2^31-1');
  assert.throws(() => decode('GetSASLRequest', hex('00200000 00')), MarshallingError, 'buffer over the 2 MiB limit');
  assert.throws(() => decode('GetSASLRequest', hex('00000005 0102')), MarshallingError, 'buffer longer than the frame');
  assert.throws(() => decode('GetChildrenResponse', hex('7fffffff 00000000')), MarshallingError, 'vector count 2^31-1');
  assert.throws(() => decode('GetChildrenResponse', hex('fffffffe')), MarshallingError, 'vector count -2');
  const small = new JuteReader(hex('00000005 6162636465'), 0, 9, 4);
  assert.throws(() => codecOf('SyncRequest').read(small), MarshallingError, 'reader limit below the length');
});
