// Every znode path of a ZooKeeper-mode Kafka cluster and the JSON it holds, as Kafka 2.8 writes it (compact, keys
// in Kafka's order) and as any older Kafka wrote it (accepted on read). One module, like Kafka's ZkData.scala.
// Paths are relative to the cluster's chroot.
import { KafkaZkDataError } from './errors.js';
import {
  array,
  encodeJson,
  int,
  intArray,
  optObject,
  optStr,
  parseJsonObject,
  requireObject,
  str,
  utf8,
  type JsonObject,
} from './json-fields.js';
import { uuidFromBase64 } from './uuid.js';

type Bytes = Buffer | Uint8Array | string | null;

// ---------------------------------------------------------------------------------------------------------------
// Paths

export const ZkPaths = {
  controller: '/controller',
  controllerEpoch: '/controller_epoch',
  brokers: '/brokers',
  brokerIds: '/brokers/ids',
  brokerId: (id: number) => `/brokers/ids/${id}`,
  brokerSeqId: '/brokers/seqid',
  topics: '/brokers/topics',
  topic: (topic: string) => `/brokers/topics/${topic}`,
  topicPartitions: (topic: string) => `/brokers/topics/${topic}/partitions`,
  topicPartition: (topic: string, partition: number) => `/brokers/topics/${topic}/partitions/${partition}`,
  partitionState: (topic: string, partition: number) => `/brokers/topics/${topic}/partitions/${partition}/state`,
  config: '/config',
  configEntityType: (entityType: ConfigEntityType) => `/config/${entityType}`,
  configEntity: (entityType: ConfigEntityType, name: string) => `/config/${entityType}/${name}`,
  configChanges: '/config/changes',
  /** Create path of a persistent sequential change notification. */
  configChangePrefix: '/config/changes/config_change_',
  admin: '/admin',
  deleteTopics: '/admin/delete_topics',
  deleteTopic: (topic: string) => `/admin/delete_topics/${topic}`,
  reassignPartitions: '/admin/reassign_partitions',
  preferredReplicaElection: '/admin/preferred_replica_election',
  isrChangeNotification: '/isr_change_notification',
  isrChangePrefix: '/isr_change_notification/isr_change_',
  isrChange: (sequenceNumber: string) => `/isr_change_notification/isr_change_${sequenceNumber}`,
  logDirEventNotification: '/log_dir_event_notification',
  logDirEventPrefix: '/log_dir_event_notification/log_dir_event_',
  logDirEvent: (sequenceNumber: string) => `/log_dir_event_notification/log_dir_event_${sequenceNumber}`,
  latestProducerIdBlock: '/latest_producer_id_block',
  cluster: '/cluster',
  clusterId: '/cluster/id',
  feature: '/feature',
  consumers: '/consumers',
} as const;

/** ConfigType: the children of /config that hold entity overrides. */
export const CONFIG_ENTITY_TYPES = ['topics', 'clients', 'users', 'brokers', 'ips'] as const;
export type ConfigEntityType = (typeof CONFIG_ENTITY_TYPES)[number];

/** The persistent paths a broker creates (empty data) at start-up if they are missing (ZkData.PersistentZkPaths). */
export const PERSISTENT_ZK_PATHS: readonly string[] = [
  ZkPaths.consumers,
  ZkPaths.brokerIds,
  ZkPaths.topics,
  ZkPaths.configChanges,
  ZkPaths.deleteTopics,
  ZkPaths.brokerSeqId,
  ZkPaths.isrChangeNotification,
  ZkPaths.latestProducerIdBlock,
  ZkPaths.logDirEventNotification,
  ...CONFIG_ENTITY_TYPES.map((t) => ZkPaths.configEntityType(t)),
];

export const ISR_CHANGE_PREFIX = 'isr_change_';
export const LOG_DIR_EVENT_PREFIX = 'log_dir_event_';
export const CONFIG_CHANGE_PREFIX = 'config_change_';

/** The 10-digit sequence number of a sequential child name such as `isr_change_0000000003`. */
export function sequenceNumberOf(childName: string, prefix: string): string {
  const at = childName.lastIndexOf(prefix);
  if (at === -1) throw new KafkaZkDataError(`${childName} is not a ${prefix}<sequence> node`);
  return childName.slice(at + prefix.length);
}

// ---------------------------------------------------------------------------------------------------------------
// /controller and /controller_epoch

/** `{"version":1,"brokerid":<id>,"timestamp":"<ms>"}` (timestamp is a string). */
export function encodeController(brokerId: number, timestampMs: number): Buffer {
  return encodeJson({ version: 1, brokerid: brokerId, timestamp: String(timestampMs) });
}

/** The controller's broker id; also accepts the bare integer that Kafka before 0.8.2 wrote. */
export function decodeController(data: Bytes): number {
  const text = utf8(data).trim();
  if (/^-?\d+$/.test(text)) return Number(text);
  return int(requireObject(data, ZkPaths.controller), 'brokerid', ZkPaths.controller);
}

/** The first controller writes 1; the znode is created holding 0 (KafkaController.InitialControllerEpoch). */
export const INITIAL_CONTROLLER_EPOCH = 0;
export const INITIAL_CONTROLLER_EPOCH_ZK_VERSION = 0;

export const encodeControllerEpoch = (epoch: number): Buffer => Buffer.from(String(epoch), 'utf8');

export function decodeControllerEpoch(data: Bytes): number {
  const text = utf8(data);
  if (!/^-?\d+$/.test(text)) throw new KafkaZkDataError(`${ZkPaths.controllerEpoch}: expected a decimal integer, got ${JSON.stringify(text)}`);
  return Number(text);
}

// ---------------------------------------------------------------------------------------------------------------
// /brokers/ids/<id>

export interface BrokerEndpoint {
  listenerName: string;
  /** May be empty (bind to the default interface); IPv6 addresses without brackets. */
  host: string;
  port: number;
  securityProtocol: string;
}

export type SupportedFeatures = Record<string, { minVersion: number; maxVersion: number }>;

export interface BrokerRegistration {
  id: number;
  /** JSON version: 5 from IBP 2.7, 4 from 0.10.0, 1-3 by older brokers. */
  version: number;
  endpoints: BrokerEndpoint[];
  rack: string | null;
  jmxPort: number;
  /** Registration time, ms since the epoch, as Kafka writes it (a string). */
  timestamp: string;
  features: SupportedFeatures;
}

/** EndPoint.connectionString: `LISTENER://host:port`, IPv6 hosts in brackets (Utils.formatAddress). */
export function endpointConnectionString(e: BrokerEndpoint): string {
  const host = e.host.includes(':') ? `[${e.host}]` : e.host;
  return `${e.listenerName}://${host}:${e.port}`;
}

const ENDPOINT_RE = /^(.*):\/\/\[?([0-9a-zA-Z\-%._:]*)\]?:(-?[0-9]+)$/;
const SECURITY_PROTOCOLS = new Set(['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL']);

/** EndPoint.createEndPoint: without a protocol map the listener name must itself be a security protocol. */
export function parseEndpoint(text: string, protocolMap: Record<string, string> | null, what: string): BrokerEndpoint {
  const m = ENDPOINT_RE.exec(text);
  if (!m) throw new KafkaZkDataError(`${what}: Unable to parse ${text} to a broker endpoint`);
  const listenerName = m[1]!;
  const securityProtocol = protocolMap ? protocolMap[listenerName] : listenerName;
  if (securityProtocol === undefined || !SECURITY_PROTOCOLS.has(securityProtocol)) {
    throw new KafkaZkDataError(`${what}: no security protocol known for listener ${listenerName} in ${text}`);
  }
  return { listenerName, host: m[2]!, port: Number(m[3]), securityProtocol };
}

/** BrokerIdZNode.encode: v5 (IBP >= 2.7) or v4 layout, with host/port of the first PLAINTEXT endpoint. */
export function encodeBrokerRegistration(b: Omit<BrokerRegistration, 'id'>): Buffer {
  if (b.version < 4 || b.version > 5) throw new RangeError(`broker registration version ${b.version} is not written by Kafka 2.8 (4 or 5)`);
  const plaintext = b.endpoints.find((e) => e.securityProtocol === 'PLAINTEXT');
  const doc: JsonObject = {
    version: b.version,
    host: plaintext ? plaintext.host : null,
    port: plaintext ? plaintext.port : -1,
    jmx_port: b.jmxPort,
    timestamp: b.timestamp,
    endpoints: b.endpoints.map(endpointConnectionString),
    listener_security_protocol_map: Object.fromEntries(b.endpoints.map((e) => [e.listenerName, e.securityProtocol])),
  };
  if (b.rack !== null) doc.rack = b.rack;
  if (b.version >= 5) {
    doc.features = Object.fromEntries(
      Object.entries(b.features).map(([name, r]) => [name, { min_version: r.minVersion, max_version: r.maxVersion }]),
    );
  }
  return encodeJson(doc);
}

/** BrokerIdZNode.decode for versions 1-5. */
export function decodeBrokerRegistration(id: number, data: Bytes): BrokerRegistration {
  const what = ZkPaths.brokerId(id);
  let obj: JsonObject;
  try {
    obj = requireObject(data, what);
  } catch (err) {
    throw new KafkaZkDataError(`Failed to parse ZooKeeper registration for broker ${id}: ${utf8(data)}`, { cause: err });
  }
  const version = int(obj, 'version', what);
  const jmxPort = int(obj, 'jmx_port', what);
  let endpoints: BrokerEndpoint[];
  if (version < 1) throw new KafkaZkDataError(`Unsupported version of broker registration: ${utf8(data)}`);
  if (version === 1) {
    endpoints = [{ listenerName: 'PLAINTEXT', host: str(obj, 'host', what), port: int(obj, 'port', what), securityProtocol: 'PLAINTEXT' }];
  } else {
    const mapObj = optObject(obj, 'listener_security_protocol_map', what);
    const protocolMap = mapObj ? Object.fromEntries(Object.keys(mapObj).map((k) => [k, str(mapObj, k, what)])) : null;
    endpoints = array(obj, 'endpoints', what).map((e) => {
      if (typeof e !== 'string') throw new KafkaZkDataError(`${what}: endpoints must be strings, got ${JSON.stringify(e)}`);
      return parseEndpoint(e, protocolMap, what);
    });
  }
  const featuresObj = optObject(obj, 'features', what) ?? {};
  const features: SupportedFeatures = {};
  for (const [name, range] of Object.entries(featuresObj)) {
    const r = range as JsonObject;
    features[name] = { minVersion: int(r, 'min_version', what), maxVersion: int(r, 'max_version', what) };
  }
  const ts = obj.timestamp;
  return {
    id,
    version,
    endpoints,
    rack: optStr(obj, 'rack', what),
    jmxPort,
    timestamp: typeof ts === 'number' ? String(ts) : typeof ts === 'string' ? ts : '',
    features,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// /brokers/topics/<t> and its partition states

export interface ReplicaAssignment {
  /** Full replica set (during a reassignment: target replicas followed by the original ones not in the target). */
  replicas: number[];
  addingReplicas: number[];
  removingReplicas: number[];
}

export interface TopicAssignment {
  topic: string;
  /** Base64 Uuid; null for topics created before 2.8 (or by an older IBP). */
  topicId: string | null;
  /** Partition number → replicas, in ascending partition order. */
  partitions: Map<number, ReplicaAssignment>;
}

export const replicaAssignment = (replicas: number[], addingReplicas: number[] = [], removingReplicas: number[] = []): ReplicaAssignment => ({
  replicas,
  addingReplicas,
  removingReplicas,
});

/**
 * TopicZNode.encode: version 3 with `topic_id` (Kafka 2.8), version 2 without. Partitions are written in
 * ascending order; adding/removing maps list only partitions that are being reassigned.
 */
export function encodeTopicAssignment(topicId: string | null, partitions: ReadonlyMap<number, ReplicaAssignment>): Buffer {
  const sorted = [...partitions.entries()].sort((a, b) => a[0] - b[0]);
  const doc: JsonObject = { version: topicId === null ? 2 : 3 };
  if (topicId !== null) {
    uuidFromBase64(topicId);
    doc.topic_id = topicId;
  }
  doc.partitions = Object.fromEntries(sorted.map(([p, a]) => [String(p), a.replicas]));
  doc.adding_replicas = Object.fromEntries(sorted.filter(([, a]) => a.addingReplicas.length > 0).map(([p, a]) => [String(p), a.addingReplicas]));
  doc.removing_replicas = Object.fromEntries(sorted.filter(([, a]) => a.removingReplicas.length > 0).map(([p, a]) => [String(p), a.removingReplicas]));
  return encodeJson(doc);
}

/** TopicZNode.decode for versions 1, 2 and 3 (empty data = no partitions). */
export function decodeTopicAssignment(topic: string, data: Bytes): TopicAssignment {
  const what = ZkPaths.topic(topic);
  const obj = parseJsonObject(data, what);
  const partitions = new Map<number, ReplicaAssignment>();
  if (obj === null) return { topic, topicId: null, partitions };
  const topicId = optStr(obj, 'topic_id', what);
  if (topicId !== null) uuidFromBase64(topicId);
  const parts = optObject(obj, 'partitions', what) ?? {};
  const adding = optObject(obj, 'adding_replicas', what) ?? {};
  const removing = optObject(obj, 'removing_replicas', what) ?? {};
  const numbers = Object.keys(parts).map((p) => {
    if (!/^\d+$/.test(p)) throw new KafkaZkDataError(`${what}: partition key ${JSON.stringify(p)} is not a partition number`);
    return Number(p);
  });
  for (const p of numbers.sort((a, b) => a - b)) {
    const key = String(p);
    partitions.set(p, {
      replicas: intArray(parts[key], `${what} partition ${key}`),
      addingReplicas: adding[key] === undefined ? [] : intArray(adding[key], `${what} adding_replicas ${key}`),
      removingReplicas: removing[key] === undefined ? [] : intArray(removing[key], `${what} removing_replicas ${key}`),
    });
  }
  return { topic, topicId, partitions };
}

export interface PartitionState {
  /** −1 when there is no leader. */
  leader: number;
  leaderEpoch: number;
  isr: number[];
  /** Epoch of the controller that made the leadership decision. */
  controllerEpoch: number;
}

/** The leader field's value when a partition has no leader. */
export const NO_LEADER = -1;

/** TopicPartitionStateZNode.encode: `{"controller_epoch":c,"leader":l,"version":1,"leader_epoch":e,"isr":[..]}`. */
export function encodePartitionState(s: PartitionState): Buffer {
  return encodeJson({ controller_epoch: s.controllerEpoch, leader: s.leader, version: 1, leader_epoch: s.leaderEpoch, isr: s.isr });
}

export function decodePartitionState(topic: string, partition: number, data: Bytes): PartitionState {
  const what = ZkPaths.partitionState(topic, partition);
  const obj = requireObject(data, what);
  return {
    leader: int(obj, 'leader', what),
    leaderEpoch: int(obj, 'leader_epoch', what),
    isr: intArray(obj.isr, `${what} isr`),
    controllerEpoch: int(obj, 'controller_epoch', what),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// /config

/** ConfigEntityZNode: `{"version":1,"config":{"k":"v"}}`; values are strings. */
export function encodeConfigEntity(config: Readonly<Record<string, string>>): Buffer {
  return encodeJson({ version: 1, config });
}

/** Missing data or a missing `config` object read as no overrides, as Kafka does. */
export function decodeConfigEntity(data: Bytes, what = 'config entity'): Record<string, string> {
  const obj = parseJsonObject(data, what);
  const config = obj ? optObject(obj, 'config', what) : null;
  if (!config) return {};
  return Object.fromEntries(Object.keys(config).map((k) => [k, str(config, k, what)]));
}

/** Version 2 change notification: `{"version":2,"entity_path":"topics/<t>"}`. */
export function encodeConfigChangeNotification(entityPath: string): Buffer {
  return encodeJson({ version: 2, entity_path: entityPath });
}

/** Version 2, or version 1 (`entity_type` + `entity_name`, Kafka before 1.1), as the entity path `type/name`. */
export function decodeConfigChangeNotification(data: Bytes): string {
  const what = ZkPaths.configChanges;
  const obj = requireObject(data, what);
  const version = int(obj, 'version', what);
  if (version === 1) return `${str(obj, 'entity_type', what)}/${str(obj, 'entity_name', what)}`;
  if (version === 2) return str(obj, 'entity_path', what);
  throw new KafkaZkDataError(`${what}: Version ${version} of config change notification is not supported`);
}

// ---------------------------------------------------------------------------------------------------------------
// /admin, /isr_change_notification, /log_dir_event_notification

export interface TopicPartition {
  topic: string;
  partition: number;
}

function decodePartitionList(data: Bytes, what: string): TopicPartition[] {
  const obj = requireObject(data, what);
  return array(obj, 'partitions', what).map((p) => {
    const po = p as JsonObject;
    return { topic: str(po, 'topic', what), partition: int(po, 'partition', what) };
  });
}

const partitionListJson = (partitions: readonly TopicPartition[]) => ({
  version: 1,
  partitions: partitions.map((tp) => ({ topic: tp.topic, partition: tp.partition })),
});

/** `{"version":1,"partitions":[{"topic":"t","partition":0,"replicas":[1,2]}]}`. */
export function encodeReassignPartitions(reassignments: readonly (TopicPartition & { replicas: number[] })[]): Buffer {
  return encodeJson({ version: 1, partitions: reassignments.map((r) => ({ topic: r.topic, partition: r.partition, replicas: r.replicas })) });
}

export function decodeReassignPartitions(data: Bytes): (TopicPartition & { replicas: number[] })[] {
  const what = ZkPaths.reassignPartitions;
  const obj = requireObject(data, what);
  return array(obj, 'partitions', what).map((p) => {
    const po = p as JsonObject;
    return { topic: str(po, 'topic', what), partition: int(po, 'partition', what), replicas: intArray(po.replicas, `${what} replicas`) };
  });
}

/** `{"version":1,"partitions":[{"topic":"t","partition":0}]}`. */
export const encodePreferredReplicaElection = (partitions: readonly TopicPartition[]): Buffer => encodeJson(partitionListJson(partitions));
export const decodePreferredReplicaElection = (data: Bytes): TopicPartition[] => decodePartitionList(data, ZkPaths.preferredReplicaElection);

/** Same layout as the preferred election request; written by leaders that changed ISR themselves. */
export const encodeIsrChangeNotification = (partitions: readonly TopicPartition[]): Buffer => encodeJson(partitionListJson(partitions));
export const decodeIsrChangeNotification = (data: Bytes): TopicPartition[] => decodePartitionList(data, ZkPaths.isrChangeNotification);

/** LogDirEventNotificationSequenceZNode.LogDirFailureEvent. */
export const LOG_DIR_FAILURE_EVENT = 1;

export const encodeLogDirEvent = (brokerId: number): Buffer => encodeJson({ version: 1, broker: brokerId, event: LOG_DIR_FAILURE_EVENT });
export const decodeLogDirEvent = (data: Bytes): number => int(requireObject(data, ZkPaths.logDirEventNotification), 'broker', ZkPaths.logDirEventNotification);

// ---------------------------------------------------------------------------------------------------------------
// /latest_producer_id_block, /feature, /cluster/id

export interface ProducerIdBlock {
  brokerId: number;
  /** Inclusive bounds; bigint because producer ids are 64-bit. */
  blockStart: bigint;
  blockEnd: bigint;
}

/** `{"version":1,"broker":<id>,"block_start":"<n>","block_end":"<m>"}` (bounds as strings). */
export function encodeProducerIdBlock(b: ProducerIdBlock): Buffer {
  return encodeJson({ version: 1, broker: b.brokerId, block_start: b.blockStart.toString(), block_end: b.blockEnd.toString() });
}

export function decodeProducerIdBlock(data: Bytes): ProducerIdBlock {
  const what = ZkPaths.latestProducerIdBlock;
  const obj = requireObject(data, what);
  const big = (key: string): bigint => {
    const v = obj[key];
    if (typeof v === 'string' && /^-?\d+$/.test(v)) return BigInt(v);
    if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v);
    throw new KafkaZkDataError(`${what}: "${key}" must be an integer string, got ${JSON.stringify(v)}`);
  };
  return { brokerId: int(obj, 'broker', what), blockStart: big('block_start'), blockEnd: big('block_end') };
}

export type FinalizedFeatures = Record<string, { minVersionLevel: number; maxVersionLevel: number }>;
export const FEATURE_STATUS = { disabled: 0, enabled: 1 } as const;

export interface FeatureZNode {
  status: (typeof FEATURE_STATUS)[keyof typeof FEATURE_STATUS];
  features: FinalizedFeatures;
}

/** `{"version":1,"status":1,"features":{"name":{"min_version_level":1,"max_version_level":2}}}`. */
export function encodeFeature(f: FeatureZNode): Buffer {
  const features = Object.fromEntries(
    Object.entries(f.features).map(([n, r]) => [n, { min_version_level: r.minVersionLevel, max_version_level: r.maxVersionLevel }]),
  );
  return encodeJson({ version: 1, status: f.status, features });
}

export function decodeFeature(data: Bytes): FeatureZNode {
  const what = ZkPaths.feature;
  const obj = requireObject(data, what);
  const version = int(obj, 'version', what);
  if (version !== 1) throw new KafkaZkDataError(`${what}: Unsupported version: ${version} of feature information`);
  const status = int(obj, 'status', what);
  if (status !== 0 && status !== 1) throw new KafkaZkDataError(`${what}: Malformed status: ${status}`);
  const features: FinalizedFeatures = {};
  for (const [name, r] of Object.entries(optObject(obj, 'features', what) ?? {})) {
    const ro = r as JsonObject;
    features[name] = { minVersionLevel: int(ro, 'min_version_level', what), maxVersionLevel: int(ro, 'max_version_level', what) };
  }
  return { status, features };
}

/** ClusterIdZNode.toJson: `{"version":"1","id":"<22-char base64url>"}` (version is a string). */
export const encodeClusterId = (id: string): Buffer => encodeJson({ version: '1', id });

export function decodeClusterId(data: Bytes): string {
  const obj = parseJsonObject(data, ZkPaths.clusterId);
  if (obj === null) throw new KafkaZkDataError(`Failed to parse the cluster id json ${utf8(data)}`);
  return str(obj, 'id', ZkPaths.clusterId);
}
