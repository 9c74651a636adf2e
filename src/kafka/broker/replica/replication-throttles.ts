// A broker's two replication quotas (Kafka's QuotaManagers.leader and .follower) kept in step with the configs that
// drive them, as Kafka's BrokerConfigHandler and TopicConfigHandler do: the rates from the dynamic broker configs
// (/config/brokers/<id>, else /config/brokers/<default>), the throttled replicas from each topic's configs, read at
// start and again on every /config/changes notification.
import type { KafkaConfig } from '../../../config/kafka-config.js';
import type { KafkaValue } from '../../../config/kafka-key-types.js';
import { parseThrottledReplicas, ReplicationQuota, throttleRate, type ReplicationQuotaConfig } from './replication-quota.js';

export const LEADER_THROTTLED_RATE = 'leader.replication.throttled.rate';
export const FOLLOWER_THROTTLED_RATE = 'follower.replication.throttled.rate';
export const LEADER_THROTTLED_REPLICAS = 'leader.replication.throttled.replicas';
export const FOLLOWER_THROTTLED_REPLICAS = 'follower.replication.throttled.replicas';

/** The dynamic broker configs of this broker's entity and of the cluster-wide `<default>` one. */
export interface DynamicBrokerConfigs {
  broker: Readonly<Record<string, string>>;
  clusterDefault: Readonly<Record<string, string>>;
}

/** What the throttles read their configs from (the broker's ZkTopicConfigSource). */
export interface ThrottleConfigSource {
  dynamicBrokerConfigs(): DynamicBrokerConfigs;
  /** Topics with configs of their own. */
  topicsWithOverrides(): Iterable<string>;
  topicConfig(topic: string): ReadonlyMap<string, KafkaValue>;
  onChange(listener: (topic: string) => void): () => void;
  onDefaultsChange(listener: () => void): () => void;
}

export class ReplicationThrottles {
  readonly leader: ReplicationQuota;
  readonly follower: ReplicationQuota;

  constructor(private readonly brokerId: number, config: ReplicationQuotaConfig, nowMs: () => number) {
    this.leader = new ReplicationQuota(config, nowMs);
    this.follower = new ReplicationQuota(config, nowMs);
  }

  brokerConfigsChanged(configs: DynamicBrokerConfigs): void {
    this.leader.updateQuota(throttleRate(LEADER_THROTTLED_RATE, configs.broker, configs.clusterDefault));
    this.follower.updateQuota(throttleRate(FOLLOWER_THROTTLED_RATE, configs.broker, configs.clusterDefault));
  }

  topicConfigChanged(topic: string, values: ReadonlyMap<string, KafkaValue>): void {
    for (const [key, quota] of [[LEADER_THROTTLED_REPLICAS, this.leader], [FOLLOWER_THROTTLED_REPLICAS, this.follower]] as const) {
      const partitions = parseThrottledReplicas(values.get(key) ?? null, this.brokerId);
      // An empty list lifts the topic's throttle, as Kafka's updateThrottledList does for an absent or empty value.
      if (partitions === 'all' || partitions.length > 0) quota.markThrottled(topic, partitions);
      else quota.removeThrottle(topic);
    }
  }

  /** Applies the source's configs now and on every later change; returns the unsubscribe. */
  follow(source: ThrottleConfigSource): () => void {
    this.brokerConfigsChanged(source.dynamicBrokerConfigs());
    for (const topic of source.topicsWithOverrides()) this.topicConfigChanged(topic, source.topicConfig(topic));
    const stops = [
      source.onChange((topic) => this.topicConfigChanged(topic, source.topicConfig(topic))),
      source.onDefaultsChange(() => this.brokerConfigsChanged(source.dynamicBrokerConfigs())),
    ];
    return () => stops.forEach((stop) => stop());
  }
}

/** The broker's throttles from replication.quota.window.num and .size.seconds, following `source` from now on. */
export function replicationThrottles(config: KafkaConfig, brokerId: number, source: ThrottleConfigSource, nowMs: () => number = Date.now): ReplicationThrottles {
  const throttles = new ReplicationThrottles(brokerId, {
    samples: Number(config.values.get('replication.quota.window.num')),
    windowSizeSeconds: Number(config.values.get('replication.quota.window.size.seconds')),
  }, nowMs);
  throttles.follow(source);
  return throttles;
}
