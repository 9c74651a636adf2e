// kafka-topics' options (TopicCommandOptions, Kafka 2.8) and checkArgs: the same option table, the same rules on
// which options go together, and the same messages when they do not.
import { TOPIC_CONFIGS } from '../../admin/topic-config-defs.js';
import { parseToolOptions, ToolOptionError, type OptionSpec, type ToolOptions } from '../tool-options.js';
import { HELP_OPTION, VERSION_OPTION, UsageError, checkInvalid, checkRequired, illegalArgument } from '../kafka-tool-common.js';

const KAFKA_CONFIGS_CAN_ALTER = ' (the kafka-configs CLI supports altering topic configs with a --bootstrap-server option)';

export const TOPICS_OPTION_SPECS: readonly OptionSpec[] = [
  HELP_OPTION,
  VERSION_OPTION,
  { name: 'bootstrap-server', arg: 'String: server to connect to', description: "REQUIRED: The Kafka server to connect to. In case of providing this, a direct Zookeeper connection won't be required." },
  {
    name: 'command-config',
    arg: 'String: command config property file',
    description: 'Property file containing configs to be passed to Admin Client. This is used only with --bootstrap-server option for describing and altering broker configs.',
  },
  { name: 'zookeeper', arg: 'String: hosts', description: 'DEPRECATED, The connection string for the zookeeper connection in the form host:port. Multiple hosts can be given to allow fail-over.' },
  { name: 'list', description: 'List all available topics.' },
  { name: 'create', description: 'Create a new topic.' },
  { name: 'delete', description: 'Delete a topic' },
  { name: 'alter', description: 'Alter the number of partitions, replica assignment, and/or configuration for the topic.' },
  { name: 'describe', description: 'List details for the given topics.' },
  {
    name: 'topic',
    arg: 'String: topic',
    description:
      "The topic to create, alter, describe or delete. It also accepts a regular expression, except for --create option. Put topic name in double quotes and use the '\\' prefix to escape regular expression symbols; e.g. \"test\\.topic\".",
  },
  {
    name: 'config',
    arg: 'String: name=value',
    repeatable: true,
    description:
      'A topic configuration override for the topic being created or altered. The following is a list of valid configurations: \n' +
      [...TOPIC_CONFIGS.map((d) => d.name)].sort().map((n) => `\t${n}`).join('\n') +
      '\nSee the Kafka documentation for full details on the topic configs. It is supported only in combination with --create if --bootstrap-server option is used' +
      `${KAFKA_CONFIGS_CAN_ALTER}.`,
  },
  {
    name: 'delete-config',
    arg: 'String: name',
    repeatable: true,
    description: 'A topic configuration override to be removed for an existing topic (see the list of configurations under the --config option). Not supported with the --bootstrap-server option.',
  },
  {
    name: 'partitions',
    arg: 'Integer: # of partitions',
    description:
      'The number of partitions for the topic being created or altered (WARNING: If partitions are increased for a topic that has a key, the partition logic or ordering of the messages will be affected). If not supplied for create, defaults to the cluster default.',
  },
  { name: 'replication-factor', arg: 'Integer: replication factor', description: 'The replication factor for each partition in the topic being created. If not supplied, defaults to the cluster default.' },
  {
    name: 'replica-assignment',
    arg: 'String: broker_id_for_part1_replica1 : broker_id_for_part1_replica2 , broker_id_for_part2_replica1 : broker_id_for_part2_replica2 , ...',
    description: 'A list of manual partition-to-broker assignments for the topic being created or altered.',
  },
  { name: 'under-replicated-partitions', description: 'if set when describing topics, only show under replicated partitions' },
  { name: 'unavailable-partitions', description: 'if set when describing topics, only show partitions whose leader is not available' },
  {
    name: 'under-min-isr-partitions',
    description: 'if set when describing topics, only show partitions whose isr count is less than the configured minimum. Not supported with the --zookeeper option.',
  },
  {
    name: 'at-min-isr-partitions',
    description: 'if set when describing topics, only show partitions whose isr count is equal to the configured minimum. Not supported with the --zookeeper option.',
  },
  { name: 'topics-with-overrides', description: 'if set when describing topics, only show topics that have overridden configs' },
  { name: 'if-exists', description: 'if set when altering or deleting or describing topics, the action will only execute if the topic exists.' },
  { name: 'if-not-exists', description: 'if set when creating topics, the action will only execute if the topic does not already exist.' },
  { name: 'disable-rack-aware', description: 'Disable rack aware replica assignment' },
  { name: 'force', description: 'Suppress console prompts' },
  { name: 'exclude-internal', description: 'exclude internal topics when running list or describe command. The internal topics will be listed by default' },
  // zkafka's own: how the result is rendered (Kafka's text by default).
  { name: 'output', arg: 'String: text|json|table', description: 'zkafka: print the result as Kafka does (text), as one JSON document (json) or as a table (table).' },
];

/** The usage table lists Kafka's options; --output is documented separately in --help's examples. */
export const TOPICS_USAGE_SPECS = TOPICS_OPTION_SPECS.filter((s) => s.name !== 'output');

export type TopicsAction = 'create' | 'list' | 'describe' | 'alter' | 'delete';
export type OutputFormat = 'text' | 'json' | 'table';

export interface TopicsArgs {
  options: ToolOptions;
  action: TopicsAction;
  bootstrapServer?: string;
  zookeeper?: string;
  commandConfig?: string;
  topic?: string;
  partitions?: number;
  replicationFactor?: number;
  replicaAssignment?: string;
  configs: readonly string[];
  deleteConfigs: readonly string[];
  ifExists: boolean;
  ifNotExists: boolean;
  excludeInternal: boolean;
  disableRackAware: boolean;
  reportUnderReplicated: boolean;
  reportUnavailable: boolean;
  reportUnderMinIsr: boolean;
  reportAtMinIsr: boolean;
  reportOverriddenConfigs: boolean;
  output: OutputFormat;
}

export type ParsedTopicsArgv = { kind: 'help'; message: string } | { kind: 'version' } | { kind: 'run'; args: TopicsArgs };

const ACTIONS: readonly TopicsAction[] = ['create', 'list', 'alter', 'describe', 'delete'];
const REPORT_OPTS = ['under-replicated-partitions', 'under-min-isr-partitions', 'at-min-isr-partitions', 'unavailable-partitions'];

/** Parses and checks argv as TopicCommandOptions + checkArgs do; throws UsageError / ToolOptionError / UncaughtToolError. */
export function parseTopicsArgv(argv: readonly string[]): ParsedTopicsArgv {
  const o = parseToolOptions(TOPICS_OPTION_SPECS, argv);
  for (const name of ['partitions', 'replication-factor']) o.integer(name);
  const output = o.value('output') ?? 'text';
  if (output !== 'text' && output !== 'json' && output !== 'table') {
    throw new ToolOptionError(`Cannot parse argument '${output}' of option output`, 'joptsimple.OptionArgumentConversionException');
  }
  if (argv.length === 0) throw new UsageError('Create, delete, describe, or change a topic.');
  if (o.has('help')) return { kind: 'help', message: 'This tool helps to create, delete, describe, or change a topic.' };
  if (o.has('version')) return { kind: 'version' };
  const has = (name: string) => o.has(name);
  const actions = ACTIONS.filter(has);
  if (actions.length !== 1) throw new UsageError('Command must include exactly one action: --list, --describe, --create, --alter or --delete');

  if (has('bootstrap-server') === has('zookeeper')) throw illegalArgument('Only one of --bootstrap-server or --zookeeper must be specified');
  if (!has('bootstrap-server')) checkRequired(has, 'zookeeper');
  if (has('describe') && has('if-exists')) checkRequired(has, 'topic');
  if (!has('list') && !has('describe')) checkRequired(has, 'topic');
  if (has('create') && !has('replica-assignment') && has('zookeeper')) checkRequired(has, 'partitions', 'replication-factor');
  if (has('bootstrap-server') && has('alter')) {
    if (has('config')) throw new UsageError(`Option combination "[bootstrap-server],[config]" can't be used with option "[alter]"${KAFKA_CONFIGS_CAN_ALTER}`);
    checkRequired(has, 'partitions');
  }
  const allBut = (...keep: string[]) => ACTIONS.filter((a) => !keep.includes(a));
  checkInvalid(has, 'config', allBut('alter', 'create'));
  checkInvalid(has, 'delete-config', [...allBut('alter'), 'bootstrap-server']);
  checkInvalid(has, 'partitions', allBut('alter', 'create'));
  checkInvalid(has, 'replication-factor', allBut('create'));
  checkInvalid(has, 'replica-assignment', allBut('create', 'alter'));
  if (has('create')) checkInvalid(has, 'replica-assignment', ['partitions', 'replication-factor']);
  const reportRule = (name: string, extra: string[] = []) =>
    checkInvalid(has, name, [...allBut('describe'), ...REPORT_OPTS.filter((r) => r !== name), 'topics-with-overrides', ...extra]);
  reportRule('under-replicated-partitions');
  reportRule('under-min-isr-partitions', ['zookeeper']);
  reportRule('at-min-isr-partitions', ['zookeeper']);
  reportRule('unavailable-partitions');
  checkInvalid(has, 'topics-with-overrides', [...allBut('describe'), ...REPORT_OPTS]);
  checkInvalid(has, 'if-exists', allBut('alter', 'delete', 'describe'));
  checkInvalid(has, 'if-not-exists', allBut('create'));
  checkInvalid(has, 'exclude-internal', allBut('list', 'describe'));

  return {
    kind: 'run',
    args: {
      options: o,
      action: actions[0]!,
      bootstrapServer: o.value('bootstrap-server'),
      zookeeper: o.value('zookeeper'),
      commandConfig: o.value('command-config'),
      topic: o.value('topic'),
      partitions: o.integer('partitions'),
      replicationFactor: o.integer('replication-factor'),
      replicaAssignment: o.value('replica-assignment'),
      configs: o.values('config'),
      deleteConfigs: o.values('delete-config'),
      ifExists: has('if-exists'),
      ifNotExists: has('if-not-exists'),
      excludeInternal: has('exclude-internal'),
      disableRackAware: has('disable-rack-aware'),
      reportUnderReplicated: has('under-replicated-partitions'),
      reportUnavailable: has('unavailable-partitions'),
      reportUnderMinIsr: has('under-min-isr-partitions'),
      reportAtMinIsr: has('at-min-isr-partitions'),
      reportOverriddenConfigs: has('topics-with-overrides'),
      output,
    },
  };
}
