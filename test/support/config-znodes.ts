// Reading what kafka-configs and the brokers write under /config, for the kafka-configs tests.
import type { ZooKeeperClient } from '../../src/zookeeper/client/index.js';

/** What Kafka 2.8's ConfigCommand prints first with --zookeeper. */
export const ZK_DEPRECATION_WARNING = 'Warning: --zookeeper is deprecated and will be removed in a future version of Kafka.\nUse --bootstrap-server instead to specify a broker to connect to.\n';

export async function znodeText(client: ZooKeeperClient, path: string): Promise<string> {
  return (await client.getData(path)).data!.toString('utf8');
}

/** The newest /config/changes notification. */
export async function lastConfigChange(client: ZooKeeperClient): Promise<string> {
  const children = (await client.getChildren('/config/changes')).sort();
  return znodeText(client, `/config/changes/${children.at(-1)!}`);
}
