// Replies written with their length computed up front, large data passed by reference, must be byte for byte
// the frames the generic encoder writes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { codecOf } from '../../../src/zookeeper/jute/codec.js';
import { Err, OpCode } from '../../../src/zookeeper/jute/constants.js';
import {
  MULTI_END_BYTES, REPLY_HEADER_BYTES, encodeMultiResponse, encodeServerFrame, getDataResponseBytes, multiReadResultBytes,
  type MultiResult,
} from '../../../src/zookeeper/jute/protocol-frames.js';
import type { GetDataResponse, Stat } from '../../../src/zookeeper/jute/records.generated.js';
import { JuteWriter } from '../../../src/zookeeper/jute/writer.js';
import { BY_REFERENCE_MIN_BYTES, ReplyWriter } from '../../../src/zookeeper/server/reply-writer.js';

const stat: Stat = {
  czxid: 1n, mzxid: 2n, ctime: 3n, mtime: 4n, version: 5, cversion: 6, aversion: 7, ephemeralOwner: 8n, dataLength: 9, numChildren: 10, pzxid: 11n,
};
const big = Buffer.alloc(BY_REFERENCE_MIN_BYTES * 3, 0xab);
const header = { xid: 7, zxid: 42n, err: 0 };

/** What a ReplyWriter hands to its socket, in order, followed by what it still holds. */
function written(write: (w: ReplyWriter) => void): { bytes: Buffer; pieces: Buffer[] } {
  const pieces: Buffer[] = [];
  const w = new ReplyWriter(64, (b) => pieces.push(b));
  write(w);
  pieces.push(Buffer.from(w.bytes()));
  return { bytes: Buffer.concat(pieces), pieces };
}

for (const [name, data] of [['null', null], ['empty', Buffer.alloc(0)], ['small', Buffer.from('hello')], ['large', big]] as const) {
  test(`a getData reply with ${name} data matches the generic encoding`, () => {
    const value: GetDataResponse = { data, stat };
    const expected = encodeServerFrame({ kind: 'reply', header, body: value }, OpCode.getData);
    const { bytes, pieces } = written((w) =>
      w.knownLengthFrame(REPLY_HEADER_BYTES + getDataResponseBytes(data), (body) => {
        codecOf('ReplyHeader').write(body, header);
        codecOf('GetDataResponse').write(body, value);
      }),
    );
    assert.deepEqual(bytes, expected);
    // The large buffer itself went to the socket, not a copy of it.
    if (data === big) assert.ok(pieces.includes(big));
    else assert.equal(pieces.length, 1);
  });
}

test('multiRead results: the computed size is the encoded size, and large data goes by reference', () => {
  const results: MultiResult[] = [
    { type: OpCode.getData, err: 0, response: { data: big, stat } },
    { type: OpCode.getChildren, err: 0, response: { children: ['a', 'zwölf', '日本', ''] } },
    { type: OpCode.getChildren, err: 0, response: { children: [] } },
    { type: OpCode.error, err: Err.NONODE, response: { err: Err.NONODE } },
    { type: OpCode.getData, err: 0, response: { data: null, stat } },
    { type: OpCode.getData, err: 0, response: { data: big, stat } },
  ];
  const bodyBytes = REPLY_HEADER_BYTES + MULTI_END_BYTES + results.reduce((n, r) => n + multiReadResultBytes(r), 0);
  const generic = new JuteWriter();
  codecOf('ReplyHeader').write(generic, header);
  encodeMultiResponse(generic, results);
  assert.equal(bodyBytes, generic.pos);
  const expected = encodeServerFrame({ kind: 'reply', header, body: results }, OpCode.multiRead);
  const { bytes, pieces } = written((w) =>
    w.knownLengthFrame(bodyBytes, (body) => {
      codecOf('ReplyHeader').write(body, header);
      encodeMultiResponse(body, results);
    }),
  );
  assert.deepEqual(bytes, expected);
  assert.equal(pieces.filter((p) => p === big).length, 2);
});

test('a body that does not match its length prefix is refused', () => {
  const w = new ReplyWriter(64, () => {});
  assert.throws(() => w.knownLengthFrame(REPLY_HEADER_BYTES + 1, (body) => codecOf('ReplyHeader').write(body, header)), /reply body is 16 bytes/);
});

test('outside a known-length frame, large buffers are copied as usual', () => {
  const pieces: Buffer[] = [];
  const w = new ReplyWriter(64, (b) => pieces.push(b));
  w.buffer(big);
  assert.equal(pieces.length, 0);
  assert.equal(w.pos, 4 + big.length);
});
