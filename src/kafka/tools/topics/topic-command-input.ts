// TopicCommand.CommandTopicPartition: the --config overrides, --delete-config names and --replica-assignment of a
// command, parsed and validated as Kafka 2.8 does (LogConfig.validate, with LogConfig's own defaults), with its texts.
import { KAFKA_KEYS } from '../../../config/kafka-keys.js';
import type { KafkaValue } from '../../../config/kafka-key-types.js';
import { TOPIC_CONFIGS_BY_NAME, TopicConfigError, validateTopicConfigs } from '../../admin/topic-config-defs.js';
import { javaSplit } from '../kafka-tool-common.js';

/** KafkaConfig's defaults: what LogConfig.validate compares against when the tool runs without a broker config. */
export const DEFAULT_BROKER_VALUES: ReadonlyMap<string, KafkaValue> = new Map(KAFKA_KEYS.map((k) => [k.name, k.defaultValue]));

/** A failure Kafka raises with this exact message (IllegalArgumentException, AdminOperationException, ...). */
export class TopicCommandError extends Error {}

/** parseTopicConfigsToBeAdded: `name=value` entries (split on `\s*=\s*`, exactly two parts), validated. */
export function parseConfigsToAdd(entries: readonly string[], warn: (line: string) => void): [string, string][] {
  const pairs = entries.map((e) => javaSplit(e, /\s*=\s*/));
  if (!pairs.every((p) => p.length === 2)) {
    throw new TopicCommandError('requirement failed: Invalid topic config: all configs to be added must be in the format "key=val".');
  }
  const props = new Map<string, string>();
  for (const [k, v] of pairs) props.set(k!.trim(), v!.trim());
  validateTopicConfigs(Object.fromEntries(props), DEFAULT_BROKER_VALUES);
  const format = props.get('message.format.version');
  if (format !== undefined) {
    warn(
      `WARNING: The configuration message.format.version=${format} is specified. This configuration will be ignored if the version is newer than the inter.broker.protocol.version specified in the broker.`,
    );
  }
  return [...props];
}

/** parseTopicConfigsToBeDeleted: names checked by LogConfig.validateNames. */
export function parseConfigsToDelete(names: readonly string[]): string[] {
  const trimmed = names.map((n) => n.trim());
  for (const name of trimmed) if (!TOPIC_CONFIGS_BY_NAME.has(name)) throw new TopicConfigError(`Unknown topic config name: ${name}`);
  return trimmed;
}

/** Java's Integer.parseInt, with NumberFormatException's text. */
function parseJavaInt(text: string): number {
  if (!/^[+-]?\d+$/.test(text) || Number(text) > 2147483647 || Number(text) < -2147483648) {
    throw new TopicCommandError(`For input string: "${text}"`);
  }
  return Number(text);
}

/** parseReplicaAssignment: partitions separated by commas, replicas by colons; no duplicates, one replication factor. */
export function parseReplicaAssignment(text: string): Map<number, number[]> {
  const out = new Map<number, number[]>();
  javaSplit(text, /,/).forEach((partition, i) => {
    const brokers = javaSplit(partition, /:/).map((s) => parseJavaInt(s.trim()));
    const duplicates = [...new Set(brokers.filter((b, j) => brokers.indexOf(b) !== j))];
    if (duplicates.length > 0) throw new TopicCommandError(`Partition replica lists may not contain duplicate entries: ${duplicates.join(',')}`);
    out.set(i, brokers);
    if (brokers.length !== out.get(0)!.length) throw new TopicCommandError(`Partition ${i} has different replication factor: [${brokers.join(', ')}]`);
  });
  return out;
}

export interface TopicCommandInput {
  configsToAdd: [string, string][];
  configsToDelete: string[];
  /** null when --replica-assignment is absent or empty. */
  replicaAssignment: Map<number, number[]> | null;
}

/** new CommandTopicPartition(opts): everything parsed up front, warnings through `warn`. */
export function commandInput(args: { configs: readonly string[]; deleteConfigs: readonly string[]; replicaAssignment?: string }, warn: (line: string) => void): TopicCommandInput {
  return {
    replicaAssignment: args.replicaAssignment ? parseReplicaAssignment(args.replicaAssignment) : null,
    configsToAdd: parseConfigsToAdd(args.configs, warn),
    configsToDelete: parseConfigsToDelete(args.deleteConfigs),
  };
}
