/**
 * Which zoo.cfg keys ZooKeeper 3.8 knows. QuorumPeerConfig reads the first group itself; every other key
 * becomes the system property `zookeeper.<key>`, and the second group lists those that some part of
 * ZooKeeper reads. A key in neither group (nor under one of the prefixes) gets an "unknown key" warning.
 */
export const QUORUM_PEER_CONFIG_KEYS: ReadonlySet<string> = new Set([
  'dataDir', 'dataLogDir', 'clientPort', 'clientPortAddress', 'secureClientPort', 'secureClientPortAddress',
  'observerMasterPort', 'clientPortListenBacklog', 'tickTime', 'maxClientCnxns', 'minSessionTimeout',
  'maxSessionTimeout', 'initLimit', 'syncLimit', 'connectToLearnerMasterLimit', 'electionAlg',
  'quorumListenOnAllIPs', 'peerType', 'syncEnabled', 'dynamicConfigFile', 'autopurge.snapRetainCount',
  'autopurge.purgeInterval', 'standaloneEnabled', 'reconfigEnabled', 'sslQuorum', 'portUnification',
  'sslQuorumReloadCertFiles', 'localSessionsEnabled', 'localSessionsUpgradingEnabled',
  'quorum.auth.enableSasl', 'quorum.auth.serverRequireSasl', 'quorum.auth.learnerRequireSasl',
  'quorum.auth.learner.saslLoginContext', 'quorum.auth.server.saslLoginContext',
  'quorum.auth.kerberos.servicePrincipal', 'quorum.cnxn.threads.size', 'jvm.pause.info-threshold.ms',
  'jvm.pause.warn-threshold.ms', 'jvm.pause.sleep.time.ms', 'jvm.pause.monitor', 'metricsProvider.className',
  'multiAddress.enabled', 'multiAddress.reachabilityCheckTimeoutMs', 'multiAddress.reachabilityCheckEnabled',
  'oraclePath', 'version',
]);

export const SYSTEM_PROPERTY_KEYS: ReadonlySet<string> = new Set([
  '4lw.commands.whitelist', 'snapCount', 'snapSizeLimitInKb', 'txnLogSizeLimitInKb', 'preAllocSize',
  'globalOutstandingLimit', 'forceSync', 'fsync.warningthresholdms', 'skipACL', 'extendedTypesEnabled',
  'emulate353TTLNodes', 'enforceQuota', 'maxCnxns', 'cnxTimeout', 'electionPortBindRetry', 'leaderServes',
  'commitLogCount', 'snapshot.trust.empty', 'snapshot.compression.method', 'snapshotSizeFactor',
  'digest.enabled', 'jute.maxbuffer', 'jute.maxbuffer.extrasize', 'DigestAuthenticationProvider.superDigest',
  'DigestAuthenticationProvider.digestAlg', 'X509AuthenticationProvider.superUser', 'superUser',
  'znode.container.checkIntervalMs', 'znode.container.maxPerMinute', 'znode.container.maxNeverUsedIntervalMs',
  'flushDelay', 'maxWriteQueuePollTime', 'maxBatchSize', 'request_throttle_max_requests',
  'request_throttle_stall_time', 'request_throttle_drop_stale', 'requestStaleLatencyCheck',
  'requestStaleConnectionCheck', 'serverCnxnFactory', 'ensembleAuthName', 'closeSessionTxn.enabled',
  'learner.asyncSending', 'learner.closeSocketAsync', 'leader.closeSocketAsync', 'leader.ackLoggingFrequency',
  'leader.maxTimeToWaitForEpoch', 'observer.reconnectDelayMs', 'observer.election.DelayMs',
  'fastleader.minNotificationInterval', 'fastleader.maxNotificationInterval', 'messageTracker.BufferSize',
  'messageTracker.Enabled', 'audit.enable', 'audit.impl.class', 'watchManagerName', 'watcherCleanThreshold',
  'watcherCleanIntervalInSeconds', 'watcherCleanThreadsNum', 'maxInProcessingDeadWatchers',
  'intBufferStartingSizeBytes', 'tcpKeepAlive', 'sessionRequireClientSASLAuth', 'enforce.auth.enabled',
  'enforce.auth.schemes', 'largeRequestMaxBytes', 'largeRequestThreshold', 'throttled_op_wait_time',
  'readonlymode.enabled', 'netty.advancedFlowControl.enabled', 'netty.server.outstandingHandshake.limit',
  'nio.numSelectorThreads', 'nio.numWorkerThreads', 'nio.directBufferBytes', 'nio.shutdownTimeout',
  'nio.sessionlessCnxnTimeout',
]);

/** Families of keys (`admin.serverPort`, `ssl.keyStore.location`, `authProvider.1`, …). */
export const KNOWN_KEY_PREFIXES: readonly string[] = [
  'admin.', 'ssl.', 'sasl.', 'authProvider.', 'metricsProvider.', 'quorum.auth.', 'connection_throttle_',
  'kerberos.',
];

/**
 * zkafka's own keys (not Apache's): where the server publishes its audit events and metrics snapshots as Kafka
 * records. All off unless `zkafka.kafka.bootstrap.servers` is set; parsed in zookeeper-kafka-export.ts.
 */
export const ZKAFKA_EXPORT_KEYS: ReadonlySet<string> = new Set([
  'zkafka.kafka.bootstrap.servers', 'zkafka.audit.topic', 'zkafka.metrics.topic', 'zkafka.metrics.intervalMs',
  'zkafka.kafka.queue.max',
]);

/** Server ids, groups and weights of the static membership (`server.1=…`, `group.1=1:2:3`, `weight.1=1`). */
export const MEMBERSHIP_KEY = /^(server|group|weight)\.(.*)$/;

/** The words `4lw.commands.whitelist=*` enables (FourLetterCommands in 3.8). */
export const FOUR_LETTER_WORDS: readonly string[] = [
  'conf', 'cons', 'crst', 'dirs', 'dump', 'envi', 'gtmk', 'ruok', 'stmk', 'srst', 'srvr', 'stat', 'wchc',
  'wchp', 'wchs', 'mntr', 'isro', 'hash',
];

export function isKnownZooKeeperKey(key: string): boolean {
  return (
    QUORUM_PEER_CONFIG_KEYS.has(key) ||
    SYSTEM_PROPERTY_KEYS.has(key) ||
    ZKAFKA_EXPORT_KEYS.has(key) ||
    MEMBERSHIP_KEY.test(key) ||
    KNOWN_KEY_PREFIXES.some((prefix) => key.startsWith(prefix))
  );
}
