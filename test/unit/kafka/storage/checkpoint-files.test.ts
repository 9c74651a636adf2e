import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { LogDirError } from '../../../../src/kafka/storage/errors.js';
import { parseProperties } from '../../../../src/config/properties.js';
import { storeProperties } from '../../../../src/kafka/storage/java-properties.js';
import { LeaderEpochCache } from '../../../../src/kafka/storage/leader-epoch-cache.js';
import { formatMetaProperties, readMetaProperties, writeMetaProperties } from '../../../../src/kafka/storage/meta-properties.js';
import { OffsetCheckpointFile, RECOVERY_POINT_CHECKPOINT } from '../../../../src/kafka/storage/offset-checkpoints.js';
import { readPartitionMetadata, writePartitionMetadata } from '../../../../src/kafka/storage/partition-metadata.js';
import { deleteDirName, parsePartitionDirName } from '../../../../src/kafka/storage/topic-partition.js';
import { kafkaTempDir } from '../../../support/kafka-log.js';

test('offset checkpoint: exact text, round trip, empty and malformed files', async (t) => {
  const tmp = kafkaTempDir();
  t.after(() => tmp.remove());
  const file = new OffsetCheckpointFile(tmp.path, RECOVERY_POINT_CHECKPOINT);
  assert.deepEqual([...file.read()], [], 'missing file = no entries');
  await file.write(() => [{ topic: 'orders', partition: 0, offset: 1234 }, { topic: 'my-topic', partition: 11, offset: 0 }]);
  assert.equal(fs.readFileSync(file.file, 'utf8'), '0\n2\norders 0 1234\nmy-topic 11 0\n');
  assert.equal(fs.existsSync(`${file.file}.tmp`), false);
  assert.deepEqual(file.read().get('my-topic-11'), { topic: 'my-topic', partition: 11, offset: 0 });
  fs.writeFileSync(file.file, '');
  assert.equal(file.read().size, 0, 'Kafka creates checkpoint files empty');
  for (const [text, where] of [
    ['1\n0\n', ':1: unrecognized version'],
    ['0\n2\na 0 1\n', ':2: expected 2 entries but found 1'],
    ['0\n1\na x 1\n', ':3: malformed entry "a x 1"'],
    ['0\n1\na 0\n', ':3: malformed entry'],
  ] as const) {
    fs.writeFileSync(file.file, text);
    assert.throws(() => file.read(), (err: Error) => err instanceof LogDirError && err.message.includes(`${RECOVERY_POINT_CHECKPOINT}${where}`));
  }
});

test('leader-epoch-checkpoint: text, assign rules, endOffsetFor, truncation from both ends', async (t) => {
  const tmp = kafkaTempDir();
  t.after(() => tmp.remove());
  const cache = LeaderEpochCache.load(tmp.path);
  await cache.assign(0, 0);
  await cache.assign(0, 5); // same epoch, later offset: no change
  await cache.assign(2, 10);
  await cache.assign(4, 30);
  assert.equal(fs.readFileSync(path.join(tmp.path, 'leader-epoch-checkpoint'), 'utf8'), '0\n3\n0 0\n2 10\n4 30\n');
  assert.deepEqual(cache.endOffsetFor(4, 50), { epoch: 4, startOffset: 30, endOffset: 50 });
  assert.deepEqual(cache.endOffsetFor(2, 50), { epoch: 2, startOffset: 10, endOffset: 30 });
  assert.deepEqual(cache.endOffsetFor(3, 50), { epoch: 2, startOffset: 10, endOffset: 30 }, 'unknown epoch: the floor epoch ends where the next starts');
  assert.equal(cache.endOffsetFor(5, 50).endOffset, -1);
  assert.equal(cache.endOffsetFor(-1, 50).epoch, -1);
  await cache.assign(3, 20); // removes epoch 4 (epoch ≥ 3)
  assert.deepEqual(cache.epochEntries(), [{ epoch: 0, startOffset: 0 }, { epoch: 2, startOffset: 10 }, { epoch: 3, startOffset: 20 }]);
  await cache.truncateFromEnd(20);
  await cache.truncateFromStart(12);
  assert.deepEqual(cache.epochEntries(), [{ epoch: 2, startOffset: 12 }]);
  assert.deepEqual(LeaderEpochCache.load(tmp.path).epochEntries(), [{ epoch: 2, startOffset: 12 }]);
});

test('partition.metadata: exact text without trailing newline, all-zero id refused', async (t) => {
  const tmp = kafkaTempDir();
  t.after(() => tmp.remove());
  const id = Buffer.from('0123456789abcdef0123456789abcdef', 'hex');
  await writePartitionMetadata(tmp.path, id);
  assert.equal(fs.readFileSync(path.join(tmp.path, 'partition.metadata'), 'utf8'), 'version: 0\ntopic_id: ASNFZ4mrze8BI0VniavN7w');
  assert.ok(readPartitionMetadata(tmp.path)!.equals(id));
  await assert.rejects(writePartitionMetadata(tmp.path, Buffer.alloc(16)), RangeError);
  fs.writeFileSync(path.join(tmp.path, 'partition.metadata'), 'version: 0\ntopic_id: AAAAAAAAAAAAAAAAAAAAAA');
  assert.throws(() => readPartitionMetadata(tmp.path), /partition\.metadata:2/);
});

test('meta.properties: Properties.store format, read back, clear errors', (t) => {
  const tmp = kafkaTempDir();
  t.after(() => tmp.remove());
  const at = Date.UTC(2026, 11, 6, 9, 5, 3);
  assert.equal(
    formatMetaProperties({ brokerId: 3, clusterId: 'MkU3OEVBNTcwNTJENDM2Qg' }, at),
    '#\n#Sun Dec 06 09:05:03 UTC 2026\nversion=0\nbroker.id=3\ncluster.id=MkU3OEVBNTcwNTJENDM2Qg\n',
  );
  writeMetaProperties(tmp.path, { brokerId: 3, clusterId: 'abc' }, at);
  assert.deepEqual(readMetaProperties(tmp.path), { brokerId: 3, clusterId: 'abc' });
  fs.writeFileSync(path.join(tmp.path, 'meta.properties'), '#\nversion=1\nnode.id=1\n');
  assert.throws(() => readMetaProperties(tmp.path), /meta\.properties: key version: expected 0 \(ZooKeeper mode\), found "1"/);
  fs.writeFileSync(path.join(tmp.path, 'meta.properties'), 'version=0\nbroker.id=x\n');
  assert.throws(() => readMetaProperties(tmp.path), /key broker\.id: expected an integer, found "x"/);
  assert.equal(readMetaProperties(path.join(tmp.path, 'none')), null);
});

test('java properties: store escapes what load would otherwise misread', () => {
  const text = storeProperties([['a key', 'v=1:#x\té'], ['k', 'end ']], 0);
  assert.equal(text.split('\n').slice(2).join('\n'), 'a\\ key=v\\=1\\:\\#x\\t\\u00E9\nk=end \n');
  assert.deepEqual(parseProperties(text).map((e) => [e.key, e.value]), [['a key', 'v=1:#x\té'], ['k', 'end']]);
});

test('partition directory names split at the last dash; -delete names stay within 255 characters', () => {
  assert.deepEqual(parsePartitionDirName('my-topic-12'), { topic: 'my-topic', partition: 12 });
  assert.deepEqual(parsePartitionDirName('__consumer_offsets-49'), { topic: '__consumer_offsets', partition: 49 });
  assert.deepEqual(parsePartitionDirName('t-3.0123456789abcdef0123456789abcdef-delete'), { topic: 't', partition: 3 });
  for (const bad of ['topic', '-3', 'topic-', 'topic-x', 'topic-1.5']) assert.equal(parsePartitionDirName(bad), null, bad);
  const long = deleteDirName({ topic: 'x'.repeat(249), partition: 7 });
  assert.equal(long.length, 255);
  assert.match(long, /^x+-7\.[0-9a-f]{32}-delete$/);
  assert.deepEqual(parsePartitionDirName(long), { topic: 'x'.repeat(255 - 1 - 1 - 1 - 32 - 7), partition: 7 });
});
