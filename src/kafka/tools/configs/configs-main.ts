// `zkafka kafka-configs` (Kafka 2.8's kafka-configs.sh, ConfigCommand) for topics, brokers, users and clients: describe and alter
// through the admin API or (deprecated, as in 2.8) ZooKeeper, with Kafka's lines and exit codes. --output json and
// table are zkafka's renderings of --describe.
import { ToolOptionError, formatToolUsage } from '../tool-options.js';
import { UncaughtToolError, UsageError, messageOf, processIo, type ToolIo } from '../kafka-tool-common.js';
import { KAFKA_TOOLS_VERSION } from '../tool-version.js';
import { CONFIGS_USAGE_SPECS, parseConfigsArgv, type ConfigsArgs } from './configs-options.js';
import { parseConfigsToAdd } from './config-input.js';
import { entryLines, describeConfigsJson, describeConfigsTable, describeZkText, type DescribedEntity } from './config-description.js';
import { ConfigCommandFailure, InvalidConfigurationError, javaExceptionLine } from './config-errors.js';
import { TopicConfigError, TopicConfigValueError } from '../../admin/topic-config-defs.js';

export const CONFIGS_EXAMPLES = `
Examples (zkafka kafka-configs, or bin/kafka-configs.sh):
  kafka-configs.sh --bootstrap-server localhost:9092 --entity-type topics --entity-name events --alter --add-config retention.ms=86400000,cleanup.policy=[compact,delete]
  kafka-configs.sh --bootstrap-server localhost:9092 --topic events --alter --delete-config retention.ms
  kafka-configs.sh --bootstrap-server localhost:9092 --entity-type brokers --entity-name 1 --describe --all
  kafka-configs.sh --bootstrap-server localhost:9092 --entity-type brokers --entity-default --alter --add-config log.cleaner.threads=2
  kafka-configs.sh --zookeeper localhost:2181 --entity-type topics --entity-name events --describe
  kafka-configs.sh --bootstrap-server localhost:9092 --entity-type users --entity-name alice --alter --add-config producer_byte_rate=1024,consumer_byte_rate=2048
  kafka-configs.sh --bootstrap-server localhost:9092 --entity-type users --entity-name alice --alter --add-config 'SCRAM-SHA-256=[iterations=8192,password=alice-secret]'
  kafka-configs.sh --bootstrap-server localhost:9092 --entity-type users --entity-name alice --entity-type clients --entity-name app --describe
  --output text|json|table (zkafka): Kafka's text (default), one JSON document, or a table.
`;

interface ConfigService {
  describe(args: ConfigsArgs, onEntity?: (e: DescribedEntity, phase: 'heading' | 'entries') => void): Promise<DescribedEntity[]>;
  alter(args: ConfigsArgs, toAdd: ReadonlyMap<string, string>): Promise<string>;
  close(): Promise<void>;
}

export async function runKafkaConfigs(argv: readonly string[], io: ToolIo = processIo()): Promise<number> {
  let args: ConfigsArgs;
  try {
    const parsed = parseConfigsArgv(argv);
    if (parsed.kind === 'help') {
      io.err(`${parsed.message}\n${formatToolUsage(CONFIGS_USAGE_SPECS)}${CONFIGS_EXAMPLES}`);
      return 1;
    }
    if (parsed.kind === 'version') {
      io.out(`${KAFKA_TOOLS_VERSION}\n`);
      return 0;
    }
    args = parsed.args;
  } catch (err) {
    // ConfigCommand.main catches option errors and IllegalArgumentException itself: the message alone, exit 1.
    if (err instanceof UsageError) io.err(`${err.message}\n${formatToolUsage(CONFIGS_USAGE_SPECS)}`);
    else if (err instanceof ToolOptionError || err instanceof UncaughtToolError) io.err(`${err.message}\n`);
    else throw err;
    return 1;
  }
  const say = (line: string) => (args.output === 'json' ? undefined : io.out(`${line}\n`));
  let service: ConfigService | undefined;
  try {
    const quotas = args.entityType === 'users' || args.entityType === 'clients';
    if (args.zookeeper !== undefined) {
      say('Warning: --zookeeper is deprecated and will be removed in a future version of Kafka.');
      say('Use --bootstrap-server instead to specify a broker to connect to.');
      if (quotas) {
        const { ZkQuotaConfigService } = await import('./configs-quotas-zk.js');
        service = await ZkQuotaConfigService.open(args.zookeeper);
      } else {
        const { ZkConfigService } = await import('./configs-zk.js');
        service = await ZkConfigService.open(args.zookeeper);
      }
    } else if (quotas) {
      const { AdminQuotaConfigService } = await import('./configs-quotas-admin.js');
      service = AdminQuotaConfigService.open(args);
    } else {
      const { AdminConfigService } = await import('./configs-admin.js');
      service = AdminConfigService.open(args);
    }
    if (args.action === 'alter') {
      const toAdd = parseConfigsToAdd(args.addConfig, args.addConfigFile, say);
      const done = await service.alter(args, toAdd);
      if (args.output === 'json') io.out(`${JSON.stringify({ entityType: args.entityType, entityName: args.entityName ?? null, result: done }, null, 2)}\n`);
      else say(done);
    } else {
      // Kafka's text in bootstrap mode is printed as it goes: a failed entity still has its heading out.
      const streaming = args.output === 'text' && args.zookeeper === undefined && !quotas;
      const entities = await service.describe(args, (e, phase) => {
        if (streaming) io.out(phase === 'heading' ? `${e.title}\n` : entryLines(e));
      });
      if (streaming) return 0;
      if (args.output === 'json') io.out(describeConfigsJson(entities));
      else if (args.output === 'table') {
        const { renderTable } = await import('../../../cli/text-table.js');
        const { head, rows } = describeConfigsTable(entities);
        io.out(await renderTable(head, rows, io.interactive));
      } else io.out(describeZkText(entities));
    }
    return 0;
  } catch (err) {
    if (err instanceof UncaughtToolError || err instanceof InvalidConfigurationError || err instanceof TopicConfigError) io.err(`${messageOf(err)}\n`);
    else {
      const failure = err instanceof TopicConfigValueError ? new ConfigCommandFailure('org.apache.kafka.common.config.ConfigException', err.message) : err;
      io.err(`Error while executing config command with args '${args.argsText}'\n${javaExceptionLine(failure)}\n`);
    }
    return 1;
  } finally {
    await service?.close().catch(() => {});
  }
}
