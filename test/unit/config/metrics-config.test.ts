// Metrics endpoint settings: zoo.cfg's metricsProvider.* (Apache's keys and defaults) and server.properties'
// zkafka.metrics.* (zkafka's own), with one-line errors naming the file, line and key.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '../../../src/config/config-error.js';
import { parseKafkaConfig } from '../../../src/config/kafka-config.js';
import { parseZooKeeperConfig } from '../../../src/config/zookeeper-config.js';

const PROMETHEUS = 'org.apache.zookeeper.metrics.prometheus.PrometheusMetricsProvider';
const ZOO = 'dataDir=/d\nclientPort=2181\n';
const KAFKA = 'zookeeper.connect=localhost:2181\n';

function errorOf(parse: () => unknown): string {
  try {
    parse();
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
    assert.ok(!err.message.includes('\n'), 'one line');
    return err.message;
  }
  assert.fail('expected a ConfigError');
}

test('zoo.cfg: no provider, or the built-in ones, serve no HTTP metrics', () => {
  assert.equal(parseZooKeeperConfig(ZOO, 'zoo.cfg').metrics, undefined);
  assert.equal(parseZooKeeperConfig(`${ZOO}metricsProvider.className=org.apache.zookeeper.metrics.impl.DefaultMetricsProvider\n`, 'zoo.cfg').metrics, undefined);
});

test('zoo.cfg: the Prometheus provider with Apache\'s defaults, or the values given', () => {
  assert.deepEqual(parseZooKeeperConfig(`${ZOO}metricsProvider.className=${PROMETHEUS}\n`, 'zoo.cfg').metrics, { httpHost: '0.0.0.0', httpPort: 7000, exportJvmInfo: true });
  const config = parseZooKeeperConfig(
    `${ZOO}metricsProvider.className=${PROMETHEUS}\nmetricsProvider.httpHost=127.0.0.1\nmetricsProvider.httpPort=7001\nmetricsProvider.exportJvmInfo=false\nmetricsProvider.numWorkerThreads=2\n`,
    'zoo.cfg',
  );
  assert.deepEqual(config.metrics, { httpHost: '127.0.0.1', httpPort: 7001, exportJvmInfo: false });
  assert.deepEqual(config.warnings, [], 'other metricsProvider.* keys are Apache\'s and accepted');
});

test('zoo.cfg: bad metricsProvider values are one line with file, line, key and what is expected', () => {
  assert.equal(errorOf(() => parseZooKeeperConfig(`${ZOO}metricsProvider.className=x.Y\n`, 'zoo.cfg')),
    `zoo.cfg:3: metricsProvider.className: expected ${PROMETHEUS} or org.apache.zookeeper.metrics.impl.DefaultMetricsProvider or org.apache.zookeeper.metrics.impl.NullMetricsProvider, got 'x.Y'`);
  assert.equal(errorOf(() => parseZooKeeperConfig(`${ZOO}metricsProvider.className=${PROMETHEUS}\nmetricsProvider.httpPort=-1\n`, 'zoo.cfg')),
    `zoo.cfg:4: metricsProvider.httpPort: expected a port number (0-65535), got '-1'`);
  assert.equal(errorOf(() => parseZooKeeperConfig(`${ZOO}metricsProvider.className=${PROMETHEUS}\nmetricsProvider.httpHost=\n`, 'zoo.cfg')),
    `zoo.cfg:4: metricsProvider.httpHost: expected a host name or address, got nothing`);
});

test('server.properties: zkafka.metrics.port turns the endpoint on, host defaults to every interface', () => {
  assert.equal(parseKafkaConfig(KAFKA, 'server.properties').metrics, undefined);
  assert.deepEqual(parseKafkaConfig(`${KAFKA}zkafka.metrics.port=9404\n`, 'server.properties').metrics, { host: '0.0.0.0', port: 9404 });
  const config = parseKafkaConfig(`${KAFKA}zkafka.metrics.port=0\nzkafka.metrics.host=127.0.0.1\n`, 'server.properties');
  assert.deepEqual(config.metrics, { host: '127.0.0.1', port: 0 });
  assert.deepEqual(config.warnings, []);
  assert.equal(config.values.has('zkafka.metrics.port'), false, 'not a Kafka config: DescribeConfigs does not list it');
});

test('server.properties: bad or unknown zkafka.metrics keys', () => {
  assert.equal(errorOf(() => parseKafkaConfig(`${KAFKA}zkafka.metrics.port=http\n`, 'server.properties')),
    `server.properties:2: zkafka.metrics.port: expected a port number (0-65535), got 'http'`);
  const config = parseKafkaConfig(`${KAFKA}zkafka.metrics.prot=1\nzkafka.metrics.host=h\n`, 'server.properties');
  assert.equal(config.metrics, undefined);
  assert.deepEqual(config.warnings, [
    'server.properties:2: unknown key zkafka.metrics.prot (ignored; expected zkafka.metrics.port or zkafka.metrics.host)',
    'server.properties:3: zkafka.metrics.host has no effect without zkafka.metrics.port',
  ]);
});
