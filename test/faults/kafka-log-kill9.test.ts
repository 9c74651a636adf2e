// kill -9 of a process appending to a Kafka log: after reopening (recovery, no clean-shutdown marker) every
// offset acknowledged after a flush is there with its exact bytes, offsets run without gaps from 0, each
// segment file ends at a batch boundary, and every index entry points at the batch holding its offset.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { LogDir } from '../../src/kafka/storage/log-dir.js';
import { ManualScheduler } from '../../src/kafka/storage/scheduler.js';
import { crc32c } from '../support/kafka-batches.js';
import { kafkaTempDir, readStoredBatches, verifyIndexes } from '../support/kafka-log.js';
import { KILL_CONFIG, KILL_TOPIC, payloadBatch, WRITER_FLAG } from './kafka-log-writer.js';
import { faultSeed, seededRandom } from './seeded-random.js';

const WRITER = fileURLToPath(new URL('./kafka-log-writer.js', import.meta.url));
const ROUNDS = 3;
const MIN_ACKS_PER_ROUND = 20;
const DEADLINE_MS = 20_000;

interface Writer {
  child: ChildProcess;
  maxAcked: () => number;
  acks: () => number;
  exited: Promise<NodeJS.Signals | number | null>;
}

function startWriter(dir: string, epoch: number): Writer {
  const child = spawn(process.execPath, [WRITER, WRITER_FLAG, dir, String(epoch)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let maxAcked = -1;
  let acks = 0;
  let pending = '';
  const stderr: string[] = [];
  child.stdout!.setEncoding('utf8').on('data', (s: string) => {
    pending += s;
    const lines = pending.split('\n');
    pending = lines.pop()!;
    for (const line of lines) {
      const m = /^acked (\d+)$/.exec(line);
      if (m) {
        maxAcked = Math.max(maxAcked, Number(m[1]));
        acks++;
      }
    }
  });
  child.stderr!.setEncoding('utf8').on('data', (s: string) => stderr.push(s));
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)));
  void exited.then((how) => {
    if (how !== 'SIGKILL') process.stderr.write(`writer exited with ${how}: ${stderr.join('')}\n`);
  });
  return { child, maxAcked: () => maxAcked, acks: () => acks, exited };
}

async function waitFor(condition: () => boolean, what: string, exited: Promise<unknown>): Promise<void> {
  const deadline = performance.now() + DEADLINE_MS;
  let gone = false;
  void exited.then(() => (gone = true));
  while (!condition()) {
    if (gone) throw new Error(`the writer exited while waiting for ${what}`);
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

test('kill -9 while appending: every flushed offset survives exactly, tails and indexes are clean', { timeout: 120_000 }, async (t) => {
  const rng = seededRandom(faultSeed());
  t.diagnostic(`seed ${rng.seed} (replay with ZK_FAULT_SEED=${rng.seed})`);
  const tmp = kafkaTempDir('kafka-kill9-');
  let writer: Writer | null = null;
  t.after(() => {
    writer?.child.kill('SIGKILL');
    tmp.remove();
  });
  const partitionDir = path.join(tmp.path, 'kill-0');
  for (let round = 0; round < ROUNDS; round++) {
    writer = startWriter(tmp.path, round);
    await waitFor(() => writer!.acks() >= MIN_ACKS_PER_ROUND, `${MIN_ACKS_PER_ROUND} acknowledgements`, writer.exited);
    await new Promise((r) => setTimeout(r, rng.int(0, 200)));
    writer.child.kill('SIGKILL');
    assert.equal(await writer.exited, 'SIGKILL');
    const acked = writer.maxAcked();
    const sizesBefore = fs.readdirSync(partitionDir).filter((f) => f.endsWith('.log')).map((f) => fs.statSync(path.join(partitionDir, f)).size);

    const logDir = await LogDir.open({ dir: tmp.path, clock: new ManualScheduler(Date.now()), scheduler: new ManualScheduler(), crc32c, configFor: () => KILL_CONFIG });
    const log = logDir.getLog(KILL_TOPIC)!;
    const report = logDir.summary.reports.get('kill-0')!;
    assert.equal(logDir.summary.hadCleanShutdown, false);
    assert.ok(log.logEndOffset >= acked, `round ${round}: log end ${log.logEndOffset} is below the acknowledged ${acked}`);

    const batches = readStoredBatches(partitionDir);
    let expectedBase = 0;
    let lastEpoch = -1;
    for (const b of batches) {
      assert.equal(b.baseOffset, expectedBase, `round ${round}: gap or overlap at offset ${expectedBase}`);
      const epoch = b.bytes.readInt32BE(12);
      assert.ok(epoch >= lastEpoch && epoch <= round, `round ${round}: epoch ${epoch} at offset ${b.baseOffset}`);
      lastEpoch = epoch;
      const expected = payloadBatch(b.baseOffset);
      expected.writeInt32BE(epoch, 12);
      assert.ok(b.bytes.equals(expected), `round ${round}: batch at offset ${b.baseOffset} differs from what was written`);
      expectedBase = b.lastOffset + 1;
    }
    assert.equal(expectedBase, log.logEndOffset);
    for (const name of fs.readdirSync(partitionDir).filter((f) => f.endsWith('.log'))) {
      const base = Number(name.slice(0, 20));
      const stored = batches.filter((b) => b.segmentBase === base).reduce((sum, b) => sum + b.bytes.length, 0);
      assert.equal(fs.statSync(path.join(partitionDir, name)).size, stored, `${name} does not end at a batch boundary`);
    }
    const entries = verifyIndexes(partitionDir);
    assert.deepEqual(
      log.leaderEpochCache.epochEntries().map((e) => e.epoch),
      [...new Set(batches.map((b) => b.bytes.readInt32BE(12)))],
      'the epoch cache names each epoch found in the log',
    );
    t.diagnostic(
      `round ${round}: acked ${acked}, recovered end ${log.logEndOffset} in ${log.numberOfSegments} segments ` +
        `(${report.recoveredSegments} re-validated, ${report.truncatedBytes} bytes cut of ${sizesBefore.reduce((a, b) => a + b, 0)}), ${entries} index entries checked`,
    );
    await logDir.close();
  }
});
