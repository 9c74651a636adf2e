// kafka-console-consumer's --isolation-level (Kafka 2.8: read_uncommitted by default; the flag, when given, wins over
// isolation.level from --consumer-property or --consumer.config) and how it reaches the consumer's options.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CONSOLE_CONSUMER_SPECS, parseConsoleConsumerArgs } from '../../../../src/kafka/tools/console-consumer/console-consumer-options.js';
import { consumerOptionsOf } from '../../../../src/kafka/tools/consumer-properties.js';
import { ToolOptionError } from '../../../../src/kafka/tools/tool-options.js';

function isolationOf(...args: string[]): string | undefined {
  const parsed = parseConsoleConsumerArgs(['--bootstrap-server', 'localhost:9092', '--topic', 't', ...args]);
  assert.equal(parsed.kind, 'run');
  if (parsed.kind !== 'run') return undefined;
  return consumerOptionsOf(parsed.config.consumerProps).isolationLevel;
}

test('--isolation-level: read_uncommitted by default, read_committed when asked, and over a consumer property', () => {
  assert.equal(isolationOf(), 'read_uncommitted');
  assert.equal(isolationOf('--isolation-level', 'read_committed'), 'read_committed');
  assert.equal(isolationOf('--consumer-property', 'isolation.level=read_committed'), 'read_committed');
  assert.equal(isolationOf('--consumer-property', 'isolation.level=read_committed', '--isolation-level', 'read_uncommitted'), 'read_uncommitted');
  assert.throws(() => isolationOf('--isolation-level', 'committed'), (err: unknown) =>
    err instanceof ToolOptionError && err.message === 'Invalid value committed for configuration isolation.level: String must be one of: read_committed, read_uncommitted');
});

test('--isolation-level is described as Kafka 2.8 describes it', () => {
  const spec = CONSOLE_CONSUMER_SPECS.find((s) => s.name === 'isolation-level')!;
  assert.deepEqual([spec.arg, spec.defaultValue], ['String', 'read_uncommitted']);
  assert.equal(spec.description, 'Set to read_committed in order to filter out transactional messages which are not committed. Set to read_uncommittedto read all messages.');
});
