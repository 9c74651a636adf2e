import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { LogDirError } from '../../../../src/kafka/storage/errors.js';
import { CLEAN_SHUTDOWN_FILE, LogDir, type LogDirOptions } from '../../../../src/kafka/storage/log-dir.js';
import { ManualScheduler } from '../../../../src/kafka/storage/scheduler.js';
import { buildBatch, crc32c } from '../../../support/kafka-batches.js';
import { kafkaTempDir, listFiles, testConfig } from '../../../support/kafka-log.js';

function options(dir: string, scheduler: ManualScheduler, overrides: Partial<LogDirOptions> = {}): LogDirOptions {
  return {
    dir, clock: scheduler, scheduler, crc32c, configFor: () => testConfig({ segmentBytes: 400, retentionMs: 60_000, fileDeleteDelayMs: 5_000 }),
    fileDeleteDelayMs: 5_000, ...overrides,
  };
}

test('a log dir is locked while open; a lock left by a dead process or by Apache Kafka is taken over', async (t) => {
  const tmp = kafkaTempDir();
  t.after(() => tmp.remove());
  const scheduler = new ManualScheduler(1_700_000_000_000);
  const first = await LogDir.open(options(tmp.path, scheduler));
  assert.equal(fs.readFileSync(path.join(tmp.path, '.lock'), 'utf8'), `${process.pid}\n`);
  await assert.rejects(LogDir.open(options(tmp.path, scheduler)), (err: Error) => err instanceof LogDirError && /already in use by this process/.test(err.message));
  await first.close();
  assert.equal(fs.existsSync(path.join(tmp.path, '.lock')), false);
  fs.writeFileSync(path.join(tmp.path, '.lock'), ''); // Apache Kafka leaves an empty .lock behind
  const second = await LogDir.open(options(tmp.path, scheduler));
  second.abandon();
  fs.writeFileSync(path.join(tmp.path, '.lock'), `${process.ppid}\n`); // a live process
  await assert.rejects(LogDir.open(options(tmp.path, scheduler)), /in use by process/);
});

test('clean shutdown writes checkpoints and the marker; the next start consumes the marker and skips recovery', async (t) => {
  const tmp = kafkaTempDir();
  t.after(() => tmp.remove());
  const scheduler = new ManualScheduler(1_700_000_000_000);
  const dir = await LogDir.open(options(tmp.path, scheduler));
  assert.equal(dir.summary.hadCleanShutdown, false);
  const a = await dir.getOrCreateLog({ topic: 'my-topic', partition: 0 });
  const b = await dir.getOrCreateLog({ topic: 'other', partition: 3 });
  for (let i = 0; i < 6; i++) await a.appendAsLeader(buildBatch({ valueBytes: 60 }), 0);
  await b.appendAsLeader(buildBatch({ count: 4 }), 2);
  a.updateHighWatermark(6);
  b.updateHighWatermark(2);
  await a.deleteRecordsTo(5);
  await dir.close();
  const read = (name: string) => fs.readFileSync(path.join(tmp.path, name), 'utf8');
  assert.equal(read('recovery-point-offset-checkpoint'), '0\n2\nmy-topic 0 6\nother 3 4\n');
  assert.equal(read('replication-offset-checkpoint'), '0\n2\nmy-topic 0 6\nother 3 2\n');
  assert.equal(read('log-start-offset-checkpoint'), '0\n1\nmy-topic 0 5\n', 'only logs starting above their first segment');
  assert.equal(read(CLEAN_SHUTDOWN_FILE), '');
  assert.deepEqual(listFiles(path.join(tmp.path, 'other-3')), [
    '00000000000000000000.index', '00000000000000000000.log', '00000000000000000000.timeindex', 'leader-epoch-checkpoint',
  ]);
  assert.equal(read('other-3/leader-epoch-checkpoint'), '0\n1\n2 0\n');

  const again = await LogDir.open(options(tmp.path, scheduler));
  assert.equal(again.summary.hadCleanShutdown, true);
  assert.equal(fs.existsSync(path.join(tmp.path, CLEAN_SHUTDOWN_FILE)), false, 'deleted before loading');
  assert.equal(again.summary.reports.get('my-topic-0')!.recoveredSegments, 0);
  const reopened = again.getLog({ topic: 'my-topic', partition: 0 })!;
  assert.deepEqual([reopened.logStartOffset, reopened.logEndOffset, reopened.recoveryPoint, reopened.highWatermark], [5, 6, 6, 6]);
  again.abandon();
});

test('scheduled retention deletes old segments; deleted partitions become -delete dirs removed later', async (t) => {
  const tmp = kafkaTempDir();
  t.after(() => tmp.remove());
  const scheduler = new ManualScheduler(1_700_000_000_000);
  const dir = await LogDir.open(options(tmp.path, scheduler, { retentionCheckIntervalMs: 10_000, initialTaskDelayMs: 1_000 }));
  dir.startTasks();
  const log = await dir.getOrCreateLog({ topic: 't', partition: 0 });
  for (let i = 0; i < 6; i++) await log.appendAsLeader(buildBatch({ valueBytes: 100, firstTimestamp: scheduler.nowMs() }), 0);
  log.updateHighWatermark(log.logEndOffset);
  const segments = log.numberOfSegments;
  assert.equal(segments, 3);
  await scheduler.advance(30_000);
  assert.equal(log.numberOfSegments, segments, 'not older than retention.ms yet');
  await scheduler.advance(40_000);
  assert.equal(log.numberOfSegments, 1);
  assert.equal(log.logStartOffset, 6);

  assert.equal(await dir.deleteLog({ topic: 't', partition: 0 }), true);
  const deleting = fs.readdirSync(tmp.path).filter((n) => n.endsWith('-delete'));
  assert.equal(deleting.length, 1);
  assert.match(deleting[0]!, /^t-0\.[0-9a-f]{32}-delete$/);
  await scheduler.advance(5_000);
  assert.deepEqual(fs.readdirSync(tmp.path).filter((n) => n.endsWith('-delete')), []);
  await dir.close();
});

test('an unparsable directory in the log dir stops start-up with its path', async (t) => {
  const tmp = kafkaTempDir();
  t.after(() => tmp.remove());
  fs.mkdirSync(path.join(tmp.path, 'lost+found'));
  await assert.rejects(LogDir.open(options(tmp.path, new ManualScheduler())), /lost\+found: not a partition directory/);
  assert.equal(fs.existsSync(path.join(tmp.path, '.lock')), false, 'the lock is released on failure');
});

test('flush.ms: the flusher task fsyncs logs whose last flush is older, advancing their recovery points', async (t) => {
  const tmp = kafkaTempDir();
  t.after(() => tmp.remove());
  const scheduler = new ManualScheduler(1_700_000_000_000);
  const dir = await LogDir.open(options(tmp.path, scheduler, {
    configFor: () => testConfig({ flushMs: 2_000 }), flushCheckIntervalMs: 1_000, initialTaskDelayMs: 1_000,
  }));
  dir.startTasks();
  const log = await dir.getOrCreateLog({ topic: 't', partition: 0 });
  await log.appendAsLeader(buildBatch({ count: 3 }), 0);
  await scheduler.advance(1_000);
  assert.equal(log.recoveryPoint, 0, 'the last flush (at creation) is 1 s old');
  await scheduler.advance(1_000);
  assert.equal(log.recoveryPoint, 3);
  await dir.close();
});
