import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SnapshotTrigger, randomSnapSizeThresholdBytes, randomSnapThreshold } from '../../../src/zookeeper/storage/snap-count.js';

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

/** Feeds one txn at a time with the log growing by stepBytes; returns the log size at which the trigger fired. */
function firesAtBytes(trigger: SnapshotTrigger, stepBytes: number): number {
  for (let logBytes = stepBytes; ; logBytes += stepBytes) if (trigger.onTxnLogged(logBytes)) return logBytes;
}

test('the size-based snapshot fires within (half, all] of snapSizeLimitInKb, where the random draw puts it', () => {
  const limitBytes = 4096 * 1024;
  const half = limitBytes / 2;
  // A snapCount far away, so that only the log size can fire.
  const low = new SnapshotTrigger(1_000_000_000, limitBytes, () => 0);
  assert.equal(low.thresholds.logBytes, half + 1);
  assert.equal(low.onTxnLogged(half), false, 'logSize > snapSize/2 + randSize is strict');
  assert.equal(low.onTxnLogged(half + 1), true);
  const high = new SnapshotTrigger(1_000_000_000, limitBytes, () => 0.9999999999);
  assert.equal(high.thresholds.logBytes, limitBytes);
  assert.equal(high.onTxnLogged(limitBytes - 1), false);
  assert.equal(high.onTxnLogged(limitBytes), true);
  const mid = new SnapshotTrigger(1_000_000_000, limitBytes, () => 0.25);
  assert.equal(firesAtBytes(mid, 1024), half + half / 4 + 1024, 'the first 1 KiB step past half + randSize');

  // Every draw lands in (half, all], and reset() draws again.
  let seed = 7;
  const random = () => ((seed = (seed * 48271) % 2147483647) - 1) / 2147483646;
  const trigger = new SnapshotTrigger(1_000_000_000, limitBytes, random);
  const seen = new Set<number>();
  for (let i = 0; i < 200; i++) {
    const at = firesAtBytes(trigger, 4096);
    assert.ok(at > half && at <= limitBytes + 4096 - 1, String(at));
    seen.add(trigger.thresholds.logBytes);
    trigger.reset();
  }
  assert.ok(seen.size > 150, 'the threshold is drawn again at each reset');
});

test('the count-based snapshot fires as before; a non-positive size limit only counts txns', () => {
  const trigger = new SnapshotTrigger(10, -1, () => 0);
  assert.deepEqual(trigger.thresholds, { txns: 6, logBytes: Infinity });
  for (let i = 1; i < 6; i++) assert.equal(trigger.onTxnLogged(Number.MAX_SAFE_INTEGER), false, `txn ${i}`);
  assert.equal(trigger.onTxnLogged(0), true, 'txn 6 > snapCount/2 + 0');
  trigger.reset();
  assert.equal(trigger.onTxnLogged(0), false, 'reset starts the count again');
});
