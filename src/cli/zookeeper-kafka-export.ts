// Wires a ZooKeeper server's event export to Kafka: the records go through our Kafka producer with acks=1. Kept
// out of src/zookeeper (which knows no Kafka) and loaded only when zoo.cfg sets zkafka.kafka.bootstrap.servers.
import type { KafkaExportSettings } from '../config/zookeeper-kafka-export.js';
import { KafkaProducer } from '../kafka/client/index.js';
import type { OutRecord, RecordSink } from '../zookeeper/audit/event-publisher.js';
import { ZooKeeperEventExport } from '../zookeeper/audit/zookeeper-event-export.js';
import type { ZooKeeperServer } from '../zookeeper/server/zookeeper-server.js';

/** A producer per connection attempt: short waits, so a dead cluster fails a batch quickly and backoff takes over. */
export function kafkaRecordSink(settings: KafkaExportSettings, clientId: string): RecordSink {
  const producer = new KafkaProducer({
    bootstrapServers: settings.bootstrapServers,
    clientId,
    acks: 1,
    lingerMs: 5,
    maxBlockMs: 5_000,
    deliveryTimeoutMs: 15_000,
    requestTimeoutMs: 5_000,
    connectTimeoutMs: 3_000,
    retries: 2,
  });
  return {
    send(records: readonly OutRecord[]): Promise<void> {
      // One promise per batch: records go through tryAppend (no promise each) once the producer is connected and
      // knows the topic; the first that cannot, and every one after it, takes send() so that order is kept.
      return new Promise<void>((resolve, reject) => {
        let pending = records.length;
        let failed = false;
        const delivered = () => {
          if (--pending === 0 && !failed) resolve();
        };
        const fail = (err: Error) => {
          if (failed) return;
          failed = true;
          reject(err);
        };
        let slow = false;
        for (const r of records) {
          const record = { topic: r.topic, key: r.key, value: r.value, timestamp: r.timestamp };
          if (!slow && producer.tryAppend(record, delivered, fail)) continue;
          slow = true;
          producer.send(record).then(delivered, fail);
        }
        if (records.length === 0) resolve();
      });
    },
    close: () => producer.close({ force: true }),
  };
}

/** Starts publishing `server`'s audit events and metrics snapshots to the configured topics. */
export function startKafkaExport(server: ZooKeeperServer, settings: KafkaExportSettings, version: string, log: (line: string) => void): ZooKeeperEventExport {
  const clientId = `zookeeper-${server.settings.serverId}`;
  const exporter = new ZooKeeperEventExport(server, { settings, version, log, connect: () => kafkaRecordSink(settings, clientId) });
  exporter.start();
  log(`Publishing audit events to Kafka topic ${settings.auditTopic}${settings.metricsIntervalMs > 0 ? ` and metrics every ${settings.metricsIntervalMs} ms to ${settings.metricsTopic}` : ''} via ${settings.bootstrapServers.join(',')}`);
  return exporter;
}
