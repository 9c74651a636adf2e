// kafka-producer-perf-test (Kafka 2.8's ProducerPerformance): sends --num-records records of --record-size random
// capital letters (or lines picked at random from --payload-file) as fast as the producer takes them or at the
// --throughput rate, printing a line every 5 s and the totals with latency percentiles at the end.
import { readFileSync, statSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import type { Writable } from 'node:stream';
import { KafkaProducer, type ProducerRecord } from '../../client/producer/kafka-producer.js';
import type { RecordMetadata } from '../../client/producer/producer-batch.js';
import { javaExceptionLine } from '../command-line-utils.js';
import { loadPropertiesFile, producerOptionsFromProperties, ProducerConfigError } from '../producer-properties.js';
import { parseToolOptions, ToolOptionError, type OptionSpec, type ToolOptions } from '../tool-options.js';
import { formatMetrics } from '../print-metrics.js';
import { JavaRandom } from './java-random.js';
import { PerfStats } from './perf-stats.js';
import { ThroughputThrottler } from './throughput-throttler.js';

export interface PerfTestIo {
  stdout: Writable;
  stderr: Writable;
}

const PROG = 'producer-performance';

const OPTIONS: readonly OptionSpec[] = [
  { name: 'topic', arg: 'TOPIC', description: 'produce messages to this topic' },
  { name: 'num-records', arg: 'NUM-RECORDS', description: 'number of messages to produce' },
  { name: 'record-size', arg: 'RECORD-SIZE', description: 'message size in bytes. Note that you must provide exactly one of --record-size or --payload-file.' },
  { name: 'payload-file', arg: 'PAYLOAD-FILE', description: 'file to read the message payloads from. This works only for UTF-8 encoded text files. Payloads will be read from this file and a payload will be randomly selected when sending messages. Note that you must provide exactly one of --record-size or --payload-file.' },
  { name: 'payload-delimiter', arg: 'PAYLOAD-DELIMITER', defaultValue: '\\n', description: 'provides delimiter to be used when --payload-file is provided. Defaults to new line. Note that this parameter will be ignored if --payload-file is not provided.' },
  { name: 'throughput', arg: 'THROUGHPUT', description: 'throttle maximum message throughput to *approximately* THROUGHPUT messages/sec. Set this to -1 to disable throttling.' },
  { name: 'producer-props', arg: 'PROP-NAME=PROP-VALUE', multipleValues: true, repeatable: true, description: 'kafka producer related configuration properties like bootstrap.servers,client.id etc. These configs take precedence over those passed via --producer.config.' },
  { name: 'producer.config', arg: 'CONFIG-FILE', description: 'producer config properties file.' },
  { name: 'print-metrics', defaultValue: 'false', description: 'print out metrics at the end of the test.' },
  { name: 'help', description: 'show this help message and exit' },
];

const USAGE =
  `usage: ${PROG} [-h] --topic TOPIC --num-records NUM-RECORDS [--payload-delimiter PAYLOAD-DELIMITER] --throughput THROUGHPUT\n` +
  '                            [--producer-props PROP-NAME=PROP-VALUE [PROP-NAME=PROP-VALUE ...]] [--producer.config CONFIG-FILE] [--print-metrics]\n' +
  '                            (--record-size RECORD-SIZE | --payload-file PAYLOAD-FILE)';

function helpText(): string {
  const lines = [USAGE, '', 'This tool is used to verify the producer performance.', '', 'optional arguments:'];
  const option = (spec: OptionSpec) => {
    const head = `  --${spec.name}${spec.arg ? ` ${spec.arg}` : ''}`;
    const text = spec.defaultValue !== undefined ? `${spec.description} (default: ${spec.defaultValue})` : spec.description;
    // argparse4j puts the help beside a short option, under a long one.
    if (head.length < 23) lines.push(`${head.padEnd(25)}${text}`);
    else lines.push(head, `                         ${text}`);
  };
  lines.push('  -h, --help               show this help message and exit');
  for (const spec of OPTIONS.filter((s) => s.name !== 'help' && s.name !== 'record-size' && s.name !== 'payload-file')) option(spec);
  lines.push('', '  either --record-size or --payload-file must be specified but not both.', '');
  for (const spec of OPTIONS.filter((s) => s.name === 'record-size' || s.name === 'payload-file')) option(spec);
  lines.push(
    '',
    'Examples:',
    '  zkafka kafka-producer-perf-test --topic perf --num-records 1000000 --record-size 100 --throughput -1 --producer-props bootstrap.servers=127.0.0.1:9092',
    '  zkafka kafka-producer-perf-test --topic perf --num-records 50000 --payload-file lines.txt --throughput 10000 --producer-props bootstrap.servers=127.0.0.1:9092 acks=all',
  );
  return lines.join('\n') + '\n';
}

class ArgumentError extends Error {}

function intArg(options: ToolOptions, name: string, required: boolean): number | undefined {
  const text = options.value(name);
  if (text === undefined) {
    if (required) throw new ArgumentError(`argument --${name} is required`);
    return undefined;
  }
  if (!/^-?\d+$/.test(text)) throw new ArgumentError(`argument --${name}: could not convert '${text}' to ${name === 'num-records' ? 'Long' : 'Integer'} (For input string: "${text}")`);
  return Number(text);
}

export async function runProducerPerfTest(argv: readonly string[], io: PerfTestIo): Promise<number> {
  if (argv.length === 0) {
    io.stdout.write(helpText());
    return 0;
  }
  const out = (line: string) => io.stdout.write(`${line}\n`);
  let topic: string;
  let numRecords: number;
  let recordSize: number | undefined;
  let throughput: number;
  let payloadFile: string | undefined;
  let delimiter: string;
  let props: Map<string, string>;
  let printMetrics = false;
  try {
    let options: ToolOptions;
    try {
      options = parseToolOptions(OPTIONS, argv.map((a) => (a === '-h' ? '--help' : a)));
    } catch (err) {
      if (err instanceof ToolOptionError) throw new ArgumentError(`unrecognized arguments: '${argv.find((a) => a.startsWith('-') && err.message.includes(a.replace(/^--?/, '').split('=')[0]!)) ?? err.message}'`);
      throw err;
    }
    if (options.has('help')) {
      io.stdout.write(helpText());
      return 0;
    }
    topic = options.value('topic') ?? '';
    if (!options.has('topic')) throw new ArgumentError('argument --topic is required');
    numRecords = intArg(options, 'num-records', true)!;
    throughput = intArg(options, 'throughput', true)!;
    recordSize = intArg(options, 'record-size', false);
    payloadFile = options.value('payload-file');
    if (recordSize !== undefined && payloadFile !== undefined) throw new ArgumentError('argument --payload-file: not allowed with argument --record-size');
    if (recordSize === undefined && payloadFile === undefined) throw new ArgumentError('one of the arguments --record-size --payload-file is required');
    const producerProps = options.values('producer-props');
    if (producerProps.length === 0 && !options.has('producer.config')) throw new ArgumentError('Either --producer-props or --producer.config must be specified.');
    printMetrics = options.has('print-metrics');
    const d = options.value('payload-delimiter')!;
    delimiter = d === '\\n' ? '\n' : d;
    props = options.has('producer.config') ? loadPropertiesFile(options.value('producer.config')!) : new Map();
    for (const prop of producerProps) {
      const pieces = prop.split('=');
      if (pieces.length !== 2) throw new ProducerConfigError(`Exception in thread "main" java.lang.IllegalArgumentException: Invalid property: ${prop}`);
      props.set(pieces[0]!, pieces[1]!);
    }
  } catch (err) {
    if (err instanceof ArgumentError) {
      io.stderr.write(`${USAGE}\n${PROG}: error: ${err.message}\n`);
      return 1;
    }
    if (err instanceof ProducerConfigError) {
      io.stderr.write(`${err.message}\n`);
      return 1;
    }
    throw err;
  }

  const random = new JavaRandom(0);
  let payloads: Buffer[] = [];
  if (payloadFile !== undefined) {
    const path = resolvePath(payloadFile);
    out(`Reading payloads from: ${path}`);
    let size = 0;
    try {
      size = statSync(path).size;
    } catch {
      size = 0;
    }
    if (size === 0) {
      io.stderr.write('Exception in thread "main" java.lang.IllegalArgumentException: File does not exist or empty file provided.\n');
      return 1;
    }
    // String.split with a regex drops trailing empty strings.
    const parts = readFileSync(path, 'utf8').split(new RegExp(delimiter));
    while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
    out(`Number of messages read: ${parts.length}`);
    payloads = parts.map((p) => Buffer.from(p));
  }
  let producer: KafkaProducer;
  try {
    // The Java producer's first client id when none is configured.
    const options = producerOptionsFromProperties(props);
    producer = new KafkaProducer({ ...options, clientId: options.clientId ?? 'producer-1' });
  } catch (err) {
    io.stderr.write(`Exception in thread "main" org.apache.kafka.common.config.ConfigException: ${(err as Error).message}\n`);
    return 1;
  }
  let payload: Buffer | undefined;
  if (recordSize !== undefined) {
    payload = Buffer.allocUnsafe(recordSize);
    for (let i = 0; i < recordSize; i++) payload[i] = random.nextInt(26) + 65;
  }

  const stats = new PerfStats(numRecords, 5000, out);
  // The record's timestamp is its send time: its acknowledgement carries it back, so with one record size a single
  // callback serves every record; payloads of several sizes get a callback each.
  const deliveredOf = (bytes: number) => (md: RecordMetadata) => {
    const now = Date.now();
    stats.record(now - md.timestamp, bytes, now);
  };
  const deliveredFixed = deliveredOf(recordSize ?? 0);
  const failed = (err: Error, record: { timestamp: number; value: Buffer | null }) => {
    const now = Date.now();
    stats.record(now - record.timestamp, record.value?.length ?? 0, now);
    io.stderr.write(`${javaExceptionLine(err)}\n`);
  };
  const startMs = Date.now();
  const throttler = new ThroughputThrottler(throughput, startMs);
  let exitCode = 0;
  let totalPrinted = false;
  try {
    for (let i = 0; i < numRecords; i++) {
      const value = payloadFile !== undefined ? payloads[random.nextInt(payloads.length)]! : payload!;
      const sendStartMs = Date.now();
      const record: ProducerRecord = { topic, value, timestamp: sendStartMs };
      const delivered = payloadFile !== undefined ? deliveredOf(value.length) : deliveredFixed;
      if (!producer.tryAppend(record, delivered, failed)) {
        try {
          const { delivered: done } = await producer.append(record);
          done.then(delivered, (err: Error) => failed(err, { timestamp: sendStartMs, value }));
        } catch (err) {
          failed(err as Error, { timestamp: sendStartMs, value });
        }
      }
      if (throttler.shouldThrottle(i, sendStartMs)) {
        const sleepMs = throttler.owedSleepMs();
        if (sleepMs > 0) await new Promise((r) => setTimeout(r, sleepMs === Infinity ? 2 ** 31 - 1 : sleepMs));
      }
    }
    if (printMetrics) {
      // As ProducerPerformance: flush, the totals, the metrics, then close.
      await producer.flush();
      out(stats.totalLine());
      totalPrinted = true;
      io.stdout.write(formatMetrics(producer.metrics()));
    }
    await producer.close();
  } catch (err) {
    io.stderr.write(`${javaExceptionLine(err)}\n`);
    exitCode = 1;
  }
  if (!totalPrinted) out(stats.totalLine());
  return exitCode;
}
