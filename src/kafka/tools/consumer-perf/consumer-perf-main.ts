// kafka-consumer-perf-test: consumes --messages records in a group and prints Kafka 2.8's ConsumerPerformance
// header and summary (or a line per --reporting-interval with --show-detailed-stats).
import { randomInt } from 'node:crypto';
import { KafkaGroupConsumer } from '../../client/consumer/kafka-group-consumer.js';
import { consumerOptionsOf, defined, loadPropertiesFile } from '../consumer-properties.js';
import { parseToolOptions, ToolOptionError, type OptionSpec, type ToolOptions } from '../tool-options.js';
import { HELP_SPEC, printUsageAndDie, VERSION_SPEC, type ToolIo } from '../tool-usage.js';
import { KAFKA_TOOLS_VERSION } from '../tool-version.js';
import { header, progressLine, summaryLine } from './perf-report.js';
import { formatMetrics } from '../print-metrics.js';

const SUMMARY = 'This tool helps in performance test for the full zookeeper consumer';

const SPECS: readonly OptionSpec[] = [
  { name: 'broker-list', arg: 'String: broker-list', description: 'DEPRECATED, use --bootstrap-server instead; ignored if --bootstrap-server is specified. The broker list string in the form HOST1:PORT1,HOST2:PORT2.' },
  { name: 'bootstrap-server', arg: 'String: server to connect to', description: 'REQUIRED unless --broker-list(deprecated) is specified. The server(s) to connect to.' },
  { name: 'topic', arg: 'String: topic', description: 'REQUIRED: The topic to consume from.' },
  { name: 'group', arg: 'String: gid', description: 'The group id to consume on.', defaultValue: 'perf-consumer-NNNNN' },
  { name: 'fetch-size', arg: 'Integer: size', description: 'The amount of data to fetch in a single request.', defaultValue: '1048576' },
  { name: 'from-latest', description: 'If the consumer does not already have an established offset to consume from, start with the latest message present in the log rather than the earliest message.' },
  { name: 'socket-buffer-size', arg: 'Integer: size', description: 'The size of the tcp RECV size.', defaultValue: '2097152' },
  { name: 'threads', arg: 'Integer: count', description: 'DEPRECATED AND IGNORED: Number of processing threads.', defaultValue: '10' },
  { name: 'num-fetch-threads', arg: 'Integer: count', description: 'DEPRECATED AND IGNORED: Number of fetcher threads.', defaultValue: '1' },
  { name: 'consumer.config', arg: 'String: config file', description: 'Consumer config properties file.' },
  { name: 'print-metrics', description: 'Print out the metrics.' },
  { name: 'show-detailed-stats', description: 'If set, stats are reported for each reporting interval as configured by reporting-interval' },
  { name: 'timeout', arg: 'Long: milliseconds', description: 'The maximum allowed time in milliseconds between returned records.', defaultValue: '10000' },
  { name: 'reporting-interval', arg: 'Integer: interval_ms', description: 'Interval in milliseconds at which to print progress info.', defaultValue: '5000' },
  { name: 'date-format', arg: 'String: date format', description: 'The date format to use for formatting the time field. See java.text.SimpleDateFormat for options.', defaultValue: 'yyyy-MM-dd HH:mm:ss:SSS' },
  { name: 'hide-header', description: 'If set, skips printing the header for the stats ' },
  { name: 'messages', arg: 'Long: count', description: 'REQUIRED: The number of messages to send or consume' },
  HELP_SPEC,
  VERSION_SPEC,
];

const EXAMPLES = ['zkafka kafka-consumer-perf-test --bootstrap-server localhost:9092 --topic perf --messages 1000000', 'zkafka kafka-consumer-perf-test --bootstrap-server localhost:9092 --topic perf --messages 100000 --show-detailed-stats --reporting-interval 1000'];

function missing(o: ToolOptions): string | undefined {
  const absent = ['topic', 'messages'].filter((n) => !o.has(n));
  if (absent.length > 0) return `Missing required argument "[${absent.join(', ')}]"`;
  if (!o.has('bootstrap-server') && !o.has('broker-list')) return 'Missing required argument "[bootstrap-server]"';
  return undefined;
}

export async function runConsumerPerfTest(argv: readonly string[], io: ToolIo): Promise<number> {
  let o: ToolOptions;
  try {
    o = parseToolOptions(SPECS, argv);
    if (o.has('help')) return printUsageAndDie(io, SPECS, SUMMARY, EXAMPLES);
    if (o.has('version')) {
      io.stdout.write(`${KAFKA_TOOLS_VERSION}\n`);
      return 0;
    }
    const problem = missing(o);
    if (problem !== undefined) return printUsageAndDie(io, SPECS, problem);
    return await run(o, io);
  } catch (err) {
    if (err instanceof ToolOptionError) return printUsageAndDie(io, SPECS, err.message);
    throw err;
  }
}

async function run(o: ToolOptions, io: ToolIo): Promise<number> {
  const props = o.has('consumer.config') ? loadPropertiesFile(o.value('consumer.config')!) : new Map<string, string>();
  const count = o.integer('messages')!;
  const timeoutMs = o.integer('timeout')!;
  const reportingMs = o.integer('reporting-interval')!;
  const dateFormat = o.value('date-format')!;
  const detailed = o.has('show-detailed-stats');
  let joinMs = 0;
  let joinStart = 0;
  let periodJoinMs = 0;
  const consumer = new KafkaGroupConsumer({
    bootstrapServers: o.value('bootstrap-server') ?? o.value('broker-list')!,
    clientId: 'perf-consumer-client',
    ...defined(consumerOptionsOf(props)),
    groupId: o.has('group') ? o.value('group')! : props.get('group.id') ?? `perf-consumer-${randomInt(100000)}`,
    maxPartitionFetchBytes: o.integer('fetch-size')!,
    autoOffsetReset: o.has('from-latest') ? 'latest' : 'earliest',
    rebalanceListener: {
      onPartitionsRevoked: () => void (joinStart = Date.now()),
      onPartitionsAssigned: () => {
        joinMs += Date.now() - joinStart;
        periodJoinMs += Date.now() - joinStart;
      },
    },
  });
  consumer.subscribe([o.value('topic')!]);
  if (!o.has('hide-header')) io.stdout.write(`${header(detailed)}\n`);
  const startMs = Date.now();
  joinStart = startMs;
  let messages = 0;
  let bytes = 0;
  let lastMessages = 0;
  let lastBytes = 0;
  let lastReport = startMs;
  let lastConsumed = startMs;
  let now = startMs;
  try {
    while (messages < count && now - lastConsumed <= timeoutMs) {
      const records = await consumer.poll(100);
      now = Date.now();
      if (records.length > 0) lastConsumed = now;
      for (const r of records) {
        messages++;
        if (r.key !== null) bytes += r.key.length;
        if (r.value !== null) bytes += r.value.length;
        if (now - lastReport >= reportingMs) {
          if (detailed) io.stdout.write(`${progressLine({ bytes, lastBytes, messages, lastMessages, startMs: lastReport, endMs: now, joinMs: periodJoinMs }, dateFormat)}\n`);
          periodJoinMs = 0;
          lastReport = now;
          lastMessages = messages;
          lastBytes = bytes;
        }
      }
    }
    if (messages < count) {
      io.stdout.write(`WARNING: Exiting before consuming the expected number of messages: timeout (${timeoutMs} ms) exceeded. You can use the --timeout option to increase the timeout.\n`);
    }
  } finally {
    const endMs = Date.now();
    // As ConsumerPerformance: the metrics are read before close and printed after the summary.
    const metrics = o.has('print-metrics') ? consumer.metrics() : undefined;
    await consumer.close().catch(() => {});
    if (!detailed) io.stdout.write(`${summaryLine({ startMs, endMs, bytes, messages, joinMs }, dateFormat)}\n`);
    if (metrics !== undefined) io.stdout.write(formatMetrics(metrics));
  }
  return 0;
}
