// An in-process broker serving the group coordinator's APIs: __consumer_offsets kept in real Logs (LogBackedPartitions)
// and led by this broker, a static metadata, and a TopicCreator that records what is asked of it and (when told to)
// makes the topic appear. Listens on 127.0.0.1 port 0 in a temp dir; close() stops and removes everything.
import { partitionStates } from './data-broker.js';
import { startOurZooKeeper } from './our-zk.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TopicCreationRequest, TopicCreator } from '../../src/kafka/broker/broker-contracts.js';
import { silentLog, type BrokerLog } from '../../src/kafka/broker/broker-log.js';
import { OFFSETS_TOPIC } from '../../src/kafka/broker/groups/offsets-batches.js';
import { KafkaServer } from '../../src/kafka/broker/kafka-server.js';
import { parseKafkaConfig } from '../../src/config/kafka-config.js';
import { ErrorCode } from '../../src/kafka/protocol/index.js';
import { LogBackedPartitions } from './log-partitions.js';
import { StaticBrokerMetadata } from './static-metadata.js';

export const GROUP_BROKER_ID = 1;

export interface GroupBroker {
  server: KafkaServer;
  port: number;
  metadata: StaticBrokerMetadata;
  partitions: LogBackedPartitions;
  creations: TopicCreationRequest[];
  /** Leads every __consumer_offsets partition and waits until their groups are loaded. */
  leadOffsetsTopic(): Promise<void>;
  close(): Promise<void>;
}

export interface GroupBrokerOptions {
  offsetsPartitions?: number;
  /** Whether __consumer_offsets exists from the start (else FindCoordinator has it created). */
  offsetsTopicExists?: boolean;
  /** Other topics (name → partitions) in the metadata. */
  topics?: Record<string, number>;
  /** What createTopic answers; the topic is added to the metadata (and led) when NONE. */
  creationResult?: number;
  extraConfig?: string[];
  log?: BrokerLog;
}

export async function startGroupBroker(opts: GroupBrokerOptions = {}): Promise<GroupBroker> {
  const dir = mkdtempSync(join(tmpdir(), 'zkafka-groups-'));
  // The broker registers in a ZooKeeper of its own; what the group APIs see comes from the static metadata.
  const zk = await startOurZooKeeper();
  const offsetsPartitions = opts.offsetsPartitions ?? 3;
  const config = parseKafkaConfig(
    [
      `broker.id=${GROUP_BROKER_ID}`,
      `log.dirs=${join(dir, 'kafka-logs')}`,
      `zookeeper.connect=${zk.connectString}`,
      'listeners=PLAINTEXT://127.0.0.1:0',
      `offsets.topic.num.partitions=${offsetsPartitions}`,
      'offsets.topic.replication.factor=1',
      'group.initial.rebalance.delay.ms=0',
      ...(opts.extraConfig ?? []),
      '',
    ].join('\n'),
    join(dir, 'server.properties'),
  );
  let server: KafkaServer | undefined;
  const metadata = new StaticBrokerMetadata(GROUP_BROKER_ID, () =>
    (server?.advertised ?? []).map((l) => ({ listenerName: l.name, host: l.host, port: l.port })),
  );
  for (const [name, count] of Object.entries(opts.topics ?? {})) metadata.addTopic(name, count);
  const partitions = new LogBackedPartitions(join(dir, 'offsets-logs'));
  const creations: TopicCreationRequest[] = [];
  const leadOffsetsTopic = async () => {
    for (let p = 0; p < offsetsPartitions; p++) await partitions.lead(OFFSETS_TOPIC, p, 0);
  };
  const topicCreator: TopicCreator = {
    async createTopic(request) {
      creations.push(request);
      const errorCode = opts.creationResult ?? ErrorCode.NONE;
      if (errorCode === ErrorCode.NONE) {
        metadata.addTopic(request.name, request.numPartitions);
        if (request.name === OFFSETS_TOPIC) await leadOffsetsTopic();
      }
      return { errorCode, errorMessage: null };
    },
  };
  try {
    server = await KafkaServer.start({ config, log: opts.log ?? silentLog, metadata, localPartitions: partitions, topicCreator });
  } catch (err) {
    await zk.stop();
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const started = server;
  // The data topics are led by the broker's replica manager, as the controller would make it (Produce, Fetch).
  const dataTopics = Object.entries(opts.topics ?? {}).map(([name, partitions]) => ({ name, partitions }));
  if (dataTopics.length > 0) await started.replicaManager.becomeLeaderOrFollower(GROUP_BROKER_ID, 1, partitionStates(GROUP_BROKER_ID, dataTopics, 0));
  if (opts.offsetsTopicExists ?? true) {
    metadata.addTopic(OFFSETS_TOPIC, offsetsPartitions);
    await leadOffsetsTopic();
  }
  return {
    server: started,
    port: started.listeners[0]!.port,
    metadata,
    partitions,
    creations,
    leadOffsetsTopic,
    async close() {
      try {
        await started.close();
        await partitions.close();
        await zk.stop();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
