// kafka-configs --bootstrap-server for topics and brokers (ConfigCommand.describeResourceConfig / alterConfig, Kafka
// 2.8): DescribeConfigs with synonyms, filtered to the entity's dynamic source unless --all; topics are changed with
// IncrementalAlterConfigs, brokers with the whole-set AlterConfigs, as the 2.8 tool does.
import { KafkaAdmin, type ConfigEntry } from '../../client/admin/kafka-admin.js';
import { ConfigResourceType } from '../../client/admin/admin-requests.js';
import { topicNameProblem } from '../../admin/topic-name.js';
import { adminOptions } from '../admin-client-config.js';
import { javaHashMapOrder } from '../java-hash-map-order.js';
import { sourceName, type DescribedEntity } from './config-description.js';
import type { ConfigsArgs } from './configs-options.js';
import { InvalidConfigurationError, ConfigCommandFailure } from './config-errors.js';

const DYNAMIC_SOURCE = { topic: 1, broker: 2, brokerDefault: 3 } as const;

export class AdminConfigService {
  private constructor(private readonly admin: KafkaAdmin) {}

  static open(args: ConfigsArgs): AdminConfigService {
    return new AdminConfigService(new KafkaAdmin(adminOptions(args.bootstrapServer!, args.commandConfig)));
  }

  /** getResourceConfig: the entity's entries in the order Kafka's Config (a HashMap) gives them, filtered by source. */
  private async resourceConfig(entityType: string, name: string, includeSynonyms: boolean, describeAll: boolean): Promise<ConfigEntry[]> {
    let type: 2 | 4;
    let dynamicSource: number;
    if (entityType === 'topics') {
      if (name !== '') {
        const problem = topicNameProblem(name);
        if (problem !== null) throw new ConfigCommandFailure('org.apache.kafka.common.errors.InvalidTopicException', problem);
      }
      type = ConfigResourceType.TOPIC;
      dynamicSource = DYNAMIC_SOURCE.topic;
    } else {
      type = ConfigResourceType.BROKER;
      if (name !== '' && !/^[+-]?\d+$/.test(name)) throw new ConfigCommandFailure('java.lang.IllegalArgumentException', `The entity name for ${entityType} must be a valid integer broker id, found: ${name}`);
      dynamicSource = name === '' ? DYNAMIC_SOURCE.brokerDefault : DYNAMIC_SOURCE.broker;
    }
    const entries = await this.admin.describeConfigs({ type, name }, { includeSynonyms });
    const byName = new Map(entries.map((e) => [e.name, e]));
    return javaHashMapOrder(entries.map((e) => e.name)).map((n) => byName.get(n)!).filter((e) => describeAll || e.source === dynamicSource);
  }

  /** `onEntity` sees each entity as soon as it is known: Kafka prints an entity's heading before asking for its configs. */
  async describe(args: ConfigsArgs, onEntity: (e: DescribedEntity, phase: 'heading' | 'entries') => void = () => {}): Promise<DescribedEntity[]> {
    let names: string[];
    if (args.entityName !== undefined) names = [args.entityName];
    else if (args.entityType === 'topics') names = javaHashMapOrder(await this.admin.listTopics({ includeInternal: true }));
    else names = [...(await this.admin.describeCluster()).brokers.map((b) => String(b.nodeId)), ''];
    const out: DescribedEntity[] = [];
    for (const name of names) {
      const title =
        name === '' ? `Default configs for ${args.entityType} in the cluster are:` : `${args.describeAll ? 'All' : 'Dynamic'} configs for ${args.entityType.slice(0, -1)} ${name} are:`;
      const entity: DescribedEntity = { title, entityType: args.entityType, entityName: name, entries: [] };
      onEntity(entity, 'heading');
      const entries = await this.resourceConfig(args.entityType, name, true, args.describeAll);
      out.push(entity);
      entity.entries.push(
        ...entries.map((e) => ({
          name: e.name,
          value: e.value,
          sensitive: e.isSensitive,
          source: sourceName(e.source),
          synonyms: e.synonyms.map((s) => ({ source: sourceName(s.source), name: s.name, value: s.value })),
        })),
      );
      onEntity(entity, 'entries');
    }
    return out;
  }

  async alter(args: ConfigsArgs, toAdd: ReadonlyMap<string, string>): Promise<string> {
    const name = args.entityName!;
    const old = new Map((await this.resourceConfig(args.entityType, name, false, false)).map((e) => [e.name, e]));
    const invalid = args.deleteConfigs.filter((k) => !old.has(k));
    if (invalid.length > 0) throw new InvalidConfigurationError(`Invalid config(s): ${invalid.join(',')}`);
    if (args.entityType === 'topics') {
      await this.admin.incrementalAlterConfigs({ type: ConfigResourceType.TOPIC, name }, [
        ...[...toAdd].map(([k, v]) => ({ name: k, op: 'SET' as const, value: v })),
        ...args.deleteConfigs.map((k) => ({ name: k, op: 'DELETE' as const, value: '' })),
      ]);
    } else {
      const entries = new Map<string, string | null>([...old].map(([k, e]) => [k, e.value]));
      for (const [k, v] of toAdd) entries.set(k, v);
      for (const k of args.deleteConfigs) entries.delete(k);
      const sensitive = [...entries].filter(([, v]) => v === null).map(([k]) => k);
      if (sensitive.length > 0) {
        throw new InvalidConfigurationError(`All sensitive broker config entries must be specified for --alter, missing entries: Set(${sensitive.join(', ')})`);
      }
      await this.admin.alterConfigs({ type: ConfigResourceType.BROKER, name }, Object.fromEntries(entries));
    }
    return name !== '' ? `Completed updating config for ${args.entityType.slice(0, -1)} ${name}.` : `Completed updating default config for ${args.entityType} in the cluster.`;
  }

  async close(): Promise<void> {
    await this.admin.close();
  }
}
