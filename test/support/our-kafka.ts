// An in-process broker of ours (KafkaServer) on 127.0.0.1 port 0 in a temp dir, registered in a ZooKeeper server
// of its own (the controller of its cluster of one), for client tests.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseKafkaConfig } from '../../src/config/kafka-config.js';
import { silentLog } from '../../src/kafka/broker/broker-log.js';
import { KafkaServer } from '../../src/kafka/broker/kafka-server.js';
import { RequestHooks } from '../../src/kafka/broker/request-hooks.js';
import { startOurZooKeeper } from './our-zk.js';

export interface OurKafka {
  server: KafkaServer;
  hooks: RequestHooks;
  port: number;
  bootstrap: string;
  /** Whether the broker advertises the api (by key) in ApiVersions. */
  supports: (apiKey: number) => boolean;
  stop: () => Promise<void>;
}

export async function startOurKafka(brokerId = 1, extraProperties: string[] = []): Promise<OurKafka> {
  const dir = mkdtempSync(join(tmpdir(), 'zkafka-client-'));
  const zk = await startOurZooKeeper();
  const text = [
    `broker.id=${brokerId}`, 'listeners=PLAINTEXT://127.0.0.1:0', `log.dirs=${join(dir, 'logs')}`, `zookeeper.connect=${zk.connectString}`,
    'offsets.topic.replication.factor=1', 'group.initial.rebalance.delay.ms=0', ...extraProperties, '',
  ].join('\n');
  const hooks = new RequestHooks();
  let server: KafkaServer;
  try {
    server = await KafkaServer.start({ config: parseKafkaConfig(text, join(dir, 'server.properties')), log: silentLog, hooks });
  } catch (err) {
    await zk.stop();
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const port = server.listeners[0].port;
  const advertised = new Set(server.dispatcher.versionTable().map((r) => r.apiKey));
  return {
    server,
    hooks,
    port,
    bootstrap: `127.0.0.1:${port}`,
    supports: (apiKey) => advertised.has(apiKey),
    stop: async () => {
      try {
        await server.close();
        await zk.stop();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
