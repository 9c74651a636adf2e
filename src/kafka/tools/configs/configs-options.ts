// kafka-configs' options (ConfigCommandOptions, Kafka 2.8) and checkArgs, with Kafka's texts. Entity types here are
// topics, brokers, users and clients (users and clients together for a user's client); ips and broker-loggers are
// refused as unsupported.
import { TOPIC_CONFIGS } from '../../admin/topic-config-defs.js';
import { DYNAMIC_BROKER_KEYS } from '../../admin/config-describer.js';
import { parseToolOptions, ToolOptionError, type OptionSpec, type ToolOptions } from '../tool-options.js';
import { HELP_OPTION, VERSION_OPTION, UsageError, checkInvalid, illegalArgument } from '../kafka-tool-common.js';

const BROKER_THROTTLES = ['follower.replication.throttled.rate', 'leader.replication.throttled.rate', 'replica.alter.log.dirs.io.max.bytes.per.second'];
const QUOTAS = ['consumer_byte_rate', 'controller_mutation_rate', 'producer_byte_rate', 'request_percentage'];
const javaSorted = (names: Iterable<string>) => [...new Set(names)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
const listed = (names: Iterable<string>) => `\n${javaSorted(names).map((n) => `\t${n}`).join('\n')}\n`;

export const CONFIGS_OPTION_SPECS: readonly OptionSpec[] = [
  HELP_OPTION,
  VERSION_OPTION,
  {
    name: 'zookeeper',
    arg: 'String: urls',
    description:
      'DEPRECATED. The connection string for the zookeeper connection in the form host:port. Multiple URLS can be given to allow fail-over. Replaced by --bootstrap-server, REQUIRED unless --bootstrap-server is given.',
  },
  { name: 'bootstrap-server', arg: 'String: server to connect to', description: 'The Kafka server to connect to. This is required for describing and altering broker configs.' },
  {
    name: 'command-config',
    arg: 'String: command config property file',
    description: 'Property file containing configs to be passed to Admin Client. This is used only with --bootstrap-server option for describing and altering broker configs.',
  },
  { name: 'alter', description: 'Alter the configuration for the entity.' },
  { name: 'describe', description: 'List configs for the given entity.' },
  { name: 'all', description: 'List all configs for the given topic, broker, or broker-logger entity (includes static configuration when the entity type is brokers)' },
  { name: 'entity-type', arg: 'String', repeatable: true, description: 'Type of entity (topics/clients/users/brokers/broker-loggers/ips)' },
  { name: 'entity-name', arg: 'String', repeatable: true, description: 'Name of entity (topic name/client id/user principal name/broker id/ip)' },
  { name: 'entity-default', description: 'Default entity name for clients/users/brokers/ips (applies to corresponding entity type in command line)' },
  {
    name: 'add-config',
    arg: 'String',
    description:
      "Key Value pairs of configs to add. Square brackets can be used to group values which contain commas: 'k1=v1,k2=[v1,v2,v2],k3=v3'. The following is a list of valid configurations: " +
      `For entity-type 'topics': ${listed(TOPIC_CONFIGS.map((d) => d.name))}` +
      `For entity-type 'brokers': ${listed([...DYNAMIC_BROKER_KEYS, ...BROKER_THROTTLES])}` +
      `For entity-type 'users': ${listed([...QUOTAS, 'SCRAM-SHA-256', 'SCRAM-SHA-512'])}` +
      `For entity-type 'clients': ${listed(QUOTAS)}` +
      `For entity-type 'ips': ${listed(['connection_creation_rate'])}` +
      "Entity types 'users' and 'clients' may be specified together to update config for clients of a specific user.",
  },
  { name: 'add-config-file', arg: 'String', description: 'Path to a properties file with configs to add. See add-config for a list of valid configurations.' },
  { name: 'delete-config', arg: 'String', repeatable: true, description: "config keys to remove 'k1,k2'" },
  { name: 'force', description: 'Suppress console prompts' },
  { name: 'topic', arg: 'String', description: "The topic's name." },
  { name: 'client', arg: 'String', description: "The client's ID." },
  { name: 'client-defaults', description: 'The config defaults for all clients.' },
  { name: 'user', arg: 'String', description: "The user's principal name." },
  { name: 'user-defaults', description: 'The config defaults for all users.' },
  { name: 'broker', arg: 'String', description: "The broker's ID." },
  { name: 'broker-defaults', description: 'The config defaults for all brokers.' },
  { name: 'broker-logger', arg: 'String', description: "The broker's ID for its logger config." },
  { name: 'ip-defaults', description: 'The config defaults for all IPs.' },
  { name: 'ip', arg: 'String', description: 'The IP address.' },
  {
    name: 'zk-tls-config-file',
    arg: 'String: ZooKeeper TLS configuration',
    description:
      'Identifies the file where ZooKeeper client TLS connectivity properties are defined.  Any properties other than zookeeper.clientCnxnSocket, zookeeper.ssl.cipher.suites, zookeeper.ssl.client.enable, zookeeper.ssl.crl.enable, zookeeper.ssl.enabled.protocols, zookeeper.ssl.endpoint.identification.algorithm, zookeeper.ssl.keystore.location, zookeeper.ssl.keystore.password, zookeeper.ssl.keystore.type, zookeeper.ssl.ocsp.enable, zookeeper.ssl.protocol, zookeeper.ssl.truststore.location, zookeeper.ssl.truststore.password, zookeeper.ssl.truststore.type are ignored.',
  },
  { name: 'output', arg: 'String: text|json|table', description: 'zkafka: print the result as Kafka does (text), as one JSON document (json) or as a table (table).' },
];

export const CONFIGS_USAGE_SPECS = CONFIGS_OPTION_SPECS.filter((s) => s.name !== 'output');

const ENTITY_FLAGS: readonly [string, string][] = [['topic', 'topics'], ['client', 'clients'], ['user', 'users'], ['broker', 'brokers'], ['broker-logger', 'broker-loggers'], ['ip', 'ips']];
const DEFAULT_FLAGS: readonly [string, string][] = [['client-defaults', 'clients'], ['user-defaults', 'users'], ['broker-defaults', 'brokers'], ['ip-defaults', 'ips']];
const ALL_TYPES = ['topics', 'clients', 'users', 'brokers', 'ips'];
const BROKER_SUPPORTED_TYPES = [...ALL_TYPES, 'broker-loggers'];

export interface ConfigsArgs {
  options: ToolOptions;
  action: 'describe' | 'alter';
  bootstrapServer?: string;
  zookeeper?: string;
  commandConfig?: string;
  entityType: string;
  /** The entity's name; '' for the default entity; undefined for every entity of the type (describe). */
  entityName?: string;
  /** Every entity type given (users and clients may come together), in Kafka's order. */
  entityTypes: string[];
  /** Every entity name given ('' for a default), in Kafka's order: --entity-name/--entity-default as they came. */
  entityNames: string[];
  describeAll: boolean;
  addConfig?: string;
  addConfigFile?: string;
  deleteConfigs: string[];
  output: 'text' | 'json' | 'table';
  /** The arguments joined by spaces, as Kafka's error line quotes them. */
  argsText: string;
}

/** OptionSet.specs order: each --entity-name value and each --entity-default ('') in the order given. */
function entityNameArgs(argv: readonly string[]): string[] {
  const takesValue = new Set(CONFIGS_OPTION_SPECS.filter((s) => s.arg !== undefined).map((s) => `--${s.name}`));
  const names: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--entity-default') names.push('');
    else if (a === '--entity-name') names.push(argv[++i] ?? '');
    else if (a.startsWith('--entity-name=')) names.push(a.slice('--entity-name='.length));
    else if (takesValue.has(a)) i++;
  }
  return names;
}

export type ParsedConfigsArgv = { kind: 'help'; message: string } | { kind: 'version' } | { kind: 'run'; args: ConfigsArgs };

/** ConfigCommandOptions + checkArgs; throws UsageError, ToolOptionError or UncaughtToolError (IllegalArgumentException). */
export function parseConfigsArgv(argv: readonly string[]): ParsedConfigsArgv {
  const o = parseToolOptions(CONFIGS_OPTION_SPECS, argv);
  const output = o.value('output') ?? 'text';
  if (output !== 'text' && output !== 'json' && output !== 'table') {
    throw new ToolOptionError(`Cannot parse argument '${output}' of option output`, 'joptsimple.OptionArgumentConversionException');
  }
  if (argv.length === 0) throw new UsageError('This tool helps to manipulate and describe entity config for a topic, client, user, broker or ip');
  if (o.has('help')) return { kind: 'help', message: 'This tool helps to manipulate and describe entity config for a topic, client, user, broker or ip' };
  if (o.has('version')) return { kind: 'version' };
  const has = (name: string) => o.has(name);
  if (['alter', 'describe'].filter(has).length !== 1) throw new UsageError('Command must include exactly one action: --describe, --alter');
  checkInvalid(has, 'alter', ['describe']);
  checkInvalid(has, 'describe', ['alter', 'add-config', 'delete-config']);

  const entityTypes = [...o.values('entity-type'), ...[...ENTITY_FLAGS, ...DEFAULT_FLAGS].filter(([flag]) => has(flag)).map(([, type]) => type)];
  const entityNames = [
    ...entityNameArgs(argv),
    ...ENTITY_FLAGS.filter(([flag]) => has(flag)).map(([flag]) => o.value(flag)!),
    ...DEFAULT_FLAGS.filter(([flag]) => has(flag)).map(() => ''),
  ];
  const duplicates = entityTypes.filter((t, i) => entityTypes.indexOf(t) !== i);
  if (duplicates.length > 0) throw illegalArgument(`Duplicate entity type(s) specified: ${[...new Set(duplicates)].join(',')}`);
  const [allowed, connectOpt] = has('bootstrap-server') ? [BROKER_SUPPORTED_TYPES, '--bootstrap-server'] : [ALL_TYPES, '--zookeeper'];
  for (const t of entityTypes) {
    if (!allowed.includes(t)) throw illegalArgument(`Invalid entity type ${t}, the entity type must be one of ${allowed.join(',')} with the ${connectOpt} argument`);
  }
  if (entityTypes.length === 0) throw illegalArgument('At least one entity type must be specified');
  if (entityTypes.length > 1 && !(entityTypes.length === 2 && entityTypes.includes('users') && entityTypes.includes('clients'))) {
    throw illegalArgument("Only 'users' and 'clients' entity types may be specified together");
  }
  if ((has('entity-name') || has('entity-type') || has('entity-default')) && [...ENTITY_FLAGS, ...DEFAULT_FLAGS].some(([flag]) => has(flag))) {
    throw illegalArgument('--entity-{type,name,default} should not be used in conjunction with specific entity flags');
  }
  const hasEntityName = entityNames.some((n) => n !== '');
  const hasEntityDefault = entityNames.some((n) => n === '');
  if (!has('bootstrap-server') && !has('zookeeper')) throw illegalArgument('One of the required --bootstrap-server or --zookeeper arguments must be specified');
  if (has('bootstrap-server') && has('zookeeper')) throw illegalArgument('Only one of --bootstrap-server or --zookeeper must be specified');
  if (has('all') && has('zookeeper')) throw illegalArgument('--bootstrap-server must be specified for --all');
  if (hasEntityName && (entityTypes.includes('brokers') || entityTypes.includes('broker-loggers'))) {
    for (const id of ['entity-name', 'broker', 'broker-logger'].filter(has).map((n) => o.value(n)!)) {
      if (!/^[+-]?\d+$/.test(id) || Math.abs(Number(id)) > 2147483647) {
        throw illegalArgument(`The entity name for ${entityTypes[0]} must be a valid integer broker id, but it is: ${id}`);
      }
    }
  }
  if (has('describe') && entityTypes.includes('broker-loggers') && !hasEntityName) {
    throw illegalArgument(`an entity name must be specified with --describe of ${entityTypes.join(',')}`);
  }
  if (has('alter')) {
    if (['users', 'clients', 'brokers', 'ips'].some((t) => entityTypes.includes(t))) {
      if (!hasEntityName && !hasEntityDefault) throw illegalArgument('an entity-name or default entity must be specified with --alter of users, clients, brokers or ips');
    } else if (!hasEntityName) throw illegalArgument(`an entity name must be specified with --alter of ${entityTypes.join(',')}`);
    if (has('add-config') && has('add-config-file')) throw illegalArgument('Only one of --add-config or --add-config-file must be specified');
    if (!has('add-config') && !has('add-config-file') && !has('delete-config')) {
      throw illegalArgument('At least one of --add-config, --add-config-file, or --delete-config must be specified with --alter');
    }
  }
  const entityType = entityTypes[0]!;
  if (entityType !== 'topics' && entityType !== 'brokers' && entityType !== 'users' && entityType !== 'clients') {
    throw illegalArgument(`zkafka's kafka-configs supports the entity types topics, brokers, users and clients, not ${entityType}`);
  }
  return {
    kind: 'run',
    args: {
      options: o,
      action: has('alter') ? 'alter' : 'describe',
      bootstrapServer: o.value('bootstrap-server'),
      zookeeper: o.value('zookeeper'),
      commandConfig: o.value('command-config'),
      entityType,
      entityName: entityNames[0],
      entityTypes,
      entityNames,
      describeAll: has('all'),
      addConfig: o.value('add-config'),
      addConfigFile: o.value('add-config-file'),
      // withValuesSeparatedBy(','): every value is a comma-separated list.
      deleteConfigs: o.values('delete-config').flatMap((v) => v.split(',')),
      output,
      argsText: argv.join(' '),
    },
  };
}
