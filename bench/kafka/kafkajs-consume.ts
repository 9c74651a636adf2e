// The kafkajs side of bench-console-consumer: a group consumer printing each value and a newline to stdout, written
// per batch (as fast as kafkajs allows), until N records. Args: bootstrap topic N.
import { Kafka, logLevel } from 'kafkajs';

const [bootstrap, topic, countText] = process.argv.slice(2);
const count = Number(countText);
const kafka = new Kafka({ clientId: 'bench', brokers: [bootstrap!], logLevel: logLevel.NOTHING });
const consumer = kafka.consumer({ groupId: `bench-${process.pid}-${Date.now()}`, maxBytesPerPartition: 1_048_576 });
await consumer.connect();
await consumer.subscribe({ topics: [topic!], fromBeginning: true });
let seen = 0;
const newline = Buffer.from('\n');
await new Promise<void>((resolve) => {
  void consumer.run({
    eachBatch: async ({ batch }) => {
      const chunks: Buffer[] = [];
      for (const m of batch.messages) {
        if (seen >= count) break;
        chunks.push(m.value ?? Buffer.from('null'), newline);
        seen++;
      }
      process.stdout.write(Buffer.concat(chunks));
      if (seen >= count) resolve();
    },
  });
});
await consumer.disconnect();
process.exit(0);
