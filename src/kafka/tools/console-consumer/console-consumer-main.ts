// kafka-console-consumer: records of a topic (group mode), of a pattern's topics, or of one partition (assign mode)
// printed by a formatter in large writes. Ends at --max-messages, after --timeout-ms without records, on
// SIGINT/SIGTERM or when stdout goes away; then it moves each partition back to its first unprinted record, closes
// (committing, when the group commits, and leaving the group) and prints `Processed a total of N messages` on stderr.
import { KafkaConsumer } from '../../client/consumer/kafka-consumer.js';
import { KafkaGroupConsumer } from '../../client/consumer/kafka-group-consumer.js';
import { forEachFetched, type ConsumerRecord, type FetchedChunk } from '../../client/consumer/fetched-records.js';
import { formatLogLine } from '../../broker/broker-log.js';
import { ChunkedOutput } from '../chunked-output.js';
import { consumerOptionsOf, defined } from '../consumer-properties.js';
import { ToolOptionError } from '../tool-options.js';
import { printUsageAndDie, type ToolIo } from '../tool-usage.js';
import { KAFKA_TOOLS_VERSION } from '../tool-version.js';
import { CONSOLE_CONSUMER_SPECS, EXAMPLES, parseConsoleConsumerArgs, SUMMARY, type ConsoleConsumerConfig } from './console-consumer-options.js';
import { formatterNamed, type BatchWriter, type MessageFormatter } from './message-formatter.js';
import { withSpinner } from '../wait-spinner.js';

const LOGGER = 'kafka.tools.ConsoleConsumer$';

/** Kafka's Whitelist: commas are alternatives, spaces and surrounding quotes are dropped; it must match a whole name. */
export function includePattern(raw: string): RegExp {
  const cleaned = raw.trim().replace(/,/g, '|').replace(/ /g, '').replace(/^["']+/, '').replace(/["']+$/, '');
  return new RegExp(cleaned);
}

interface Source {
  poll(timeoutMs: number): Promise<ConsumerRecord[]>;
  pollFetched(timeoutMs: number): Promise<FetchedChunk[]>;
  releaseFetched(chunks: readonly FetchedChunk[]): void;
  seek(topic: string, partition: number, offset: bigint): void;
  wakeup(): void;
  close(): Promise<void>;
}

function openSource(c: ConsoleConsumerConfig): Source {
  // Kafka 2.8 leaves client.id to the Java consumer's default, consumer-<group>-<n>.
  const options = { bootstrapServers: c.bootstrapServer, clientId: `consumer-${c.groupId}-1`, ...defined(consumerOptionsOf(c.consumerProps)) };
  if (c.partition !== undefined) {
    const consumer = new KafkaConsumer(options);
    consumer.assign([{ topic: c.topic!, partition: c.partition, offset: c.offset === -2n ? 'earliest' : c.offset === -1n ? 'latest' : c.offset }]);
    return { poll: (t) => consumer.poll(t), pollFetched: (t) => consumer.pollFetched(t), releaseFetched: (c) => consumer.releaseFetched(c), seek: (t, p, o) => consumer.seek(t, p, o), wakeup: () => consumer.wakeup(), close: () => consumer.close() };
  }
  const consumer = new KafkaGroupConsumer({ ...options, groupId: c.groupId });
  consumer.subscribe(c.topic !== undefined ? [c.topic] : includePattern(c.include!));
  return {
    poll: (t) => consumer.poll(t),
    pollFetched: (t) => consumer.pollFetched(t),
    releaseFetched: (c) => consumer.releaseFetched(c),
    seek: (t, p, o) => consumer.seek(t, p, o),
    wakeup: () => consumer.consumer.wakeup(),
    close: () => consumer.close(),
  };
}

export async function runConsoleConsumer(argv: readonly string[], io: ToolIo & { stdout: NodeJS.WritableStream }): Promise<number> {
  let parsed;
  try {
    parsed = parseConsoleConsumerArgs(argv);
  } catch (err) {
    if (!(err instanceof ToolOptionError)) throw err;
    parsed = { kind: 'usage' as const, message: err.message };
  }
  if (parsed.kind === 'help') return printUsageAndDie(io, CONSOLE_CONSUMER_SPECS, SUMMARY, EXAMPLES);
  if (parsed.kind === 'usage') return printUsageAndDie(io, CONSOLE_CONSUMER_SPECS, parsed.message);
  if (parsed.kind === 'version') {
    io.stdout.write(`${KAFKA_TOOLS_VERSION}\n`);
    return 0;
  }
  const config = parsed.config;
  let formatter: MessageFormatter | undefined;
  let source: Source;
  try {
    formatter = formatterNamed(config.formatterClass, config.formatterProps);
    if (formatter === undefined) throw new Error(`java.lang.ClassNotFoundException: ${config.formatterClass}`);
    source = openSource(config);
  } catch (err) {
    io.stderr.write(`Exception in thread "main" ${(err as Error).message}\n`);
    return 1;
  }
  const out = new ChunkedOutput(io.stdout as NodeJS.WritableStream & import('node:stream').Writable, io.stdout === process.stdout);
  let count = 0;
  let stopping = false;
  const stop = () => {
    stopping = true;
    source.wakeup();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  let exitCode = 0;
  try {
    const batchWriter = formatter.batchWriter;
    exitCode = batchWriter
      ? await consumeFetched(config, source, formatter, batchWriter, out, io, () => stopping, (n) => (count += n))
      : await consume(config, source, formatter, out, io, () => stopping, () => count++);
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    await out.flush();
    await source.close().catch(() => {});
    io.stderr.write(`Processed a total of ${count} messages\n`);
  }
  return exitCode;
}

async function consume(
  c: ConsoleConsumerConfig,
  source: Source,
  formatter: MessageFormatter,
  out: ChunkedOutput,
  io: ToolIo,
  stopping: () => boolean,
  counted: () => number,
): Promise<number> {
  let printed = 0;
  const pollMs = c.timeoutMs >= 0 ? c.timeoutMs : 1000;
  let lastRecordAt = Date.now();
  let first = true;
  while (!stopping() && (c.maxMessages < 0 || printed < c.maxMessages)) {
    let records: ConsumerRecord[];
    try {
      records = first ? await withSpinner(c.partition === undefined ? `Joining group ${c.groupId}…` : 'Waiting for records…', source.poll(pollMs)) : await source.poll(pollMs);
      first = false;
    } catch (err) {
      io.stderr.write(`${formatLogLine('ERROR', 'Error processing message, terminating consumer process: ', LOGGER)}\n${javaName(err)}\n`);
      return 0;
    }
    if (records.length === 0) {
      if (c.timeoutMs >= 0 && !stopping() && Date.now() - lastRecordAt >= c.timeoutMs) {
        io.stderr.write(`${formatLogLine('ERROR', 'Error processing message, terminating consumer process: ', LOGGER)}\norg.apache.kafka.common.errors.TimeoutException\n`);
        return 0;
      }
      continue;
    }
    lastRecordAt = Date.now();
    let i = 0;
    for (; i < records.length && (c.maxMessages < 0 || printed < c.maxMessages) && !stopping(); i++) {
      printed++;
      counted();
      try {
        formatter.writeTo(records[i]!, out);
      } catch (err) {
        if (!c.skipMessageOnError) {
          io.stderr.write(`${formatLogLine('ERROR', 'Error processing message, terminating consumer process: ', LOGGER)}\n${javaName(err)}\n`);
          rewind(source, records, i + 1);
          return 1;
        }
        io.stderr.write(`${formatLogLine('ERROR', 'Error processing message, skipping this message: ', LOGGER)}\n${javaName(err)}\n`);
      }
    }
    rewind(source, records, i);
    await out.flush();
    if (out.closed) {
      io.stderr.write('Unable to write to standard out, closing consumer.\n');
      return 0;
    }
  }
  return 0;
}

/**
 * consume() for a formatter that prints from the fetched bytes: whole answers from the consumer, each record
 * printed straight from its batch into the output buffer.
 */
async function consumeFetched(
  c: ConsoleConsumerConfig,
  source: Source,
  formatter: MessageFormatter,
  writer: BatchWriter,
  out: ChunkedOutput,
  io: ToolIo,
  stopping: () => boolean,
  counted: (n: number) => void,
): Promise<number> {
  let printed = 0;
  const pollMs = c.timeoutMs >= 0 ? c.timeoutMs : 1000;
  let lastRecordAt = Date.now();
  let first = true;
  const room = () => (c.maxMessages < 0 ? Number.MAX_SAFE_INTEGER : c.maxMessages - printed);
  const fail = (err: unknown) => io.stderr.write(`${formatLogLine('ERROR', 'Error processing message, terminating consumer process: ', LOGGER)}\n${javaName(err)}\n`);
  while (!stopping() && room() > 0) {
    let chunks: FetchedChunk[];
    try {
      chunks = first ? await withSpinner(c.partition === undefined ? `Joining group ${c.groupId}…` : 'Waiting for records…', source.pollFetched(pollMs)) : await source.pollFetched(pollMs);
      first = false;
    } catch (err) {
      fail(err);
      return 0;
    }
    if (chunks.length === 0) {
      if (c.timeoutMs >= 0 && !stopping() && Date.now() - lastRecordAt >= c.timeoutMs) {
        io.stderr.write(`${formatLogLine('ERROR', 'Error processing message, terminating consumer process: ', LOGGER)}\norg.apache.kafka.common.errors.TimeoutException\n`);
        return 0;
      }
      continue;
    }
    lastRecordAt = Date.now();
    for (const chunk of chunks) {
      // Where this partition goes on from if printing stops inside its answer: the first record not printed.
      let resumeAt = chunk.from;
      let full = false;
      if (!stopping() && room() > 0) {
        try {
          await forEachFetched(
            chunk,
            (batch) => {
              const n = writer.writeBatch(batch, chunk.partition, out, room());
              if (n > 0) resumeAt = writer.nextOffset;
              printed += n;
              counted(n);
              full = room() === 0;
              return !full && !stopping();
            },
            (records) => {
              for (const r of records) {
                if (room() === 0 || stopping()) return false;
                formatter.writeTo(r, out);
                resumeAt = r.offset + 1n;
                printed++;
                counted(1);
              }
              return true;
            },
          );
        } catch (err) {
          fail(err);
          seekQuietly(source, chunk.topic, chunk.partition, resumeAt);
          return 0;
        }
        if (!full && !stopping()) continue;
      }
      seekQuietly(source, chunk.topic, chunk.partition, resumeAt);
    }
    // Printing copied what it needed out of the fetched bytes.
    source.releaseFetched(chunks);
    await out.flush();
    if (out.closed) {
      io.stderr.write('Unable to write to standard out, closing consumer.\n');
      return 0;
    }
  }
  return 0;
}

function seekQuietly(source: Source, topic: string, partition: number, offset: bigint): void {
  try {
    source.seek(topic, partition, offset);
  } catch {
    // A rebalance took the partition away meanwhile.
  }
}

/** Moves each partition with records not printed back to the first of them, so a commit at close does not skip them. */
function rewind(source: Source, records: readonly ConsumerRecord[], from: number): void {
  const seen = new Set<string>();
  for (let i = from; i < records.length; i++) {
    const r = records[i]!;
    const key = `${r.topic}\u0000${r.partition}`;
    if (seen.has(key)) continue;
    seen.add(key);
    try {
      source.seek(r.topic, r.partition, r.offset);
    } catch {
      // A rebalance took the partition away meanwhile.
    }
  }
}

function javaName(err: unknown): string {
  const e = err as Error;
  return e.message ? `${e.name}: ${e.message}` : e.name;
}
