import { accessSync, constants as fsConstants, mkdirSync, readFileSync } from 'node:fs';
import { ConfigError } from './config-error.js';
import { parseProperties, PropertiesSyntaxError, type PropertyEntry } from './properties.js';
import { PropertyReader } from './property-reader.js';
import {
  FOUR_LETTER_WORDS,
  isKnownZooKeeperKey,
  MEMBERSHIP_KEY,
  QUORUM_PEER_CONFIG_KEYS,
} from './zookeeper-keys.js';
import { parseServers, type PeerRole, type QuorumServerSpec } from './zookeeper-servers.js';
import { parseKafkaExport, type KafkaExportSettings } from './zookeeper-kafka-export.js';
import { parseZooKeeperMetrics, type ZooKeeperMetricsConfig } from './zookeeper-metrics-config.js';

export { ConfigError } from './config-error.js';
export type { PeerRole, QuorumServerSpec } from './zookeeper-servers.js';

/** A zoo.cfg with Apache ZooKeeper 3.8's defaults filled in. */
export interface ZooKeeperConfig {
  /** Path of the config file as given. */
  file: string;
  tickTimeMs: number;
  initLimitTicks?: number;
  syncLimitTicks?: number;
  connectToLearnerMasterLimitTicks?: number;
  dataDir: string;
  dataLogDir: string;
  clientPort?: number;
  clientPortAddress?: string;
  secureClientPort?: number;
  clientPortListenBacklog: number;
  /** Per client IP; 0 = unlimited. */
  maxClientCnxns: number;
  /** All connections; 0 = unlimited. */
  maxCnxns: number;
  minSessionTimeoutMs: number;
  maxSessionTimeoutMs: number;
  autopurgeSnapRetainCount: number;
  autopurgePurgeIntervalHours: number;
  servers: Map<number, QuorumServerSpec>;
  peerType: PeerRole;
  fourLetterWordWhitelist: Set<string>;
  standaloneEnabled: boolean;
  reconfigEnabled: boolean;
  /** The dynamic config file the server lines came from (dynamicConfigFile=), if any. */
  dynamicConfigFile?: string;
  /** Version of the membership: the dynamic file's `.dynamic.<hex>` suffix; 0 for server lines in zoo.cfg. */
  configVersion?: bigint;
  globalOutstandingLimit: number;
  preAllocSizeKb: number;
  snapCount: number;
  snapSizeLimitKb: number;
  /** zookeeper.txnLogSizeLimitInKb: roll the txn log once a file is longer; <= 0 (the default -1) is off. */
  txnLogSizeLimitKb: number;
  forceSync: boolean;
  fsyncWarningThresholdMs: number;
  skipACL: boolean;
  extendedTypesEnabled: boolean;
  enforceQuota: boolean;
  juteMaxBufferBytes: number;
  /** `user:base64(sha1(user:password))` */
  superDigest?: string;
  containerCheckIntervalMs: number;
  containerMaxPerMinute: number;
  containerMaxNeverUsedIntervalMs: number;
  readonlyModeEnabled: boolean;
  /** Sessions created on a server stay on it (no transaction) until they need to be global. */
  localSessionsEnabled: boolean;
  /** A local session creating an ephemeral node becomes global (else EPHEMERALONLOCALSESSION). */
  localSessionsUpgradingEnabled: boolean;
  digestEnabled: boolean;
  adminEnableServer: boolean;
  adminServerPort: number;
  adminServerAddress: string;
  /** metricsProvider.* with the Prometheus provider: where /metrics is served; absent = no HTTP metrics. */
  metrics?: ZooKeeperMetricsConfig;
  /** Every key ZooKeeper would set as the system property `zookeeper.<key>` (key without the prefix), value as given. */
  systemProperties: Record<string, string>;
  /** One per unknown key: `<file>:<line>: unknown key <key> (ignored)`. */
  warnings: string[];
  mode: 'standalone' | 'replicated';
  /** zkafka.kafka.*: publish audit events and metrics snapshots to Kafka; undefined when off. */
  kafkaExport?: KafkaExportSettings;
  /** The line of each key in the file, for messages about values found valid here but failing later. */
  keyLines?: Map<string, number>;
}

export const ZOOKEEPER_DEFAULTS = {
  tickTimeMs: 3000,
  clientPortListenBacklog: -1,
  maxClientCnxns: 60,
  maxCnxns: 0,
  autopurgeSnapRetainCount: 3,
  autopurgePurgeIntervalHours: 0,
  globalOutstandingLimit: 1000,
  preAllocSizeKb: 65536,
  snapCount: 100000,
  snapSizeLimitKb: 4194304,
  txnLogSizeLimitKb: -1,
  fsyncWarningThresholdMs: 1000,
  juteMaxBufferBytes: 0xfffff,
  containerCheckIntervalMs: 60000,
  containerMaxPerMinute: 10000,
  containerMaxNeverUsedIntervalMs: 0,
  adminServerPort: 8080,
  adminServerAddress: '0.0.0.0',
} as const;

const PORT = { min: 0, max: 65535, expected: 'a port number (0-65535)' };
const TIMEOUT_MS = { min: -1, expected: 'a timeout in ms (a non-negative integer, or -1 for the default)' };

/** Reads and parses a zoo.cfg; a missing or unreadable file is a ConfigError too. */
export function loadZooKeeperConfig(file: string): ZooKeeperConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    throw new ConfigError(`${file}: cannot read config file: ${code}`, file, undefined, undefined, { cause: err });
  }
  return parseZooKeeperConfig(text, file);
}

export function parseZooKeeperConfig(text: string, fileName: string): ZooKeeperConfig {
  let entries: PropertyEntry[];
  try {
    entries = parseProperties(text);
  } catch (err) {
    if (err instanceof PropertiesSyntaxError) {
      throw new ConfigError(`${fileName}:${err.line}: ${err.detail}`, fileName, undefined, err.line);
    }
    throw err;
  }
  const dynamic = readDynamicConfig(entries, fileName);
  const r = new PropertyReader(fileName, [...entries, ...dynamic.entries]);
  const warnings: string[] = [];

  const tickTimeMs = r.int('tickTime', { min: 1 }) ?? ZOOKEEPER_DEFAULTS.tickTimeMs;
  const dataDir = r.nonEmpty('dataDir', 'a directory path');
  if (dataDir === undefined) throw ConfigError.expected(fileName, 'dataDir', undefined, 'a directory path', undefined);
  const dataLogDir = r.nonEmpty('dataLogDir', 'a directory path') ?? dataDir;
  const initLimitTicks = r.int('initLimit', { min: 1 });
  const syncLimitTicks = r.int('syncLimit', { min: 1 });
  const connectToLearnerMasterLimitTicks = r.int('connectToLearnerMasterLimit', { min: 1 }) ?? initLimitTicks;

  let clientPort = r.int('clientPort', PORT);
  let clientPortAddress = r.nonEmpty('clientPortAddress', 'a host name or address');
  const secureClientPort = r.int('secureClientPort', PORT);
  if (clientPortAddress !== undefined && clientPort === undefined) {
    throw r.failText('clientPortAddress', 'expected clientPort to be set as well, got no clientPort');
  }

  const minSetting = r.int('minSessionTimeout', TIMEOUT_MS) ?? -1;
  const maxSetting = r.int('maxSessionTimeout', TIMEOUT_MS) ?? -1;
  const minSessionTimeoutMs = minSetting === -1 ? 2 * tickTimeMs : minSetting;
  const maxSessionTimeoutMs = maxSetting === -1 ? 20 * tickTimeMs : maxSetting;
  if (minSessionTimeoutMs > maxSessionTimeoutMs) {
    const key = r.has('minSessionTimeout') ? 'minSessionTimeout' : 'maxSessionTimeout';
    throw r.failText(
      key,
      `expected minSessionTimeout <= maxSessionTimeout, got minSessionTimeout ${minSessionTimeoutMs} > maxSessionTimeout ${maxSessionTimeoutMs}`,
    );
  }

  r.int('electionAlg', { min: 3, max: 3, expected: '3 (the only election algorithm)' });
  const peerTypeText = r.raw('peerType')?.toLowerCase();
  if (peerTypeText !== undefined && peerTypeText !== 'participant' && peerTypeText !== 'observer') {
    throw r.fail('peerType', "'participant' or 'observer'");
  }

  let autopurgeSnapRetainCount = r.int('autopurge.snapRetainCount', { min: 1 }) ?? ZOOKEEPER_DEFAULTS.autopurgeSnapRetainCount;
  if (autopurgeSnapRetainCount < 3) {
    warnings.push(r.warning('autopurge.snapRetainCount', `autopurge.snapRetainCount ${autopurgeSnapRetainCount} is below the minimum, using 3`));
    autopurgeSnapRetainCount = 3;
  }
  const autopurgePurgeIntervalHours = Math.max(0, r.int('autopurge.purgeInterval') ?? 0);

  const standaloneEnabled = r.bool('standaloneEnabled') ?? true;
  const readonlyModeEnabled = r.bool('readonlymode.enabled') ?? false;
  const extendedTypesEnabled = r.bool('extendedTypesEnabled') ?? false;
  const localSessionsEnabled = r.bool('localSessionsEnabled') ?? false;
  const localSessionsUpgradingEnabled = r.bool('localSessionsUpgradingEnabled') ?? false;
  for (const key of ['quorumListenOnAllIPs', 'syncEnabled', 'sslQuorum', 'portUnification', 'multiAddress.enabled']) {
    r.bool(key);
  }

  const servers = parseServers(r);
  if (extendedTypesEnabled) {
    for (const server of servers.values()) {
      if (server.id > 254) throw r.fail(`server.${server.id}`, 'a server id <= 254 (extendedTypesEnabled=true)', String(server.id));
    }
  }
  for (const key of r.keys()) {
    const match = MEMBERSHIP_KEY.exec(key);
    if (match && match[1] !== 'server') warnings.push(r.warning(key, `hierarchical quorums are not supported: ${key} (ignored)`));
  }
  const participants = [...servers.values()].filter((s) => s.role === 'participant');
  const mode = servers.size > 0 && (!standaloneEnabled || participants.length > 1) ? 'replicated' : 'standalone';
  if (mode === 'replicated') {
    if (initLimitTicks === undefined) throw r.fail('initLimit', 'a positive number of ticks (required with several servers)');
    if (syncLimitTicks === undefined) throw r.fail('syncLimit', 'a positive number of ticks (required with several servers)');
  } else if (clientPort === undefined && participants.length === 1 && participants[0]!.clientPort !== undefined) {
    clientPort = participants[0]!.clientPort;
    clientPortAddress = participants[0]!.clientHost;
  }
  if (mode === 'standalone' && clientPort === undefined && secureClientPort === undefined) {
    throw r.fail('clientPort', 'a port number (or secureClientPort)');
  }

  const metrics = parseZooKeeperMetrics(r);
  const systemProperties: Record<string, string> = {};
  for (const entry of r.entries()) {
    if (!QUORUM_PEER_CONFIG_KEYS.has(entry.key) && !MEMBERSHIP_KEY.test(entry.key)) systemProperties[entry.key] = entry.value;
    if (!isKnownZooKeeperKey(entry.key)) warnings.push(`${fileName}:${entry.line}: unknown key ${entry.key} (ignored)`);
  }

  const superDigest = r.raw('DigestAuthenticationProvider.superDigest');
  if (superDigest !== undefined && !/^[^:]+:.+$/.test(superDigest)) {
    throw r.fail('DigestAuthenticationProvider.superDigest', 'user:base64-digest');
  }

  return {
    file: fileName,
    tickTimeMs,
    initLimitTicks,
    syncLimitTicks,
    connectToLearnerMasterLimitTicks,
    dataDir,
    dataLogDir,
    clientPort,
    clientPortAddress,
    secureClientPort,
    clientPortListenBacklog: r.int('clientPortListenBacklog', { min: -1 }) ?? ZOOKEEPER_DEFAULTS.clientPortListenBacklog,
    maxClientCnxns: r.int('maxClientCnxns', { min: 0 }) ?? ZOOKEEPER_DEFAULTS.maxClientCnxns,
    maxCnxns: r.int('maxCnxns', { min: 0 }) ?? ZOOKEEPER_DEFAULTS.maxCnxns,
    minSessionTimeoutMs,
    maxSessionTimeoutMs,
    autopurgeSnapRetainCount,
    autopurgePurgeIntervalHours,
    servers,
    peerType: (peerTypeText as PeerRole | undefined) ?? 'participant',
    fourLetterWordWhitelist: parseWhitelist(r, readonlyModeEnabled, warnings),
    standaloneEnabled,
    reconfigEnabled: r.bool('reconfigEnabled') ?? false,
    ...(dynamic.file !== undefined ? { dynamicConfigFile: dynamic.file, configVersion: dynamic.version } : {}),
    globalOutstandingLimit: r.int('globalOutstandingLimit', { min: 1 }) ?? ZOOKEEPER_DEFAULTS.globalOutstandingLimit,
    preAllocSizeKb: r.int('preAllocSize', { min: 1 }) ?? ZOOKEEPER_DEFAULTS.preAllocSizeKb,
    snapCount: r.int('snapCount', { min: 2 }) ?? ZOOKEEPER_DEFAULTS.snapCount,
    snapSizeLimitKb: r.int('snapSizeLimitInKb', { min: -(2 ** 53) + 1, max: 2 ** 53 - 1, expected: 'an integer (<= 0 disables)' }) ?? ZOOKEEPER_DEFAULTS.snapSizeLimitKb,
    txnLogSizeLimitKb: r.int('txnLogSizeLimitInKb', { min: -(2 ** 53) + 1, max: 2 ** 53 - 1, expected: 'an integer (<= 0 disables)' }) ?? ZOOKEEPER_DEFAULTS.txnLogSizeLimitKb,
    forceSync: r.yesNo('forceSync') ?? true,
    fsyncWarningThresholdMs: r.int('fsync.warningthresholdms', { min: 0 }) ?? ZOOKEEPER_DEFAULTS.fsyncWarningThresholdMs,
    skipACL: r.yesNo('skipACL') ?? false,
    extendedTypesEnabled,
    enforceQuota: r.bool('enforceQuota') ?? false,
    juteMaxBufferBytes: r.int('jute.maxbuffer', { min: 1, hex: true }) ?? ZOOKEEPER_DEFAULTS.juteMaxBufferBytes,
    superDigest,
    containerCheckIntervalMs: r.int('znode.container.checkIntervalMs', { min: 1 }) ?? ZOOKEEPER_DEFAULTS.containerCheckIntervalMs,
    containerMaxPerMinute: r.int('znode.container.maxPerMinute', { min: 1 }) ?? ZOOKEEPER_DEFAULTS.containerMaxPerMinute,
    containerMaxNeverUsedIntervalMs: r.int('znode.container.maxNeverUsedIntervalMs', { min: 0 }) ?? ZOOKEEPER_DEFAULTS.containerMaxNeverUsedIntervalMs,
    readonlyModeEnabled,
    localSessionsEnabled,
    localSessionsUpgradingEnabled,
    digestEnabled: r.bool('digest.enabled') ?? true,
    adminEnableServer: r.bool('admin.enableServer') ?? true,
    adminServerPort: r.int('admin.serverPort', PORT) ?? ZOOKEEPER_DEFAULTS.adminServerPort,
    adminServerAddress: r.nonEmpty('admin.serverAddress', 'a host name or address') ?? ZOOKEEPER_DEFAULTS.adminServerAddress,
    systemProperties,
    warnings,
    mode,
    ...kafkaExportOf(r),
    keyLines: new Map(r.entries().map((e) => [e.key, e.line])),
    ...(metrics ? { metrics } : {}),
  };
}

/** Present only when set, so that a config without it looks as it always did. */
function kafkaExportOf(r: PropertyReader): { kafkaExport?: KafkaExportSettings } {
  const kafkaExport = parseKafkaExport(r);
  return kafkaExport ? { kafkaExport } : {};
}

function parseWhitelist(r: PropertyReader, readonlyModeEnabled: boolean, warnings: string[]): Set<string> {
  const key = '4lw.commands.whitelist';
  const words = new Set<string>();
  for (const item of (r.raw(key) ?? '').split(',')) {
    const word = item.trim();
    if (word === '') continue;
    if (word === '*') {
      for (const known of FOUR_LETTER_WORDS) words.add(known);
    } else if (FOUR_LETTER_WORDS.includes(word)) {
      words.add(word);
    } else {
      warnings.push(r.warning(key, `${key}: unknown four-letter word '${word}' (ignored)`));
    }
  }
  if (readonlyModeEnabled) words.add('isro');
  words.add('srvr');
  return words;
}

/**
 * Creates dataDir and dataLogDir (like `mkdir -p`) and checks that they are writable; a failure is a
 * ConfigError naming the key.
 */
export function checkDataDir(config: ZooKeeperConfig): void {
  const dirs: Array<[string, string]> = [['dataDir', config.dataDir]];
  if (config.dataLogDir !== config.dataDir) dirs.push(['dataLogDir', config.dataLogDir]);
  for (const [key, dir] of dirs) {
    try {
      mkdirSync(dir, { recursive: true });
      accessSync(dir, fsConstants.W_OK | fsConstants.X_OK);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? String(err);
      const line = config.keyLines?.get(key);
      throw ConfigError.at(config.file, key, line, `expected a writable directory, got '${dir}' (${code})`);
    }
  }
}

/**
 * The membership a `dynamicConfigFile=` points at (written by dynamic reconfiguration): its server lines join the
 * static ones; the version is the file name's `.dynamic.<hex>` suffix (or a `version=` line).
 */
function readDynamicConfig(entries: readonly PropertyEntry[], fileName: string): { entries: PropertyEntry[]; file?: string; version?: bigint } {
  const pointer = entries.find((e) => e.key === 'dynamicConfigFile');
  if (!pointer) return { entries: [] };
  const file = pointer.value.trim();
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    throw new ConfigError(`${fileName}:${pointer.line}: dynamicConfigFile: cannot read ${file}: ${code}`, fileName, 'dynamicConfigFile', pointer.line, { cause: err });
  }
  let parsed: PropertyEntry[];
  try {
    parsed = parseProperties(text);
  } catch (err) {
    if (err instanceof PropertiesSyntaxError) throw new ConfigError(`${file}:${err.line}: ${err.detail}`, file, undefined, err.line);
    throw err;
  }
  const suffix = /\.dynamic\.([0-9a-fA-F]{1,16})$/.exec(file)?.[1] ?? parsed.find((e) => e.key === 'version')?.value.trim();
  const version = suffix !== undefined && /^[0-9a-fA-F]{1,16}$/.test(suffix) ? BigInt.asIntN(64, BigInt(`0x${suffix}`)) : 0n;
  return { entries: parsed.filter((e) => e.key.startsWith('server.')).map((e) => ({ ...e, line: 0, source: `${file}:${e.line}` })), file, version };
}
