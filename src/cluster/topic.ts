// The documentation's first topic, created as `kafka-topics.sh --create --zookeeper ... --replication-factor 3
// --partitions 1 --topic my-topic` creates it: AdminZk (AdminZkClient's checks and AdminUtils' replica assignment)
// writes /config/topics/<t> and /brokers/topics/<t>, and the controller takes it from there.
import { AdminZk } from '../kafka/admin/admin-zk.js';
import type { KafkaZkClient } from '../kafka/zk/kafka-zk-client.js';
import { DEFAULT_BROKER_VALUES } from '../kafka/tools/topics/topic-command-input.js';

/** Creates the topic unless it exists: true when created. */
export async function ensureTopic(kafkaZk: KafkaZkClient, name: string, replicationFactor: number, partitions = 1): Promise<boolean> {
  if ((await kafkaZk.getTopicAssignment(name)) !== null) return false;
  const admin = new AdminZk({ zk: kafkaZk, brokerValues: DEFAULT_BROKER_VALUES, numPartitions: 1, defaultReplicationFactor: 1, usesTopicId: false });
  await admin.create({ name, numPartitions: partitions, replicationFactor, assignments: new Map(), configs: {} }, false, 'enforced');
  return true;
}
