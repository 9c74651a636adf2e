// An in-process broker with the admin APIs over our ZooKeeper server, registered and controlling its cluster of one
// like any broker (the cluster id is fixed beforehand in /cluster/id). A test may replace the controller check and
// the controller's request API. Requests can be sent raw (call) to see exact error codes and messages.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseKafkaConfig } from '../../src/config/kafka-config.js';
import { KafkaServer } from '../../src/kafka/broker/kafka-server.js';
import { silentLog } from '../../src/kafka/broker/broker-log.js';
import { KafkaZkClient, ensureChroot } from '../../src/kafka/zk/kafka-zk-client.js';
import { connectZooKeeper, type ZooKeeperClient } from '../../src/zookeeper/client/index.js';
import { decodeResponse, encodeRequest, type ApiKey, type ApiMessages } from '../../src/kafka/protocol/index.js';
import { startOurZooKeeper, type OurZk } from './our-zk.js';
import type { BrokerMetadata } from '../../src/kafka/broker/broker-metadata.js';
import { FrameSocket } from './frame-socket.js';
import type { ControllerRequests } from '../../src/kafka/admin/controller-requests.js';

export const CLUSTER_ID = 'MkU3OEVBNTcwNTJENDM2Qg';

export interface AdminBroker {
  zkServer: OurZk;
  zk: ZooKeeperClient;
  kafkaZk: KafkaZkClient;
  /** The broker's metadata cache. */
  metadata: BrokerMetadata;
  server: KafkaServer;
  port: number;
  brokerId: number;
  call<K extends ApiKey>(apiKey: K, apiVersion: number, body: ApiMessages[K]['request']): Promise<ApiMessages[K]['response']>;
  /** Waits (bounded) until `check` holds on the test metadata. */
  until(check: () => boolean | Promise<boolean>, what: string, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export interface AdminBrokerOptions {
  brokerId?: number;
  /** Default: always the controller. */
  isActiveController?: () => boolean;
  controller?: ControllerRequests;
}

export async function startAdminBroker(extraProperties: string[] = [], opts: AdminBrokerOptions = {}): Promise<AdminBroker> {
  const brokerId = opts.brokerId ?? 1;
  const zkServer = await startOurZooKeeper();
  const dir = mkdtempSync(join(tmpdir(), 'zkafka-admin-broker-'));
  const stops: (() => Promise<void> | void)[] = [() => zkServer.stop(), () => rmSync(dir, { recursive: true, force: true })];
  const stop = async (): Promise<void> => {
    for (const s of stops.reverse()) await Promise.resolve(s()).catch(() => {});
  };
  try {
    const connect = `${zkServer.connectString}/kafka`;
    await ensureChroot(connect);
    const zk = await connectZooKeeper(connect, { sessionTimeoutMs: 6000 });
    stops.push(() => zk.close());
    const kafkaZk = new KafkaZkClient(zk);
    await kafkaZk.createTopLevelPaths();
    await kafkaZk.createOrGetClusterId(CLUSTER_ID);
    const text = [`broker.id=${brokerId}`, `log.dirs=${join(dir, 'logs')}`, `zookeeper.connect=${connect}`, 'listeners=PLAINTEXT://127.0.0.1:0', ...extraProperties, ''].join('\n');
    const config = parseKafkaConfig(text, join(dir, 'server.properties'));
    const server = await KafkaServer.start({ config, log: silentLog, admin: {
        ...(opts.isActiveController ? { isActiveController: opts.isActiveController } : {}),
        ...(opts.controller ? { controller: opts.controller } : {}),
      },
    });
    stops.push(() => server.close());
    const port = server.listeners[0]!.port;
    const metadata = server.metadataCache;
    let correlationId = 0;
    const until = async (check: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> => {
      const deadline = Date.now() + timeoutMs;
      while (!(await check())) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    };
    await until(() => metadata.aliveBrokers('PLAINTEXT').length === 1, 'the broker registration');
    return {
      zkServer,
      zk,
      kafkaZk,
      metadata,
      server,
      port,
      brokerId,
      until,
      stop,
      async call(apiKey, apiVersion, body) {
        const s = await FrameSocket.open(port);
        try {
          const id = ++correlationId;
          s.send(Buffer.concat(encodeRequest({ apiKey, apiVersion, correlationId: id, clientId: 'admin-test' }, body)));
          if (!(await s.waitForFrame(30_000))) throw new Error(`no response to api ${apiKey} v${apiVersion}`);
          const frame = s.take();
          return decodeResponse(apiKey, apiVersion, frame, 4).body;
        } finally {
          s.destroy();
        }
      },
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
