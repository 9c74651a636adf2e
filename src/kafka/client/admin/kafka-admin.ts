// The admin client: cluster and topic administration, configs, offsets and records, each request routed as the
// Java AdminClient routes it (topic creation, deletion and partition changes to the controller; broker configs
// to that broker; offsets and record deletion to partition leaders; the rest to the least-loaded broker).
import { ApiKey } from '../../protocol/schemas/index.js';
import { KafkaCluster } from '../cluster/kafka-cluster.js';
import type { ClientOptions } from '../cluster/client-options.js';
import type { BrokerNode, TopicMetadata } from '../cluster/cluster-metadata.js';
import { listOffsetsAtLeaders, perLeader, partitionKey, type OffsetAndTimestamp } from '../cluster/leader-requests.js';
import { kafkaError, throwIfError } from '../errors/index.js';
import {
  alterConfigsRequest,
  ConfigResourceType,
  createPartitionsRequest,
  createTopicsRequest,
  deleteRecordsRequest,
  deleteTopicsRequest,
  describeConfigsRequest,
  incrementalAlterConfigsRequest,
  OffsetSpec,
  type ConfigOp,
  type ConfigResource,
  type NewPartitions,
  type NewTopic,
} from './admin-requests.js';
import { retryItems, throwFirst } from './admin-results.js';
import { AdminGroups } from './admin-groups.js';

export interface ClusterDescription {
  clusterId: string | null;
  controllerId: number;
  brokers: BrokerNode[];
}

export interface ConfigEntry {
  name: string;
  value: string | null;
  readOnly: boolean;
  isDefault: boolean;
  isSensitive: boolean;
  /** DescribeConfigs ConfigSource id (v1+), -1 when the broker did not say. */
  source: number;
  synonyms: { name: string; value: string | null; source: number }[];
}

export interface PartitionReassignment {
  /** The full replica set while the reassignment runs (old and new). */
  replicas: number[];
  addingReplicas: number[];
  removingReplicas: number[];
}

export interface AdminOptions extends ClientOptions {
  /** default.api.timeout.ms-style timeout the broker is given for topic operations (default 30000). */
  operationTimeoutMs?: number;
}

export class KafkaAdmin extends AdminGroups {
  private readonly operationTimeoutMs: number;

  constructor(options: AdminOptions) {
    const cluster = new KafkaCluster(options, false);
    super(cluster);
    this.operationTimeoutMs = options.operationTimeoutMs ?? 30_000;
  }

  connect(): Promise<unknown> {
    return this.cluster.connect();
  }

  async close(): Promise<void> {
    await this.cluster.close();
  }

  async describeCluster(): Promise<ClusterDescription> {
    const conn = await this.cluster.leastLoadedConnection();
    if (conn.supports(ApiKey.DescribeCluster)) {
      const r = await this.cluster.request({ kind: 'any' }, ApiKey.DescribeCluster, { includeClusterAuthorizedOperations: false });
      throwIfError(r.errorCode, r.errorMessage, 'DescribeCluster');
      return { clusterId: r.clusterId, controllerId: r.controllerId, brokers: r.brokers.map((b) => ({ nodeId: b.brokerId, host: b.host, port: b.port, rack: b.rack ?? null })) };
    }
    const md = await this.cluster.refreshMetadata([]);
    return { clusterId: md.clusterId, controllerId: md.controllerId, brokers: [...md.brokers.values()] };
  }

  /** Topic names, without internal topics (__consumer_offsets, ...) unless asked. */
  async listTopics(opts: { includeInternal?: boolean } = {}): Promise<string[]> {
    const md = await this.cluster.refreshMetadata(null);
    return [...md.topics.values()].filter((t) => t.errorCode === 0 && (opts.includeInternal || !t.isInternal)).map((t) => t.name).sort();
  }

  /** Partitions, leaders, replicas and ISR of each topic; a missing topic throws UnknownTopicOrPartitionError. */
  async describeTopics(names: readonly string[]): Promise<TopicMetadata[]> {
    const out = new Map<string, TopicMetadata>();
    const results = await retryItems(this.cluster, names, async (pending) => {
      const md = await this.cluster.refreshMetadata(pending);
      return new Map(
        pending.map((name) => {
          const t = md.topic(name);
          if (t === undefined) return [name, kafkaError(3, null, `topic ${name}`)];
          if (t.errorCode !== 0 && t.errorCode !== 5) return [name, kafkaError(t.errorCode, null, `topic ${name}`)];
          out.set(name, t);
          return [name, null];
        }),
      );
    });
    throwFirst(results);
    return names.map((n) => out.get(n)!);
  }

  async createTopics(topics: readonly NewTopic[], opts: { validateOnly?: boolean } = {}): Promise<void> {
    const results = await retryItems(this.cluster, topics, async (pending) => {
      const r = await this.cluster.request({ kind: 'controller' }, ApiKey.CreateTopics, createTopicsRequest(pending, this.operationTimeoutMs, opts.validateOnly ?? false));
      const byName = new Map(r.topics.map((t) => [t.name, t]));
      return new Map(pending.map((t) => {
        const a = byName.get(t.name);
        return [t, a === undefined || a.errorCode === 0 ? null : kafkaError(a.errorCode, a.errorMessage, `topic ${t.name}`)];
      }));
    });
    throwFirst(results);
  }

  async deleteTopics(names: readonly string[]): Promise<void> {
    const results = await retryItems(this.cluster, names, async (pending) => {
      const r = await this.cluster.request({ kind: 'controller' }, ApiKey.DeleteTopics, (v) => deleteTopicsRequest(pending, this.operationTimeoutMs, v));
      const byName = new Map(r.responses.map((t) => [t.name, t]));
      return new Map(pending.map((name) => {
        const a = byName.get(name);
        return [name, a === undefined || a.errorCode === 0 ? null : kafkaError(a.errorCode, a.errorMessage, `topic ${name}`)];
      }));
    });
    throwFirst(results);
  }

  async createPartitions(list: readonly NewPartitions[], opts: { validateOnly?: boolean } = {}): Promise<void> {
    const results = await retryItems(this.cluster, list, async (pending) => {
      const r = await this.cluster.request({ kind: 'controller' }, ApiKey.CreatePartitions, createPartitionsRequest(pending, this.operationTimeoutMs, opts.validateOnly ?? false));
      const byName = new Map(r.results.map((t) => [t.name, t]));
      return new Map(pending.map((p) => {
        const a = byName.get(p.topic);
        return [p, a === undefined || a.errorCode === 0 ? null : kafkaError(a.errorCode, a.errorMessage, `topic ${p.topic}`)];
      }));
    });
    throwFirst(results);
  }

  /**
   * Reassignments in progress, by `topic-partition` (ListPartitionReassignments, answered by the controller): of the
   * partitions given, or of every partition when none are.
   */
  async listPartitionReassignments(partitions?: readonly { topic: string; partition: number }[]): Promise<Map<string, PartitionReassignment>> {
    let topics: { name: string; partitionIndexes: number[] }[] | null = null;
    if (partitions !== undefined) {
      const byTopic = new Map<string, number[]>();
      for (const p of partitions) byTopic.set(p.topic, [...(byTopic.get(p.topic) ?? []), p.partition]);
      topics = [...byTopic].map(([name, partitionIndexes]) => ({ name, partitionIndexes }));
    }
    const r = await this.cluster.request({ kind: 'controller' }, ApiKey.ListPartitionReassignments, { timeoutMs: this.operationTimeoutMs, topics });
    throwIfError(r.errorCode, r.errorMessage, 'ListPartitionReassignments');
    const out = new Map<string, PartitionReassignment>();
    for (const t of r.topics) {
      for (const p of t.partitions) out.set(`${t.name}-${p.partitionIndex}`, { replicas: p.replicas, addingReplicas: p.addingReplicas, removingReplicas: p.removingReplicas });
    }
    return out;
  }

  /**
   * Starts (replicas given) or cancels (null) reassignments at the controller (AlterPartitionReassignments); the
   * answer is each partition's error, null for success, by `topic-partition`.
   */
  async alterPartitionReassignments(list: readonly { topic: string; partition: number; replicas: readonly number[] | null }[]): Promise<Map<string, Error | null>> {
    const byTopic = new Map<string, { partitionIndex: number; replicas: number[] | null }[]>();
    for (const p of list) byTopic.set(p.topic, [...(byTopic.get(p.topic) ?? []), { partitionIndex: p.partition, replicas: p.replicas === null ? null : [...p.replicas] }]);
    const r = await this.cluster.request({ kind: 'controller' }, ApiKey.AlterPartitionReassignments, {
      timeoutMs: this.operationTimeoutMs,
      topics: [...byTopic].map(([name, partitions]) => ({ name, partitions })),
    });
    throwIfError(r.errorCode, r.errorMessage, 'AlterPartitionReassignments');
    const out = new Map<string, Error | null>();
    for (const t of r.responses) {
      for (const p of t.partitions) out.set(`${t.name}-${p.partitionIndex}`, p.errorCode === 0 ? null : kafkaError(p.errorCode, p.errorMessage));
    }
    return out;
  }

  /**
   * ElectLeaders at the controller: 'preferred' or 'unclean', for the partitions given or (null) every partition.
   * The answer is each partition's error, null when a leader was elected, by `topic-partition` in answer order.
   */
  async electLeaders(electionType: 'preferred' | 'unclean', partitions: readonly { topic: string; partition: number }[] | null): Promise<Map<string, Error | null>> {
    let topicPartitions: { topic: string; partitions: number[] }[] | null = null;
    if (partitions !== null) {
      const byTopic = new Map<string, number[]>();
      for (const p of partitions) byTopic.set(p.topic, [...(byTopic.get(p.topic) ?? []), p.partition]);
      topicPartitions = [...byTopic].map(([topic, ps]) => ({ topic, partitions: ps }));
    }
    const r = await this.cluster.request({ kind: 'controller' }, ApiKey.ElectLeaders, { electionType: electionType === 'preferred' ? 0 : 1, topicPartitions, timeoutMs: this.operationTimeoutMs });
    throwIfError(r.errorCode ?? 0, null, 'ElectLeaders');
    const out = new Map<string, Error | null>();
    for (const t of r.replicaElectionResults) {
      for (const p of t.partitionResult) out.set(`${t.topic}-${p.partitionId}`, p.errorCode === 0 ? null : kafkaError(p.errorCode, p.errorMessage));
    }
    return out;
  }

  /** Broker resources go to that broker, others to any broker. */
  private configTarget(r: ConfigResource): { kind: 'node'; nodeId: number } | { kind: 'any' } {
    const id = Number(r.name);
    return (r.type === ConfigResourceType.BROKER || r.type === ConfigResourceType.BROKER_LOGGER) && r.name !== '' && Number.isInteger(id) ? { kind: 'node', nodeId: id } : { kind: 'any' };
  }

  async describeConfigs(resource: ConfigResource, opts: { keys?: string[]; includeSynonyms?: boolean } = {}): Promise<ConfigEntry[]> {
    const r = await this.cluster.request(this.configTarget(resource), ApiKey.DescribeConfigs, (v) => describeConfigsRequest([{ ...resource, keys: opts.keys ?? null }], opts.includeSynonyms ?? false, v));
    const result = r.results[0];
    if (result === undefined) throw kafkaError(-1, 'DescribeConfigs returned no result');
    throwIfError(result.errorCode, result.errorMessage, `${resource.name}`);
    return result.configs.map((c) => ({
      name: c.name,
      value: c.value,
      readOnly: c.readOnly,
      // v1+ carry the source instead of isDefault (which then decodes as its default, false): DEFAULT_CONFIG is default.
      isDefault: c.configSource !== undefined && c.configSource >= 0 ? c.configSource === 5 : (c.isDefault ?? false),
      isSensitive: c.isSensitive,
      source: c.configSource ?? -1,
      synonyms: (c.synonyms ?? []).map((s) => ({ name: s.name, value: s.value, source: s.source })),
    }));
  }

  /** The legacy whole-set AlterConfigs: keys not given return to their defaults. */
  async alterConfigs(resource: ConfigResource, configs: Record<string, string | null>, opts: { validateOnly?: boolean } = {}): Promise<void> {
    const r = await this.cluster.request(this.configTarget(resource), ApiKey.AlterConfigs, alterConfigsRequest([{ ...resource, configs }], opts.validateOnly ?? false));
    for (const a of r.responses) throwIfError(a.errorCode, a.errorMessage, resource.name);
  }

  async incrementalAlterConfigs(resource: ConfigResource, ops: ConfigOp[], opts: { validateOnly?: boolean } = {}): Promise<void> {
    const r = await this.cluster.request(this.configTarget(resource), ApiKey.IncrementalAlterConfigs, incrementalAlterConfigsRequest([{ ...resource, ops }], opts.validateOnly ?? false));
    for (const a of r.responses) throwIfError(a.errorCode, a.errorMessage, resource.name);
  }

  /** DescribeClientQuotas: each matching entity (entity type → name, null for the default) with its quota values. */
  async describeClientQuotas(
    components: readonly { entityType: string; matchType: 0 | 1 | 2; match: string | null }[],
    strict = false,
  ): Promise<{ entity: { entityType: string; entityName: string | null }[]; values: { key: string; value: number }[] }[]> {
    const r = await this.cluster.request({ kind: 'any' }, ApiKey.DescribeClientQuotas, { components: [...components], strict });
    throwIfError(r.errorCode, r.errorMessage, 'DescribeClientQuotas');
    return (r.entries ?? []).map((e) => ({ entity: e.entity.map((x) => ({ entityType: x.entityType, entityName: x.entityName })), values: e.values.map((v) => ({ key: v.key, value: v.value })) }));
  }

  /** AlterClientQuotas: per entity, set a value or remove it (null). */
  async alterClientQuotas(
    entries: readonly { entity: { entityType: string; entityName: string | null }[]; ops: { key: string; value: number | null }[] }[],
    opts: { validateOnly?: boolean } = {},
  ): Promise<void> {
    const r = await this.cluster.request({ kind: 'any' }, ApiKey.AlterClientQuotas, {
      entries: entries.map((e) => ({ entity: e.entity, ops: e.ops.map((op) => ({ key: op.key, value: op.value ?? 0, remove: op.value === null })) })),
      validateOnly: opts.validateOnly ?? false,
    });
    for (const e of r.entries) throwIfError(e.errorCode, e.errorMessage, 'AlterClientQuotas');
  }

  /** DescribeUserScramCredentials: the users named (every user with a credential when null), each with its outcome. */
  async describeUserScramCredentials(
    users: readonly string[] | null,
  ): Promise<{ user: string; errorCode: number; errorMessage: string | null; credentialInfos: { mechanism: number; iterations: number }[] }[]> {
    const r = await this.cluster.request({ kind: 'any' }, ApiKey.DescribeUserScramCredentials, { users: users === null ? null : users.map((name) => ({ name })) });
    throwIfError(r.errorCode, r.errorMessage, 'DescribeUserScramCredentials');
    return r.results.map((u) => ({ user: u.user, errorCode: u.errorCode, errorMessage: u.errorMessage, credentialInfos: u.credentialInfos.map((c) => ({ mechanism: c.mechanism, iterations: c.iterations })) }));
  }

  /** AlterUserScramCredentials: the client salts and hashes the password; the first user's failure is thrown. */
  async alterUserScramCredentials(
    deletions: readonly { name: string; mechanism: number }[],
    upsertions: readonly { name: string; mechanism: number; iterations: number; salt: Buffer; saltedPassword: Buffer }[],
  ): Promise<void> {
    const r = await this.cluster.request({ kind: 'any' }, ApiKey.AlterUserScramCredentials, { deletions: [...deletions], upsertions: [...upsertions] });
    for (const u of r.results) throwIfError(u.errorCode, u.errorMessage, u.user);
  }

  /** Offsets by timestamp, or 'earliest' / 'latest', for each partition, from its leader. */
  async listOffsets(
    list: readonly { topic: string; partition: number; spec: 'earliest' | 'latest' | bigint }[],
    opts: { isolationLevel?: 'read_uncommitted' | 'read_committed' } = {},
  ): Promise<Map<string, OffsetAndTimestamp>> {
    const answers = await listOffsetsAtLeaders(
      this.cluster,
      list.map((p) => ({ topic: p.topic, partition: p.partition, timestamp: p.spec === 'earliest' ? OffsetSpec.EARLIEST : p.spec === 'latest' ? OffsetSpec.LATEST : p.spec })),
      opts.isolationLevel === 'read_committed' ? 1 : 0,
    );
    const out = new Map<string, OffsetAndTimestamp>();
    for (const p of list) {
      const a = answers.get(partitionKey(p))!;
      if (!a.ok) throw a.error;
      out.set(partitionKey(p), a.value);
    }
    return out;
  }

  /** Deletes records before `offset` (-1: the high watermark) and returns each partition's new low watermark. */
  async deleteRecords(list: readonly { topic: string; partition: number; offset: bigint }[]): Promise<Map<string, bigint>> {
    const answers = await perLeader(this.cluster, list, async (leader, parts) => {
      const conn = await this.cluster.nodeConnection(leader);
      const r = await conn.send(ApiKey.DeleteRecords, deleteRecordsRequest(parts, this.operationTimeoutMs));
      const out = new Map<string, { ok: true; value: bigint } | { ok: false; error: Error }>();
      for (const t of r.topics) {
        for (const p of t.partitions) {
          const key = `${t.name}-${p.partitionIndex}`;
          out.set(key, p.errorCode === 0 ? { ok: true, value: p.lowWatermark } : { ok: false, error: kafkaError(p.errorCode, null, key) });
        }
      }
      return out;
    });
    const out = new Map<string, bigint>();
    for (const p of list) {
      const a = answers.get(partitionKey(p))!;
      if (!a.ok) throw a.error;
      out.set(partitionKey(p), a.value);
    }
    return out;
  }
}
