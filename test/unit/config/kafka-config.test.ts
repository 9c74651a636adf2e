import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FIXTURES_DIR } from '../../support/fixtures-dir.js';
import {
  ConfigError,
  kafkaConfigError,
  loadKafkaConfig,
  parseKafkaConfig,
  parseOverrides,
  type KafkaConfig,
} from '../../../src/config/kafka-config.js';
import { KAFKA_KEY_FAMILIES, KAFKA_KEYS } from '../../../src/config/kafka-keys.js';
import { checkLogDirs } from '../../../src/config/kafka-log-dirs.js';
import { formatKafkaValue } from '../../../src/config/kafka-values.js';
import { KAFKA_282_DEFAULTS } from './kafka-282-defaults.js';

const templates = fileURLToPath(new URL('../../../../templates/', import.meta.url));
const DOCUMENTATION_DIR = path.join(FIXTURES_DIR, '..', '..', 'documentation');
const ZK = 'zookeeper.connect=localhost:2181';

function parse(text: string, overrides: string[] = []): KafkaConfig {
  return parseKafkaConfig(text, 'server.properties', overrides);
}

function errorOf(text: string, overrides: string[] = []): string {
  try {
    parse(text, overrides);
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
    assert.ok(!err.message.includes('\n'), 'one line');
    return err.message;
  }
  assert.fail('expected a ConfigError');
}

/** The server.properties block the tutorial asks users to type, or undefined when the documentation is absent. */
function tutorialServerProperties(): string | undefined {
  if (!existsSync(DOCUMENTATION_DIR)) return undefined;
  for (const name of readdirSync(DOCUMENTATION_DIR).filter((n) => n.endsWith('.txt'))) {
    const text = readFileSync(path.join(DOCUMENTATION_DIR, name), 'utf8');
    const block = /```\n(broker\.id=[^`]*?)```/.exec(text);
    if (block) return block[1];
  }
  return undefined;
}

test('the tutorial\'s server.properties is templates/server.properties and loads as written', (t) => {
  const tutorial = tutorialServerProperties();
  const template = readFileSync(path.join(templates, 'server.properties'), 'utf8');
  if (tutorial === undefined) t.diagnostic(`skipped the comparison with the tutorial: ${DOCUMENTATION_DIR} is absent`);
  else assert.equal(template, tutorial);

  const config = loadKafkaConfig(path.join(templates, 'server.properties'));
  assert.equal(config.brokerId, 0);
  assert.equal(config.zookeeperConnect, 'zk1:2181,zk2:2181,zk3:2181');
  assert.deepEqual(config.zookeeper, {
    servers: [{ host: 'zk1', port: 2181 }, { host: 'zk2', port: 2181 }, { host: 'zk3', port: 2181 }],
  });
  assert.deepEqual(config.logDirs, ['/tmp/kafka-logs']);
  assert.equal(config.numPartitions, 3);
  assert.equal(config.socketRequestMaxBytes, 1048576);
  assert.equal(config.logFlushIntervalMessages, 5000);
  assert.equal(config.logFlushIntervalMs, 60000);
  assert.equal(config.logRetentionMs, 168 * 3600_000);
  assert.equal(config.logRetentionCheckIntervalMs, 30000);
  assert.equal(config.logSegmentBytes, 1073741824);
  assert.equal(config.logCleanerThreads, 1);
  assert.deepEqual(config.listeners, [{ name: 'PLAINTEXT', securityProtocol: 'PLAINTEXT', host: '', port: 9092 }]);
  assert.deepEqual(config.advertisedListeners, config.listeners);
  // The tutorial's misspelt or invented keys get Apache's warning and are otherwise ignored.
  const file = path.join(templates, 'server.properties');
  assert.deepEqual(config.warnings, [
    `${file}:7: The configuration 'num.recovery.threads.per.datadir' was supplied but isn't a known config.`,
    `${file}:11: The configuration 'socket.timeout.ms' was supplied but isn't a known config.`,
    `${file}:17: The configuration 'log.segment.count' was supplied but isn't a known config.`,
    `${file}:19: The configuration 'log.cleaner.deduplicate.ms' was supplied but isn't a known config.`,
    `${file}:20: The configuration 'log.cleaner.io.buffer.bytes' was supplied but isn't a known config.`,
    `${file}:21: The configuration 'log.cleaner.io.buffer.count' was supplied but isn't a known config.`,
    `${file}:22: The configuration 'log.cleaner.io.buffer.percent' was supplied but isn't a known config.`,
  ]);
});

test('templates/local: three brokers on 127.0.0.1 sharing the local ZooKeeper', () => {
  const files = readdirSync(path.join(templates, 'local')).filter((n) => n.endsWith('.properties')).sort();
  assert.deepEqual(files, ['server-1.properties', 'server-2.properties', 'server-3.properties']);
  files.forEach((name, i) => {
    const n = i + 1;
    const config = loadKafkaConfig(path.join(templates, 'local', name));
    assert.equal(config.brokerId, n);
    assert.deepEqual(config.listeners, [{ name: 'PLAINTEXT', securityProtocol: 'PLAINTEXT', host: '127.0.0.1', port: 9091 + n }]);
    assert.deepEqual(config.advertisedListeners, config.listeners);
    assert.deepEqual(config.logDirs, [`/tmp/zkafka/kafka-logs-${n}`]);
    assert.deepEqual(config.zookeeper, { servers: [{ host: 'localhost', port: 2181 }] });
    assert.equal(config.offsetsTopicReplicationFactor, 3);
    assert.equal(config.groupInitialRebalanceDelayMs, 0);
    assert.deepEqual(config.warnings, []);
  });
});

test('every key\'s default is Kafka 2.8.2\'s', () => {
  assert.deepEqual(KAFKA_KEYS.map((k) => k.name).sort(), KAFKA_282_DEFAULTS.map(([name]) => name).sort());
  const config = parse(ZK);
  for (const [name, expected] of KAFKA_282_DEFAULTS) {
    const def = KAFKA_KEYS.find((k) => k.name === name)!;
    assert.equal(formatKafkaValue(config.values.get(name)!, def.type), name === 'zookeeper.connect' ? 'localhost:2181' : expected, name);
  }
  // What the defaults add up to.
  assert.equal(config.brokerId, -1);
  assert.deepEqual(config.listeners, [{ name: 'PLAINTEXT', securityProtocol: 'PLAINTEXT', host: '', port: 9092 }]);
  assert.deepEqual(config.advertisedListeners, config.listeners);
  assert.equal(config.interBrokerListenerName, 'PLAINTEXT');
  assert.deepEqual(config.logDirs, ['/tmp/kafka-logs']);
  assert.equal(config.logRetentionMs, 604800000);
  assert.equal(config.logRollMs, 604800000);
  assert.equal(config.logRollJitterMs, 0);
  assert.equal(config.logFlushIntervalMs, Number.MAX_SAFE_INTEGER);
  assert.equal(config.logFlushIntervalMessages, Number.MAX_SAFE_INTEGER);
  assert.equal(config.zookeeperConnectionTimeoutMs, 18000);
  assert.equal(config.offsetsRetentionMs, 7 * 24 * 3600_000);
  assert.deepEqual(config.logCleanupPolicy, ['delete']);
  assert.deepEqual(config.warnings, []);
});

test('every key and family has a support note', () => {
  for (const key of KAFKA_KEYS) {
    assert.ok(['honoured', 'ignored', 'default-only'].includes(key.support), key.name);
    assert.ok(key.note.length > 10 && key.note.endsWith('.'), `${key.name}: ${key.note}`);
  }
  for (const family of KAFKA_KEY_FAMILIES) assert.ok(family.note.endsWith('.'), family.prefix);
  const threadKeys = ['num.network.threads', 'num.io.threads', 'num.recovery.threads.per.data.dir'];
  for (const name of threadKeys) assert.equal(KAFKA_KEYS.find((k) => k.name === name)!.support, 'ignored');
});

test('unknown keys get exactly Apache\'s warning, wherever they come from', () => {
  const config = parse(`${ZK}\nlog.retention.dayz=7`, ['no.such.key=1']);
  assert.deepEqual(config.warnings, [
    "server.properties:2: The configuration 'log.retention.dayz' was supplied but isn't a known config.",
    "--override: The configuration 'no.such.key' was supplied but isn't a known config.",
  ]);
});

test('TLS/SASL keys and families are accepted with a note that they have no effect; secrets are never shown', () => {
  const config = parse(`${ZK}\nssl.keystore.location=/k\nssl.keystore.password=s3cret\nlistener.name.plaintext.sasl.jaas.config=x required password="p";`);
  const reason = 'Only PLAINTEXT listeners are supported, so there is no authentication to configure.';
  assert.deepEqual(config.warnings, [
    `server.properties:2: ssl.keystore.location has no effect: ${reason}`,
    `server.properties:3: ssl.keystore.password has no effect: ${reason}`,
    `server.properties:4: listener.name.plaintext.sasl.jaas.config has no effect: Per-listener overrides of TLS/SASL settings. ${reason}`,
  ]);
  assert.ok(!config.warnings.join('\n').includes('s3cret'));
  assert.equal(config.values.get('ssl.keystore.password'), 's3cret');
});

test('each type\'s bad value is one line naming file, line, key and what is expected', () => {
  const cases: Array<[string, string]> = [
    ['num.partitions=abc', "server.properties:2: num.partitions: expected an integer >= 1, got 'abc'"],
    ['num.partitions=0', "server.properties:2: num.partitions: expected an integer >= 1, got '0'"],
    ['num.partitions=3000000000', "server.properties:2: num.partitions: expected an integer from 1 to 2147483647, got '3000000000'"],
    ['num.partitions=', 'server.properties:2: num.partitions: expected an integer >= 1, got nothing'],
    ['default.replication.factor=1.5', "server.properties:2: default.replication.factor: expected an integer, got '1.5'"],
    ['log.retention.bytes=1GB', "server.properties:2: log.retention.bytes: expected an integer, got '1GB'"],
    ['log.retention.bytes=9223372036854775808', "server.properties:2: log.retention.bytes: expected an integer from -9223372036854775808 to 9223372036854775807, got '9223372036854775808'"],
    ['log.flush.interval.messages=0', "server.properties:2: log.flush.interval.messages: expected an integer >= 1, got '0'"],
    ['offsets.topic.replication.factor=0', "server.properties:2: offsets.topic.replication.factor: expected an integer >= 1, got '0'"],
    ['offsets.topic.replication.factor=40000', "server.properties:2: offsets.topic.replication.factor: expected an integer from 1 to 32767, got '40000'"],
    ['log.cleaner.min.cleanable.ratio=half', "server.properties:2: log.cleaner.min.cleanable.ratio: expected a number, got 'half'"],
    ['auto.create.topics.enable=yes', "server.properties:2: auto.create.topics.enable: expected 'true' or 'false', got 'yes'"],
    ['log.cleanup.policy=delete,archive', "server.properties:2: log.cleanup.policy: expected a comma-separated list of compact, delete, got 'delete,archive'"],
    ['log.message.timestamp.type=createtime', "server.properties:2: log.message.timestamp.type: expected one of CreateTime, LogAppendTime, got 'createtime'"],
    ['inter.broker.protocol.version=3.0', "server.properties:2: inter.broker.protocol.version: expected a Kafka version from 0.8.0 to 2.8 (such as 2.8 or 2.8-IV1), got '3.0'"],
    ['create.topic.policy.class.name=not a class', "server.properties:2: create.topic.policy.class.name: expected a Java class name, got 'not a class'"],
    ['compression.type=brotli', "server.properties:2: compression.type: expected one of uncompressed, zstd, lz4, snappy, gzip, producer, got 'brotli'"],
    ['offsets.topic.compression.codec=5', "server.properties:2: offsets.topic.compression.codec: expected 0 (none), 1 (gzip), 2 (snappy), 3 (lz4) or 4 (zstd), got '5'"],
  ];
  for (const [line, message] of cases) assert.equal(errorOf(`${ZK}\n${line}`), message, line);
});

test('valid spellings of each type', () => {
  const config = parse(
    [ZK, 'num.partitions=+4', 'auto.create.topics.enable=FALSE', 'log.cleaner.min.cleanable.ratio=.25',
      'log.cleaner.io.max.bytes.per.second=1e6', 'log.cleanup.policy=compact , delete', 'log.retention.bytes=-1',
      'inter.broker.protocol.version=2.8.2', 'log.message.format.version=0.10.2'].join('\n'),
  );
  assert.equal(config.numPartitions, 4);
  assert.equal(config.autoCreateTopicsEnable, false);
  assert.equal(config.logCleanerMinCleanableRatio, 0.25);
  assert.equal(config.logCleanerIoMaxBytesPerSecond, 1e6);
  assert.deepEqual(config.logCleanupPolicy, ['compact', 'delete']);
  assert.equal(config.values.get('log.retention.bytes'), -1n);
  assert.equal(config.logMessageFormatVersion, '0.10.2');
});

test('--override replaces the file\'s value, is validated the same way, and is named in messages', () => {
  const config = parse(`${ZK}\nnum.partitions=3\nbroker.id=0`, ['num.partitions=6', 'log.dirs=/a,/b', 'broker.id = 2 ']);
  assert.equal(config.numPartitions, 6);
  assert.equal(config.brokerId, 2);
  assert.deepEqual(config.logDirs, ['/a', '/b']);
  assert.deepEqual(config.sources.get('num.partitions'), { source: '--override' });
  assert.deepEqual(config.sources.get('zookeeper.connect'), { source: 'server.properties', line: 1 });
  // An override can repair a bad file value, as Kafka merges before parsing.
  assert.equal(parse(`${ZK}\nnum.partitions=abc`, ['num.partitions=2']).numPartitions, 2);
  assert.equal(errorOf(ZK, ['num.partitions=none']), "--override: num.partitions: expected an integer >= 1, got 'none'");
  assert.equal(errorOf(ZK, ['listeners=SSL://:9093']),
    "--override: listeners: expected PLAINTEXT listeners only (SSL, SASL_PLAINTEXT and SASL_SSL are not supported), got 'SSL://:9093'");
  assert.equal(parse('', ['zookeeper.connect=a:2181/kafka']).zookeeper.chroot, '/kafka');
  // A value may itself contain '='.
  assert.deepEqual(parseOverrides(['sasl.jaas.config=a=b']), [{ key: 'sasl.jaas.config', value: 'a=b', line: 0, source: '--override' }]);
  assert.throws(() => parseOverrides(['num.partitions']), { message: "--override: expected key=value, got 'num.partitions'" });
  assert.throws(() => parseOverrides(['=3']), { message: "--override: expected key=value, got '=3'" });
});

test('retention: log.retention.ms wins over minutes, minutes over hours; negative is unlimited; 0 is refused', () => {
  assert.equal(parse(`${ZK}\nlog.retention.hours=1`).logRetentionMs, 3600_000);
  assert.equal(parse(`${ZK}\nlog.retention.hours=1\nlog.retention.minutes=2`).logRetentionMs, 120_000);
  assert.equal(parse(`${ZK}\nlog.retention.hours=1\nlog.retention.minutes=2\nlog.retention.ms=1500`).logRetentionMs, 1500);
  assert.equal(parse(`${ZK}\nlog.retention.ms=-1\nlog.retention.hours=1`).logRetentionMs, -1);
  assert.equal(parse(`${ZK}\nlog.retention.hours=-5`).logRetentionMs, -1);
  assert.equal(parse(`${ZK}\nlog.retention.minutes=-1`).logRetentionMs, -1);
  assert.equal(parse(`${ZK}\nlog.retention.hours=0\nlog.retention.ms=5`).logRetentionMs, 5);
  assert.equal(errorOf(`${ZK}\nlog.retention.hours=0`),
    'server.properties:2: log.retention.hours: log.retention.ms must be unlimited (-1) or, greater than or equal to 1');
  assert.equal(errorOf(`${ZK}\nlog.retention.hours=5\nlog.retention.ms=0`),
    'server.properties:3: log.retention.ms: log.retention.ms must be unlimited (-1) or, greater than or equal to 1');
  assert.equal(parse(`${ZK}\nlog.roll.hours=2`).logRollMs, 7200_000);
  assert.equal(parse(`${ZK}\nlog.roll.hours=2\nlog.roll.ms=10`).logRollMs, 10);
  assert.equal(errorOf(`${ZK}\nlog.roll.ms=0`), 'server.properties:2: log.roll.ms: log.roll.ms must be greater than or equal to 1');
  assert.equal(parse(`${ZK}\nlog.flush.scheduler.interval.ms=1000`).logFlushIntervalMs, 1000);
});

test('broker.id: -1 (generated) up to reserved.broker.max.id; >= 0 without generation', () => {
  assert.equal(parse(`${ZK}\nbroker.id=1000`).brokerId, 1000);
  assert.equal(errorOf(`${ZK}\nbroker.id=1001`),
    'server.properties:2: broker.id: broker.id must be greater than or equal to -1 and not greater than reserved.broker.max.id');
  assert.equal(parse(`${ZK}\nbroker.id=5000\nreserved.broker.max.id=9999`).brokerId, 5000);
  assert.equal(parse(`${ZK}\nbroker.id=5000\nbroker.id.generation.enable=false`).brokerId, 5000);
  assert.equal(errorOf(`${ZK}\nbroker.id.generation.enable=false`),
    'server.properties: broker.id: broker.id must be greater than or equal to 0');
});

test('zookeeper.connect: required, default port 2181, IPv6, chroot', () => {
  assert.equal(errorOf('num.partitions=1'),
    'server.properties: zookeeper.connect: expected host:port[,host:port...][/chroot] (such as zk1:2181,zk2:2181/kafka), required (no default), got nothing');
  assert.deepEqual(parse('zookeeper.connect=a, b:2182,[::1]:2183,[fe80::1]/kafka/prod').zookeeper, {
    servers: [{ host: 'a', port: 2181 }, { host: 'b', port: 2182 }, { host: '::1', port: 2183 }, { host: 'fe80::1', port: 2181 }],
    chroot: '/kafka/prod',
  });
  assert.equal(parse('zookeeper.connect=a:1/').zookeeper.chroot, undefined);
  assert.equal(errorOf('zookeeper.connect=a:1/kafka/'),
    "server.properties:1: zookeeper.connect: expected a chroot path without a trailing /, got '/kafka/'");
  assert.equal(errorOf('zookeeper.connect=a:1,b:x'),
    "server.properties:1: zookeeper.connect: expected host:port[,host:port...][/chroot] (such as zk1:2181,zk2:2181/kafka); a port from 1 to 65535, got 'b:x'");
  assert.equal(errorOf('zookeeper.connect=/kafka'),
    "server.properties:1: zookeeper.connect: expected host:port[,host:port...][/chroot] (such as zk1:2181,zk2:2181/kafka), got '/kafka'");
  assert.equal(parse(`${ZK}\nzookeeper.session.timeout.ms=6000`).zookeeperConnectionTimeoutMs, 6000);
});

test('log.dirs over log.dir; at least one directory', () => {
  assert.deepEqual(parse(`${ZK}\nlog.dir=/x`).logDirs, ['/x']);
  assert.deepEqual(parse(`${ZK}\nlog.dir=/x\nlog.dirs=/a, /b,`).logDirs, ['/a', '/b']);
  assert.equal(errorOf(`${ZK}\nlog.dirs=`),
    'server.properties:2: log.dirs: At least one log directory must be defined via log.dirs or log.dir.');
  assert.equal(errorOf(`${ZK}\nlog.dir= ,`),
    'server.properties:2: log.dir: At least one log directory must be defined via log.dirs or log.dir.');
});

test('unsupported features: only the default is accepted, with the reason', () => {
  assert.equal(errorOf(`${ZK}\nauthorizer.class.name=kafka.security.authorizer.AclAuthorizer`),
    "server.properties:2: authorizer.class.name: expected it unset (ACL authorization is not supported; a configured authorizer would silently not be enforced), got 'kafka.security.authorizer.AclAuthorizer'");
  assert.equal(errorOf(`${ZK}\nprocess.roles=broker`),
    "server.properties:2: process.roles: expected it unset (KRaft mode is not supported: zkafka runs ZooKeeper-mode Kafka 2.8), got 'broker'");
  assert.equal(errorOf(`${ZK}\nsecurity.inter.broker.protocol=SSL`),
    "server.properties:2: security.inter.broker.protocol: expected PLAINTEXT (Only PLAINTEXT is supported between brokers), got 'SSL'");
  assert.equal(errorOf(`${ZK}\nzookeeper.set.acl=true`),
    "server.properties:2: zookeeper.set.acl: expected false (Secure znode ACLs need SASL authentication to ZooKeeper, which is not supported), got 'true'");
  // Setting the default explicitly is fine.
  assert.deepEqual(parse(`${ZK}\nauthorizer.class.name=\nzookeeper.set.acl=false`).warnings, []);
});

test('ignored keys: accepted, with a warning only when set to something other than the default', () => {
  const config = parse(`${ZK}\nnum.io.threads=16\nnum.network.threads=3\nsocket.send.buffer.bytes=1048576`);
  assert.equal(config.numIoThreads, 16);
  assert.deepEqual(config.warnings, [
    'server.properties:2: num.io.threads=16 has no effect: Node.js serves every connection and request of a broker on one event loop, so there is no such thread pool to size.',
    'server.properties:4: socket.send.buffer.bytes=1048576 has no effect: Node.js has no API for SO_SNDBUF/SO_RCVBUF on TCP sockets; the kernel sizes (and auto-tunes) the buffers.',
  ]);
});

test('Kafka\'s cross-key checks', () => {
  assert.equal(errorOf(`${ZK}\nreplica.fetch.wait.max.ms=40000`),
    'server.properties:2: replica.fetch.wait.max.ms: replica.socket.timeout.ms should always be at least replica.fetch.wait.max.ms to prevent unnecessary socket timeouts');
  assert.equal(errorOf(`${ZK}\nreplica.socket.timeout.ms=90000\nreplica.fetch.wait.max.ms=40000`),
    'server.properties:3: replica.fetch.wait.max.ms: replica.fetch.wait.max.ms should always be less than or equal to replica.lag.time.max.ms to prevent frequent changes in ISR');
  assert.equal(errorOf(`${ZK}\noffsets.topic.replication.factor=1\noffsets.commit.required.acks=2`),
    'server.properties:3: offsets.commit.required.acks: offsets.commit.required.acks must be greater or equal -1 and less or equal to offsets.topic.replication.factor');
  assert.equal(errorOf(`${ZK}\nlog.cleaner.dedupe.buffer.size=1048576`),
    'server.properties:2: log.cleaner.dedupe.buffer.size: log.cleaner.dedupe.buffer.size must be at least 1MB per cleaner thread.');
  assert.equal(errorOf(`${ZK}\nqueued.max.request.bytes=1000`),
    'server.properties:2: queued.max.request.bytes: queued.max.request.bytes must be larger or equal to socket.request.max.bytes');
  assert.equal(errorOf(`${ZK}\nmax.connections.per.ip=0`),
    'server.properties:2: max.connections.per.ip: max.connections.per.ip can be set to zero only if max.connections.per.ip.overrides property is set.');
  assert.deepEqual(
    [...parse(`${ZK}\nmax.connections.per.ip=0\nmax.connections.per.ip.overrides=127.0.0.1:5, ::1:7`).maxConnectionsPerIpOverrides],
    [['127.0.0.1', 5], ['::1', 7]],
  );
  assert.equal(errorOf(`${ZK}\nlog.message.format.version=2.0\ninter.broker.protocol.version=0.10.0`),
    'server.properties:2: log.message.format.version: log.message.format.version 2.0 can only be used when inter.broker.protocol.version is set to version 0.11.0 or higher');
});

test('a missing file is a ConfigError naming it', () => {
  assert.throws(() => loadKafkaConfig('/nonexistent/server.properties'), {
    name: 'ConfigError',
    message: '/nonexistent/server.properties: cannot read config file: ENOENT',
  });
});

test('later problems point at the key\'s line or override; checkLogDirs creates the directories or names log.dirs', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'kafka-config-'));
  try {
    const blocker = path.join(dir, 'file');
    writeFileSync(blocker, '');
    const config = parse(`${ZK}\nbroker.id=3\nlog.dirs=${dir}/a,${dir}/b/c`, ['num.partitions=2']);
    assert.equal(kafkaConfigError(config, 'broker.id', 'does not match meta.properties').message,
      'server.properties:2: broker.id: does not match meta.properties');
    assert.equal(kafkaConfigError(config, 'num.partitions', 'x').message, '--override: num.partitions: x');
    assert.equal(kafkaConfigError(config, 'log.retention.hours', 'x').message, 'server.properties: log.retention.hours: x');
    checkLogDirs(config);
    assert.ok(statSync(`${dir}/a`).isDirectory() && statSync(`${dir}/b/c`).isDirectory());
    const blocked = parse(`${ZK}\nlog.dirs=${dir}/a,${blocker}/sub`);
    assert.throws(() => checkLogDirs(blocked), {
      name: 'ConfigError',
      message: `server.properties:2: log.dirs: expected writable directories, got '${blocker}/sub' (ENOTDIR)`,
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
