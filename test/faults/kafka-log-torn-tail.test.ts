// Torn and corrupt tails made by hand, then recovery as after a crash (no clean-shutdown marker): the log must
// end at the last whole valid batch, keep everything before it byte for byte, have indexes that agree with the
// data, and take new appends at the right offset.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { buildBatch } from '../support/kafka-batches.js';
import { kafkaTempDir, openTestLog, readStoredBatches, testConfig, verifyIndexes } from '../support/kafka-log.js';

const config = testConfig({ indexIntervalBytes: 100, segmentBytes: 1500 });

/** A closed log of 8 batches of varying size in two segments; returns the files' bytes. */
async function makeLog(dir: string): Promise<{ files: Map<string, Buffer>; lastStart: number; lastLog: string; offsetsBeforeLast: number }> {
  const { log } = await openTestLog(dir, config);
  for (let i = 0; i < 8; i++) await log.appendAsLeader(buildBatch({ count: 1 + (i % 3), valueBytes: 40 + i * 20, fill: i }), 0);
  assert.equal(log.numberOfSegments, 2);
  await log.close(true);
  const files = new Map<string, Buffer>();
  for (const name of fs.readdirSync(dir)) files.set(name, fs.readFileSync(path.join(dir, name)));
  const batches = readStoredBatches(dir);
  const last = batches.at(-1)!;
  const lastLog = fs.readdirSync(dir).filter((f) => f.endsWith('.log')).sort().at(-1)!;
  return { files, lastStart: last.position, lastLog, offsetsBeforeLast: last.baseOffset };
}

function restore(dir: string, files: Map<string, Buffer>): void {
  for (const name of fs.readdirSync(dir)) fs.rmSync(path.join(dir, name));
  for (const [name, bytes] of files) fs.writeFileSync(path.join(dir, name), bytes);
}

async function recoverAndCheck(dir: string, expectedEnd: number, expectedBatches: Buffer[], what: string): Promise<void> {
  const { log, report } = await openTestLog(dir, config, { hadCleanShutdown: false, recoveryPoint: 0 });
  try {
    assert.equal(log.logEndOffset, expectedEnd, `${what}: log end offset`);
    const stored = readStoredBatches(dir);
    assert.equal(stored.length, expectedBatches.length, `${what}: batches kept (${report.problems.join('; ')})`);
    stored.forEach((b, i) => assert.ok(b.bytes.equals(expectedBatches[i]!), `${what}: batch ${i} changed`));
    verifyIndexes(dir);
    const next = await log.appendAsLeader(buildBatch(), 0);
    assert.equal(next.firstOffset, expectedEnd, `${what}: next append offset`);
  } finally {
    await log.close();
  }
}

test('a tail cut at every byte of the last batch is truncated to the batch before', async (t) => {
  const tmp = kafkaTempDir('kafka-torn-');
  t.after(() => tmp.remove());
  const dir = path.join(tmp.path, 'torn-0');
  const { files, lastStart, lastLog, offsetsBeforeLast } = await makeLog(dir);
  const all = readStoredBatches(dir).map((b) => Buffer.from(b.bytes));
  const logBytes = files.get(lastLog)!;
  for (let cut = lastStart; cut < logBytes.length; cut++) {
    restore(dir, files);
    fs.truncateSync(path.join(dir, lastLog), cut);
    await recoverAndCheck(dir, offsetsBeforeLast, all.slice(0, -1), `cut at ${cut}`);
  }
  t.diagnostic(`${logBytes.length - lastStart} cuts recovered`);
});

test('zero-filled tails (pre-allocation after a crash) are cut without losing data', async (t) => {
  const tmp = kafkaTempDir('kafka-torn-');
  t.after(() => tmp.remove());
  const dir = path.join(tmp.path, 'zeros-0');
  const { files, lastLog } = await makeLog(dir);
  const all = readStoredBatches(dir).map((b) => Buffer.from(b.bytes));
  const end = all.at(-1)!.readBigInt64BE(0) + BigInt(all.at(-1)!.readInt32BE(23)) + 1n;
  for (const zeros of [1, 11, 12, 61, 4096]) {
    restore(dir, files);
    fs.appendFileSync(path.join(dir, lastLog), Buffer.alloc(zeros));
    await recoverAndCheck(dir, Number(end), all, `${zeros} zero bytes`);
  }
  // The last batch itself zeroed from some point on.
  const logBytes = files.get(lastLog)!;
  restore(dir, files);
  const zeroed = Buffer.from(logBytes);
  zeroed.fill(0, zeroed.length - 30);
  fs.writeFileSync(path.join(dir, lastLog), zeroed);
  await recoverAndCheck(dir, Number(end) - all.at(-1)!.readInt32BE(57), all.slice(0, -1), 'zeroed end of the last batch');
});

test('a flipped bit anywhere the checks cover truncates at the batch before', async (t) => {
  const tmp = kafkaTempDir('kafka-torn-');
  t.after(() => tmp.remove());
  const dir = path.join(tmp.path, 'flip-0');
  const { files, lastStart, lastLog, offsetsBeforeLast } = await makeLog(dir);
  const all = readStoredBatches(dir).map((b) => Buffer.from(b.bytes));
  const logBytes = files.get(lastLog)!;
  let flips = 0;
  for (let at = lastStart; at < logBytes.length; at++) {
    const rel = at - lastStart;
    // baseOffset (0-7) and partitionLeaderEpoch (12-15) are outside the CRC by design: a raised baseOffset or a
    // changed epoch cannot be told from a real one (Kafka cannot either). The sign bit of baseOffset is checked.
    if ((rel < 8 && rel !== 0) || (rel >= 12 && rel < 16)) continue;
    restore(dir, files);
    const damaged = Buffer.from(logBytes);
    damaged[at]! ^= 1 << (rel === 0 ? 7 : at % 8);
    fs.writeFileSync(path.join(dir, lastLog), damaged);
    await recoverAndCheck(dir, offsetsBeforeLast, all.slice(0, -1), `bit flipped at byte ${rel} of the last batch`);
    flips++;
  }
  t.diagnostic(`${flips} flipped bits recovered`);
});

test('corruption in an older segment cuts the log there and deletes every later segment', async (t) => {
  const tmp = kafkaTempDir('kafka-torn-');
  t.after(() => tmp.remove());
  const dir = path.join(tmp.path, 'middle-0');
  const { files } = await makeLog(dir);
  const batches = readStoredBatches(dir);
  const firstLog = '00000000000000000000.log';
  const victim = batches.filter((b) => b.segmentBase === 0).at(-2)!;
  restore(dir, files);
  const damaged = Buffer.from(files.get(firstLog)!);
  damaged[victim.position + 40]! ^= 0x10;
  fs.writeFileSync(path.join(dir, firstLog), damaged);
  const kept = batches.filter((b) => b.position < victim.position && b.segmentBase === 0).map((b) => Buffer.from(b.bytes));
  await recoverAndCheck(dir, victim.baseOffset, kept, 'corrupt batch in the first segment');
  assert.deepEqual(fs.readdirSync(dir).filter((f) => f.endsWith('.log')), [firstLog]);
});

test('with the clean-shutdown marker the files are trusted; a bad index is still rebuilt', async (t) => {
  const tmp = kafkaTempDir('kafka-torn-');
  t.after(() => tmp.remove());
  const dir = path.join(tmp.path, 'clean-0');
  const { files } = await makeLog(dir);
  restore(dir, files);
  fs.writeFileSync(path.join(dir, '00000000000000000000.index'), Buffer.alloc(13));
  fs.rmSync(path.join(dir, fs.readdirSync(dir).filter((f) => f.endsWith('.index')).sort().at(-1)!));
  const { log, report } = await openTestLog(dir, config, { hadCleanShutdown: true, recoveryPoint: 0 });
  assert.equal(report.recoveredSegments, 2, 'only the two segments with index problems were rebuilt');
  assert.equal(log.recoveryPoint, log.logEndOffset);
  await log.close();
  assert.ok(verifyIndexes(dir) > 0);
});
