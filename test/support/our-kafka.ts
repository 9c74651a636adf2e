// An in-process broker of ours (KafkaServer) on 127.0.0.1 port 0 in a temp dir, for client tests.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseKafkaConfig } from '../../src/config/kafka-config.js';
import { silentLog } from '../../src/kafka/broker/broker-log.js';
import { KafkaServer } from '../../src/kafka/broker/kafka-server.js';
import { RequestHooks } from '../../src/kafka/broker/request-hooks.js';

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
  const text = [`broker.id=${brokerId}`, 'listeners=PLAINTEXT://127.0.0.1:0', `log.dirs=${join(dir, 'logs')}`, 'zookeeper.connect=127.0.0.1:2181', ...extraProperties, ''].join('\n');
  const hooks = new RequestHooks();
  let server: KafkaServer;
  try {
    server = await KafkaServer.start({ config: parseKafkaConfig(text, join(dir, 'server.properties')), log: silentLog, hooks });
  } catch (err) {
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
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
