// zkafka.kafka.* keys of zoo.cfg: off unless a bootstrap list is given, defaults, and one line per bad value.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, parseZooKeeperConfig } from '../../../src/config/zookeeper-config.js';

const BASE = 'dataDir=/tmp/zk\nclientPort=2181\n';

function errorOf(extra: string): string {
  try {
    parseZooKeeperConfig(BASE + extra, 'conf/zoo.cfg');
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
    return err.message;
  }
  assert.fail('expected a ConfigError');
}

test('off by default; the keys are known ones (no unknown-key warning)', () => {
  assert.equal(parseZooKeeperConfig(BASE, 'zoo.cfg').kafkaExport, undefined);
  const config = parseZooKeeperConfig(`${BASE}zkafka.kafka.bootstrap.servers=127.0.0.1:9092, [::1]:9093\n`, 'zoo.cfg');
  assert.deepEqual(config.kafkaExport, {
    bootstrapServers: ['127.0.0.1:9092', '[::1]:9093'],
    auditTopic: 'zookeeper-audit',
    metricsTopic: 'zookeeper-metrics',
    metricsIntervalMs: 10000,
    queueMax: 10000,
  });
  assert.deepEqual(config.warnings, []);
});

test('every key set', () => {
  const config = parseZooKeeperConfig(
    `${BASE}zkafka.kafka.bootstrap.servers=k1:9092,k2:9092\nzkafka.audit.topic=zk.audit\nzkafka.metrics.topic=zk_metrics\nzkafka.metrics.intervalMs=0\nzkafka.kafka.queue.max=5\n`,
    'zoo.cfg',
  );
  assert.deepEqual(config.kafkaExport, { bootstrapServers: ['k1:9092', 'k2:9092'], auditTopic: 'zk.audit', metricsTopic: 'zk_metrics', metricsIntervalMs: 0, queueMax: 5 });
});

test('bad values: one line naming file, line, key and what is expected', () => {
  assert.equal(errorOf('zkafka.kafka.bootstrap.servers=localhost\n'), "conf/zoo.cfg:3: zkafka.kafka.bootstrap.servers: expected a comma-separated list of host:port (port 1-65535), got 'localhost'");
  assert.equal(errorOf('zkafka.kafka.bootstrap.servers=h:0\n'), "conf/zoo.cfg:3: zkafka.kafka.bootstrap.servers: expected a comma-separated list of host:port (port 1-65535), got 'h:0'");
  assert.equal(errorOf('zkafka.kafka.bootstrap.servers=\n'), 'conf/zoo.cfg:3: zkafka.kafka.bootstrap.servers: expected a comma-separated list of host:port, got nothing');
  assert.equal(
    errorOf('zkafka.kafka.bootstrap.servers=h:1\nzkafka.audit.topic=a/b\n'),
    "conf/zoo.cfg:4: zkafka.audit.topic: expected a Kafka topic name (1-249 of a-z A-Z 0-9 . _ -, not '.' or '..'), got 'a/b'",
  );
  assert.equal(
    errorOf('zkafka.kafka.bootstrap.servers=h:1\nzkafka.metrics.intervalMs=50\n'),
    "conf/zoo.cfg:4: zkafka.metrics.intervalMs: expected milliseconds between metrics snapshots (0 = none, else >= 100), got '50'",
  );
  assert.equal(errorOf('zkafka.kafka.bootstrap.servers=h:1\nzkafka.kafka.queue.max=0\n'), "conf/zoo.cfg:4: zkafka.kafka.queue.max: expected a number of events from 1 to 10000000, got '0'");
  assert.equal(errorOf('zkafka.audit.topic=audit\n'), 'conf/zoo.cfg:3: zkafka.audit.topic: expected zkafka.kafka.bootstrap.servers to be set as well, got no zkafka.kafka.bootstrap.servers');
});
