/**
 * Every server.properties key of Apache Kafka 2.8.2's KafkaConfig (ZooKeeper mode), with its type, default and
 * validator as KafkaConfig.configDef declares them, and what zkafka does with it. Docs are generated from this
 * table, so each note says what the key does here or why it has no effect.
 */
import {
  atLeast,
  defaultOnly,
  honoured,
  ignored,
  INT32_MAX,
  INT64_MAX,
  listOf,
  oneOf,
  VERSION,
  type KafkaKeyDef,
  type KafkaKeyFamily,
} from './kafka-key-types.js';

export * from './kafka-key-types.js';

const THREADS =
  'Node.js serves every connection and request of a broker on one event loop, so there is no such thread pool to size.';
const SOCKET_BUFFER =
  'Node.js has no API for SO_SNDBUF/SO_RCVBUF on TCP sockets; the kernel sizes (and auto-tunes) the buffers.';
const KRAFT = 'KRaft mode is not supported (zkafka runs ZooKeeper-mode Kafka 2.8); accepted for compatibility.';
const NO_SECURITY = 'Only PLAINTEXT listeners are supported, so there is no authentication to configure.';
const NO_QUOTAS = 'Client, controller-mutation and log-dir-move quotas are not implemented; only replication is throttled.';
const NO_METRICS = 'There is no JMX or metrics-reporter plugin system; statistics come from the CLI.';
const NO_PURGATORY = 'Delayed requests are removed as soon as they complete; there is no purgatory to purge.';
const PASSWORD_ENCODER = 'Dynamic broker configs with encoded passwords are not supported.';
const NO_PLUGINS = 'Java plugin classes cannot be loaded, and running without the requested policy would be unsafe.';

export const KAFKA_KEYS: readonly KafkaKeyDef[] = [
  // ZooKeeper
  honoured('zookeeper.connect', 'STRING', null, 'Required. host:port[,host:port...][/chroot]; the chroot is created if missing.'),
  honoured('zookeeper.session.timeout.ms', 'INT', 18000, 'Session timeout asked of ZooKeeper; the broker registration vanishes after it expires.'),
  honoured('zookeeper.connection.timeout.ms', 'INT', null, 'Longest wait for the first ZooKeeper connection; unset = zookeeper.session.timeout.ms.'),
  honoured('zookeeper.max.in.flight.requests', 'INT', 10, 'Most ZooKeeper requests the broker has outstanding at once.', atLeast(1)),
  ignored('zookeeper.sync.time.ms', 'INT', 2000, 'Not read by a 2.8 broker either (a leftover of the old consumer).'),
  defaultOnly('zookeeper.set.acl', 'BOOLEAN', false, 'Secure znode ACLs need SASL authentication to ZooKeeper, which is not supported.'),
  defaultOnly('zookeeper.ssl.client.enable', 'BOOLEAN', false, 'TLS connections to ZooKeeper are not supported.'),
  ignored('zookeeper.clientCnxnSocket', 'STRING', null, 'Names a Java socket class; the Node.js ZooKeeper client has one transport.'),

  // General
  honoured('broker.id', 'INT', -1, 'This broker id; -1 = generate one above reserved.broker.max.id from /brokers/seqid (needs broker.id.generation.enable). Must match meta.properties.'),
  honoured('broker.id.generation.enable', 'BOOLEAN', true, 'Allow broker.id=-1 (generated id).'),
  honoured('reserved.broker.max.id', 'INT', 1000, 'Highest id a configured broker.id may use; generated ids start above it.', atLeast(0)),
  honoured('message.max.bytes', 'INT', 1048588, 'Largest record batch accepted (topic: max.message.bytes); larger gets MESSAGE_TOO_LARGE.', atLeast(0)),
  ignored('num.network.threads', 'INT', 3, THREADS, atLeast(1)),
  ignored('num.io.threads', 'INT', 8, THREADS, atLeast(1)),
  ignored('background.threads', 'INT', 10, THREADS, atLeast(1)),
  ignored('num.replica.alter.log.dirs.threads', 'INT', null, THREADS),
  honoured('queued.max.requests', 'INT', 500, 'Requests read but not yet answered; at the bound the broker stops reading from sockets.', atLeast(1)),
  honoured('queued.max.request.bytes', 'LONG', -1n, 'Bytes of requests read but not yet answered; <= 0 = no byte bound.'),
  honoured('request.timeout.ms', 'INT', 30000, 'Timeout of the broker\'s own requests to other brokers and to the controller.'),
  honoured('socket.connection.setup.timeout.ms', 'LONG', 10000n, 'Connect timeout of the broker\'s own connections (first attempt).'),
  honoured('socket.connection.setup.timeout.max.ms', 'LONG', 30000n, 'Connect timeout after repeated failures (exponential back-off cap).'),

  // KRaft (early access in 2.8)
  defaultOnly('process.roles', 'LIST', [], 'KRaft mode is not supported: zkafka runs ZooKeeper-mode Kafka 2.8.', listOf('broker', 'controller')),
  ignored('node.id', 'INT', -1, KRAFT),
  ignored('initial.broker.registration.timeout.ms', 'INT', 60000, KRAFT),
  ignored('broker.heartbeat.interval.ms', 'INT', 2000, KRAFT),
  ignored('broker.session.timeout.ms', 'INT', 9000, KRAFT),
  ignored('controller.listener.names', 'STRING', null, KRAFT),
  ignored('metadata.log.dir', 'STRING', null, KRAFT),

  // Authorizer
  defaultOnly('authorizer.class.name', 'STRING', '', 'ACL authorization is not supported; a configured authorizer would silently not be enforced.'),

  // Socket server
  honoured('listeners', 'STRING', null, 'NAME://host:port list to bind; unset = PLAINTEXT://<host.name>:<port> (PLAINTEXT://:9092). Empty host = every interface, dual-stack. PLAINTEXT only.'),
  honoured('advertised.listeners', 'STRING', null, 'What /brokers/ids/<id> and Metadata announce; unset = advertised.host.name/port, else listeners. An empty host becomes the local canonical host name; 0.0.0.0 is refused.'),
  honoured('listener.security.protocol.map', 'STRING', 'PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL', 'NAME:PROTOCOL pairs; every listener in use must map to PLAINTEXT.'),
  defaultOnly('control.plane.listener.name', 'STRING', null, 'A separate control-plane listener is not supported; controller requests share the inter-broker listener.'),
  honoured('host.name', 'STRING', '', 'Deprecated: host of the default listener when listeners is unset.'),
  honoured('port', 'INT', 9092, 'Deprecated: port of the default listener when listeners is unset.'),
  honoured('advertised.host.name', 'STRING', null, 'Deprecated: advertised host when advertised.listeners is unset (default host.name).'),
  honoured('advertised.port', 'INT', null, 'Deprecated: advertised port when advertised.listeners is unset (default port).'),
  ignored('socket.send.buffer.bytes', 'INT', 102400, SOCKET_BUFFER),
  ignored('socket.receive.buffer.bytes', 'INT', 102400, SOCKET_BUFFER),
  honoured('socket.request.max.bytes', 'INT', 104857600, 'Largest request frame; a larger size prefix closes the connection.', atLeast(1)),
  honoured('max.connections.per.ip', 'INT', INT32_MAX, 'Connections accepted per client address; 0 only with max.connections.per.ip.overrides.', atLeast(0)),
  honoured('max.connections.per.ip.overrides', 'STRING', '', 'host:count pairs overriding max.connections.per.ip.'),
  honoured('max.connections', 'INT', INT32_MAX, 'Connections accepted in total.', atLeast(0)),
  ignored('max.connection.creation.rate', 'INT', INT32_MAX, 'Connection-rate throttling is not implemented.', atLeast(0)),
  honoured('connections.max.idle.ms', 'LONG', 600000n, 'Idle client connections are closed after this long.'),
  ignored('connection.failed.authentication.delay.ms', 'INT', 100, NO_SECURITY, atLeast(0)),

  // Rack
  honoured('broker.rack', 'STRING', null, 'Registered in /brokers/ids/<id> and used by rack-aware replica assignment.'),

  // Log
  honoured('num.partitions', 'INT', 1, 'Partitions of auto-created topics and of CreateTopics without a count.', atLeast(1)),
  honoured('log.dir', 'STRING', '/tmp/kafka-logs', 'Data directory when log.dirs is unset.'),
  honoured('log.dirs', 'STRING', null, 'Comma-separated data directories; unset = log.dir.'),
  honoured('log.segment.bytes', 'INT', 1073741824, 'Roll a segment at this size (topic: segment.bytes).', atLeast(14)),
  honoured('log.roll.ms', 'LONG', null, 'Roll a segment at this age (topic: segment.ms); unset = log.roll.hours.'),
  honoured('log.roll.hours', 'INT', 168, 'Segment age limit in hours when log.roll.ms is unset.', atLeast(1)),
  honoured('log.roll.jitter.ms', 'LONG', null, 'Random jitter subtracted from the roll age (topic: segment.jitter.ms); unset = log.roll.jitter.hours.'),
  honoured('log.roll.jitter.hours', 'INT', 0, 'Roll jitter in hours when log.roll.jitter.ms is unset.', atLeast(0)),
  honoured('log.retention.ms', 'LONG', null, 'Time retention (topic: retention.ms); wins over minutes and hours; negative = unlimited.'),
  honoured('log.retention.minutes', 'INT', null, 'Time retention in minutes when log.retention.ms is unset.'),
  honoured('log.retention.hours', 'INT', 168, 'Time retention in hours when log.retention.ms and log.retention.minutes are unset.'),
  honoured('log.retention.bytes', 'LONG', -1n, 'Size retention per partition (topic: retention.bytes); -1 = unlimited.'),
  honoured('log.retention.check.interval.ms', 'LONG', 300000n, 'How often retention runs.', atLeast(1)),
  honoured('log.cleanup.policy', 'LIST', ['delete'], 'delete and/or compact (topic: cleanup.policy).', listOf('compact', 'delete')),
  honoured('log.cleaner.threads', 'INT', 1, 'Logs compacted at the same time; 0 = none.', atLeast(0)),
  honoured('log.cleaner.io.max.bytes.per.second', 'DOUBLE', Number.MAX_VALUE, 'Cleaner read+write throttle, shared by all cleaners.'),
  honoured('log.cleaner.dedupe.buffer.size', 'LONG', 134217728n, 'Memory for the cleaners\' key-to-offset maps, split equally between them (at least 1 MiB per cleaner thread).'),
  honoured('log.cleaner.io.buffer.size', 'INT', 524288, 'Cleaner read/write buffer size.', atLeast(0)),
  honoured('log.cleaner.io.buffer.load.factor', 'DOUBLE', 0.9, 'Fill ratio of the cleaner\'s offset map.'),
  honoured('log.cleaner.backoff.ms', 'LONG', 15000n, 'Cleaner sleep when there is nothing to clean.', atLeast(0)),
  honoured('log.cleaner.min.cleanable.ratio', 'DOUBLE', 0.5, 'Dirty ratio that makes a log eligible (topic: min.cleanable.dirty.ratio).'),
  honoured('log.cleaner.enable', 'BOOLEAN', true, 'Run the log cleaner (needed for compacted topics such as __consumer_offsets).'),
  honoured('log.cleaner.delete.retention.ms', 'LONG', 86400000n, 'How long tombstones are kept (topic: delete.retention.ms).'),
  honoured('log.cleaner.min.compaction.lag.ms', 'LONG', 0n, 'Minimum age before a record may be compacted (topic: min.compaction.lag.ms).'),
  honoured('log.cleaner.max.compaction.lag.ms', 'LONG', INT64_MAX, 'Maximum age before a record must be compacted (topic: max.compaction.lag.ms).'),
  honoured('log.index.size.max.bytes', 'INT', 10485760, 'Offset/time index size limit (topic: segment.index.bytes).', atLeast(4)),
  honoured('log.index.interval.bytes', 'INT', 4096, 'Bytes between index entries (topic: index.interval.bytes).', atLeast(0)),
  honoured('log.flush.interval.messages', 'LONG', INT64_MAX, 'fsync after this many messages (topic: flush.messages).', atLeast(1)),
  honoured('log.segment.delete.delay.ms', 'LONG', 60000n, 'Delay before a .deleted segment is removed (topic: file.delete.delay.ms).', atLeast(0)),
  honoured('log.flush.scheduler.interval.ms', 'LONG', INT64_MAX, 'How often flush.ms is checked.'),
  honoured('log.flush.interval.ms', 'LONG', null, 'fsync age (topic: flush.ms); unset = log.flush.scheduler.interval.ms.'),
  honoured('log.flush.offset.checkpoint.interval.ms', 'INT', 60000, 'How often recovery-point-offset-checkpoint is written.', atLeast(0)),
  honoured('log.flush.start.offset.checkpoint.interval.ms', 'INT', 60000, 'How often log-start-offset-checkpoint is written.', atLeast(0)),
  ignored('log.preallocate', 'BOOLEAN', false, 'Segment files are not preallocated (the option exists for Windows file systems).'),
  ignored('num.recovery.threads.per.data.dir', 'INT', 1, THREADS, atLeast(1)),
  honoured('auto.create.topics.enable', 'BOOLEAN', true, 'Create unknown topics on Metadata requests that allow it.'),
  honoured('min.insync.replicas', 'INT', 1, 'acks=all needs at least this many in-sync replicas (topic: min.insync.replicas).', atLeast(1)),
  ignored('log.message.format.version', 'STRING', '2.8-IV1', 'Batches are always stored in the 2.8 format (magic 2) as produced; older formats are not written.', VERSION),
  honoured('log.message.timestamp.type', 'STRING', 'CreateTime', 'CreateTime or LogAppendTime (topic: message.timestamp.type).', oneOf('CreateTime', 'LogAppendTime')),
  honoured('log.message.timestamp.difference.max.ms', 'LONG', INT64_MAX, 'Largest allowed CreateTime skew (topic: message.timestamp.difference.max.ms).'),
  defaultOnly('create.topic.policy.class.name', 'CLASS', null, NO_PLUGINS),
  defaultOnly('alter.config.policy.class.name', 'CLASS', null, NO_PLUGINS),
  ignored('log.message.downconversion.enable', 'BOOLEAN', true, 'Records are never down-converted to older message formats.'),

  // Replication
  honoured('controller.socket.timeout.ms', 'INT', 30000, 'Timeout of controller-to-broker requests.'),
  honoured('default.replication.factor', 'INT', 1, 'Replication factor of auto-created topics and of CreateTopics without one.'),
  honoured('replica.lag.time.max.ms', 'LONG', 30000n, 'A follower not caught up within this time leaves the ISR.'),
  honoured('replica.socket.timeout.ms', 'INT', 30000, 'Timeout of follower fetch requests.'),
  ignored('replica.socket.receive.buffer.bytes', 'INT', 65536, SOCKET_BUFFER),
  honoured('replica.fetch.max.bytes', 'INT', 1048576, 'Bytes per partition a follower asks for.', atLeast(0)),
  honoured('replica.fetch.wait.max.ms', 'INT', 500, 'Longest wait of a follower fetch.'),
  honoured('replica.fetch.backoff.ms', 'INT', 1000, 'Follower pause after a fetch error.', atLeast(0)),
  honoured('replica.fetch.min.bytes', 'INT', 1, 'Bytes a follower fetch waits for.'),
  honoured('replica.fetch.response.max.bytes', 'INT', 10485760, 'Bytes per follower fetch response.', atLeast(0)),
  ignored('num.replica.fetchers', 'INT', 1, THREADS),
  honoured('replica.high.watermark.checkpoint.interval.ms', 'LONG', 5000n, 'How often replication-offset-checkpoint is written.'),
  ignored('fetch.purgatory.purge.interval.requests', 'INT', 1000, NO_PURGATORY),
  ignored('producer.purgatory.purge.interval.requests', 'INT', 1000, NO_PURGATORY),
  ignored('delete.records.purgatory.purge.interval.requests', 'INT', 1, NO_PURGATORY),
  honoured('auto.leader.rebalance.enable', 'BOOLEAN', true, 'Periodically move leadership back to preferred replicas.'),
  honoured('leader.imbalance.per.broker.percentage', 'INT', 10, 'Imbalance that triggers a preferred-leader election.'),
  honoured('leader.imbalance.check.interval.seconds', 'LONG', 300n, 'How often the controller checks leader imbalance.'),
  honoured('unclean.leader.election.enable', 'BOOLEAN', false, 'Allow an out-of-ISR replica to become leader (topic: unclean.leader.election.enable).'),
  defaultOnly('security.inter.broker.protocol', 'STRING', 'PLAINTEXT', 'Only PLAINTEXT is supported between brokers.'),
  honoured('inter.broker.protocol.version', 'STRING', '2.8-IV1', 'Below 2.7-IV1 followers fetch with Fetch v11 and truncate through OffsetsForLeaderEpoch instead of diverging_epoch; otherwise the broker speaks 2.8-IV1 to its peers (topic ids, AlterIsr).', VERSION),
  honoured('inter.broker.listener.name', 'STRING', null, 'Listener other brokers connect to; unset = the listener named by security.inter.broker.protocol.'),
  defaultOnly('replica.selector.class', 'STRING', null, 'Fetching from followers (KIP-392 replica selectors) is not supported.'),

  // Controlled shutdown
  honoured('controlled.shutdown.max.retries', 'INT', 3, 'Attempts to move leadership away before stopping.'),
  honoured('controlled.shutdown.retry.backoff.ms', 'LONG', 5000n, 'Pause between controlled-shutdown attempts.'),
  honoured('controlled.shutdown.enable', 'BOOLEAN', true, 'On SIGTERM, ask the controller to move leaderships away first.'),

  // Group coordinator
  honoured('group.min.session.timeout.ms', 'INT', 6000, 'Shortest session timeout a JoinGroup may ask for.'),
  honoured('group.max.session.timeout.ms', 'INT', 1800000, 'Longest session timeout a JoinGroup may ask for.'),
  honoured('group.initial.rebalance.delay.ms', 'INT', 3000, 'Delay of the first rebalance of an empty group.'),
  honoured('group.max.size', 'INT', INT32_MAX, 'Most members of one group.', atLeast(1)),

  // Offsets
  honoured('offset.metadata.max.bytes', 'INT', 4096, 'Largest metadata string of an offset commit.'),
  honoured('offsets.load.buffer.size', 'INT', 5242880, 'Read size while loading __consumer_offsets.', atLeast(1)),
  honoured('offsets.topic.replication.factor', 'SHORT', 3, 'Replication factor of __consumer_offsets; it is created only once this many brokers are alive.', atLeast(1)),
  honoured('offsets.topic.num.partitions', 'INT', 50, 'Partitions of __consumer_offsets (fixed once created).', atLeast(1)),
  honoured('offsets.topic.segment.bytes', 'INT', 104857600, 'segment.bytes of __consumer_offsets.', atLeast(1)),
  honoured('offsets.topic.compression.codec', 'INT', 0, 'Codec of offset commits: 0 none, 1 gzip, 2 snappy, 3 lz4, 4 zstd.'),
  honoured('offsets.retention.minutes', 'INT', 10080, 'Committed offsets of empty groups expire after this.', atLeast(1)),
  honoured('offsets.retention.check.interval.ms', 'LONG', 600000n, 'How often expired offsets are removed.', atLeast(1)),
  honoured('offsets.commit.timeout.ms', 'INT', 5000, 'Longest wait for an offset commit to be replicated.', atLeast(1)),
  honoured('offsets.commit.required.acks', 'SHORT', -1, 'acks of offset-commit appends.'),
  honoured('delete.topic.enable', 'BOOLEAN', true, 'If false, DeleteTopics fails with TOPIC_DELETION_DISABLED and delete markers stay.'),
  honoured('compression.type', 'STRING', 'producer', 'Final codec of stored batches: producer, uncompressed, gzip, snappy, lz4, zstd (topic: compression.type).'),

  // Transactions
  honoured('transactional.id.expiration.ms', 'INT', 604800000, 'A transactional id unused this long (and not in a transaction) is removed from __transaction_state.', atLeast(1)),
  honoured('transaction.max.timeout.ms', 'INT', 900000, 'Largest transaction timeout a producer may ask for; above it InitProducerId gets INVALID_TRANSACTION_TIMEOUT.', atLeast(1)),
  honoured('transaction.state.log.min.isr', 'INT', 2, 'min.insync.replicas of __transaction_state.', atLeast(1)),
  honoured('transaction.state.log.load.buffer.size', 'INT', 5242880, 'Read size while loading __transaction_state.', atLeast(1)),
  honoured('transaction.state.log.replication.factor', 'SHORT', 3, 'Replication factor of __transaction_state; it is created only once this many brokers are alive.', atLeast(1)),
  honoured('transaction.state.log.num.partitions', 'INT', 50, 'Partitions of __transaction_state (fixed once created).', atLeast(1)),
  honoured('transaction.state.log.segment.bytes', 'INT', 104857600, 'segment.bytes of __transaction_state.', atLeast(1)),
  honoured('transaction.abort.timed.out.transaction.cleanup.interval.ms', 'INT', 10000, 'How often transactions past their timeout are aborted (with a producer epoch bump).', atLeast(1)),
  honoured('transaction.remove.expired.transaction.cleanup.interval.ms', 'INT', 3600000, 'How often expired transactional ids are removed.', atLeast(1)),

  // Fetch sessions
  honoured('max.incremental.fetch.session.cache.slots', 'INT', 1000, 'Incremental fetch sessions kept (KIP-227).', atLeast(0)),
  honoured('fetch.max.bytes', 'INT', 57671680, 'Largest consumer fetch response.', atLeast(1024)),

  // Quotas
  ignored('quota.producer.default', 'LONG', INT64_MAX, NO_QUOTAS, atLeast(1)),
  ignored('quota.consumer.default', 'LONG', INT64_MAX, NO_QUOTAS, atLeast(1)),
  ignored('quota.window.num', 'INT', 11, NO_QUOTAS, atLeast(1)),
  honoured('replication.quota.window.num', 'INT', 11, 'Samples of the replication throttles\' byte rate (leader/follower.replication.throttled.rate).', atLeast(1)),
  ignored('alter.log.dirs.replication.quota.window.num', 'INT', 11, NO_QUOTAS, atLeast(1)),
  ignored('controller.quota.window.num', 'INT', 11, NO_QUOTAS, atLeast(1)),
  ignored('quota.window.size.seconds', 'INT', 1, NO_QUOTAS, atLeast(1)),
  honoured('replication.quota.window.size.seconds', 'INT', 1, 'Length of one sample of the replication throttles\' byte rate.', atLeast(1)),
  ignored('alter.log.dirs.replication.quota.window.size.seconds', 'INT', 1, NO_QUOTAS, atLeast(1)),
  ignored('controller.quota.window.size.seconds', 'INT', 1, NO_QUOTAS, atLeast(1)),
  defaultOnly('client.quota.callback.class', 'CLASS', null, NO_PLUGINS),

  // Metrics
  ignored('metrics.num.samples', 'INT', 2, NO_METRICS, atLeast(1)),
  ignored('metrics.sample.window.ms', 'LONG', 30000n, NO_METRICS, atLeast(1)),
  ignored('metric.reporters', 'LIST', [], NO_METRICS),
  ignored('metrics.recording.level', 'STRING', 'INFO', NO_METRICS),
  ignored('kafka.metrics.reporters', 'LIST', [], NO_METRICS),
  ignored('kafka.metrics.polling.interval.secs', 'INT', 10, NO_METRICS, atLeast(1)),

  // Security. The secrets are listed so that they are typed PASSWORD and never echoed; the rest of the TLS and SASL
  // settings are accepted as families below.
  ignored('ssl.keystore.password', 'PASSWORD', null, NO_SECURITY),
  ignored('ssl.key.password', 'PASSWORD', null, NO_SECURITY),
  ignored('ssl.keystore.key', 'PASSWORD', null, NO_SECURITY),
  ignored('ssl.keystore.certificate.chain', 'PASSWORD', null, NO_SECURITY),
  ignored('ssl.truststore.password', 'PASSWORD', null, NO_SECURITY),
  ignored('ssl.truststore.certificates', 'PASSWORD', null, NO_SECURITY),
  ignored('sasl.jaas.config', 'PASSWORD', null, NO_SECURITY),
  ignored('zookeeper.ssl.keystore.password', 'PASSWORD', null, 'TLS to ZooKeeper is not supported.'),
  ignored('zookeeper.ssl.truststore.password', 'PASSWORD', null, 'TLS to ZooKeeper is not supported.'),
  ignored('delegation.token.master.key', 'PASSWORD', null, NO_SECURITY),
  ignored('password.encoder.secret', 'PASSWORD', null, PASSWORD_ENCODER),
  ignored('password.encoder.old.secret', 'PASSWORD', null, PASSWORD_ENCODER),
  // 2.8's default is null (DefaultKafkaPrincipalBuilder implicitly); 3.0 made that class the explicit default.
  ignored('principal.builder.class', 'CLASS', null, NO_SECURITY),
  ignored('connections.max.reauth.ms', 'LONG', 0n, NO_SECURITY),
  ignored('security.providers', 'STRING', null, NO_SECURITY),
];

/**
 * Key families accepted by prefix; their members are not typed here. Setting one gets a "has no effect" warning
 * that never shows the value (a listener.name.* override may hold a password).
 */
export const KAFKA_KEY_FAMILIES: readonly KafkaKeyFamily[] = [
  { prefix: 'listener.name.', support: 'ignored', note: 'Per-listener overrides of TLS/SASL settings. ' + NO_SECURITY },
  { prefix: 'ssl.', support: 'ignored', note: NO_SECURITY },
  { prefix: 'sasl.', support: 'ignored', note: NO_SECURITY },
  { prefix: 'zookeeper.ssl.', support: 'ignored', note: 'TLS to ZooKeeper is not supported (zookeeper.ssl.client.enable must stay false).' },
  { prefix: 'delegation.token.', support: 'ignored', note: NO_SECURITY },
  { prefix: 'password.encoder.', support: 'ignored', note: PASSWORD_ENCODER },
  { prefix: 'controller.quorum.', support: 'ignored', note: KRAFT },
];

export const KAFKA_KEYS_BY_NAME: ReadonlyMap<string, KafkaKeyDef> = new Map(KAFKA_KEYS.map((k) => [k.name, k]));

export function kafkaKeyFamily(key: string): KafkaKeyFamily | undefined {
  return KAFKA_KEY_FAMILIES.find((family) => key.startsWith(family.prefix));
}

/** The warning Kafka's AbstractConfig.logUnused prints (2.x wording) for a key no config defines. */
export function unknownKeyWarning(key: string): string {
  return `The configuration '${key}' was supplied but isn't a known config.`;
}
