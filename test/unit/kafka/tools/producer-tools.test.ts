// The pieces of console-producer and kafka-producer-perf-test that decide on their own: the line reader, the
// option-to-property precedence, the report lines, the throttle, java.util.Random and the input line splitter.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { consoleProducerConfig, CONSOLE_PRODUCER_OPTIONS } from '../../../../src/kafka/tools/console-producer/console-producer-options.js';
import { forEachLine } from '../../../../src/kafka/tools/console-producer/input-lines.js';
import { LineFormatError, LineMessageReader, lineReaderConfig } from '../../../../src/kafka/tools/console-producer/line-message-reader.js';
import { JavaRandom } from '../../../../src/kafka/tools/producer-perf-test/java-random.js';
import { PerfStats, windowLine } from '../../../../src/kafka/tools/producer-perf-test/perf-stats.js';
import { ThroughputThrottler } from '../../../../src/kafka/tools/producer-perf-test/throughput-throttler.js';
import { producerOptionsFromProperties } from '../../../../src/kafka/tools/producer-properties.js';
import { parseToolOptions } from '../../../../src/kafka/tools/tool-options.js';

const reader = (props: Record<string, string>) => new LineMessageReader(lineReaderConfig(new Map(Object.entries(props))));
const show = (p: ReturnType<LineMessageReader['parse']>) => ({
  key: p.key?.toString() ?? null,
  value: p.value?.toString() ?? null,
  headers: p.headers?.map((h) => `${h.key}=${h.value?.toString() ?? 'null'}`),
});

test('line reader: headers, key and value at the first separators; Java split drops trailing empty header pairs', () => {
  const r = reader({ 'parse.key': 'true', 'parse.headers': 'true' });
  assert.deepEqual(show(r.parse(Buffer.from('a:1,b:2,\tk\tv\twith tab'), 1)), { key: 'k', value: 'v\twith tab', headers: ['a=1', 'b=2'] });
  assert.deepEqual(show(reader({ 'parse.key': 'true', 'key.separator': '::' }).parse(Buffer.from('k::'), 1)), { key: 'k', value: '', headers: undefined });
  assert.throws(() => reader({ 'parse.key': 'true' }).parse(Buffer.from('novalue'), 7), (e: Error) => e instanceof LineFormatError && e.message === 'No key found on line 7: novalue');
  assert.throws(() => reader({ 'parse.headers': 'true' }).parse(Buffer.from('x'), 2), /^LineFormatError: No headers delimiter found on line number 2: 'x'$|No headers delimiter found on line number 2: 'x'/);
  assert.deepEqual(show(reader({ 'parse.key': 'true', 'ignore.error': 'true' }).parse(Buffer.from('whole line'), 1)), { key: null, value: 'whole line', headers: undefined });
  assert.deepEqual(show(reader({ 'parse.headers': 'true', 'ignore.error': 'true' }).parse(Buffer.from('h\tv'), 1)), { key: null, value: 'v', headers: ['h=null'] });
  assert.deepEqual(show(reader({ 'parse.key': 'true', 'null.marker': '-' }).parse(Buffer.from('-\t-'), 1)), { key: null, value: null, headers: undefined });
  assert.throws(() => lineReaderConfig(new Map([['headers.separator', ':']])), /headers.separator and headers.key.separator may not be equal/);
});

test('console-producer options: dedicated options win when given, otherwise a key set by --producer-property stays', () => {
  const config = (...argv: string[]) => consoleProducerConfig(parseToolOptions(CONSOLE_PRODUCER_OPTIONS, ['--bootstrap-server', 'h:1', '--topic', 't', ...argv])).producerProps;
  const defaults = config();
  assert.deepEqual(
    ['acks', 'linger.ms', 'batch.size', 'buffer.memory', 'retries', 'request.timeout.ms', 'compression.type', 'client.id'].map((k) => defaults.get(k)),
    ['1', '1000', '16384', '33554432', '3', '1500', 'none', 'console-producer'],
  );
  assert.equal(config('--producer-property', 'linger.ms=7').get('linger.ms'), '7');
  assert.equal(config('--producer-property', 'linger.ms=7', '--timeout', '9').get('linger.ms'), '9');
  assert.equal(config('--producer-property', 'compression.type=gzip').get('compression.type'), 'none', "Kafka's quirk: the codec always comes from the command line");
  assert.equal(config('--compression-codec').get('compression.type'), 'gzip');
  assert.equal(config('--compression-codec', 'zstd').get('compression.type'), 'zstd');
  assert.equal(config('--batch-size', '5').get('batch.size'), '16384', '2.8 parses --batch-size and does not use it');
  const options = producerOptionsFromProperties(config('--request-required-acks', 'all'));
  assert.equal(options.acks, -1);
  assert.throws(() => producerOptionsFromProperties(config('--request-required-acks', '2')), /^Error: Invalid value 2 for configuration acks: String must be one of: all, -1, 0, 1$|Invalid value 2 for configuration acks/);
});

test('perf-test report lines are formatted as Java printf formats them', () => {
  assert.equal(windowLine(1019011, 5000, 101901100, 1107660957, 1446), '1019011 records sent, 203802.2 records/sec (19.44 MB/sec), 1087.0 ms avg latency, 1446.0 ms max latency.');
  let now = 1_000;
  const lines: string[] = [];
  const stats = new PerfStats(4, 5000, (l) => lines.push(l), () => now);
  for (const latency of [5, 1, 3, 2]) stats.record(latency, 100, now);
  now += 8;
  assert.deepEqual(lines, []);
  assert.equal(stats.totalLine(), '4 records sent, 500.000000 records/sec (0.05 MB/sec), 2.75 ms avg latency, 5.00 ms max latency, 3 ms 50th, 5 ms 95th, 5 ms 99th, 5 ms 99.9th.');
  now += 5000;
  stats.record(7, 100, now);
  assert.deepEqual(lines, ['5 records sent, 1.0 records/sec (0.00 MB/sec), 3.6 ms avg latency, 7.0 ms max latency.']);
});

test('the throttle owes 1/throughput s per record once ahead of the rate and sleeps at 2 ms or more; -1 never throttles', () => {
  const t = new ThroughputThrottler(1000, 0);
  assert.equal(t.shouldThrottle(5, 10), false, '500 records/s so far');
  assert.equal(t.shouldThrottle(20, 10), true);
  assert.equal(t.owedSleepMs(), 0, '1 ms owed: not yet');
  assert.equal(t.owedSleepMs(), 2);
  assert.equal(new ThroughputThrottler(-1, 0).shouldThrottle(1e9, 1), false);
});

test('java.util.Random(0) gives Java\'s sequence', () => {
  // Java's new Random(0).nextInt() starts -1155484576, -723955400, 1033096058; nextInt(26) takes the top 31 bits
  // of the same draws: 1569741360 % 26 = 18, 1785505948 % 26 = 18, 516548029 % 26 = 23.
  const r = new JavaRandom(0);
  assert.deepEqual([r.nextInt(26), r.nextInt(26), r.nextInt(26)], [18, 18, 23]);
  // A power-of-two bound takes the high bits: (16 * 1569741360) >> 31 = 11.
  assert.equal(new JavaRandom(0).nextInt(16), 11);
});

test('input lines: CRLF and LF endings, a last line without newline, lines cut across reads and longer than a block', async () => {
  const big = 'x'.repeat(3 << 20);
  const text = Buffer.from(`a\r\nb\n\n${big}\nlast`);
  let at = 0;
  const source = async (buf: Buffer, offset: number, length: number) => {
    const n = Math.min(length, 777_777, text.length - at);
    text.copy(buf, offset, at, at + n);
    at += n;
    return n;
  };
  const lines: string[] = [];
  await forEachLine(source, (line) => void lines.push(line.length > 10 ? `<${line.length}>` : line.toString()));
  assert.deepEqual(lines, ['a', 'b', '', `<${big.length}>`, 'last']);
});
