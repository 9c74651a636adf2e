// The parts of kafka-reassign-partitions and kafka-leader-election that need no cluster: option rules and their
// messages, the JSON documents, the throttle lists, --generate's assignment, Scala's print order, and the exit codes
// of the errors raised before a connection.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseReassignArgv } from '../../../../src/kafka/tools/reassign/reassign-options.js';
import { checkExecuteAssignment, formatReassignmentJson, parseReassignmentJson, parseTopicsJson } from '../../../../src/kafka/tools/reassign/reassign-json.js';
import { followerThrottles, leaderThrottles, proposedMoveMap, reassigningBrokers } from '../../../../src/kafka/tools/reassign/reassign-throttles.js';
import { calculateAssignment, parseBrokerList } from '../../../../src/kafka/tools/reassign/reassign-generate.js';
import { ongoingReassignmentsText, reassignmentStatesText } from '../../../../src/kafka/tools/reassign/reassign-report.js';
import { runReassignPartitions } from '../../../../src/kafka/tools/reassign/reassign-main.js';
import { runLeaderElection } from '../../../../src/kafka/tools/leader-election/leader-election-main.js';
import { scalaMutableHashOrder, topicPartitionHash, javaStringHash } from '../../../../src/kafka/tools/scala-hash-order.js';

function io() {
  let out = '';
  let err = '';
  return { io: { out: (t: string) => void (out += t), err: (t: string) => void (err += t), interactive: false }, out: () => out, err: () => err };
}

const firstLine = (text: string) => text.split('\n')[0];

test('validateAndParseArgs: one action, a connection, required and permitted arguments, bootstrap-only options', async () => {
  const cases: [string[], string][] = [
    [['--bootstrap-server', 'b:9092'], 'Command must include exactly one action: --generate, --execute, --verify, --cancel, --list'],
    [['--bootstrap-server', 'b:9092', '--list', '--verify'], 'Command must include exactly one action: --generate, --execute, --verify, --cancel, --list'],
    [['--list'], 'Please specify --bootstrap-server'],
    [['--bootstrap-server', 'b:9092', '--execute'], 'Missing required argument "[reassignment-json-file]"'],
    [['--bootstrap-server', 'b:9092', '--generate', '--topics-to-move-json-file', 'f'], 'Missing required argument "[broker-list]"'],
    [['--bootstrap-server', 'b:9092', '--verify', '--reassignment-json-file', 'f', '--throttle', '5'], 'Option "[throttle]" can\'t be used with action "[verify]"'],
    [['--zookeeper', 'z:2181', '--list'], 'Option "[zookeeper]" can\'t be used with action "[list]"'],
  ];
  for (const [argv, message] of cases) {
    const t = io();
    assert.equal(await runReassignPartitions(argv, t.io), 1, argv.join(' '));
    assert.equal(t.out(), '');
    assert.equal(firstLine(t.err()), message, argv.join(' '));
    assert.match(t.err(), /^Option {2,}Description/m);
  }
  const bootstrapOnly = io();
  assert.equal(await runReassignPartitions(['--zookeeper', 'z:2181', '--execute', '--reassignment-json-file', 'f', '--additional'], bootstrapOnly.io), 1);
  assert.equal(bootstrapOnly.err(), 'Exception in thread "main" java.lang.RuntimeException: You must specify --bootstrap-server when using "[additional]"\n');
  const help = io();
  assert.equal(await runReassignPartitions([], help.io), 1);
  assert.equal(firstLine(help.err()), 'This tool helps to move topic partitions between replicas.');
  assert.equal(parseReassignArgv(['--bootstrap-server', 'b', '--execute', '--reassignment-json-file', 'f']).kind, 'run');
});

test('errors before the connection: Error: and the exception on stdout, exit 1; file checks as Kafka makes them', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'reassign-unit-'));
  try {
    const write = (name: string, text: string) => {
      writeFileSync(join(dir, name), text);
      return join(dir, name);
    };
    const run = async (file: string) => {
      const t = io();
      const code = await runReassignPartitions(['--bootstrap-server', '127.0.0.1:1', '--execute', '--reassignment-json-file', file], t.io);
      return { code, out: t.out(), err: t.err() };
    };
    assert.deepEqual(await run(write('empty.json', '{"version":1,"partitions":[]}')), {
      code: 1,
      out: 'Error: Partition reassignment list cannot be empty\nkafka.common.AdminCommandFailedException: Partition reassignment list cannot be empty\n',
      err: '',
    });
    const dup = await run(write('dup.json', '{"partitions":[{"topic":"t","partition":0,"replicas":[1,1]}]}'));
    assert.equal(firstLine(dup.out), 'Error: Partition replica lists may not contain duplicate entries: t-0 contains multiple entries for 1');
    const missing = await run(join(dir, 'nope.json'));
    assert.equal(missing.out, `Error: ${join(dir, 'nope.json')}\njava.nio.file.NoSuchFileException: ${join(dir, 'nope.json')}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the reassignment JSON: parsed with log dirs, printed compactly in topic-partition order', () => {
  const parsed = parseReassignmentJson('{"partitions":[{"topic":"b","partition":1,"replicas":[3,4]},{"topic":"a","partition":2,"replicas":[1],"log_dirs":["/data"]}]}');
  assert.deepEqual(parsed.partitions, [{ topic: 'b', partition: 1, replicas: [3, 4] }, { topic: 'a', partition: 2, replicas: [1] }]);
  assert.deepEqual([...parsed.logDirs], [['a-2-1', '/data']]);
  assert.equal(
    formatReassignmentJson(parsed.partitions),
    '{"version":1,"partitions":[{"topic":"a","partition":2,"replicas":[1],"log_dirs":["any"]},{"topic":"b","partition":1,"replicas":[3,4],"log_dirs":["any","any"]}]}',
  );
  assert.throws(() => parseReassignmentJson('{"partitions":[{"topic":"t","partition":0,"replicas":[1,2],"log_dirs":["any"]}]}'), {
    message: 'Size of replicas list List(1, 2) is different from size of log dirs list List(any) for partition t-0',
  });
  assert.throws(() => checkExecuteAssignment(parseReassignmentJson('{"partitions":[{"topic":"t","partition":0,"replicas":[1]},{"topic":"t","partition":0,"replicas":[2]}]}')), {
    message: 'Partition reassignment contains duplicate topic partitions: t-0',
  });
  assert.deepEqual(parseTopicsJson('{"topics":[{"topic":"foo"},{"topic":"bar"}],"version":1}'), ['foo', 'bar']);
  assert.throws(() => parseTopicsJson('nope'), { message: 'The input string is not a valid JSON' });
});

test('throttles: sources on the leader side, new replicas on the follower side, in Java string order; every broker involved', () => {
  const moves = proposedMoveMap(
    new Map([['t-10', { topic: 't', partition: 10, replicas: [5, 1, 2], addingReplicas: [5] }]]),
    [{ topic: 't', partition: 0, replicas: [1, 2, 4] }, { topic: 'u', partition: 1, replicas: [3, 1, 4] }],
    new Map([['t-0', [1, 2, 3]], ['u-1', [2, 3, 1]]]),
  );
  assert.deepEqual([...leaderThrottles(moves)], [['t', '0:1,0:2,0:3,10:1,10:2'], ['u', '1:1,1:2,1:3']]);
  assert.deepEqual([...followerThrottles(moves)], [['t', '0:4,10:5'], ['u', '1:4']]);
  assert.deepEqual(reassigningBrokers(moves), [1, 2, 3, 4, 5]);
});

test('--generate: AdminUtils round robin from the drawn start and shift; broker list checks', () => {
  const current = [0, 1, 2].map((partition) => ({ topic: 't', partition, replicas: [1, 2] }));
  const brokers = [1, 2, 3].map((id) => ({ id, rack: null }));
  const draws = [1, 0];
  const proposed = calculateAssignment(current, brokers, () => draws.shift()!);
  assert.deepEqual(proposed.map((p) => p.replicas), [[2, 3], [3, 1], [1, 2]]);
  assert.deepEqual(parseBrokerList('3,1,2'), [3, 1, 2]);
  assert.throws(() => parseBrokerList('1,x'), { message: 'For input string: "x"' });
  assert.throws(() => parseBrokerList('1,2,1'), { message: 'Broker list contains duplicate entries: 1' });
});

test('status, list and Scala hash-set print order', () => {
  assert.equal(
    reassignmentStatesText([
      { topic: 't', partition: 1, currentReplicas: [1, 2], targetReplicas: [3, 4], done: true },
      { topic: 't', partition: 0, currentReplicas: [1, 2, 3], targetReplicas: [1, 2], done: false },
      { topic: 'a', partition: 0, currentReplicas: [4], targetReplicas: [4], done: true },
    ]),
    'Status of partition reassignment:\nReassignment of partition a-0 is complete.\nReassignment of partition t-0 is still in progress.\nThere is no active reassignment of partition t-1, but replica set is 1,2 rather than 3,4.',
  );
  assert.equal(ongoingReassignmentsText([{ topic: 't', partition: 0, replicas: [1, 4, 2], addingReplicas: [4], removingReplicas: [2] }]), 'Current partition reassignments:\nt-0: replicas: 1,4,2. adding: 4. removing: 2.');
  assert.equal(javaStringHash('foo'), 101574);
  assert.equal(topicPartitionHash('foo', 0), 31 * 31 + 101574);
  // Twelve partitions grow the table to 32 slots; the order follows the slots, not the insertion.
  const tps = Array.from({ length: 12 }, (_, p) => ({ topic: 'events', partition: p }));
  const ordered = scalaMutableHashOrder(tps, (t) => topicPartitionHash(t.topic, t.partition));
  const slot = (t: { topic: string; partition: number }) => {
    const h = topicPartitionHash(t.topic, t.partition);
    return (h ^ (h >>> 16)) & 31;
  };
  assert.deepEqual(ordered.map(slot), [...ordered.map(slot)].sort((a, b) => a - b));
});

test('kafka-leader-election: missing and conflicting options end main with AdminCommandFailedException', async () => {
  const cases: [string[], string][] = [
    [['--topic', 't'], 'Missing required option(s): election-type, bootstrap-server'],
    [['--bootstrap-server', 'b', '--election-type', 'preferred'], 'One and only one of the following options is required: topic, all-topic-partitions, path-to-json-file'],
    [['--bootstrap-server', 'b', '--election-type', 'preferred', '--partition', '0', '--all-topic-partitions'], 'Option partition is only allowed if topic is used'],
  ];
  for (const [argv, message] of cases) {
    const t = io();
    assert.equal(await runLeaderElection(argv, t.io), 1);
    assert.equal(t.err(), `Exception in thread "main" kafka.common.AdminCommandFailedException: ${message}\n`);
    assert.equal(t.out(), '');
  }
  const badType = io();
  assert.equal(await runLeaderElection(['--bootstrap-server', 'b', '--election-type', 'dirty', '--all-topic-partitions'], badType.io), 1);
  assert.equal(badType.err(), 'Exception in thread "main" joptsimple.OptionArgumentConversionException: Cannot parse argument \'dirty\' of option election-type\n');
  const help = io();
  assert.equal(await runLeaderElection(['--help'], help.io), 1);
  assert.equal(firstLine(help.err()), 'This tool attempts to elect a new leader for a set of topic partitions. The type of elections supported are preferred replicas and unclean replicas.');
});
