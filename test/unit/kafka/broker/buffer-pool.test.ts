import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BufferPool } from '../../../../src/kafka/broker/buffer-pool.js';

test('a returned buffer is handed out again for a request of similar size', () => {
  const pool = new BufferPool(16 * 1024 * 1024);
  const a = pool.acquire(100_000);
  assert.equal(a.length, 100_000);
  assert.ok(pool.owns(a));
  pool.release(a);
  assert.ok(!pool.owns(a));
  assert.equal(pool.idleBytes, 128 * 1024, 'sizes are rounded up to 64 KiB');
  const b = pool.acquire(90_000);
  assert.equal(b.length, 90_000);
  assert.equal(b.buffer, a.buffer);
  assert.equal(pool.idleBytes, 0);
});

test('buffers not from the pool, and a second return of the same one, are ignored', () => {
  const pool = new BufferPool(16 * 1024 * 1024);
  pool.release(Buffer.allocUnsafeSlow(200_000));
  assert.equal(pool.idleBytes, 0);
  const a = pool.acquire(70_000);
  pool.release(a);
  pool.release(a);
  assert.equal(pool.idleBytes, 128 * 1024);
  const b = pool.acquire(70_000);
  const c = pool.acquire(70_000);
  assert.notEqual(b.buffer, c.buffer, 'one return hands the buffer out once');
});

test('a free buffer far larger than asked stays free; the bytes kept free are bounded', () => {
  const pool = new BufferPool(1024 * 1024);
  const big = pool.acquire(1024 * 1024);
  pool.release(big);
  const small = pool.acquire(10_000);
  assert.notEqual(small.buffer, big.buffer);
  assert.equal(pool.idleBytes, 1024 * 1024);
  pool.release(small);
  assert.equal(pool.idleBytes, 1024 * 1024, 'past the bound a returned buffer is dropped');
});
