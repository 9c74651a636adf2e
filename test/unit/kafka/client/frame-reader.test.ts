// The client's read path: responses read straight into buffers the FrameReader chooses, split into frames
// whatever the read boundaries, every frame still intact once later reads have happened.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FrameReader } from '../../../../src/kafka/client/network/frame-reader.js';
import { FrameTooLargeError } from '../../../../src/kafka/client/network/frame-decoder.js';

/** A frame body of `size` bytes whose content depends on `seed` and the position. */
function body(size: number, seed: number): Buffer {
  const b = Buffer.allocUnsafe(size);
  for (let i = 0; i < size; i++) b[i] = (i * 31 + seed * 7) & 0xff;
  return b;
}

function framed(bodies: Buffer[]): Buffer {
  return Buffer.concat(bodies.flatMap((b) => {
    const head = Buffer.allocUnsafe(4);
    head.writeInt32BE(b.length);
    return [head, b];
  }));
}

/** Feeds `stream` as a socket would: each read fills at most the buffer offered and at most the next read size. */
function feed(reader: FrameReader, stream: Buffer, readSizes: (i: number) => number): void {
  let pos = 0;
  for (let i = 0; pos < stream.length; i++) {
    const target = reader.buffer();
    assert.ok(target.length > 0, 'the reader offers room to read into');
    const n = Math.min(target.length, readSizes(i), stream.length - pos);
    stream.copy(target, 0, pos, pos + n);
    pos += n;
    reader.read(n);
  }
}

function readAll(bodies: Buffer[], readSizes: (i: number) => number, receiveBytes?: number): Buffer[] {
  const frames: Buffer[] = [];
  const reader = new FrameReader(64 * 1024 * 1024, (f) => frames.push(f), receiveBytes);
  feed(reader, framed(bodies), readSizes);
  return frames;
}

function assertFrames(frames: Buffer[], bodies: Buffer[]): void {
  assert.equal(frames.length, bodies.length);
  // Checked only after all reads: a frame handed out must not be overwritten by later reads.
  for (let i = 0; i < bodies.length; i++) assert.ok(frames[i]!.equals(bodies[i]!), `frame ${i} (${bodies[i]!.length} bytes) intact`);
}

test('responses split at every possible place come out whole and stay intact', () => {
  const bodies = [body(5, 1), body(0, 2), body(13, 3), body(1, 4), body(40, 5), body(7, 6)];
  const total = framed(bodies).length;
  for (const receiveBytes of [16, 23, 64, 64 * 1024]) {
    for (let cut = 1; cut < total; cut++) {
      // Reads of `cut` bytes, then one byte, then the rest: boundaries fall inside size prefixes and bodies.
      assertFrames(readAll(bodies, (i) => (i === 0 ? cut : i === 1 ? 1 : total), receiveBytes), bodies);
    }
    for (const step of [1, 2, 3, 5, 7]) assertFrames(readAll(bodies, () => step, receiveBytes), bodies);
  }
});

test('several responses in one read are all handed out', () => {
  const bodies = Array.from({ length: 200 }, (_, i) => body(i % 37, i));
  const frames: Buffer[] = [];
  const reader = new FrameReader(1024, (f) => frames.push(f));
  const stream = framed(bodies);
  const target = reader.buffer();
  assert.ok(target.length >= stream.length);
  stream.copy(target);
  reader.read(stream.length);
  assertFrames(frames, bodies);
});

test('a large response is read into a buffer of its size, between small ones, at odd read sizes', () => {
  const bodies = [body(10, 1), body(3 * 1024 * 1024 + 17, 2), body(20, 3), body(100 * 1024 + 1, 4), body(100_000, 5), body(3, 6)];
  for (const step of [65_536, 4_093, 1_000_003]) {
    const frames = readAll(bodies, () => step);
    assertFrames(frames, bodies);
    const large = frames[1]!;
    assert.equal(large.byteOffset, 0, 'the large frame has a buffer of its own');
    assert.ok(large.buffer.byteLength >= bodies[1]!.length);
    assert.notEqual(large.buffer, frames[3]!.buffer);
  }
});

test('a recycled large frame buffer takes a later large response, and only then', () => {
  const frames: Buffer[] = [];
  const reader = new FrameReader(64 * 1024 * 1024, (f) => frames.push(f));
  const first = [body(1_000_000, 1), body(12, 2)];
  feed(reader, framed(first), () => 65_536);
  assertFrames(frames, first);
  // Not recycled: the next large response gets other memory, and the first stays intact.
  const second = body(1_000_100, 3);
  feed(reader, framed([second]), () => 65_536);
  assert.notEqual(frames[2]!.buffer, frames[0]!.buffer);
  assertFrames(frames, [...first, second]);
  const firstMemory = frames[0]!.buffer;
  reader.recycle(frames[0]!.subarray(10, 20));
  reader.recycle(frames[0]!);
  reader.recycle(frames[1]!); // a small frame's buffer is not the reader's to reuse
  const third = body(1_000_050, 4);
  const fourth = body(1_000_070, 5);
  feed(reader, framed([third, body(7, 6), fourth]), (i) => (i % 2 === 0 ? 65_536 : 3_001));
  assert.equal(frames[3]!.buffer, firstMemory, 'the recycled memory takes the next large response');
  assert.equal(frames[3]!.length, third.length);
  assert.notEqual(frames[5]!.buffer, firstMemory, 'recycled twice, it is still used once');
  assert.ok(frames[3]!.equals(third) && frames[5]!.equals(fourth) && frames[2]!.equals(second));
});

test('a size over the cap is refused before the frame is read', () => {
  const reader = new FrameReader(1000, () => assert.fail('no frame'));
  const target = reader.buffer();
  target.writeInt32BE(1001, 0);
  assert.throws(() => reader.read(4), FrameTooLargeError);
  const negative = new FrameReader(1000, () => assert.fail('no frame'));
  negative.buffer().writeInt32BE(-1, 0);
  assert.throws(() => negative.read(4), FrameTooLargeError);
});
