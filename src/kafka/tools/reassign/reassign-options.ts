// kafka-reassign-partitions' options (ReassignPartitionsCommandOptions, Kafka 2.8) and validateAndParseArgs: exactly
// one action, a connection, the arguments each action needs, no argument an action does not take, and the actions
// and options only the admin API serves.
import { parseToolOptions, type OptionSpec, type ToolOptions } from '../tool-options.js';
import { HELP_OPTION, VERSION_OPTION, UsageError, UncaughtToolError, checkRequired } from '../kafka-tool-common.js';

export const REASSIGN_HELP_TEXT = 'This tool helps to move topic partitions between replicas.';

export const REASSIGN_OPTION_SPECS: readonly OptionSpec[] = [
  HELP_OPTION,
  VERSION_OPTION,
  {
    name: 'verify',
    description:
      'Verify if the reassignment completed as specified by the --reassignment-json-file option. If there is a throttle engaged for the replicas specified, and the rebalance has completed, the throttle will be removed',
  },
  { name: 'generate', description: 'Generate a candidate partition reassignment configuration. Note that this only generates a candidate assignment, it does not execute it.' },
  { name: 'execute', description: 'Kick off the reassignment as specified by the --reassignment-json-file option.' },
  { name: 'cancel', description: 'Cancel an active reassignment.' },
  { name: 'list', description: 'List all active partition reassignments.' },
  {
    name: 'bootstrap-server',
    arg: 'String: Server(s) to use for bootstrapping',
    description: 'the server(s) to use for bootstrapping. REQUIRED if an absolute path of the log directory is specified for any replica in the reassignment json file, or if --zookeeper is not given.',
  },
  { name: 'command-config', arg: 'String: Admin client property file', description: 'Property file containing configs to be passed to Admin Client.' },
  {
    name: 'zookeeper',
    arg: 'String: urls',
    description: 'DEPRECATED: The connection string for the zookeeper connection in the form host:port. Multiple URLS can be given to allow fail-over.  Please use --bootstrap-server instead.',
  },
  {
    name: 'reassignment-json-file',
    arg: 'String: manual assignment json file path',
    description:
      'The JSON file with the partition reassignment configurationThe format to use is - \n' +
      '{"partitions":\n\t[{"topic": "foo",\n\t  "partition": 1,\n\t  "replicas": [1,2,3],\n\t  "log_dirs": ["dir1","dir2","dir3"] }],\n"version":1\n}\n' +
      'Note that "log_dirs" is optional. When it is specified, its length must equal the length of the replicas list. The value in this list can be either "any" or the absolution path of the log directory on the broker. If absolute log directory path is specified, the replica will be moved to the specified log directory on the broker.',
  },
  {
    name: 'topics-to-move-json-file',
    arg: 'String: topics to reassign json file path',
    description:
      'Generate a reassignment configuration to move the partitions of the specified topics to the list of brokers specified by the --broker-list option. The format to use is - \n' +
      '{"topics":\n\t[{"topic": "foo"},{"topic": "foo1"}],\n"version":1\n}',
  },
  {
    name: 'broker-list',
    arg: 'String: brokerlist',
    description: 'The list of brokers to which the partitions need to be reassigned in the form "0,1,2". This is required if --topics-to-move-json-file is used to generate reassignment configuration',
  },
  { name: 'disable-rack-aware', description: 'Disable rack aware replica assignment' },
  {
    name: 'throttle',
    arg: 'Long: throttle',
    defaultValue: '-1',
    description:
      'The movement of partitions between brokers will be throttled to this value (bytes/sec). This option can be included with --execute when a reassignment is started, and it can be altered by resubmitting the current reassignment along with the --additional flag. The throttle rate should be at least 1 KB/s.',
  },
  {
    name: 'replica-alter-log-dirs-throttle',
    arg: 'Long: replicaAlterLogDirsThrottle',
    defaultValue: '-1',
    description:
      'The movement of replicas between log directories on the same broker will be throttled to this value (bytes/sec). This option can be included with --execute when a reassignment is started, and it can be altered by resubmitting the current reassignment along with the --additional flag. The throttle rate should be at least 1 KB/s.',
  },
  { name: 'timeout', arg: 'Long: timeout', defaultValue: '10000', description: 'The maximum time in ms to wait for log directory replica assignment to begin.' },
  { name: 'additional', description: 'Execute this reassignment in addition to any other ongoing ones. This option can also be used to change the throttle of an ongoing reassignment.' },
  { name: 'preserve-throttles', description: 'Do not modify broker or topic throttles.' },
];

export type ReassignAction = 'verify' | 'generate' | 'execute' | 'cancel' | 'list';

export interface ReassignArgs {
  options: ToolOptions;
  action: ReassignAction;
  bootstrapServer?: string;
  commandConfig?: string;
  zookeeper?: string;
  reassignmentJsonFile?: string;
  topicsToMoveJsonFile?: string;
  brokerList?: string;
  disableRackAware: boolean;
  /** Bytes per second, negative for none. */
  throttle: number;
  replicaAlterLogDirsThrottle: number;
  timeoutMs: number;
  additional: boolean;
  preserveThrottles: boolean;
}

export type ParsedReassignArgv = { kind: 'help'; message: string } | { kind: 'version' } | { kind: 'run'; args: ReassignArgs };

const ACTIONS: readonly ReassignAction[] = ['generate', 'execute', 'verify', 'cancel', 'list'];

const REQUIRED: Record<ReassignAction, readonly string[]> = {
  verify: ['reassignment-json-file'],
  generate: ['topics-to-move-json-file', 'broker-list'],
  execute: ['reassignment-json-file'],
  cancel: ['reassignment-json-file'],
  list: [],
};

const PERMITTED: Record<ReassignAction, readonly string[]> = {
  verify: ['bootstrap-server', 'command-config', 'preserve-throttles', 'zookeeper'],
  generate: ['bootstrap-server', 'broker-list', 'command-config', 'disable-rack-aware', 'zookeeper'],
  execute: ['additional', 'bootstrap-server', 'command-config', 'throttle', 'replica-alter-log-dirs-throttle', 'timeout', 'zookeeper'],
  cancel: ['bootstrap-server', 'command-config', 'preserve-throttles', 'timeout'],
  list: ['bootstrap-server', 'command-config'],
};

const BOOTSTRAP_SERVER_ONLY = ['additional', 'cancel', 'command-config', 'replica-alter-log-dirs-throttle', 'list', 'timeout'];

/**
 * ReassignPartitionsCommand.validateAndParseArgs: throws UsageError (printUsageAndDie), ToolOptionError (jopt) or
 * UncaughtToolError (the RuntimeException it throws outside main's error handling).
 */
export function parseReassignArgv(argv: readonly string[]): ParsedReassignArgv {
  const o = parseToolOptions(REASSIGN_OPTION_SPECS, argv);
  for (const name of ['throttle', 'replica-alter-log-dirs-throttle', 'timeout']) o.integer(name);
  if (argv.length === 0 || o.has('help')) return { kind: 'help', message: REASSIGN_HELP_TEXT };
  if (o.has('version')) return { kind: 'version' };
  const given = ACTIONS.filter((a) => o.has(a));
  if (given.length !== 1) throw new UsageError(`Command must include exactly one action: ${['generate', 'execute', 'verify', 'cancel', 'list'].map((a) => `--${a}`).join(', ')}`);
  const action = given[0]!;
  if (!o.has('zookeeper') && !o.has('bootstrap-server')) throw new UsageError('Please specify --bootstrap-server');
  checkRequired((n) => o.has(n), ...REQUIRED[action]);
  for (const name of o.names()) {
    if (name !== action && !REQUIRED[action].includes(name) && !PERMITTED[action].includes(name)) {
      throw new UsageError(`Option "[${name}]" can't be used with action "[${action}]"`);
    }
  }
  if (!o.has('bootstrap-server')) {
    for (const name of BOOTSTRAP_SERVER_ONLY) {
      if (o.has(name)) throw new UncaughtToolError('java.lang.RuntimeException', `You must specify --bootstrap-server when using "[${name}]"`);
    }
  }
  return {
    kind: 'run',
    args: {
      options: o,
      action,
      bootstrapServer: o.value('bootstrap-server'),
      commandConfig: o.value('command-config'),
      zookeeper: o.value('zookeeper'),
      reassignmentJsonFile: o.value('reassignment-json-file'),
      topicsToMoveJsonFile: o.value('topics-to-move-json-file'),
      brokerList: o.value('broker-list'),
      disableRackAware: o.has('disable-rack-aware'),
      throttle: o.integer('throttle')!,
      replicaAlterLogDirsThrottle: o.integer('replica-alter-log-dirs-throttle')!,
      timeoutMs: o.integer('timeout')!,
      additional: o.has('additional'),
      preserveThrottles: o.has('preserve-throttles'),
    },
  };
}
