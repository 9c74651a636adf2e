// The client library's own produce path at full speed, as an application process: a KafkaProducer (acks=1, no
// compression, buffer.memory as given or the default) sending 1 KiB records to one partition as fast as it takes
// them, through tryAppend (waiting on append() when buffer.memory is full). Counts acknowledged records in a window
// after a warm-up and prints {records, bytes, elapsedMs, errors, cpuMs} as JSON: bytes are record-batch bytes,
// estimated per record as the load generator's batches of the same records measure them; cpuMs is this process's CPU
// time in the window. Lines `window` and `end` mark the window as it opens and closes, for whoever samples the broker.
// Usage: node library-produce.js '{"bootstrap":"127.0.0.1:9092","topic":"t","warmupMs":300,"durationMs":2000,"batchSizeBytes":262144}'
import { setImmediate as tick } from 'node:timers/promises';
import { KafkaProducer, type ProducerRecord } from '../../src/kafka/client/index.js';
import { recordBatch, RECORD_VALUE_BYTES } from './load-frames.js';

export interface LibraryProduceConfig {
  bootstrap: string;
  topic: string;
  warmupMs: number;
  durationMs: number;
  batchSizeBytes: number;
  /** buffer.memory; the producer's default (32 MiB, as Java's) when absent. */
  bufferMemoryBytes?: number;
}

const config = JSON.parse(process.argv[2]!) as LibraryProduceConfig;
const producer = new KafkaProducer({
  bootstrapServers: config.bootstrap,
  acks: 1,
  lingerMs: 5,
  batchSizeBytes: config.batchSizeBytes,
  bufferMemoryBytes: config.bufferMemoryBytes,
});
await producer.connect();
const record: ProducerRecord = { topic: config.topic, partition: 0, value: Buffer.alloc(RECORD_VALUE_BYTES, 0x61) };
let acked = 0;
let errors = 0;
const delivered = () => void acked++;
const failed = () => void errors++;
// One record's share of a large batch.
const recordBytes = (recordBatch(1001).length - recordBatch(1).length) / 1000;

const t0 = performance.now();
const windowStart = t0 + config.warmupMs;
const end = windowStart + config.durationMs;
let start: { at: number; acked: number; cpu: NodeJS.CpuUsage } | undefined;
for (let now = t0; now < end; now = performance.now()) {
  if (start === undefined && now >= windowStart) {
    start = { at: now, acked, cpu: process.cpuUsage() };
    process.stdout.write('window\n');
  }
  for (let i = 0; i < 1000; i++) {
    if (!producer.tryAppend(record, delivered, failed)) {
      const { delivered: done } = await producer.append(record);
      done.then(delivered, failed);
      break;
    }
  }
  await tick();
}
const finish = { at: performance.now(), acked, cpu: process.cpuUsage(start?.cpu) };
process.stdout.write('end\n');
await producer.close();
const from = start ?? { at: t0, acked: 0 };
const records = finish.acked - from.acked;
const cpuMs = (finish.cpu.user + finish.cpu.system) / 1000;
process.stdout.write(`${JSON.stringify({ records, bytes: Math.round(records * recordBytes), elapsedMs: finish.at - from.at, errors, cpuMs })}\n`);
