// Kafka's AdminZkClient and the topic half of ZkAdminManager: create topics (validated as Kafka validates them,
// with Kafka's error texts), add partitions, change topic configs (with the /config/changes notification) and mark
// topics for deletion, all through ZooKeeper. Waiting for the controller to act is the handlers' job.
import { randomBytes, randomInt } from 'node:crypto';
import type { KafkaValue } from '../../config/kafka-key-types.js';
import { ErrorCode } from '../protocol/index.js';
import { AssignmentError, assignReplicasToBrokers, type RackAwareMode } from '../controller/assignment.js';
import type { TopicCreationRequest, TopicCreator } from '../broker/broker-contracts.js';
import { NoNodeError, NodeExistsError } from '../../zookeeper/client/index.js';
import type { KafkaZkClient } from '../zk/kafka-zk-client.js';
import { TopicExistsError } from '../zk/kafka-zk-client.js';
import { METADATA_TOPIC_ID, ZERO_UUID, randomUuidBase64 } from '../zk/uuid.js';
import {
  ZkPaths,
  decodeConfigEntity,
  encodeConfigChangeNotification,
  encodeConfigEntity,
  encodeTopicAssignment,
  replicaAssignment,
  type ReplicaAssignment,
} from '../zk/zk-data.js';
import { AdminError, hasCollision, hasCollisionChars, topicNameProblem } from './topic-name.js';
import { TopicConfigError, TopicConfigValueError, validateTopicConfigs } from './topic-config-defs.js';
import { javaPropertiesOrder } from './java-properties-order.js';

export interface AdminZkOptions {
  zk: KafkaZkClient;
  /** The broker's effective config values (KafkaConfig.values): topic defaults and the compaction-lag check. */
  brokerValues: ReadonlyMap<string, KafkaValue>;
  numPartitions: number;
  defaultReplicationFactor: number;
  /** Uniform int in [0, bound): the assignment's start index and replica shift (default: crypto). */
  randomInt?: (bound: number) => number;
  /** A fresh topic id (default: a random Uuid as Kafka's Uuid.randomUuid draws it). */
  newTopicId?: () => string;
  /**
   * Whether new topics get an id in /brokers/topics/<t> (default true, as the broker's CreateTopics does). Kafka 2.8's
   * kafka-topics --zookeeper writes none (version 2) and the controller adds one when it sees the topic.
   */
  usesTopicId?: boolean;
}

export interface CreatedTopic {
  name: string;
  /** ZERO_UUID until written, and when written without an id (usesTopicId false). */
  topicId: string;
  numPartitions: number;
  replicationFactor: number;
  configs: Record<string, string>;
}

/** Uuid.randomUuid: never the zero or metadata-topic id, never a text starting with '-'. */
export function randomTopicId(): string {
  for (;;) {
    const id = randomUuidBase64(randomBytes(16));
    if (id !== ZERO_UUID && id !== METADATA_TOPIC_ID && !id.startsWith('-')) return id;
  }
}

/** ZooKeeper's default jute.maxbuffer: a larger /brokers/topics/<t> could not be written (or read back). */
export const MAX_TOPIC_ZNODE_BYTES = 0xfffff;

/**
 * Refuses a partition count whose assignment could never fit the topic znode, before computing it: each partition
 * takes at least `"p":[r]` plus a comma, and each further replica `,r`. Bounds what a request can make us build.
 */
function checkFitsZnode(partitions: number, replicationFactor: number): void {
  if (partitions > 0 && replicationFactor > 0 && partitions * (6 + 2 * (replicationFactor - 1)) > MAX_TOPIC_ZNODE_BYTES) {
    throw new AdminError(
      ErrorCode.INVALID_PARTITIONS,
      `${partitions} partitions with replication factor ${replicationFactor} do not fit in a ZooKeeper znode of ${MAX_TOPIC_ZNODE_BYTES} bytes.`,
    );
  }
}

function checkEncodedSize(topic: string, bytes: Buffer): void {
  if (bytes.length > MAX_TOPIC_ZNODE_BYTES) {
    throw new AdminError(ErrorCode.INVALID_PARTITIONS, `The assignment of topic '${topic}' takes ${bytes.length} bytes, more than a ZooKeeper znode holds (${MAX_TOPIC_ZNODE_BYTES}).`);
  }
}

const invalidRequest = (message: string) => new AdminError(ErrorCode.INVALID_REQUEST, message);
const invalidAssignment = (message: string) => new AdminError(ErrorCode.INVALID_REPLICA_ASSIGNMENT, message);

/** Scala's `HashMap(0 -> ArrayBuffer(1, 2))`, as Kafka's "Duplicate replica assignment found" text prints it. */
function scalaAssignmentText(assignment: ReadonlyMap<number, readonly number[]>): string {
  return `HashMap(${[...assignment].map(([p, r]) => `${p} -> ArrayBuffer(${r.join(', ')})`).join(', ')})`;
}

/** The protocol error for a failure of a topic operation; anything else is UNKNOWN_SERVER_ERROR, as Kafka's ApiError. */
export function adminErrorOf(err: unknown): AdminError {
  if (err instanceof AdminError) return err;
  if (err instanceof TopicConfigError || err instanceof TopicConfigValueError) return new AdminError(ErrorCode.INVALID_CONFIG, err.message);
  if (err instanceof TopicExistsError) return new AdminError(ErrorCode.TOPIC_ALREADY_EXISTS, err.message);
  if (err instanceof AssignmentError) {
    if (err.code === 'INVALID_PARTITIONS') return new AdminError(ErrorCode.INVALID_PARTITIONS, err.message);
    if (err.code === 'INVALID_REPLICATION_FACTOR') return new AdminError(ErrorCode.INVALID_REPLICATION_FACTOR, err.message);
  }
  return new AdminError(ErrorCode.UNKNOWN_SERVER_ERROR, 'The server experienced an unexpected error when processing the request.');
}

export class AdminZk implements TopicCreator {
  readonly zk: KafkaZkClient;
  private readonly randomInt: (bound: number) => number;
  private readonly newTopicId: () => string;

  constructor(private readonly opts: AdminZkOptions) {
    this.zk = opts.zk;
    this.randomInt = opts.randomInt ?? ((bound) => randomInt(bound));
    this.newTopicId = opts.newTopicId ?? randomTopicId;
  }

  get brokerValues(): ReadonlyMap<string, KafkaValue> {
    return this.opts.brokerValues;
  }

  async createTopic(request: TopicCreationRequest, validateOnly: boolean): Promise<{ errorCode: number; errorMessage: string | null }> {
    try {
      await this.create(request, validateOnly);
      return { errorCode: ErrorCode.NONE, errorMessage: null };
    } catch (err) {
      const e = adminErrorOf(err);
      return { errorCode: e.errorCode, errorMessage: e.errorMessage };
    }
  }

  /**
   * ZkAdminManager.createTopics for one topic, then AdminZkClient.createTopicWithAssignment unless validating.
   * Throws AdminError (or a config/assignment error adminErrorOf maps).
   */
  async create(request: TopicCreationRequest, validateOnly: boolean, rackAwareMode: RackAwareMode = 'enforced'): Promise<CreatedTopic> {
    const { name } = request;
    // Kafka asks its metadata cache here; an illegal name (which ZooKeeper could not even look up) is never there.
    if (topicNameProblem(name) === null && (await this.zk.zk.exists(ZkPaths.topic(name))) !== null) {
      throw new AdminError(ErrorCode.TOPIC_ALREADY_EXISTS, `Topic '${name}' already exists.`);
    }
    const nullConfigs = Object.entries(request.configs).filter(([, v]) => v === null).map(([k]) => k);
    if (nullConfigs.length > 0) throw invalidRequest(`Null value not supported for topic configs : ${nullConfigs.join(',')}`);
    if ((request.numPartitions !== -1 || request.replicationFactor !== -1) && request.assignments.size > 0) {
      throw invalidRequest('Both numPartitions or replicationFactor and replicasAssignments were set. Both cannot be used at the same time.');
    }
    let assignment: Map<number, readonly number[]>;
    if (request.assignments.size === 0) {
      const brokers = (await this.zk.getAllBrokers()).map((b) => ({ id: b.registration.id, rack: b.registration.rack }));
      const partitions = request.numPartitions === -1 ? this.opts.numPartitions : request.numPartitions;
      const replicationFactor = request.replicationFactor === -1 ? this.opts.defaultReplicationFactor : request.replicationFactor;
      if (replicationFactor <= brokers.length) checkFitsZnode(partitions, replicationFactor);
      assignment = assignReplicasToBrokers({
        brokers,
        partitions,
        replicationFactor,
        startIndex: brokers.length > 0 ? this.randomInt(brokers.length) : 0,
        replicaShift: brokers.length > 0 ? this.randomInt(brokers.length) : 0,
        rackAwareMode,
      });
    } else {
      assignment = new Map(request.assignments);
    }
    await this.validateTopicCreate(name, assignment, request.configs);
    const created: CreatedTopic = {
      name,
      topicId: ZERO_UUID,
      numPartitions: assignment.size,
      replicationFactor: [...assignment.values()][0]?.length ?? 0,
      configs: javaPropertiesOrder(Object.entries(request.configs)),
    };
    if (validateOnly) return created;
    const topicId = this.opts.usesTopicId === false ? null : this.newTopicId();
    created.topicId = topicId ?? ZERO_UUID;
    const partitions = new Map([...assignment].map(([p, replicas]) => [p, replicaAssignment([...replicas])]));
    checkEncodedSize(name, encodeTopicAssignment(topicId, partitions));
    await this.zk.createTopic(name, topicId, partitions, created.configs);
    return created;
  }

  /** AdminZkClient.validateTopicCreate, in Kafka's order. */
  private async validateTopicCreate(topic: string, assignment: ReadonlyMap<number, readonly number[]>, configs: Readonly<Record<string, string>>): Promise<void> {
    const problem = topicNameProblem(topic);
    if (problem !== null) throw new AdminError(ErrorCode.INVALID_TOPIC_EXCEPTION, problem);
    if ((await this.zk.zk.exists(ZkPaths.deleteTopic(topic))) !== null) {
      throw new AdminError(ErrorCode.TOPIC_ALREADY_EXISTS, `Topic '${topic}' is marked for deletion.`);
    }
    validateTopicConfigs(configs, this.opts.brokerValues);
    if ((await this.zk.zk.exists(ZkPaths.topic(topic))) !== null) throw new AdminError(ErrorCode.TOPIC_ALREADY_EXISTS, `Topic '${topic}' already exists.`);
    if (hasCollisionChars(topic)) {
      const all = await this.zk.getAllTopics();
      if (all.includes(topic)) throw new AdminError(ErrorCode.TOPIC_ALREADY_EXISTS, `Topic '${topic}' already exists.`);
      const colliding = all.filter((t) => hasCollision(topic, t));
      if (colliding.length > 0) {
        throw new AdminError(ErrorCode.INVALID_TOPIC_EXCEPTION, `Topic '${topic}' collides with existing topics: ${colliding.join(', ')}`);
      }
    }
    const sizes = new Set([...assignment.values()].map((r) => r.length));
    if (sizes.size !== 1) throw invalidAssignment('All partitions should have the same number of replicas');
    for (const replicas of assignment.values()) {
      if (new Set(replicas).size !== replicas.length) throw invalidAssignment(`Duplicate replica assignment found: ${scalaAssignmentText(assignment)}`);
    }
    const n = assignment.size;
    const sum = [...assignment.keys()].reduce((a, b) => a + b, 0);
    if (sum !== (n * (n - 1)) / 2 || [...assignment.keys()].some((p) => p < 0 || p >= n)) {
      throw invalidAssignment('partitions should be a consecutive 0-based integer sequence');
    }
  }

  /**
   * ZkAdminManager.createPartitions for one topic: the new partitions' assignment (computed, or the one given,
   * checked), written into /brokers/topics/<t> unless validating. Returns the new partition count.
   */
  async createPartitions(topic: string, count: number, assignments: readonly (readonly number[])[] | null, validateOnly: boolean): Promise<number> {
    const brokers = (await this.zk.getAllBrokers()).map((b) => ({ id: b.registration.id, rack: b.registration.rack }));
    const brokerIds = new Set(brokers.map((b) => b.id));
    const current = await this.zk.getTopicAssignment(topic);
    if (current === null || current.partitions.size === 0) {
      throw new AdminError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `The topic '${topic}' does not exist.`);
    }
    for (const a of current.partitions.values()) {
      if (a.addingReplicas.length > 0 || a.removingReplicas.length > 0) {
        throw new AdminError(ErrorCode.REASSIGNMENT_IN_PROGRESS, `A partition reassignment is in progress for the topic '${topic}'.`);
      }
    }
    const old = current.partitions.size;
    const increment = count - old;
    if (increment < 0) throw new AdminError(ErrorCode.INVALID_PARTITIONS, `Topic currently has ${old} partitions, which is higher than the requested ${count}.`);
    if (increment === 0) throw new AdminError(ErrorCode.INVALID_PARTITIONS, `Topic already has ${old} partitions.`);
    const rf = current.partitions.get(0)?.replicas.length ?? 0;
    checkFitsZnode(count, rf);
    let added: Map<number, number[]>;
    if (assignments !== null) {
      const unknown = [...new Set(assignments.flat())].filter((id) => !brokerIds.has(id));
      if (unknown.length > 0) throw invalidAssignment(`Unknown broker(s) in replica assignment: ${unknown.join(', ')}.`);
      if (assignments.length !== increment) {
        throw invalidAssignment(`Increasing the number of partitions by ${increment} but ${assignments.length} assignments provided.`);
      }
      added = new Map(assignments.map((replicas, i) => [old + i, [...replicas]]));
      for (const [p, replicas] of added) {
        if (replicas.length === 0) throw invalidAssignment(`Cannot have replication factor of 0 for partition id ${p}.`);
        if (new Set(replicas).size !== replicas.length) {
          throw invalidAssignment(`Duplicate brokers not allowed in replica assignment: ${replicas.join(', ')} for partition id ${p}.`);
        }
        if (replicas.length !== rf) {
          throw invalidAssignment(`Inconsistent replication factor between partitions, partition 0 has ${rf} while partition ${p} has ${replicas.length} replicas.`);
        }
      }
    } else {
      const sorted = [...brokers].sort((a, b) => a.id - b.id);
      const first = current.partitions.get(0)!.replicas[0]!;
      const startIndex = Math.max(0, sorted.findIndex((b) => b.id >= first));
      added = assignReplicasToBrokers({ brokers: sorted, partitions: increment, replicationFactor: rf, startIndex, replicaShift: startIndex, startPartitionId: old });
    }
    if (!validateOnly) {
      const combined = new Map<number, ReplicaAssignment>(current.partitions);
      for (const [p, replicas] of added) combined.set(p, replicaAssignment(replicas));
      const bytes = encodeTopicAssignment(current.topicId, combined);
      checkEncodedSize(topic, bytes);
      await this.zk.zk.setData(ZkPaths.topic(topic), bytes);
    }
    return count;
  }

  /** AdminZkClient.fetchEntityConfig("topics", t): the overrides in /config/topics/<t>. */
  async topicOverrides(topic: string): Promise<Record<string, string>> {
    try {
      const { data } = await this.zk.zk.getData(ZkPaths.configEntity('topics', topic));
      return decodeConfigEntity(data, ZkPaths.configEntity('topics', topic));
    } catch (err) {
      if (err instanceof NoNodeError) return {};
      throw err;
    }
  }

  /** AdminZkClient.validateTopicConfig: name, existence, LogConfig.validate. */
  async validateTopicConfig(topic: string, configs: Readonly<Record<string, string>>): Promise<void> {
    const problem = topicNameProblem(topic);
    if (problem !== null) throw new AdminError(ErrorCode.INVALID_TOPIC_EXCEPTION, problem);
    if ((await this.zk.zk.exists(ZkPaths.topic(topic))) === null) throw new AdminError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Topic '${topic}' does not exist.`);
    validateTopicConfigs(configs, this.opts.brokerValues);
  }

  /** AdminZkClient.changeTopicConfig: the whole override set, then a change notification. */
  async changeTopicConfig(topic: string, configs: Readonly<Record<string, string>>): Promise<void> {
    await this.changeEntityConfig('topics', topic, configs);
  }

  /** setOrCreateEntityConfigs + createConfigChangeNotification (`/config/changes/config_change_<seq>`). */
  async changeEntityConfig(entityType: 'topics' | 'brokers' | 'users' | 'clients', name: string, configs: Readonly<Record<string, string>>): Promise<void> {
    const path = ZkPaths.configEntity(entityType, name);
    const data = encodeConfigEntity(javaPropertiesOrder(Object.entries(configs)));
    try {
      await this.zk.zk.setData(path, data);
    } catch (err) {
      if (!(err instanceof NoNodeError)) throw err;
      try {
        await this.zk.createRecursive(path, data);
      } catch (createErr) {
        if (!(createErr instanceof NodeExistsError)) throw createErr;
        await this.zk.zk.setData(path, data);
      }
    }
    if ((await this.zk.zk.exists(ZkPaths.configChanges)) === null) await this.zk.zk.mkdirp(ZkPaths.configChanges);
    await this.zk.zk.create(ZkPaths.configChangePrefix, encodeConfigChangeNotification(`${entityType}/${name}`), undefined, 'PERSISTENT_SEQUENTIAL');
  }

  /** AdminZkClient.deleteTopic: `/admin/delete_topics/<t>`; one already marked counts as success. */
  async deleteTopic(topic: string): Promise<void> {
    if ((await this.zk.zk.exists(ZkPaths.topic(topic))) === null) {
      throw new AdminError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Topic \`${topic}\` to delete does not exist`);
    }
    await this.zk.markTopicForDeletion(topic);
  }
}
