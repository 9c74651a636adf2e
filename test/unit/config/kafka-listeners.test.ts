import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, parseKafkaConfig, type KafkaConfig } from '../../../src/config/kafka-config.js';
import { listenerToString, resolveAdvertisedHosts } from '../../../src/config/kafka-listeners.js';
import { canonicalLocalHostName } from '../../../src/config/kafka-advertised-host.js';

const ZK = 'zookeeper.connect=localhost:2181';

function parse(lines: string[]): KafkaConfig {
  return parseKafkaConfig([ZK, ...lines].join('\n'), 'server.properties');
}

function errorOf(lines: string[]): string {
  try {
    parse(lines);
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
    return err.message;
  }
  assert.fail('expected a ConfigError');
}

const plain = (host: string, port: number, name = 'PLAINTEXT') => ({ name, securityProtocol: 'PLAINTEXT', host, port });

test('listeners: empty host, named host, IPv6 in brackets, port 0', () => {
  assert.deepEqual(parse(['listeners=PLAINTEXT://:9092']).listeners, [plain('', 9092)]);
  assert.deepEqual(parse(['listeners=PLAINTEXT://kafka1.example.com:9092']).listeners, [plain('kafka1.example.com', 9092)]);
  assert.deepEqual(parse(['listeners=PLAINTEXT://[::1]:9092']).listeners, [plain('::1', 9092)]);
  assert.deepEqual(parse(['listeners=PLAINTEXT://[fe80::1%eth0]:9092']).listeners, [plain('fe80::1%eth0', 9092)]);
  assert.deepEqual(parse(['listeners=PLAINTEXT://127.0.0.1:0']).listeners, [plain('127.0.0.1', 0)]);
  assert.equal(listenerToString(plain('::1', 9092) as never), 'PLAINTEXT://[::1]:9092');
  assert.equal(listenerToString(plain('', 9092) as never), 'PLAINTEXT://:9092');
});

test('named listeners through listener.security.protocol.map, names upper-cased', () => {
  const config = parse([
    'listeners=client://:9092, internal://127.0.0.1:9093',
    'listener.security.protocol.map=CLIENT:plaintext,INTERNAL:PLAINTEXT',
    'inter.broker.listener.name=internal',
    'advertised.listeners=CLIENT://kafka.example.com:19092,INTERNAL://127.0.0.1:9093',
  ]);
  assert.deepEqual(config.listeners, [plain('', 9092, 'CLIENT'), plain('127.0.0.1', 9093, 'INTERNAL')]);
  assert.deepEqual(config.advertisedListeners, [plain('kafka.example.com', 19092, 'CLIENT'), plain('127.0.0.1', 9093, 'INTERNAL')]);
  assert.equal(config.interBrokerListenerName, 'INTERNAL');
  assert.deepEqual([...config.listenerSecurityProtocolMap], [['CLIENT', 'PLAINTEXT'], ['INTERNAL', 'PLAINTEXT']]);
});

test('listener errors, in Kafka\'s words where it has them', () => {
  const cases: Array<[string[], string]> = [
    [['listeners=PLAINTEXT:/:9092'],
      "server.properties:2: listeners: expected NAME://host:port entries separated by commas (such as PLAINTEXT://:9092 or PLAINTEXT://[::1]:9092), got 'PLAINTEXT:/:9092'"],
    [['listeners=PLAINTEXT://[::1:9092'],
      "server.properties:2: listeners: expected NAME://host:port entries separated by commas (such as PLAINTEXT://:9092 or PLAINTEXT://[::1]:9092), got 'PLAINTEXT://[::1:9092'"],
    [['listeners=PLAINTEXT://:70000'], "server.properties:2: listeners: expected a port from 0 to 65535, got 'PLAINTEXT://:70000'"],
    [['listeners=SSL://:9093'],
      "server.properties:2: listeners: expected PLAINTEXT listeners only (SSL, SASL_PLAINTEXT and SASL_SSL are not supported), got 'SSL://:9093'"],
    [['listeners=CLIENT://:9093'],
      'server.properties:2: listeners: No security protocol defined for listener CLIENT (add CLIENT:PLAINTEXT to listener.security.protocol.map)'],
    [['listeners=PLAINTEXT://:9092,plaintext://:9093'],
      'server.properties:2: listeners: Each listener must have a different name, listeners: PLAINTEXT://:9092,plaintext://:9093'],
    [['listeners=PLAINTEXT://:9092,A://:9092', 'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,A:PLAINTEXT'],
      'server.properties:2: listeners: Each listener must have a different port, listeners: PLAINTEXT://:9092,A://:9092'],
    [['listeners=PLAINTEXT://0.0.0.0:9092'],
      'server.properties:2: listeners: advertised.listeners cannot use the nonroutable meta-address 0.0.0.0. Use a routable IP address. (advertised.listeners defaults to listeners)'],
    [['listeners=PLAINTEXT://0.0.0.0:9092', 'advertised.listeners=PLAINTEXT://0.0.0.0:9092'],
      'server.properties:3: advertised.listeners: advertised.listeners cannot use the nonroutable meta-address 0.0.0.0. Use a routable IP address.'],
    [['listener.security.protocol.map=PLAINTEXT:PLAINTEXT,A:TLS'],
      'server.properties:2: listener.security.protocol.map: Invalid security protocol `TLS` defined in listener.security.protocol.map'],
    [['listener.security.protocol.map=PLAINTEXT'],
      "server.properties:2: listener.security.protocol.map: expected NAME:PROTOCOL pairs separated by commas (such as CLIENT:PLAINTEXT), got 'PLAINTEXT'"],
    [['listeners=CLIENT://:9092', 'listener.security.protocol.map=CLIENT:PLAINTEXT'],
      'server.properties:2: listeners: inter.broker.listener.name must be a listener name defined in advertised.listeners. The valid options based on currently configured listeners are CLIENT'],
    [['listeners=A://:9092,B://:9093', 'listener.security.protocol.map=A:PLAINTEXT,B:PLAINTEXT', 'inter.broker.listener.name=C'],
      'server.properties:4: inter.broker.listener.name: Listener with name C defined in inter.broker.listener.name not found in listener.security.protocol.map.'],
    [['inter.broker.listener.name=PLAINTEXT', 'security.inter.broker.protocol=PLAINTEXT'],
      'server.properties:2: inter.broker.listener.name: Only one of inter.broker.listener.name and security.inter.broker.protocol should be set.'],
    [['advertised.listeners=PLAINTEXT://h:1,OTHER://h:2', 'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,OTHER:PLAINTEXT'],
      'server.properties:2: advertised.listeners: advertised.listeners listener names must be equal to or a subset of the ones defined in listeners. Found PLAINTEXT,OTHER. The valid options based on the current configuration are PLAINTEXT'],
  ];
  for (const [lines, message] of cases) assert.equal(errorOf(lines), message, lines.join(' / '));
});

test('advertised listeners may share ports; port 0 may repeat in listeners', () => {
  const config = parse([
    'listeners=A://:0,B://:0',
    'listener.security.protocol.map=A:PLAINTEXT,B:PLAINTEXT',
    'inter.broker.listener.name=A',
    'advertised.listeners=A://h:9092,B://h2:9092',
  ]);
  assert.deepEqual(config.advertisedListeners.map((l) => l.port), [9092, 9092]);
});

test('deprecated host.name/port and advertised.host.name/port are used only when the listener keys are unset', () => {
  assert.deepEqual(parse(['host.name=127.0.0.1', 'port=9999']).listeners, [plain('127.0.0.1', 9999)]);
  const config = parse(['port=9999', 'advertised.host.name=kafka.example.com']);
  assert.deepEqual(config.advertisedListeners, [plain('kafka.example.com', 9999)]);
  assert.deepEqual(parse(['listeners=PLAINTEXT://:1234', 'port=9999']).listeners, [plain('', 1234)]);
});

test('an empty advertised host becomes the local canonical host name', async () => {
  const config = parse(['listeners=PLAINTEXT://:9092,OTHER://[::1]:9093', 'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,OTHER:PLAINTEXT']);
  assert.deepEqual(resolveAdvertisedHosts(config.advertisedListeners, 'broker1.example.com'), [
    plain('broker1.example.com', 9092),
    plain('::1', 9093, 'OTHER'),
  ]);
  assert.deepEqual(config.advertisedListeners[0], plain('', 9092), 'the parsed config is left as written');
  const canonical = await canonicalLocalHostName();
  assert.ok(canonical.length > 0 && !/\s/.test(canonical), canonical);
});
