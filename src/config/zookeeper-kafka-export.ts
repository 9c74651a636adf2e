// zkafka's zoo.cfg keys for publishing the server's audit events and metrics snapshots to Kafka topics.
import type { PropertyReader } from './property-reader.js';

export interface KafkaExportSettings {
  /** zkafka.kafka.bootstrap.servers: host:port entries. */
  bootstrapServers: string[];
  /** zkafka.audit.topic */
  auditTopic: string;
  /** zkafka.metrics.topic */
  metricsTopic: string;
  /** zkafka.metrics.intervalMs: 0 = no metrics snapshots. */
  metricsIntervalMs: number;
  /** zkafka.kafka.queue.max: events held for delivery at most; more are dropped (and counted). */
  queueMax: number;
}

export const KAFKA_EXPORT_DEFAULTS = {
  auditTopic: 'zookeeper-audit',
  metricsTopic: 'zookeeper-metrics',
  metricsIntervalMs: 10_000,
  queueMax: 10_000,
} as const;

const BOOTSTRAP = 'zkafka.kafka.bootstrap.servers';
const TOPIC_EXPECTED = "a Kafka topic name (1-249 of a-z A-Z 0-9 . _ -, not '.' or '..')";

function topic(r: PropertyReader, key: string, fallback: string): string {
  const value = r.raw(key);
  if (value === undefined) return fallback;
  if (!/^[a-zA-Z0-9._-]{1,249}$/.test(value) || value === '.' || value === '..') throw r.fail(key, TOPIC_EXPECTED);
  return value;
}

/** The export settings, or undefined when no bootstrap list is given (the feature is off). */
export function parseKafkaExport(r: PropertyReader): KafkaExportSettings | undefined {
  const raw = r.raw(BOOTSTRAP);
  if (raw === undefined) {
    const stray = ['zkafka.audit.topic', 'zkafka.metrics.topic', 'zkafka.metrics.intervalMs', 'zkafka.kafka.queue.max'].find((k) => r.has(k));
    if (stray !== undefined) throw r.failText(stray, `expected ${BOOTSTRAP} to be set as well, got no ${BOOTSTRAP}`);
    return undefined;
  }
  const bootstrapServers = raw.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const hostPort = /^(?:\[[^\]\s]+\]|[^:\s[\]]+):(\d{1,5})$/;
  if (bootstrapServers.length === 0) throw r.fail(BOOTSTRAP, 'a comma-separated list of host:port');
  for (const entry of bootstrapServers) {
    const m = hostPort.exec(entry);
    const port = m ? Number(m[1]) : 0;
    if (port < 1 || port > 65535) throw r.fail(BOOTSTRAP, 'a comma-separated list of host:port (port 1-65535)');
  }
  const auditTopic = topic(r, 'zkafka.audit.topic', KAFKA_EXPORT_DEFAULTS.auditTopic);
  const metricsTopic = topic(r, 'zkafka.metrics.topic', KAFKA_EXPORT_DEFAULTS.metricsTopic);
  const metricsIntervalMs = r.int('zkafka.metrics.intervalMs', { min: 0, expected: 'milliseconds between metrics snapshots (0 = none, else >= 100)' }) ?? KAFKA_EXPORT_DEFAULTS.metricsIntervalMs;
  if (metricsIntervalMs > 0 && metricsIntervalMs < 100) throw r.fail('zkafka.metrics.intervalMs', 'milliseconds between metrics snapshots (0 = none, else >= 100)');
  const queueMax = r.int('zkafka.kafka.queue.max', { min: 1, max: 10_000_000, expected: 'a number of events from 1 to 10000000' }) ?? KAFKA_EXPORT_DEFAULTS.queueMax;
  return { bootstrapServers, auditTopic, metricsTopic, metricsIntervalMs, queueMax };
}
