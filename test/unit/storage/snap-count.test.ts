import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomSnapSizeThresholdBytes, randomSnapThreshold } from '../../../src/zookeeper/storage/snap-count.js';

test('the snapshot threshold spans [snapCount/2+1, snapCount] like SyncRequestProcessor', () => {
  assert.equal(randomSnapThreshold(100000, () => 0), 50001);
  assert.equal(randomSnapThreshold(100000, () => 0.9999999999), 100000);
  assert.equal(randomSnapThreshold(100000, () => 0.5), 75001);
  assert.equal(randomSnapThreshold(2, () => 0.99), 2);
  assert.equal(randomSnapThreshold(3, () => 0.99), 2);
  for (let i = 0; i < 1000; i++) {
    const t = randomSnapThreshold(1001, Math.random);
    assert.ok(t >= 501 && t <= 1000, String(t));
  }
});

test('the size threshold is off when the limit is <= 0', () => {
  assert.equal(randomSnapSizeThresholdBytes(0, () => 0.3), Infinity);
  assert.equal(randomSnapSizeThresholdBytes(4096 * 1024, () => 0), 2048 * 1024 + 1);
});
