import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isKafkaServerArgv, kafkaOutFile, kafkaPidFile, parseKafkaStarted } from '../../../src/cli/kafka-process.js';
import { parseKafkaStartArgv } from '../../../src/cli/kafka-server-start-main.js';

test('parseKafkaStartArgv: -daemon, the config and repeated --override, in any order; anything else goes to oclif', () => {
  assert.deepEqual(parseKafkaStartArgv(['-daemon', 's.properties', '--override', 'a=1', '--override=b=2']), {
    config: 's.properties',
    daemon: true,
    overrides: ['a=1', 'b=2'],
  });
  assert.deepEqual(parseKafkaStartArgv(['--override', 'a=1', 's.properties']), { config: 's.properties', daemon: false, overrides: ['a=1'] });
  assert.deepEqual(parseKafkaStartArgv([]), { config: undefined, daemon: false, overrides: [] });
  assert.equal(parseKafkaStartArgv(['--help']), null);
  assert.equal(parseKafkaStartArgv(['s.properties', 'extra']), null);
  assert.equal(parseKafkaStartArgv(['s.properties', '--override']), null);
});

test('parseKafkaStarted reads the broker id and every listener from a broker\'s output, only once it has started', () => {
  const head = [
    '[2026-01-01 10:00:00,000] INFO [KafkaServer id=3] starting (kafka.server.KafkaServer)',
    '[2026-01-01 10:00:00,010] INFO Awaiting socket connections on 0.0.0.0:9092. (kafka.network.Acceptor)',
    '[2026-01-01 10:00:00,011] INFO Awaiting socket connections on [::1]:9093. (kafka.network.Acceptor)',
  ].join('\n');
  assert.equal(parseKafkaStarted(head), undefined);
  const started = '[2026-01-01 10:00:00,020] INFO [KafkaServer id=3] started (kafka.server.KafkaServer)';
  assert.deepEqual(parseKafkaStarted(`${head}\n${started}\n`), {
    brokerId: 3,
    line: started,
    listeners: [{ host: '0.0.0.0', port: 9092 }, { host: '::1', port: 9093 }],
  });
});

test('a zkafka broker is recognised by its argv; the daemon files sit in the log directory', () => {
  assert.ok(isKafkaServerArgv(['/usr/bin/node', '/opt/zkafka/bin/run.js', 'kafka-server-start', 'server.properties']));
  assert.ok(isKafkaServerArgv(['node', '/usr/local/bin/zkafka', 'kafka-server-start', '-daemon', 's.properties']));
  assert.equal(isKafkaServerArgv(['node', '/opt/zkafka/bin/run.js', 'zookeeper-server-start', 'zoo.cfg']), false);
  assert.equal(isKafkaServerArgv(['java', 'kafka.Kafka', 'kafka-server-start']), false);
  assert.equal(kafkaOutFile('/var/log/kafka'), '/var/log/kafka/kafkaServer.out');
  assert.equal(kafkaPidFile('/var/log/kafka'), '/var/log/kafka/kafkaServer.pid');
});
