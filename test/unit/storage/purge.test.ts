import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { purge, startAutopurge } from '../../../src/zookeeper/storage/purge.js';
import { serializeSnapshot } from '../../../src/zookeeper/storage/snapshot.js';
import { rmDir, sampleTree, tmpDir } from './helpers.js';

function layout(snapDir: string, logDir: string, snaps: number[], logs: number[]): void {
  fs.mkdirSync(snapDir, { recursive: true });
  fs.mkdirSync(logDir, { recursive: true });
  const snapshot = Buffer.concat(serializeSnapshot({ zxid: 0n, sessions: [], nodes: sampleTree() }));
  for (const z of snaps) fs.writeFileSync(path.join(snapDir, `snapshot.${z.toString(16)}`), snapshot);
  for (const z of logs) fs.writeFileSync(path.join(logDir, `log.${z.toString(16)}`), 'x');
}

test('purge keeps the newest N snapshots and the logs from the one at or before the oldest kept', () => {
  const dir = tmpDir();
  try {
    const snapDir = path.join(dir, 'data', 'version-2');
    const logDir = path.join(dir, 'logs', 'version-2');
    layout(snapDir, logDir, [0x0, 0x10, 0x20, 0x30, 0x40], [0x1, 0xf, 0x1a, 0x21, 0x35]);
    fs.writeFileSync(path.join(snapDir, 'myid-not-a-snapshot'), '1');
    const { removed } = purge(snapDir, logDir, 3);
    assert.deepEqual(removed.map((f) => path.basename(f)).sort(), ['log.1', 'log.f', 'snapshot.0', 'snapshot.10'].sort());
    assert.deepEqual(fs.readdirSync(snapDir).sort(), ['myid-not-a-snapshot', 'snapshot.20', 'snapshot.30', 'snapshot.40']);
    // log.1a starts before snapshot.20 and may hold txns after it.
    assert.deepEqual(fs.readdirSync(logDir).sort(), ['log.1a', 'log.21', 'log.35']);
    assert.deepEqual(purge(snapDir, logDir, 3).removed, []);
  } finally {
    rmDir(dir);
  }
});

test('invalid (incomplete) snapshots do not count toward the retained ones', () => {
  const dir = tmpDir();
  try {
    layout(dir, dir, [1, 2, 3], [1]);
    fs.writeFileSync(path.join(dir, 'snapshot.4'), 'torn');
    assert.deepEqual(purge(dir, dir, 3).removed, []);
    layout(dir, dir, [5], []);
    assert.deepEqual(purge(dir, dir, 3).removed.map((f) => path.basename(f)), ['snapshot.1']);
    assert.ok(fs.existsSync(path.join(dir, 'log.1')), 'log.1 starts at or before snapshot.2');
  } finally {
    rmDir(dir);
  }
});

test('a retain count below 3 is refused', () => {
  assert.throws(() => purge('/nonexistent', '/nonexistent', 2), /count should be greater than or equal to 3/);
});

test('autopurge runs at once, logs like DatadirCleanupManager, and stops', async () => {
  const dir = tmpDir();
  try {
    layout(dir, dir, [1, 2, 3, 4], [1, 2, 3]);
    const lines: string[] = [];
    const task = startAutopurge(dir, dir, 3, 1, (l) => lines.push(l));
    const deadline = performance.now() + 30_000;
    while (!lines.includes('Purge task completed.') && performance.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    task.stop();
    assert.deepEqual(lines.slice(0, 3), ['autopurge.snapRetainCount set to 3', 'autopurge.purgeInterval set to 1', 'Purge task started.']);
    assert.ok(lines.includes(`Removing file: ${path.join(dir, 'snapshot.1')}`));
    assert.ok(lines.includes(`Removing file: ${path.join(dir, 'log.1')}`));
    assert.equal(lines.at(-1), 'Shutting down purge task.');
    const off: string[] = [];
    startAutopurge(dir, dir, 3, 0, (l) => off.push(l)).stop();
    assert.equal(off[2], 'Purge task is not scheduled.');
  } finally {
    rmDir(dir);
  }
});
