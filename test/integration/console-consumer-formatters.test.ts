// console-consumer's --formatter classes as a process against a broker of ours: Kafka 2.8's
// ChecksumMessageFormatter (the partial checksum of v2 records, recomputed here with a bitwise CRC-32C), the other
// formatters by class name, and an unknown class ending the tool as Kafka's does.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { KafkaAdmin, KafkaProducer } from '../../src/kafka/client/index.js';
import { startOurKafka, type OurKafka } from '../support/our-kafka.js';
import { runToolBytes } from '../support/run-tool.js';

let kafka: OurKafka;
const T0 = 1_700_000_000_000;

/** CRC-32C (Castagnoli, reflected 0x82F63B78), bit by bit. */
function crc32cBitwise(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const b of bytes) {
    crc ^= b;
    for (let i = 0; i < 8; i++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/** DefaultRecord.computePartialChecksum(timestamp, keySize, valueSize). */
function expectedChecksum(timestamp: number, keySize: number, valueSize: number): number {
  const b = Buffer.alloc(16);
  b.writeBigInt64BE(BigInt(timestamp));
  b.writeInt32BE(keySize, 8);
  b.writeInt32BE(valueSize, 12);
  return crc32cBitwise(b);
}

before(async () => {
  kafka = await startOurKafka(41, ['num.partitions=1']);
  const admin = new KafkaAdmin({ bootstrapServers: kafka.bootstrap, retryBackoffMs: 20 });
  const producer = new KafkaProducer({ bootstrapServers: kafka.bootstrap, lingerMs: 1 });
  try {
    await admin.createTopics([{ name: 'sums', numPartitions: 1, replicationFactor: 1 }]);
    await producer.send({ topic: 'sums', partition: 0, key: 'k1', value: 'value-1', timestamp: T0 });
    await producer.send({ topic: 'sums', partition: 0, key: null, value: 'v2', timestamp: T0 + 1 });
    await producer.send({ topic: 'sums', partition: 0, key: 'key-3', value: null, timestamp: T0 + 2 });
  } finally {
    await producer.close();
    await admin.close();
  }
});

after(async () => {
  await kafka?.stop();
});

const consume = (...args: string[]) => runToolBytes(['console-consumer', '--bootstrap-server', kafka.bootstrap, '--topic', 'sums', '--from-beginning', '--max-messages', '3', ...args]);

test('ChecksumMessageFormatter prints each record\'s partial checksum, prefixed by the topic property', async () => {
  assert.equal(crc32cBitwise(Buffer.from('123456789')), 0xe3069283, 'the reference CRC-32C');
  const sums = [expectedChecksum(T0, 2, 7), expectedChecksum(T0 + 1, -1, 2), expectedChecksum(T0 + 2, 5, -1)];
  const r = await consume('--formatter', 'kafka.tools.ChecksumMessageFormatter');
  assert.equal(r.code, 0);
  assert.equal(r.stdout.toString(), sums.map((s) => `checksum:${s}\n`).join(''));
  assert.equal(r.stderr, 'Processed a total of 3 messages\n');
  const prefixed = await consume('--formatter', 'kafka.tools.ChecksumMessageFormatter', '--property', 'topic=sums');
  assert.equal(prefixed.stdout.toString(), sums.map((s) => `sums:checksum:${s}\n`).join(''));
});

test('the default, logging and no-op formatters by class name', async () => {
  const byName = await consume('--formatter', 'kafka.tools.DefaultMessageFormatter', '--property', 'print.key=true');
  assert.equal(byName.stdout.toString(), 'k1\tvalue-1\nnull\tv2\nkey-3\tnull\n');
  const logging = await consume('--formatter', 'kafka.tools.LoggingMessageFormatter');
  assert.equal(logging.stdout.toString(), 'value-1\nv2\nnull\n');
  const noOp = await consume('--formatter', 'kafka.tools.NoOpMessageFormatter');
  assert.deepEqual([noOp.code, noOp.stdout.toString(), noOp.stderr], [0, '', 'Processed a total of 3 messages\n']);
});

test('an unknown formatter class ends the tool with ClassNotFoundException', async () => {
  const r = await consume('--formatter', 'kafka.tools.NoSuchFormatter');
  assert.deepEqual([r.code, r.stdout.toString(), r.stderr], [1, '', 'Exception in thread "main" java.lang.ClassNotFoundException: kafka.tools.NoSuchFormatter\n']);
});
