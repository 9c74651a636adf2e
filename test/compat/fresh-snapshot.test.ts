// A fresh data dir: our snapshot.0 is byte for byte Apache ZooKeeper 3.8's, up to the optional digest section
// that Apache appends and we do not write.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { apacheZooKeeperAvailable, startApacheZooKeeper } from '../support/apache-zk.js';
import { startOurZooKeeper } from '../support/our-zk.js';

const skip = apacheZooKeeperAvailable();

test('fresh snapshot.0 equals Apache 3.8 byte for byte', { skip: skip ?? false, timeout: 60_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'zk-fresh-snap-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const apache = await startApacheZooKeeper({ dataDir: join(dir, 'apache') });
  await apache.stop();
  const ours = await startOurZooKeeper({ dataDir: join(dir, 'ours') });
  await ours.stop();
  const theirs = readFileSync(join(dir, 'apache', 'version-2', 'snapshot.0'));
  const mine = readFileSync(join(dir, 'ours', 'version-2', 'snapshot.0'));
  assert.ok(mine.length > 300 && theirs.length > mine.length, `sizes ${mine.length} / ${theirs.length}`);
  assert.equal(theirs.subarray(0, mine.length).toString('hex'), mine.toString('hex'));
});
