// Replication throttles on a fake clock: Kafka's SimpleRate over replication.quota.window.num samples of
// replication.quota.window.size.seconds (exact figures: the rate is the windowed sum over the time since the oldest
// sample began, at least one window, and a sample older than the whole window no longer counts), the quota exceeded
// only above its bound, the throttled-replica lists as the topic configs write them, the rates from the broker's own
// dynamic configs over the cluster default, and the rule that an in-sync follower is never throttled by the leader.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rate, SimpleRate } from '../../../../src/kafka/client/metrics/sampled-stats.js';
import {
  parseThrottledReplicas, recordThrottledBytes, ReplicationQuota, shouldLeaderThrottle, throttleRate, UNLIMITED_RATE,
} from '../../../../src/kafka/broker/replica/replication-quota.js';
import { ReplicationThrottles, type DynamicBrokerConfigs, type ThrottleConfigSource } from '../../../../src/kafka/broker/replica/replication-throttles.js';
import type { KafkaValue } from '../../../../src/config/kafka-key-types.js';

const T0 = 1_000_000;
const KAFKA_DEFAULTS = { samples: 11, windowSizeSeconds: 1 };

function quotaAt(bound?: number) {
  const clock = { now: T0 };
  const quota = new ReplicationQuota(KAFKA_DEFAULTS, () => clock.now);
  if (bound !== undefined) quota.updateQuota(bound);
  return { quota, clock };
}

test('SimpleRate divides the windowed sum by the time since the oldest sample began, at least one window; Rate pads to samples - 1 windows', () => {
  const config = { samples: 11, windowMs: 1000 };
  const simple = new SimpleRate(false, config);
  const padded = new Rate(false, config);
  for (const [at, bytes] of [[0, 10_000], [1000, 10_000], [2500, 10_000]] as const) {
    simple.record(bytes, T0 + at);
    padded.record(bytes, T0 + at);
  }
  assert.equal(simple.measure(T0 + 3000), 10_000); // 30 000 B over 3 s
  assert.equal(padded.measure(T0 + 3000), 3000); // 30 000 B over 3 s padded to 10 s
  assert.equal(new SimpleRate(false, config).measure(T0), 0);
  const single = new SimpleRate(false, config);
  single.record(5000, T0);
  assert.equal(single.measure(T0 + 200), 5000); // less than a window old: divided by the whole window
});

test('the quota is exceeded only above its bound, measured over the elapsed window', () => {
  const { quota } = quotaAt(20_000);
  quota.record(20_000);
  assert.equal(quota.measure(), 20_000);
  assert.equal(quota.isQuotaExceeded(), false);
  quota.record(1);
  assert.equal(quota.isQuotaExceeded(), true);

  const later = quotaAt(20_000);
  later.quota.record(100_000);
  later.clock.now = T0 + 4000;
  assert.equal(later.quota.measure(), 25_000);
  assert.equal(later.quota.isQuotaExceeded(), true);
  later.clock.now = T0 + 5000;
  assert.equal(later.quota.measure(), 20_000);
  assert.equal(later.quota.isQuotaExceeded(), false);
});

test('a sample stops counting once the whole window (11 samples of 1 s) has passed since it began', () => {
  const { quota, clock } = quotaAt(20_000);
  quota.record(1_000_000);
  clock.now = T0 + 10_999;
  assert.equal(quota.measure(), 1_000_000 / 10.999);
  assert.equal(quota.isQuotaExceeded(), true);
  clock.now = T0 + 11_000;
  assert.equal(quota.measure(), 0);
  assert.equal(quota.isQuotaExceeded(), false);
});

test('window settings change the figures: 2 samples of 5 s', () => {
  const clock = { now: T0 };
  const quota = new ReplicationQuota({ samples: 2, windowSizeSeconds: 5 }, () => clock.now);
  quota.updateQuota(1000);
  quota.record(4000);
  clock.now = T0 + 1000;
  assert.equal(quota.measure(), 800); // 4000 B over the 5 s minimum window
  clock.now = T0 + 6000;
  quota.record(2000); // a second sample
  clock.now = T0 + 8000;
  assert.equal(quota.measure(), 750); // 6000 B over 8 s
  clock.now = T0 + 10_000;
  assert.equal(quota.measure(), 400); // the first sample expired: 2000 B since 6 s, over the 5 s minimum window
});

test('without a rate the quota is never exceeded; lifting a rate lifts the quota', () => {
  const { quota } = quotaAt();
  assert.equal(quota.upperBound, UNLIMITED_RATE);
  quota.record(1e12);
  assert.equal(quota.isQuotaExceeded(), false);
  quota.updateQuota(1000);
  assert.equal(quota.isQuotaExceeded(), true);
  quota.updateQuota(UNLIMITED_RATE);
  assert.equal(quota.isQuotaExceeded(), false);
});

test('throttled replicas: the partitions listed with this broker, every one for *, none for an empty or foreign list', () => {
  assert.deepEqual(parseThrottledReplicas('0:1,0:2,1:1,1:3', 1), [0, 1]);
  assert.deepEqual(parseThrottledReplicas('0:1,0:2,1:1,1:3', 3), [1]);
  assert.deepEqual(parseThrottledReplicas('0:1,0:2', 4), []);
  assert.deepEqual(parseThrottledReplicas(' 0:4 , 2:4 ', 4), [0, 2]);
  assert.deepEqual(parseThrottledReplicas(['0:4', '1:5', '2:4'], 4), [0, 2]);
  assert.equal(parseThrottledReplicas('*', 7), 'all');
  assert.equal(parseThrottledReplicas(['*'], 7), 'all');
  assert.deepEqual(parseThrottledReplicas('', 1), []);
  assert.deepEqual(parseThrottledReplicas(null, 1), []);
  assert.deepEqual(parseThrottledReplicas([], 1), []);

  const { quota } = quotaAt();
  quota.markThrottled('t', [0, 2]);
  quota.markThrottled('all', 'all');
  assert.deepEqual(
    [quota.isThrottled({ topic: 't', partition: 0 }), quota.isThrottled({ topic: 't', partition: 1 }), quota.isThrottled({ topic: 'all', partition: 9 }), quota.isThrottled({ topic: 'u', partition: 0 })],
    [true, false, true, false],
  );
  quota.removeThrottle('t');
  assert.equal(quota.isThrottled({ topic: 't', partition: 0 }), false);
});

test('throttle rates: the broker\'s own dynamic value, else the <default> entity\'s, else unlimited', () => {
  const key = 'leader.replication.throttled.rate';
  assert.equal(throttleRate(key, { [key]: '20000' }, { [key]: '5000' }), 20_000);
  assert.equal(throttleRate(key, {}, { [key]: '5000' }), 5000);
  assert.equal(throttleRate(key, { 'follower.replication.throttled.rate': '1' }, {}), UNLIMITED_RATE);
  assert.equal(throttleRate(key, { [key]: 'fast' }, { [key]: '300' }), 300);
});

test('the leader never throttles an in-sync follower; an out-of-sync one only on a throttled partition while the quota is exceeded', () => {
  const { quota } = quotaAt(1000);
  quota.markThrottled('t', [0]);
  const p0 = { tp: { topic: 't', partition: 0 }, isr: [1, 2] };
  const p1 = { tp: { topic: 't', partition: 1 }, isr: [1, 2] };
  assert.equal(shouldLeaderThrottle(quota, p0, 3), false); // quota not exceeded yet
  quota.record(5000);
  assert.equal(shouldLeaderThrottle(quota, p0, 3), true);
  assert.equal(shouldLeaderThrottle(quota, p0, 2), false); // in the ISR
  assert.equal(shouldLeaderThrottle(quota, p1, 3), false); // not throttled
});

test('a follower fetch records the record bytes of its throttled partitions only', () => {
  const { quota } = quotaAt(1000);
  quota.markThrottled('t', [0]);
  recordThrottledBytes(quota, [
    { topic: 't', partition: 0, records: Buffer.alloc(700) },
    { topic: 't', partition: 1, records: Buffer.alloc(5000) },
    { topic: 'u', partition: 0, records: null },
  ]);
  assert.equal(quota.measure(), 700);
});

/** A config source held in memory, firing its listeners like the ZooKeeper one. */
function memorySource(initial: { dynamic: DynamicBrokerConfigs; topics: Record<string, Record<string, string>> }) {
  const state = structuredClone(initial);
  const topicListeners = new Set<(topic: string) => void>();
  const defaultListeners = new Set<() => void>();
  const source: ThrottleConfigSource = {
    dynamicBrokerConfigs: () => state.dynamic,
    topicsWithOverrides: () => Object.keys(state.topics),
    topicConfig: (topic) => new Map<string, KafkaValue>(Object.entries(state.topics[topic] ?? {})),
    onChange: (l) => (topicListeners.add(l), () => topicListeners.delete(l)),
    onDefaultsChange: (l) => (defaultListeners.add(l), () => defaultListeners.delete(l)),
  };
  return {
    source,
    setTopic(topic: string, configs: Record<string, string>) {
      state.topics[topic] = configs;
      for (const l of topicListeners) l(topic);
    },
    setDynamic(dynamic: DynamicBrokerConfigs) {
      state.dynamic = dynamic;
      for (const l of defaultListeners) l();
    },
  };
}

test('the throttles follow the configs: read at start, then on every topic and broker config change', () => {
  const mem = memorySource({
    dynamic: { broker: { 'leader.replication.throttled.rate': '20000' }, clusterDefault: { 'follower.replication.throttled.rate': '30000' } },
    topics: { t: { 'leader.replication.throttled.replicas': '0:1,1:2', 'follower.replication.throttled.replicas': '1:1' } },
  });
  const throttles = new ReplicationThrottles(1, KAFKA_DEFAULTS, () => T0);
  const stop = throttles.follow(mem.source);
  assert.equal(throttles.leader.upperBound, 20_000);
  assert.equal(throttles.follower.upperBound, 30_000);
  assert.equal(throttles.leader.isThrottled({ topic: 't', partition: 0 }), true);
  assert.equal(throttles.leader.isThrottled({ topic: 't', partition: 1 }), false);
  assert.equal(throttles.follower.isThrottled({ topic: 't', partition: 1 }), true);

  mem.setTopic('t', { 'follower.replication.throttled.replicas': '*' });
  assert.equal(throttles.leader.isThrottled({ topic: 't', partition: 0 }), false);
  assert.equal(throttles.follower.isThrottled({ topic: 't', partition: 5 }), true);

  mem.setDynamic({ broker: {}, clusterDefault: { 'leader.replication.throttled.rate': '1000' } });
  assert.equal(throttles.leader.upperBound, 1000);
  assert.equal(throttles.follower.upperBound, UNLIMITED_RATE);

  stop();
  mem.setDynamic({ broker: { 'leader.replication.throttled.rate': '5' }, clusterDefault: {} });
  assert.equal(throttles.leader.upperBound, 1000);
});
