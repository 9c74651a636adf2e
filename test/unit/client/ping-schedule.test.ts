import assert from 'node:assert/strict';
import { test } from 'node:test';
import { msUntilPing } from '../../../src/zookeeper/client/connection.js';

test('ping schedule: readTimeout/2 idle, a second earlier past 1 s idle, at most every 10 s', () => {
  assert.equal(msUntilPing(0, 4000), 1001); // wakes just past the 1 s step
  assert.equal(msUntilPing(1001, 4000), 0); // 2000 - 1001 - 1000 < 0
  assert.equal(msUntilPing(500, 600), 0);
  assert.equal(msUntilPing(0, 600), 300);
  assert.equal(msUntilPing(5000, 40_000), 5001); // the 10 s cap
  assert.equal(msUntilPing(10_001, 40_000), 0);
});
