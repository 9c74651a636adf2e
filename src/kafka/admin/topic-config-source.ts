// The effective log config of each topic: its overrides in /config/topics/<t> over the broker's defaults, kept
// current the way Kafka's ConfigChangeListener does (/config/changes notifications, plus /config/topics children so
// a new topic's overrides are known before its partitions arrive), with a notification per changed topic. The
// replica manager reads logs' configs through the TopicConfigSource interface only. Dynamic broker configs
// (/config/brokers/<default> and /config/brokers/<id>) change the defaults of every topic, as in Kafka. Like every Kafka broker, it
// also deletes notifications older than 15 minutes, so /config/changes does not grow with every AlterConfigs.
import type { KafkaValue } from '../../config/kafka-key-types.js';
import type { LogConfig } from '../storage/log-config.js';
import { NEVER } from '../storage/log-config.js';
import { NoNodeError } from '../../zookeeper/client/index.js';
import type { KafkaZkClient } from '../zk/kafka-zk-client.js';
import { CONFIG_CHANGE_PREFIX, ZkPaths, decodeConfigChangeNotification, decodeConfigEntity, sequenceNumberOf } from '../zk/zk-data.js';
import { effectiveTopicConfig, withDynamicBrokerConfigs } from './topic-config-defs.js';

export interface TopicConfigSource {
  /** The topic's effective log config (the broker defaults while no override is known). */
  logConfig(topic: string): LogConfig;
  /** Every topic-level key's effective value (min.insync.replicas, message.timestamp.type, ...). */
  topicConfig(topic: string): ReadonlyMap<string, KafkaValue>;
  /** Reads the topic's overrides from ZooKeeper now (for a topic seen before its notification). */
  refresh(topic: string): Promise<LogConfig>;
  /** Called after a topic's overrides changed, with the new effective config. Returns an unsubscribe. */
  onChange(listener: (topic: string, config: LogConfig) => void): () => void;
}

const toNumber = (v: KafkaValue): number => {
  const n = typeof v === 'bigint' ? (v > BigInt(NEVER) ? NEVER : Number(v)) : Number(v);
  return n;
};

/** The LogConfig fields from the topic-level keys (KafkaServer.copyKafkaConfigToLog's inverse). */
export function logConfigFromTopicConfig(values: ReadonlyMap<string, KafkaValue>): LogConfig {
  const get = (k: string): KafkaValue => values.get(k) ?? null;
  return {
    segmentBytes: toNumber(get('segment.bytes')),
    segmentMs: toNumber(get('segment.ms')),
    segmentJitterMs: toNumber(get('segment.jitter.ms')),
    maxIndexSizeBytes: toNumber(get('segment.index.bytes')),
    indexIntervalBytes: toNumber(get('index.interval.bytes')),
    retentionMs: toNumber(get('retention.ms')),
    retentionBytes: toNumber(get('retention.bytes')),
    flushIntervalMessages: toNumber(get('flush.messages')),
    flushMs: toNumber(get('flush.ms')),
    fileDeleteDelayMs: toNumber(get('file.delete.delay.ms')),
    cleanupPolicy: (get('cleanup.policy') as readonly string[]).filter((p): p is 'delete' | 'compact' => p === 'delete' || p === 'compact'),
    maxMessageBytes: toNumber(get('max.message.bytes')),
    deleteRetentionMs: toNumber(get('delete.retention.ms')),
    minCompactionLagMs: toNumber(get('min.compaction.lag.ms')),
    maxCompactionLagMs: toNumber(get('max.compaction.lag.ms')),
    minCleanableDirtyRatio: toNumber(get('min.cleanable.dirty.ratio')),
  };
}

/** ZkNodeChangeNotificationListener's changeExpirationMs. */
export const CONFIG_CHANGE_EXPIRATION_MS = 15 * 60 * 1000;

export interface ZkTopicConfigSourceOptions {
  /** This broker's id, for /config/brokers/<id> (default: only the cluster-wide <default> applies). */
  brokerId?: number;
  /** Age after which a processed notification is deleted (default 15 minutes). */
  changeExpirationMs?: number;
  now?: () => number;
}

export class ZkTopicConfigSource implements TopicConfigSource {
  private readonly overrides = new Map<string, Record<string, string>>();
  /**
   * Effective configs as last computed (the produce path asks for them per request), dropped when a topic's
   * overrides or the broker defaults change. Topics without overrides share one entry, so the memo is bounded by
   * the topics with overrides.
   */
  private readonly effective = new Map<string, ReadonlyMap<string, KafkaValue>>();
  private defaultsEffective: ReadonlyMap<string, KafkaValue> | null = null;
  private readonly listeners = new Set<(topic: string, config: LogConfig) => void>();
  private readonly defaultsListeners = new Set<() => void>();
  private lastSequence = -1;
  private stopped = false;
  private stopWatches: (() => void)[] = [];
  /** Background read failures (a malformed znode written by another tool), newest last, at most 100. */
  readonly errors: unknown[] = [];

  private readonly changeExpirationMs: number;
  private readonly now: () => number;
  private readonly brokerEntity: string | null;
  private brokerDefaults: ReadonlyMap<string, KafkaValue>;
  /** The raw dynamic broker configs last read (the replication throttle rates are read from them). */
  private dynamicBroker: { broker: Record<string, string>; clusterDefault: Record<string, string> } = { broker: {}, clusterDefault: {} };

  constructor(
    private readonly zk: KafkaZkClient,
    private readonly brokerValues: ReadonlyMap<string, KafkaValue>,
    opts: ZkTopicConfigSourceOptions = {},
  ) {
    this.changeExpirationMs = opts.changeExpirationMs ?? CONFIG_CHANGE_EXPIRATION_MS;
    this.now = opts.now ?? Date.now;
    this.brokerEntity = opts.brokerId === undefined ? null : String(opts.brokerId);
    this.brokerDefaults = brokerValues;
  }

  /** Loads every topic's overrides, then follows /config/changes and /config/topics. */
  async start(): Promise<void> {
    const changes = await this.zk.zk.getChildren(ZkPaths.configChanges).catch(() => [] as string[]);
    this.lastSequence = Math.max(-1, ...changes.map((c) => Number(sequenceNumberOf(c, CONFIG_CHANGE_PREFIX))));
    await this.loadBrokerDefaults(false);
    for (const topic of await this.zk.zk.getChildren(ZkPaths.configEntityType('topics')).catch(() => [] as string[])) {
      await this.load(topic, false);
    }
    this.stopWatches.push(
      this.zk.watchChildren(ZkPaths.configChanges, (children) => void this.onNotifications(children), (err) => this.fail(err)),
      this.zk.watchChildren(ZkPaths.configEntityType('topics'), (children) => void this.onTopics(children), (err) => this.fail(err)),
    );
  }

  stop(): void {
    this.stopped = true;
    for (const s of this.stopWatches) s();
  }

  logConfig(topic: string): LogConfig {
    return logConfigFromTopicConfig(this.topicConfig(topic));
  }

  topicConfig(topic: string): ReadonlyMap<string, KafkaValue> {
    const overrides = this.overrides.get(topic);
    if (overrides === undefined) return (this.defaultsEffective ??= effectiveTopicConfig({}, this.brokerDefaults));
    let values = this.effective.get(topic);
    if (values === undefined) {
      values = effectiveTopicConfig(overrides, this.brokerDefaults);
      this.effective.set(topic, values);
    }
    return values;
  }

  /** This broker's dynamic configs (/config/brokers/<id>) and the cluster-wide ones (/config/brokers/<default>). */
  dynamicBrokerConfigs(): { broker: Readonly<Record<string, string>>; clusterDefault: Readonly<Record<string, string>> } {
    return this.dynamicBroker;
  }

  /** The topics with overrides of their own. */
  topicsWithOverrides(): string[] {
    return [...this.overrides.keys()];
  }

  async refresh(topic: string): Promise<LogConfig> {
    await this.load(topic, true);
    return this.logConfig(topic);
  }

  onChange(listener: (topic: string, config: LogConfig) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Called after the broker's dynamic defaults (/config/brokers/<default> or /config/brokers/<id>) changed. */
  onDefaultsChange(listener: () => void): () => void {
    this.defaultsListeners.add(listener);
    return () => this.defaultsListeners.delete(listener);
  }

  private fail(err: unknown): void {
    if (this.stopped) return;
    this.errors.push(err);
    if (this.errors.length > 100) this.errors.shift();
  }

  /** Reads /config/topics/<t>; notifies when `notify` and the overrides differ from what was known. */
  private async load(topic: string, notify: boolean): Promise<void> {
    const path = ZkPaths.configEntity('topics', topic);
    let next: Record<string, string> | undefined;
    try {
      const { data } = await this.zk.zk.getData(path);
      next = decodeConfigEntity(data, path);
    } catch (err) {
      if (!(err instanceof NoNodeError)) return this.fail(err);
    }
    const before = JSON.stringify(this.overrides.get(topic) ?? null);
    if (next === undefined) this.overrides.delete(topic);
    else this.overrides.set(topic, next);
    this.effective.delete(topic);
    if (!notify || this.stopped || before === JSON.stringify(next ?? null)) return;
    const config = this.logConfig(topic);
    for (const listener of [...this.listeners]) listener(topic, config);
  }

  private async entityConfig(entity: string): Promise<Record<string, string>> {
    const path = ZkPaths.configEntity('brokers', entity);
    try {
      const { data } = await this.zk.zk.getData(path);
      return decodeConfigEntity(data, path);
    } catch (err) {
      if (err instanceof NoNodeError) return {};
      throw err;
    }
  }

  /** Static values overlaid by /config/brokers/<default> then /config/brokers/<id>; every topic is told when `notify`. */
  private async loadBrokerDefaults(notify: boolean): Promise<void> {
    let next: Map<string, KafkaValue>;
    let clusterDefault: Record<string, string>;
    let broker: Record<string, string> = {};
    try {
      clusterDefault = await this.entityConfig('<default>');
      if (this.brokerEntity !== null) broker = await this.entityConfig(this.brokerEntity);
      next = withDynamicBrokerConfigs(this.brokerValues, clusterDefault, broker);
    } catch (err) {
      return this.fail(err);
    }
    this.brokerDefaults = next;
    this.dynamicBroker = { broker, clusterDefault };
    this.effective.clear();
    this.defaultsEffective = null;
    if (!notify || this.stopped) return;
    for (const topic of [...this.overrides.keys()]) {
      const config = this.logConfig(topic);
      for (const listener of [...this.listeners]) listener(topic, config);
    }
    for (const listener of [...this.defaultsListeners]) listener();
  }

  private async onNotifications(children: string[]): Promise<void> {
    const fresh = children
      .map((c) => ({ child: c, seq: Number(sequenceNumberOf(c, CONFIG_CHANGE_PREFIX)) }))
      .filter((c) => c.seq > this.lastSequence)
      .sort((a, b) => a.seq - b.seq);
    for (const { child, seq } of fresh) {
      this.lastSequence = Math.max(this.lastSequence, seq);
      try {
        const { data } = await this.zk.zk.getData(`${ZkPaths.configChanges}/${child}`);
        const entityPath = decodeConfigChangeNotification(data);
        if (entityPath.startsWith('topics/')) await this.load(entityPath.slice('topics/'.length), true);
        else if (entityPath === 'brokers/<default>' || entityPath === `brokers/${this.brokerEntity}`) await this.loadBrokerDefaults(true);
      } catch (err) {
        if (!(err instanceof NoNodeError)) this.fail(err);
      }
    }
    await this.purgeObsoleteNotifications(children);
  }

  /** ZkNodeChangeNotificationListener.purgeObsoleteNotifications: processed ones past the expiration go. */
  private async purgeObsoleteNotifications(children: readonly string[]): Promise<void> {
    const now = this.now();
    for (const child of [...children].sort()) {
      if (this.stopped) return;
      if (Number(sequenceNumberOf(child, CONFIG_CHANGE_PREFIX)) > this.lastSequence) continue;
      const path = `${ZkPaths.configChanges}/${child}`;
      try {
        const stat = await this.zk.zk.exists(path);
        if (stat !== null && now - Number(stat.ctime) > this.changeExpirationMs) await this.zk.zk.delete(path);
      } catch (err) {
        if (!(err instanceof NoNodeError)) this.fail(err);
      }
    }
  }

  private async onTopics(children: string[]): Promise<void> {
    const present = new Set(children);
    for (const topic of children) if (!this.overrides.has(topic)) await this.load(topic, true);
    for (const topic of [...this.overrides.keys()]) {
      if (present.has(topic)) continue;
      this.overrides.delete(topic);
      this.effective.delete(topic);
    }
  }
}
