// kafka-consumer-groups' options (Kafka 2.8's ConsumerGroupCommand) and the checks it runs before connecting.
import { parseToolOptions, type OptionSpec, type ToolOptions } from '../tool-options.js';
import { HELP_SPEC, VERSION_SPEC } from '../tool-usage.js';

export const SUMMARY = 'This tool helps to list all consumer groups, describe a consumer group, delete consumer group info, or reset consumer group offsets.';

const RESET_DOC =
  'Reset offsets of consumer group. Supports one consumer group at the time, and instances should be inactive\n' +
  'Has 2 execution options: --dry-run (the default) to plan which offsets to reset, and --execute to update the offsets. Additionally, the --export option is used to export the results to a CSV format.\n' +
  'You must choose one of the following reset specifications: --to-datetime, --by-period, --to-earliest, --to-latest, --shift-by, --from-file, --to-current.\n' +
  "To define the scope use --all-topics or --topic. One scope must be specified unless you use '--from-file'.";

export const CONSUMER_GROUPS_SPECS: readonly OptionSpec[] = [
  { name: 'bootstrap-server', arg: 'String: server to connect to', description: 'REQUIRED: The server(s) to connect to.' },
  { name: 'group', arg: 'String: consumer group', description: 'The consumer group we wish to act on.', repeatable: true },
  {
    name: 'topic',
    arg: 'String: topic',
    repeatable: true,
    description:
      'The topic whose consumer group information should be deleted or topic whose should be included in the reset offset process. In `reset-offsets` case, partitions can be specified using this format: `topic1:0,1,2`, where 0,1,2 are the partition to be included in the process. Reset-offsets also supports multiple topic inputs.',
  },
  { name: 'all-topics', description: 'Consider all topics assigned to a group in the `reset-offsets` process.' },
  { name: 'list', description: 'List all consumer groups.' },
  { name: 'describe', description: 'Describe consumer group and list offset lag (number of messages not yet processed) related to given group.' },
  { name: 'all-groups', description: 'Apply to all consumer groups.' },
  { name: 'delete', description: 'Pass in groups to delete topic partition offsets and ownership information over the entire consumer group. For instance --group g1 --group g2' },
  {
    name: 'timeout',
    arg: 'Long: timeout (ms)',
    defaultValue: '5000',
    description:
      'The timeout that can be set for some use cases. For example, it can be used when describing the group to specify the maximum amount of time in milliseconds to wait before the group stabilizes (when the group is just created, or is going through some changes).',
  },
  { name: 'command-config', arg: 'String: command config property file', description: 'Property file containing configs to be passed to Admin Client and Consumer.' },
  { name: 'reset-offsets', description: RESET_DOC },
  { name: 'delete-offsets', description: 'Delete offsets of consumer group. Supports one consumer group at the time, and multiple topics.' },
  { name: 'dry-run', description: 'Only show results without executing changes on Consumer Groups. Supported operations: reset-offsets.' },
  { name: 'execute', description: 'Execute operation. Supported operations: reset-offsets.' },
  { name: 'export', description: 'Export operation execution to a CSV file. Supported operations: reset-offsets.' },
  { name: 'to-offset', arg: 'Long: offset', description: 'Reset offsets to a specific offset.' },
  { name: 'from-file', arg: 'String: path to CSV file', description: 'Reset offsets to values defined in CSV file.' },
  { name: 'to-datetime', arg: 'String: datetime', description: "Reset offsets to offset from datetime. Format: 'YYYY-MM-DDTHH:mm:SS.sss'" },
  { name: 'by-duration', arg: 'String: duration', description: "Reset offsets to offset by duration from current timestamp. Format: 'PnDTnHnMnS'" },
  { name: 'to-earliest', description: 'Reset offsets to earliest offset.' },
  { name: 'to-latest', description: 'Reset offsets to latest offset.' },
  { name: 'to-current', description: 'Reset offsets to current offset.' },
  { name: 'shift-by', arg: 'Long: number-of-offsets', description: "Reset offsets shifting current offset by 'n', where 'n' can be positive or negative." },
  { name: 'members', description: "Describe members of the group. This option may be used with '--describe' and '--bootstrap-server' options only.\nExample: --bootstrap-server localhost:9092 --describe --group group1 --members" },
  {
    name: 'verbose',
    description:
      "Provide additional information, if any, when describing the group. This option may be used with '--offsets'/'--members'/'--state' and '--bootstrap-server' options only.\nExample: --bootstrap-server localhost:9092 --describe --group group1 --members --verbose",
  },
  {
    name: 'offsets',
    description:
      "Describe the group and list all topic partitions in the group along with their offset lag. This is the default sub-action of and may be used with '--describe' and '--bootstrap-server' options only.\nExample: --bootstrap-server localhost:9092 --describe --group group1 --offsets",
  },
  {
    name: 'state',
    arg: 'String',
    optionalArg: true,
    description:
      "When specified with '--describe', includes the state of the group.\nExample: --bootstrap-server localhost:9092 --describe --group group1 --state\nWhen specified with '--list', it displays the state of all groups. It can also be used to list groups with specific states.\nExample: --bootstrap-server localhost:9092 --list --state stable,empty\nThis option may be used with '--describe', '--list' and '--bootstrap-server' options only.",
  },
  HELP_SPEC,
  VERSION_SPEC,
];

export const EXAMPLES = [
  'zkafka kafka-consumer-groups --bootstrap-server localhost:9092 --list',
  'zkafka kafka-consumer-groups --bootstrap-server localhost:9092 --describe --group my-group',
  'zkafka kafka-consumer-groups --bootstrap-server localhost:9092 --describe --group my-group --members --verbose',
  'zkafka kafka-consumer-groups --bootstrap-server localhost:9092 --reset-offsets --group my-group --topic orders --to-earliest --execute',
  'zkafka kafka-consumer-groups --bootstrap-server localhost:9092 --delete --group my-group',
];

export const RESET_SCENARIOS = ['to-offset', 'shift-by', 'to-datetime', 'by-duration', 'to-earliest', 'to-latest', 'to-current', 'from-file'] as const;
const ACTIONS = ['list', 'describe', 'delete', 'reset-offsets', 'delete-offsets'];

export function parseConsumerGroupsArgs(argv: readonly string[]): ToolOptions {
  return parseToolOptions(CONSUMER_GROUPS_SPECS, argv);
}

/** The usage message when the options do not form a command (Kafka's checkArgs), else undefined. */
export function checkConsumerGroupsArgs(o: ToolOptions): string | undefined {
  if (!o.has('bootstrap-server')) return 'Missing required argument "[bootstrap-server]"';
  const scope = "[all-groups], [group]";
  if (o.has('describe')) {
    if (!o.has('group') && !o.has('all-groups')) return `Option [describe] takes one of these options: ${scope}`;
    if (['members', 'offsets', 'state'].filter((n) => o.has(n)).length > 1) return 'Option [describe] takes at most one of these options: [members], [offsets], [state]';
    if (o.has('state') && o.values('state').length > 0) return 'Option [describe] does not take a value for [state]';
  }
  if (o.has('delete')) {
    if (!o.has('group') && !o.has('all-groups')) return `Option [delete] takes one of these options: ${scope}`;
    if (o.has('topic')) return 'The consumer does not support topic-specific offset deletion from a consumer group.';
  }
  if (o.has('delete-offsets') && (!o.has('group') || !o.has('topic'))) return 'Option [delete-offsets] takes the following options: [group], [topic]';
  if (o.has('reset-offsets')) {
    if (o.has('dry-run') && o.has('execute')) return 'Option [reset-offsets] only accepts one of [execute] and [dry-run]';
    if (!o.has('group') && !o.has('all-groups')) return `Option [reset-offsets] takes one of these options: ${scope}`;
    const scenarios = RESET_SCENARIOS.filter((n) => o.has(n));
    if (scenarios.length > 1) return `Option "[${scenarios[0]}]" can't be used with option "[${scenarios[1]}]"`;
  }
  if (o.has('group') && o.has('all-groups')) return `Option "[group]" can't be used with option "[all-groups]"`;
  if (o.has('group') && o.has('list')) return `Option "[group]" can't be used with option "[list]"`;
  if (o.has('topic') && (o.has('list') || o.has('describe'))) return `Option "[topic]" can't be used with option "[${o.has('list') ? 'list' : 'describe'}]"`;
  if (['members', 'offsets', 'verbose'].some((n) => o.has(n)) && !o.has('describe')) {
    const n = ['members', 'offsets', 'verbose'].find((x) => o.has(x))!;
    return `Option ${n} requires [describe] option`;
  }
  if (ACTIONS.filter((n) => o.has(n)).length !== 1) return 'Command must include exactly one action: --list, --describe, --delete, --reset-offsets, --delete-offsets';
  return undefined;
}
