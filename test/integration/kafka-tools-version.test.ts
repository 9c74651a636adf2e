// Every Kafka tool's --version prints what Kafka 2.8.2's tools print (VersionInfo.getVersionString), whichever way it
// is loaded: a cached bundle (console tools, kafka-topics) or its modules.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { BIN_DIR, runCommand } from '../support/run-tool.js';

const TOOLS = [
  'kafka-topics',
  'console-producer',
  'kafka-console-producer',
  'console-consumer',
  'kafka-console-consumer',
  'kafka-consumer-groups',
  'kafka-configs',
  'kafka-consumer-perf-test',
  'kafka-reassign-partitions',
  'kafka-leader-election',
];

test('every Kafka tool prints the same --version line as Kafka 2.8.2', async () => {
  const results = await Promise.all(TOOLS.map((tool) => runCommand(join(BIN_DIR, 'zkafka'), [tool, '--version'], {})));
  results.forEach((r, i) => assert.deepEqual(r, { code: 0, stdout: '2.8.2 (Commit:3146c6ff4a24)\n', stderr: '' }, TOOLS[i]));
});
