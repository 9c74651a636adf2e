// kafka-console-consumer's options (Kafka 2.8's ConsoleConsumer, plus 3.0's --include) and their checks, in
// the order and with the messages the real tool uses.
import { parseToolOptions, ToolOptionError, type OptionSpec } from '../tool-options.js';
import { loadPropertiesFile, parseKeyValueArgs, type ConsumerProperties } from '../consumer-properties.js';
import { HELP_SPEC, VERSION_SPEC } from '../tool-usage.js';
import { DEFAULT_FORMATTER } from './message-formatter.js';

export const SUMMARY = 'This tool helps to read data from Kafka topics and outputs it to standard output.';

export const CONSOLE_CONSUMER_SPECS: readonly OptionSpec[] = [
  { name: 'topic', arg: 'String: topic', description: 'The topic id to consume on.' },
  { name: 'whitelist', arg: 'String: whitelist', description: 'Regular expression specifying whitelist of topics to include for consumption.' },
  { name: 'include', arg: 'String: include', description: 'Regular expression specifying list of topics to include for consumption.' },
  { name: 'partition', arg: 'Integer: partition', description: "The partition to consume from. Consumption starts from the end of the partition unless '--offset' is specified." },
  { name: 'offset', arg: 'String: consume offset', description: "The offset id to consume from (a non-negative number), or 'earliest' which means from beginning, or 'latest' which means from end", defaultValue: 'latest' },
  { name: 'consumer-property', arg: 'String: consumer_prop', description: 'A mechanism to pass user-defined properties in the form key=value to the consumer.', repeatable: true },
  { name: 'consumer.config', arg: 'String: config file', description: 'Consumer config properties file. Note that [consumer-property] takes precedence over this config.' },
  { name: 'formatter', arg: 'String: class', description: 'The name of a class to use for formatting kafka messages for display.', defaultValue: DEFAULT_FORMATTER },
  {
    name: 'property',
    arg: 'String: prop',
    repeatable: true,
    description:
      'The properties to initialize the message formatter. Default properties include: \n print.timestamp=true|false\n print.key=true|false\n print.offset=true|false\n print.partition=true|false\n print.headers=true|false\n print.value=true|false\n key.separator=<key.separator>\n line.separator=<line.separator>\n headers.separator=<line.separator>\n null.literal=<null.literal>\n key.deserializer=<key.deserializer>\n value.deserializer=<value.deserializer>\n header.deserializer=<header.deserializer>\n\nUsers can also pass in customized properties for their formatter; more specifically, users can pass in properties keyed with \'key.deserializer.\', \'value.deserializer.\' and \'headers.deserializer.\' prefixes to configure their deserializers.',
  },
  { name: 'from-beginning', description: 'If the consumer does not already have an established offset to consume from, start with the earliest message present in the log rather than the latest message.' },
  { name: 'max-messages', arg: 'Integer: num_messages', description: 'The maximum number of messages to consume before exiting. If not set, consumption is continual.' },
  { name: 'timeout-ms', arg: 'Integer: timeout_ms', description: 'If specified, exit if no message is available for consumption for the specified interval.' },
  { name: 'skip-message-on-error', description: 'If there is an error when processing a message, skip it instead of halt.' },
  { name: 'bootstrap-server', arg: 'String: server to connect to', description: 'REQUIRED: The server(s) to connect to.' },
  { name: 'key-deserializer', arg: 'String: deserializer for key', description: '' },
  { name: 'value-deserializer', arg: 'String: deserializer for values', description: '' },
  { name: 'enable-systest-events', description: 'Log lifecycle events of the consumer in addition to logging consumed messages. (This is specific for system tests.)' },
  { name: 'isolation-level', arg: 'String', description: 'Set to read_committed in order to filter out transactional messages which are not committed. Set to read_uncommittedto read all messages.', defaultValue: 'read_uncommitted' },
  { name: 'group', arg: 'String: consumer group id', description: 'The consumer group id of the consumer.' },
  HELP_SPEC,
  VERSION_SPEC,
];

export const EXAMPLES = [
  'zkafka console-consumer --bootstrap-server localhost:9092 --topic quickstart-events --from-beginning',
  'zkafka console-consumer --bootstrap-server localhost:9092 --topic t --group g --property print.key=true --property key.separator=:',
  'zkafka console-consumer --bootstrap-server localhost:9092 --topic t --partition 0 --offset 42 --max-messages 10',
  "zkafka console-consumer --bootstrap-server localhost:9092 --include 'logs-.*' --timeout-ms 5000",
];

export interface ConsoleConsumerConfig {
  bootstrapServer: string;
  topic: string | undefined;
  include: string | undefined;
  /** Assign mode: the partition and where to start (-2 earliest, -1 latest, else the offset). */
  partition: number | undefined;
  offset: bigint;
  groupId: string;
  /** Whether the group was chosen by the user (else a random console-consumer-N that commits nothing). */
  groupIdPassed: boolean;
  maxMessages: number;
  timeoutMs: number;
  skipMessageOnError: boolean;
  formatterClass: string;
  formatterProps: ConsumerProperties;
  consumerProps: ConsumerProperties;
}

export type ParsedConsoleConsumer = { kind: 'help' } | { kind: 'version' } | { kind: 'usage'; message: string } | { kind: 'run'; config: ConsoleConsumerConfig };

export function parseConsoleConsumerArgs(argv: readonly string[]): ParsedConsoleConsumer {
  if (argv.length === 0) return { kind: 'usage', message: SUMMARY };
  let o;
  try {
    o = parseToolOptions(CONSOLE_CONSUMER_SPECS, argv);
  } catch (err) {
    if (err instanceof ToolOptionError) return { kind: 'usage', message: err.message };
    throw err;
  }
  if (o.has('help')) return { kind: 'help' };
  if (o.has('version')) return { kind: 'version' };
  const usage = (message: string): ParsedConsoleConsumer => ({ kind: 'usage', message });
  if (!o.has('bootstrap-server')) return usage('Missing required argument "[bootstrap-server]"');
  const consumerProps = o.has('consumer.config') ? loadPropertiesFile(o.value('consumer.config')!) : new Map<string, string>();
  const extra = parseKeyValueArgs(o.values('consumer-property'));
  const formatterProps = parseKeyValueArgs(o.values('property'));
  if (o.has('key-deserializer')) formatterProps.set('key.deserializer', o.value('key-deserializer')!);
  if (o.has('value-deserializer')) formatterProps.set('value.deserializer', o.value('value-deserializer')!);
  const fromBeginning = o.has('from-beginning');
  const partitionText = o.value('partition');
  let partition: number | undefined;
  if (partitionText !== undefined) {
    if (!/^-?\d+$/.test(partitionText.trim())) return usage(`Cannot parse argument '${partitionText}' of option partition`);
    partition = Number(partitionText.trim());
  }
  const maxMessages = o.has('max-messages') ? o.integer('max-messages')! : -1;
  const timeoutMs = o.has('timeout-ms') ? o.integer('timeout-ms')! : -1;
  const filters = ['topic', 'whitelist', 'include'].filter((n) => o.has(n));
  if (filters.length !== 1) return usage('Exactly one of whitelist/topic is required.');
  if (partition !== undefined) {
    if (!o.has('topic')) return usage('The topic is required when partition is specified.');
    if (fromBeginning && o.has('offset')) return usage('Options from-beginning and offset cannot be specified together.');
  } else if (o.has('offset')) return usage('The partition is required when offset is specified.');
  let offset = fromBeginning ? -2n : -1n;
  if (o.has('offset')) {
    const text = o.value('offset')!.toLowerCase();
    if (text === 'earliest') offset = -2n;
    else if (text === 'latest') offset = -1n;
    else if (/^\d+$/.test(text.trim()) && BigInt(text.trim()) <= 0x7fffffffffffffffn) offset = BigInt(text.trim());
    else return usage(`The provided offset value '${o.value('offset')}' is incorrect. Valid values are 'earliest', 'latest', or a non-negative long.`);
  }
  const groups = [...new Set([o.value('group'), consumerProps.get('group.id'), extra.get('group.id')].filter((g): g is string => g !== undefined))];
  if (groups.length > 1) {
    return usage(
      "The group ids provided in different places (directly using '--group', via '--consumer-property', or via '--consumer.config') do not match. " +
        `Detected group ids: ${groups.map((g) => `'${g}'`).join(', ')}`,
    );
  }
  const props = new Map([...consumerProps, ...extra]);
  let groupId = groups[0];
  const groupIdPassed = groupId !== undefined;
  if (groupId === undefined) {
    // Kafka draws it with java.util.Random; Math.random spares loading node:crypto at every start.
    groupId = `console-consumer-${Math.floor(Math.random() * 100000)}`;
    // The generated group is not meant to be used again: do not commit for it unless asked.
    if (!props.has('enable.auto.commit')) props.set('enable.auto.commit', 'false');
  }
  if (groupIdPassed && partition !== undefined) return usage('Options group and partition cannot be specified together.');
  const reset = props.get('auto.offset.reset');
  if (reset !== undefined) {
    if (fromBeginning && reset !== 'earliest') {
      return usage(`Can't simultaneously specify --from-beginning and 'auto.offset.reset=${reset}', as they are conflicting. Either remove the --from-beginning option, or set 'auto.offset.reset=earliest'.`);
    }
  } else props.set('auto.offset.reset', fromBeginning ? 'earliest' : 'latest');
  if (o.has('isolation-level') || !props.has('isolation.level')) props.set('isolation.level', o.value('isolation-level')!);
  return {
    kind: 'run',
    config: {
      bootstrapServer: o.value('bootstrap-server')!,
      topic: o.value('topic'),
      include: o.value('include') ?? o.value('whitelist'),
      partition,
      offset,
      groupId,
      groupIdPassed,
      maxMessages,
      timeoutMs,
      skipMessageOnError: o.has('skip-message-on-error'),
      formatterClass: o.value('formatter')!,
      formatterProps,
      consumerProps: props,
    },
  };
}
