import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as zlib from 'node:zlib';
import { Adler32, adler32 } from '../../../src/zookeeper/storage/adler32.js';

test('adler32 matches the published vectors', () => {
  assert.equal(adler32(Buffer.alloc(0)), 1);
  assert.equal(adler32(Buffer.from('a')), 0x00620062);
  assert.equal(adler32(Buffer.from('abc')), 0x024d0127);
  assert.equal(adler32(Buffer.from('Wikipedia')), 0x11e60398);
  assert.equal(adler32(Buffer.from('message digest')), 0x29750586);
  assert.equal(adler32(Buffer.from('abcdefghijklmnopqrstuvwxyz')), 0x90860b20);
});

test('adler32 agrees with the trailer zlib writes, across block boundaries and with 0xff runs', () => {
  const inputs = [Buffer.alloc(5552, 0xff), Buffer.alloc(5553, 0xff), Buffer.alloc(1 << 20, 0xff)];
  let seed = 12345;
  for (const size of [7, 100, 5551, 65536, 300_001]) {
    const b = Buffer.alloc(size);
    for (let i = 0; i < size; i++) b[i] = (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24;
    inputs.push(b);
  }
  for (const input of inputs) {
    const deflated = zlib.deflateSync(input);
    assert.equal(adler32(input), deflated.readUInt32BE(deflated.length - 4), `size ${input.length}`);
  }
});

test('a running checksum over pieces equals the checksum of the whole', () => {
  const whole = Buffer.from('The quick brown fox jumps over the lazy dog'.repeat(400));
  const running = new Adler32();
  for (let at = 0; at < whole.length; at += 997) running.update(whole, at, Math.min(whole.length, at + 997));
  assert.equal(running.value, adler32(whole));
  assert.equal(adler32(whole, 10, 20), adler32(whole.subarray(10, 20)));
});
