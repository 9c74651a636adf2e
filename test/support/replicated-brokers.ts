// Broker settings shared by the fault tests that run three or four brokers with replicated topics: rf=3 by default
// (__consumer_offsets too), min.insync.replicas=2, quick fetch backoff and no initial rebalance delay.
export function replicatedBrokerSettings(opts: { sessionTimeoutMs: number; replicaLagTimeMaxMs: number }): string[] {
  return [
    'num.partitions=1',
    'default.replication.factor=3',
    'offsets.topic.replication.factor=3',
    'offsets.topic.num.partitions=3',
    'min.insync.replicas=2',
    `zookeeper.session.timeout.ms=${opts.sessionTimeoutMs}`,
    `replica.lag.time.max.ms=${opts.replicaLagTimeMaxMs}`,
    'replica.fetch.backoff.ms=100',
    'group.initial.rebalance.delay.ms=0',
  ];
}
