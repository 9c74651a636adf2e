// Frame paths the recordings do not reach: unknown opcodes, bad bodies, multi results built by a server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { JuteReader, JuteWriter, MarshallingError, OpCode } from '../../../src/zookeeper/jute/index.js';
import {
  decodeClientFrame,
  decodeMultiRequest,
  decodeMultiResponse,
  decodeServerFrame,
  encodeClientFrame,
  encodeMultiResponse,
  encodeServerFrame,
  isKnownOpcode,
  RequestBodyError,
  REQUEST_RECORD,
  RESPONSE_RECORD,
  MULTI_OPS,
} from '../../../src/zookeeper/jute/protocol-frames.js';

const noPending = () => undefined;

test('every client opcode has a request and a response entry', () => {
  for (const [name, code] of Object.entries(OpCode)) {
    if (code === OpCode.notification || code === OpCode.error) continue;
    assert.ok(isKnownOpcode(code), `${name} known`);
    if (!MULTI_OPS[code]) assert.ok(RESPONSE_RECORD[code] !== undefined, `${name} has a response entry`);
  }
  assert.equal(isKnownOpcode(999), false);
  assert.equal(isKnownOpcode(OpCode.notification), false);
  assert.equal(REQUEST_RECORD[OpCode.multi], undefined, 'multi bodies are not a single record');
});

test('a request with an unknown opcode keeps its header and raw body', () => {
  const frame = { kind: 'request' as const, header: { xid: 3, type: 999 }, body: Buffer.from([1, 2, 3]) };
  const bytes = encodeClientFrame(frame);
  assert.equal(bytes.toString('hex'), '0000000b' + '00000003000003e7' + '010203');
  assert.deepEqual(decodeClientFrame(bytes.subarray(4), false), frame);
});

test('a body that does not parse throws RequestBodyError carrying the header', () => {
  const payload = Buffer.from('0000000800000004' + '000000012f', 'hex');
  assert.throws(() => decodeClientFrame(payload, false), (err: unknown) => {
    assert.ok(err instanceof RequestBodyError && err instanceof MarshallingError);
    assert.deepEqual(err.header, { xid: 8, type: OpCode.getData });
    return true;
  });
  assert.throws(() => decodeClientFrame(Buffer.from('000001', 'hex'), false), MarshallingError, 'shorter than a header');
});

test('multi refuses read ops and multiRead refuses writes', () => {
  const ops = [{ type: OpCode.getData, request: { path: '/', watch: false } }];
  const multi = encodeClientFrame({ kind: 'request', header: { xid: 1, type: OpCode.multi }, body: ops });
  assert.throws(() => decodeClientFrame(multi.subarray(4), false), RequestBodyError);
  const multiRead = encodeClientFrame({ kind: 'request', header: { xid: 1, type: OpCode.multiRead }, body: ops });
  assert.deepEqual(decodeClientFrame(multiRead.subarray(4), false), { kind: 'request', header: { xid: 1, type: OpCode.multiRead }, body: ops });
  const w = new JuteWriter();
  w.raw(Buffer.from('00000001 00 ffffffff'.replace(/ /g, ''), 'hex'));
  assert.throws(() => decodeMultiRequest(new JuteReader(Buffer.from(w.bytes())), () => true), MarshallingError, 'missing end header');
});

test('a failed multi result list: error results get ErrorResponse bodies and the end marker', () => {
  const w = new JuteWriter();
  encodeMultiResponse(w, [
    { type: OpCode.error, err: 0 },
    { type: OpCode.error, err: -103 },
    { type: OpCode.check, err: 0 },
  ]);
  const bytes = Buffer.from(w.bytes());
  assert.equal(
    bytes.toString('hex'),
    'ffffffff' + '00' + '00000000' + '00000000' +
      'ffffffff' + '00' + 'ffffff99' + 'ffffff99' +
      '0000000d' + '00' + '00000000' +
      'ffffffff' + '01' + 'ffffffff',
  );
  assert.deepEqual(decodeMultiResponse(new JuteReader(bytes)), [
    { type: OpCode.error, err: 0, response: { err: 0 } },
    { type: OpCode.error, err: -103, response: { err: -103 } },
    { type: OpCode.check, err: 0 },
  ]);
});

test('server frames: special xids need no opcode, error replies carry no body', () => {
  const event = { kind: 'reply' as const, header: { xid: -1, zxid: -1n, err: 0 }, body: { type: 3, state: 3, path: '/a' } };
  const bytes = encodeServerFrame(event);
  assert.deepEqual(decodeServerFrame(bytes.subarray(4), false, noPending), event);

  const ping = { kind: 'reply' as const, header: { xid: -2, zxid: 5n, err: 0 }, body: undefined };
  assert.equal(encodeServerFrame(ping).length, 20);
  assert.deepEqual(decodeServerFrame(encodeServerFrame(ping).subarray(4), false, noPending), ping);

  const failed = { kind: 'reply' as const, header: { xid: 4, zxid: 9n, err: -101 }, body: undefined };
  assert.deepEqual(decodeServerFrame(encodeServerFrame(failed).subarray(4), false, noPending), failed);

  const ok = { kind: 'reply' as const, header: { xid: 4, zxid: 9n, err: 0 }, body: { err: 0 } };
  assert.throws(() => encodeServerFrame(ok), /opcode needed/);
  const addWatchReply = encodeServerFrame(ok, OpCode.addWatch);
  assert.equal(addWatchReply.length, 24);
  assert.throws(() => decodeServerFrame(addWatchReply.subarray(4), false, noPending), MarshallingError, 'unknown xid');
  assert.deepEqual(decodeServerFrame(addWatchReply.subarray(4), false, () => OpCode.addWatch), ok);
});
