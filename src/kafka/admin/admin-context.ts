// What the admin handlers share: the ZooKeeper admin client, the broker's config, the metadata cache (to wait for
// topics to show or go) and whether this broker is the active controller (Kafka answers NOT_CONTROLLER otherwise).
import type { KafkaConfig } from '../../config/kafka-config.js';
import type { TransactionStateTopicConfig } from './auto-create.js';
import type { BrokerMetadata } from '../broker/broker-metadata.js';
import type { MetadataUpdates } from '../broker/broker-contracts.js';
import { NoNodeError } from '../../zookeeper/client/index.js';
import { ZkPaths, decodeConfigEntity } from '../zk/zk-data.js';
import { AdminZk } from './admin-zk.js';
import type { KafkaZkClient } from '../zk/kafka-zk-client.js';
import type { ControllerRequests } from './controller-requests.js';
import type { LogDirsSource } from './log-dirs-source.js';
import type { BrokerConfigLayers } from './config-describer.js';

export interface AdminContext {
  admin: AdminZk;
  brokerId: number;
  config: Pick<KafkaConfig, 'values' | 'sources' | 'deleteTopicEnable' | 'autoCreateTopicsEnable' | 'numPartitions' | 'defaultReplicationFactor' | 'offsetsTopicReplicationFactor' | 'offsetsTopicNumPartitions' | 'offsetsTopicSegmentBytes'> &
    /** Without them __transaction_state is not auto-created. */
    Partial<TransactionStateTopicConfig>;
  metadata: BrokerMetadata;
  updates: MetadataUpdates;
  isActiveController: () => boolean;
}

/** The name of the cluster-wide default broker entity under /config/brokers. */
export const DEFAULT_BROKER_ENTITY = '<default>';

async function entityConfig(ctx: AdminContext, name: string): Promise<Record<string, string>> {
  const path = ZkPaths.configEntity('brokers', name);
  try {
    const { data } = await ctx.admin.zk.zk.getData(path);
    return decodeConfigEntity(data, path);
  } catch (err) {
    if (err instanceof NoNodeError) return {};
    throw err;
  }
}

/** server.properties plus the dynamic layers in ZooKeeper, read now. */
export async function brokerConfigLayers(ctx: AdminContext): Promise<BrokerConfigLayers> {
  return {
    values: ctx.config.values,
    staticKeys: new Set(ctx.config.sources.keys()),
    dynamicBroker: await entityConfig(ctx, String(ctx.brokerId)),
    dynamicDefault: await entityConfig(ctx, DEFAULT_BROKER_ENTITY),
  };
}

export interface AdminWiring {
  zk: KafkaZkClient;
  /** The metadata cache: what Metadata answers and what the admin requests wait on. */
  metadata: BrokerMetadata & MetadataUpdates;
  isActiveController: () => boolean;
  /** The local controller's request API (ElectLeaders, AlterPartitionReassignments), once the controller is wired. */
  controller?: ControllerRequests;
  /** The broker's log dirs for DescribeLogDirs, once the storage offers them. */
  logDirs?: LogDirsSource;
}

/** The admin side of a broker over its ZooKeeper connection. */
export function createAdminContext(wiring: AdminWiring, config: KafkaConfig, brokerId: number): AdminContext {
  return {
    admin: new AdminZk({
      zk: wiring.zk,
      brokerValues: config.values,
      numPartitions: config.numPartitions,
      defaultReplicationFactor: config.defaultReplicationFactor,
    }),
    brokerId,
    config,
    metadata: wiring.metadata,
    updates: wiring.metadata,
    isActiveController: wiring.isActiveController,
  };
}

/** What the handler registry takes from the admin wiring (see handlers/index.ts HandlerDeps). */
export function adminHandlerDeps(
  wiring: AdminWiring,
  config: KafkaConfig,
  brokerId: number,
): { admin: AdminContext; controllerRequests?: ControllerRequests; logDirs?: LogDirsSource } {
  return {
    admin: createAdminContext(wiring, config, brokerId),
    ...(wiring.controller ? { controllerRequests: wiring.controller } : {}),
    ...(wiring.logDirs ? { logDirs: wiring.logDirs } : {}),
  };
}
