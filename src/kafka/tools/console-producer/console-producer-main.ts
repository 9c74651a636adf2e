// kafka-console-producer: stdin lines become records of one topic. Reads large blocks and hands each line on as
// a view of its block; a record goes straight into its batch when the producer has room, and reading pauses while
// buffer.memory is full. Failed sends are logged as the Java tool's ErrorLoggingCallback logs them and make the
// exit code 1 (Kafka 2.8 exits 0 after logging them).
import type { Readable, Writable } from 'node:stream';
import type { RecordInput } from '../../protocol/records/index.js';
import { KafkaProducer, type ProducerRecord } from '../../client/producer/kafka-producer.js';
import { javaExceptionLine, toolLogLine, usageText } from '../command-line-utils.js';
import { KAFKA_TOOLS_VERSION } from '../tool-version.js';
import { producerOptionsFromProperties, ProducerConfigError } from '../producer-properties.js';
import { parseToolOptions, ToolOptionError, type ToolOptions } from '../tool-options.js';
import { CONSOLE_PRODUCER_EXAMPLES, CONSOLE_PRODUCER_MESSAGE, CONSOLE_PRODUCER_OPTIONS, consoleProducerConfig } from './console-producer-options.js';
import { fdSource, forEachLineSpan, streamSource, type ByteSource } from './input-lines.js';
import { LineFormatError, LineMessageReader, lineReaderConfig } from './line-message-reader.js';

export interface ConsoleProducerIo {
  /** Read only on a terminal: a stream on a pipe would switch fd 0 to non-blocking reads. */
  readonly stdin: Readable;
  /** Read directly, in large blocks, when stdin is not a terminal. */
  stdinFd?: number;
  stdinIsTTY: boolean;
  stdout: Writable & { isTTY?: boolean };
  stderr: Writable;
}

const DEFAULT_READER = 'kafka.tools.ConsoleProducer$LineMessageReader';
const CALLBACK_LOGGER = 'org.apache.kafka.clients.producer.internals.ErrorLoggingCallback';

const usage = () => usageText(CONSOLE_PRODUCER_MESSAGE, CONSOLE_PRODUCER_OPTIONS, CONSOLE_PRODUCER_EXAMPLES);

export async function runConsoleProducer(argv: readonly string[], io: ConsoleProducerIo): Promise<number> {
  let options: ToolOptions;
  try {
    options = parseToolOptions(CONSOLE_PRODUCER_OPTIONS, argv);
    if (argv.length === 0 || options.has('help')) {
      io.stderr.write(usage());
      return 1;
    }
    if (options.has('version')) {
      io.stdout.write(`${KAFKA_TOOLS_VERSION}\n`);
      return 0;
    }
  } catch (err) {
    if (!(err instanceof ToolOptionError)) throw err;
    io.stderr.write(`${err.message}\n${usage()}`);
    return 1;
  }
  let producer: KafkaProducer;
  let topic: string;
  let sync: boolean;
  let reader: LineMessageReader;
  try {
    const config = consoleProducerConfig(options);
    if (options.value('line-reader') !== DEFAULT_READER) throw new ProducerConfigError(`java.lang.ClassNotFoundException: ${options.value('line-reader')}`);
    reader = new LineMessageReader(lineReaderConfig(config.readerProps));
    producer = new KafkaProducer(producerOptionsFromProperties(config.producerProps));
    ({ topic, sync } = config);
  } catch (err) {
    if (err instanceof ToolOptionError) io.stderr.write(`${err.message}\n${usage()}`);
    else if (err instanceof ProducerConfigError) io.stderr.write(`${err.message.startsWith('java.') ? '' : 'org.apache.kafka.common.config.ConfigException: '}${err.message}\n`);
    else if (err instanceof LineFormatError) io.stderr.write(`org.apache.kafka.common.KafkaException: ${err.message}\n`);
    else io.stderr.write(`${javaExceptionLine(err)}\n`);
    return 1;
  }
  return produceLines(producer, topic, sync, reader, io);
}

async function produceLines(producer: KafkaProducer, topic: string, sync: boolean, reader: LineMessageReader, io: ConsoleProducerIo): Promise<number> {
  // Java prints the prompt when System.console() exists: stdin and stdout both terminals.
  const prompt = io.stdinIsTTY && io.stdout.isTTY === true;
  let failed = 0;
  let lineNumber = 0;
  let now = Date.now();
  const logFailure = (err: Error, record: { key?: unknown; value?: unknown }) => {
    failed++;
    const size = (b: unknown) => (b === null || b === undefined ? 'null' : `${(b as Buffer).length} bytes`);
    io.stderr.write(`${toolLogLine('ERROR', `Error when sending message to topic ${topic} with key: ${size(record.key)}, value: ${size(record.value)} with error:`, CALLBACK_LOGGER)}\n${javaExceptionLine(err)}\n`);
  };
  const delivered = () => {};
  const onFailure = (err: Error, record: RecordInput) => logFailure(err, record);
  const plain = reader.plain;

  const onLine = (block: Buffer, start: number, end: number): void | Promise<void> => {
    lineNumber++;
    // A plain line is copied into its batch straight from the read buffer.
    if (plain && !sync && producer.tryAppendValue(topic, block, start, end, now, delivered, onFailure)) {
      if (prompt) io.stdout.write('>');
      return;
    }
    const line = block.subarray(start, end);
    const record: ProducerRecord = plain ? { topic, value: line, timestamp: now } : { topic, ...reader.parse(line, lineNumber), timestamp: now };
    if (sync) {
      return producer.send({ ...record }).then(() => {
        if (prompt) io.stdout.write('>');
      });
    }
    if (producer.tryAppend(record, delivered, onFailure)) {
      if (prompt) io.stdout.write('>');
      return;
    }
    // Waits for metadata or buffer space: the back-pressure that pauses reading.
    const waiting = { ...record };
    return producer.append(waiting).then(
      (r) => {
        r.delivered.then(delivered, (err: Error) => logFailure(err, waiting));
        if (prompt) io.stdout.write('>');
      },
      (err: Error) => {
        logFailure(err, waiting);
        if (prompt) io.stdout.write('>');
      },
    );
  };

  const source: ByteSource = io.stdinIsTTY || io.stdinFd === undefined ? streamSource(io.stdin) : fdSource(io.stdinFd);
  let interrupted = false;
  const interrupt = () => {
    interrupted = true;
    // Java's shutdown hook closes (flushes) the producer; the JVM then exits 130 on SIGINT.
    void producer.close().finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  let code = 0;
  try {
    if (prompt) io.stdout.write('>');
    await forEachLineSpan(source, onLine, () => (now = Date.now()));
  } catch (err) {
    code = 1;
    if (err instanceof LineFormatError) io.stderr.write(`org.apache.kafka.common.KafkaException: ${err.message}\n`);
    // --sync: send().get() throws ExecutionException around the cause.
    else io.stderr.write(`${sync ? 'java.util.concurrent.ExecutionException: ' : ''}${javaExceptionLine(err)}\n`);
  } finally {
    if (!interrupted) {
      await producer.close();
      process.removeListener('SIGINT', interrupt);
      process.removeListener('SIGTERM', interrupt);
    }
  }
  return code !== 0 || failed > 0 ? 1 : 0;
}
