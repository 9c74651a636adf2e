// Java consumer configs (from --consumer-property, --consumer.config or --command-config) as the client
// library's options. Keys the library has no use for are ignored, as the Java client only warns about them.
import { readFileSync } from 'node:fs';
import { parseProperties } from '../../config/properties.js';
import type { GroupConsumerOptions } from '../client/consumer/kafka-group-consumer.js';
import { ToolOptionError } from './tool-options.js';

export type ConsumerProperties = Map<string, string>;

/** `key=value` arguments, split at the first `=` (a key alone has the empty value), as Kafka's parseKeyValueArgs. */
export function parseKeyValueArgs(args: readonly string[]): ConsumerProperties {
  const out = new Map<string, string>();
  for (const a of args) {
    if (a === '') continue;
    const eq = a.indexOf('=');
    out.set(eq < 0 ? a : a.slice(0, eq), eq < 0 ? '' : a.slice(eq + 1));
  }
  return out;
}

export function loadPropertiesFile(path: string): ConsumerProperties {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ToolOptionError(`${path} (${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'No such file or directory' : (err as Error).message})`);
  }
  return new Map(parseProperties(text).map((e) => [e.key, e.value]));
}

function int(props: ConsumerProperties, key: string): number | undefined {
  const v = props.get(key);
  if (v === undefined) return undefined;
  const n = Number(v.trim());
  if (!Number.isInteger(n)) throw new ToolOptionError(`Invalid value ${v} for configuration ${key}: Not a number of type INT`);
  return n;
}

function bool(props: ConsumerProperties, key: string): boolean | undefined {
  const v = props.get(key)?.trim().toLowerCase();
  if (v === undefined) return undefined;
  if (v !== 'true' && v !== 'false') throw new ToolOptionError(`Invalid value ${props.get(key)} for configuration ${key}: Expected value to be either true or false`);
  return v === 'true';
}

function oneOf<T extends string>(props: ConsumerProperties, key: string, allowed: readonly T[]): T | undefined {
  const v = props.get(key)?.trim();
  if (v === undefined) return undefined;
  if (!allowed.includes(v as T)) throw new ToolOptionError(`Invalid value ${v} for configuration ${key}: String must be one of: ${allowed.join(', ')}`);
  return v as T;
}

/** The options a group consumer takes from Java consumer configs (bootstrap servers and group id excluded). */
export function consumerOptionsOf(props: ConsumerProperties): Omit<GroupConsumerOptions, 'bootstrapServers' | 'groupId'> {
  const strategy = props.get('partition.assignment.strategy');
  return {
    clientId: props.get('client.id') || undefined,
    groupInstanceId: props.get('group.instance.id') || undefined,
    autoOffsetReset: oneOf(props, 'auto.offset.reset', ['earliest', 'latest', 'none'] as const),
    // In ConsumerConfig's order, which its error message lists.
    isolationLevel: oneOf(props, 'isolation.level', ['read_committed', 'read_uncommitted'] as const),
    enableAutoCommit: bool(props, 'enable.auto.commit'),
    autoCommitIntervalMs: int(props, 'auto.commit.interval.ms'),
    sessionTimeoutMs: int(props, 'session.timeout.ms'),
    heartbeatIntervalMs: int(props, 'heartbeat.interval.ms'),
    rebalanceTimeoutMs: int(props, 'max.poll.interval.ms'),
    assignors: strategy === undefined ? undefined : strategy.split(',').map((s) => s.trim()).filter(Boolean),
    fetchMinBytes: int(props, 'fetch.min.bytes'),
    fetchMaxBytes: int(props, 'fetch.max.bytes'),
    maxPartitionFetchBytes: int(props, 'max.partition.fetch.bytes'),
    fetchMaxWaitMs: int(props, 'fetch.max.wait.ms'),
    maxPollRecords: int(props, 'max.poll.records'),
    requestTimeoutMs: int(props, 'request.timeout.ms'),
    retryBackoffMs: int(props, 'retry.backoff.ms'),
    metadataMaxAgeMs: int(props, 'metadata.max.age.ms'),
    allowAutoCreateTopics: bool(props, 'allow.auto.create.topics'),
    excludeInternalTopics: bool(props, 'exclude.internal.topics'),
  };
}

/** Drops undefined values so they do not override defaults when spread. */
export function defined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
