// kafka-console-producer's options (Kafka 2.8's ConsoleProducer.ProducerConfig: names, descriptions, defaults) and
// the producer properties they make: the --producer.config file, then --producer-property over it, then the
// dedicated options over both where given (an option left at its default only fills a key nobody set).
import { HELP_OPTION, VERSION_OPTION } from '../command-line-utils.js';
import { loadPropertiesFile, parseKeyValueArgs, ProducerConfigError } from '../producer-properties.js';
import { ToolOptionError, type OptionSpec, type ToolOptions } from '../tool-options.js';
import { COMPRESSION_NAMES } from '../../protocol/records/compression/index.js';

export const CONSOLE_PRODUCER_OPTIONS: readonly OptionSpec[] = [
  { name: 'topic', arg: 'String: topic', description: 'REQUIRED: The topic id to produce messages to.' },
  { name: 'broker-list', arg: 'String: broker-list', description: 'DEPRECATED, use --bootstrap-server instead; ignored if --bootstrap-server is specified.  The broker list string in the form HOST1:PORT1,HOST2:PORT2.' },
  { name: 'bootstrap-server', arg: 'String: server to connect to', description: 'REQUIRED unless --broker-list(deprecated) is specified. The server(s) to connect to. The broker list string in the form HOST1:PORT1,HOST2:PORT2.' },
  { name: 'sync', description: 'If set message send requests to the brokers are synchronously, one at a time as they arrive.' },
  { name: 'compression-codec', arg: 'String: compression-codec', optionalArg: true, description: "The compression codec: either 'none', 'gzip', 'snappy', 'lz4', or 'zstd'.If specified without value, then it defaults to 'gzip'" },
  { name: 'batch-size', arg: 'Integer: size', defaultValue: '200', description: 'Number of messages to send in a single batch if they are not being sent synchronously. (Kafka 2.8 parses it and does not use it: --max-partition-memory-bytes sets batch.size.)' },
  { name: 'message-send-max-retries', arg: 'Integer', defaultValue: '3', description: 'Brokers can fail receiving the message for multiple reasons, and being unavailable transiently is just one of them. This property specifies the number of retries before the producer give up and drop this message.' },
  { name: 'retry-backoff-ms', arg: 'Integer', defaultValue: '100', description: 'Before each retry, the producer refreshes the metadata of relevant topics. Since leader election takes a bit of time, this property specifies the amount of time that the producer waits before refreshing the metadata.' },
  { name: 'timeout', arg: 'Integer: timeout_ms', defaultValue: '1000', description: 'If set and the producer is running in asynchronous mode, this gives the maximum amount of time a message will queue awaiting sufficient batch size. The value is given in ms.' },
  { name: 'request-required-acks', arg: 'String: request required acks', defaultValue: '1', description: 'The required acks of the producer requests' },
  { name: 'request-timeout-ms', arg: 'Integer: request timeout ms', defaultValue: '1500', description: 'The ack timeout of the producer requests. Value must be non-negative and non-zero' },
  { name: 'metadata-expiry-ms', arg: 'Long: metadata expiration interval', defaultValue: '300000', description: "The period of time in milliseconds after which we force a refresh of metadata even if we haven't seen any leadership changes." },
  { name: 'max-block-ms', arg: 'Long: max block on send', defaultValue: '60000', description: 'The max time that the producer will block for during a send request' },
  { name: 'max-memory-bytes', arg: 'Long: total memory in bytes', defaultValue: '33554432', description: 'The total memory used by the producer to buffer records waiting to be sent to the server.' },
  { name: 'max-partition-memory-bytes', arg: 'Long: memory in bytes per partition', defaultValue: '16384', description: 'The buffer size allocated for a partition. When records are received which are smaller than this size the producer will attempt to optimistically group them together until this size is reached.' },
  { name: 'line-reader', arg: 'String: reader_class', defaultValue: 'kafka.tools.ConsoleProducer$LineMessageReader', description: 'The class name of the class to use for reading lines from standard in. By default each line is read as a separate message.' },
  { name: 'socket-buffer-size', arg: 'Integer: size', defaultValue: '102400', description: 'The size of the tcp RECV size.' },
  {
    name: 'property', arg: 'String: prop', repeatable: true,
    description: 'A mechanism to pass user-defined properties in the form key=value to the message reader. This allows custom configuration for a user-defined message reader. Default properties include: parse.key=false, parse.headers=false, ignore.error=false, key.separator=\\t, headers.delimiter=\\t, headers.separator=",", headers.key.separator=":", null.marker (a key, value or header value equal to it is null). Line layout with parse.headers=true and parse.key=true: "h1:v1,h2:v2...\\tkey\\tvalue".',
  },
  { name: 'producer-property', arg: 'String: producer_prop', repeatable: true, description: 'A mechanism to pass user-defined properties in the form key=value to the producer.' },
  { name: 'producer.config', arg: 'String: config file', description: 'Producer config properties file. Note that [producer-property] takes precedence over this config.' },
  HELP_OPTION,
  VERSION_OPTION,
];

export const CONSOLE_PRODUCER_MESSAGE = 'This tool helps to read data from standard input and publish it to Kafka.';

export const CONSOLE_PRODUCER_EXAMPLES = [
  'zkafka console-producer --bootstrap-server 127.0.0.1:9092 --topic orders < orders.txt',
  'zkafka console-producer --bootstrap-server 127.0.0.1:9092 --topic orders --property parse.key=true --property key.separator=:',
  'zkafka console-producer --bootstrap-server 127.0.0.1:9092 --topic t --property parse.headers=true --property parse.key=true   # h1:v1,h2:v2<TAB>key<TAB>value',
  'zkafka console-producer --bootstrap-server 127.0.0.1:9092 --topic t --compression-codec lz4 --request-required-acks all --sync',
];

export interface ConsoleProducerConfig {
  topic: string;
  sync: boolean;
  producerProps: Map<string, string>;
  readerProps: Map<string, string>;
}

/** Which producer key each dedicated option sets (CommandLineUtils.maybeMergeOptions). */
const MERGED: readonly [option: string, key: string][] = [
  ['timeout', 'linger.ms'],
  ['request-required-acks', 'acks'],
  ['request-timeout-ms', 'request.timeout.ms'],
  ['message-send-max-retries', 'retries'],
  ['retry-backoff-ms', 'retry.backoff.ms'],
  ['socket-buffer-size', 'send.buffer.bytes'],
  ['max-memory-bytes', 'buffer.memory'],
  ['max-partition-memory-bytes', 'batch.size'],
  ['metadata-expiry-ms', 'metadata.max.age.ms'],
  ['max-block-ms', 'max.block.ms'],
];

const NUMERIC = ['batch-size', 'message-send-max-retries', 'retry-backoff-ms', 'timeout', 'request-timeout-ms', 'metadata-expiry-ms', 'max-block-ms', 'max-memory-bytes', 'max-partition-memory-bytes', 'socket-buffer-size'];

/** Checks the parsed options as ConsoleProducer does and computes the producer and reader properties. */
export function consoleProducerConfig(options: ToolOptions): ConsoleProducerConfig {
  if (!options.has('bootstrap-server') && !options.has('broker-list')) throw new ToolOptionError('Missing required option(s) [bootstrap-server]');
  for (const name of NUMERIC) options.integer(name);
  const topic = options.value('topic');
  if (topic === undefined) throw new ToolOptionError('Missing required argument "[topic]"');
  const servers = options.value(options.has('bootstrap-server') ? 'bootstrap-server' : 'broker-list')!;
  if (!validHostPorts(servers)) throw new ToolOptionError('Please provide valid host:port like host1:9091,host2:9092\n ');
  const props = options.has('producer.config') ? loadPropertiesFile(options.value('producer.config')!) : new Map<string, string>();
  for (const [k, v] of parseKeyValueArgs(options.values('producer-property'))) props.set(k, v);
  props.set('bootstrap.servers', servers);
  const codec = options.values('compression-codec').at(-1);
  props.set('compression.type', options.has('compression-codec') ? (codec === undefined || codec === '' ? 'gzip' : codec) : 'none');
  if (!(COMPRESSION_NAMES as readonly string[]).includes(props.get('compression.type')!)) {
    throw new ProducerConfigError(`Invalid value ${props.get('compression.type')} for configuration compression.type: String must be one of: ${COMPRESSION_NAMES.join(', ')}`);
  }
  if (!props.has('client.id')) props.set('client.id', 'console-producer');
  for (const [option, key] of MERGED) if (options.has(option) || !props.has(key)) props.set(key, options.value(option)!);
  return { topic, sync: options.has('sync'), producerProps: props, readerProps: parseKeyValueArgs(options.values('property')) };
}

/** ToolsUtils.validatePortOrDie: every entry is host:port with a numeric port. */
function validHostPorts(list: string): boolean {
  const entries = list.split(',');
  return entries.length > 0 && entries.every((e) => /^.+:\d+$/.test(e.trim()) && e.trim().length > 0);
}
