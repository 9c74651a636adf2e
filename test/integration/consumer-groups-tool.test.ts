// `zkafka kafka-consumer-groups` as a process against a broker of ours, with one active group (our group consumer)
// and one empty group: --list, --describe (offsets, members, state) column for column, reset-offsets scenarios
// planned and executed (checked by consuming afterwards with console-consumer), --delete-offsets and --delete.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { KafkaAdmin, KafkaGroupConsumer, KafkaProducer } from '../../src/kafka/client/index.js';
import { startOurKafka, type OurKafka } from '../support/our-kafka.js';
import { waitFor } from '../support/kafka-broker-process.js';
import { runToolBytes } from '../support/run-tool.js';

let kafka: OurKafka;
let admin: KafkaAdmin;
let active: KafkaGroupConsumer;
let pumping = true;
let pump: Promise<void>;

before(async () => {
  kafka = await startOurKafka(41, ['num.partitions=1']);
  admin = new KafkaAdmin({ bootstrapServers: kafka.bootstrap, retryBackoffMs: 20 });
  await admin.createTopics([{ name: 'cg-t', numPartitions: 2, replicationFactor: 1 }]);
  const producer = new KafkaProducer({ bootstrapServers: kafka.bootstrap, lingerMs: 1 });
  for (let i = 0; i < 10; i++) await producer.send({ topic: 'cg-t', partition: i % 2, value: `r${i % 2}-${Math.floor(i / 2)}` });
  await producer.close();
  await admin.alterConsumerGroupOffsets('cg-idle', [{ topic: 'cg-t', partition: 0, offset: 1n }, { topic: 'cg-t', partition: 1, offset: 2n }]);
  active = new KafkaGroupConsumer({ bootstrapServers: kafka.bootstrap, groupId: 'cg-active', clientId: 'cg-client', enableAutoCommit: false, heartbeatIntervalMs: 200, autoOffsetReset: 'earliest' });
  active.subscribe(['cg-t']);
  await waitFor('the active member owns both partitions', async () => (await active.poll(100), active.assignment().length === 2));
  await active.commit([{ topic: 'cg-t', partition: 0, offset: 3n }, { topic: 'cg-t', partition: 1, offset: 3n }]);
  // keep polling so the member stays in the group
  pump = (async () => {
    while (pumping) await active.poll(100);
  })();
});

after(async () => {
  pumping = false;
  await pump;
  await active?.close();
  await admin?.close();
  await kafka?.stop();
});

const cg = (...args: string[]) => runToolBytes(['kafka-consumer-groups', '--bootstrap-server', kafka.bootstrap, ...args]);
const pad = (s: string, n: number) => s.padEnd(n);

describe('list and describe', () => {
  test('--list prints the group ids', async () => {
    const r = await cg('--list');
    assert.equal(r.code, 0);
    assert.equal(r.stdout.toString(), 'cg-active\ncg-idle\n');
    const states = await cg('--list', '--state');
    assert.equal(states.stdout.toString(), 'GROUP           STATE\ncg-active       Stable\ncg-idle         Empty\n');
    assert.equal((await cg('--list', '--state', 'empty')).stdout.toString(), 'GROUP           STATE\ncg-idle         Empty\n');
  });

  test('--describe of an empty group: committed offsets, lag, - for the member columns', async () => {
    const r = await cg('--describe', '--group', 'cg-idle');
    assert.equal(
      r.stdout.toString(),
      '\nGROUP           TOPIC           PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG             CONSUMER-ID     HOST            CLIENT-ID\n' +
        'cg-idle         cg-t            0          1               5               4               -               -               -\n' +
        'cg-idle         cg-t            1          2               5               3               -               -               -\n',
    );
    assert.equal(r.stderr, "\nConsumer group 'cg-idle' has no active members.\n");
  });

  test('--describe of an active group: the member, its host and client id', async () => {
    const r = await cg('--describe', '--group', 'cg-active');
    const id = active.memberId;
    const w = Math.max(15, id.length);
    const line = (p: string, cur: string, lag: string, c: string, h: string, cl: string) => `cg-active       cg-t            ${pad(p, 10)} ${pad(cur, 15)} ${pad('5', 15)} ${pad(lag, 15)} ${pad(c, w)} ${pad(h, 15)} ${cl}`;
    assert.equal(
      r.stdout.toString(),
      `\nGROUP           TOPIC           PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG             ${pad('CONSUMER-ID', w)} HOST            CLIENT-ID\n` +
        `${line('0', '3', '2', id, '/127.0.0.1', 'cg-client')}\n${line('1', '3', '2', id, '/127.0.0.1', 'cg-client')}\n`,
    );
    assert.equal(r.stderr, '');
  });

  test('--members, --members --verbose and --state', async () => {
    const id = active.memberId;
    const w = Math.max(15, id.length);
    const header = `GROUP           ${pad('CONSUMER-ID', w)} HOST            CLIENT-ID       #PARTITIONS     `;
    const row = `cg-active       ${pad(id, w)} /127.0.0.1      cg-client       2               `;
    assert.equal((await cg('--describe', '--group', 'cg-active', '--members')).stdout.toString(), `\n${header}\n${row}\n`);
    assert.equal((await cg('--describe', '--group', 'cg-active', '--members', '--verbose')).stdout.toString(), `\n${header}ASSIGNMENT\n${row}cg-t(0,1)\n`);
    const coordinator = `127.0.0.1:${kafka.port} (41)`;
    const cw = Math.max(25, coordinator.length);
    assert.equal(
      (await cg('--describe', '--group', 'cg-active', '--state')).stdout.toString(),
      `\n${pad('GROUP', cw)} COORDINATOR (ID)          ASSIGNMENT-STRATEGY  STATE           #MEMBERS\n${pad('cg-active', cw)} ${pad(coordinator, 25)} range                Stable          1\n`,
    );
  });

  test('a group that does not exist', async () => {
    const r = await cg('--describe', '--group', 'nobody');
    assert.equal(r.code, 0);
    assert.equal(r.stdout.toString(), "\nError: Consumer group 'nobody' does not exist.\n");
  });
});

describe('reset-offsets', () => {
  const consume = async (max: number) =>
    (await runToolBytes(['console-consumer', '--bootstrap-server', kafka.bootstrap, '--topic', 'cg-t', '--group', 'cg-idle', '--max-messages', String(max), '--timeout-ms', '3000'])).stdout
      .toString()
      .split('\n')
      .filter(Boolean)
      .sort();
  const table = (o0: number, o1: number) =>
    '\nGROUP                          TOPIC                          PARTITION  NEW-OFFSET     \n' +
    `cg-idle                        cg-t                           0          ${pad(String(o0), 15)}\n` +
    `cg-idle                        cg-t                           1          ${pad(String(o1), 15)}\n`;

  test('a dry run (the default, with its warning) changes nothing', async () => {
    const r = await cg('--reset-offsets', '--group', 'cg-idle', '--topic', 'cg-t', '--to-earliest');
    assert.equal(r.stdout.toString(), table(0, 0));
    assert.match(r.stderr, /^WARN: No action will be performed as the --execute option is missing\./);
    assert.deepEqual((await admin.listConsumerGroupOffsets('cg-idle')).map((o) => o.offset), [1n, 2n]);
  });

  test('--to-offset --execute, then consumption starts there', async () => {
    assert.equal((await cg('--reset-offsets', '--group', 'cg-idle', '--topic', 'cg-t', '--to-offset', '3', '--execute')).stdout.toString(), table(3, 3));
    assert.deepEqual(await consume(4), ['r0-3', 'r0-4', 'r1-3', 'r1-4']);
  });

  test('--shift-by -2 on one partition, clamped --to-offset, --to-latest, --to-earliest', async () => {
    assert.equal((await cg('--reset-offsets', '--group', 'cg-idle', '--topic', 'cg-t:1', '--shift-by', '-2', '--execute')).stdout.toString(),
      '\nGROUP                          TOPIC                          PARTITION  NEW-OFFSET     \ncg-idle                        cg-t                           1          3              \n');
    assert.deepEqual(await consume(2), ['r1-3', 'r1-4']);
    const clamped = await cg('--reset-offsets', '--group', 'cg-idle', '--all-topics', '--to-offset', '99', '--dry-run');
    assert.equal(clamped.stdout.toString(), table(5, 5));
    assert.match(clamped.stderr, /WARN New offset \(99\) is higher than latest offset for topic partition cg-t-0\. Value will be set to 5 \(kafka\.admin\.ConsumerGroupCommand\$\)/);
    await cg('--reset-offsets', '--group', 'cg-idle', '--all-topics', '--to-latest', '--execute');
    assert.deepEqual(await consume(10), []);
    assert.equal((await cg('--reset-offsets', '--group', 'cg-idle', '--topic', 'cg-t', '--to-datetime', '2000-01-01T00:00:00.000', '--execute')).stdout.toString(), table(0, 0));
    assert.deepEqual(await consume(10), ['r0-0', 'r0-1', 'r0-2', 'r0-3', 'r0-4', 'r1-0', 'r1-1', 'r1-2', 'r1-3', 'r1-4']);
  });

  test('an active group is refused', async () => {
    const r = await cg('--reset-offsets', '--group', 'cg-active', '--topic', 'cg-t', '--to-earliest', '--execute');
    assert.equal(r.stdout.toString(), "\nError: Assignments can only be reset if the group 'cg-active' is inactive, but the current state is Stable.\n\nGROUP                          TOPIC                          PARTITION  NEW-OFFSET     \n");
  });
});

describe('delete', () => {
  test('--delete-offsets, then --delete of the empty group; an active group is not deleted', async () => {
    await admin.alterConsumerGroupOffsets('cg-gone', [{ topic: 'cg-t', partition: 0, offset: 1n }, { topic: 'cg-t', partition: 1, offset: 1n }]);
    const d = await cg('--delete-offsets', '--group', 'cg-gone', '--topic', 'cg-t:0');
    assert.equal(d.stdout.toString(), 'Request succeed for deleting offsets with topic cg-t:0 group cg-gone\n\nTOPIC                          PARTITION       STATUS         \ncg-t                           0               Successful     \n');
    assert.deepEqual((await admin.listConsumerGroupOffsets('cg-gone')).map((o) => o.partition), [1]);
    assert.equal((await cg('--delete', '--group', 'cg-gone')).stdout.toString(), "Deletion of requested consumer groups ('cg-gone') was successful.\n");
    const busy = await cg('--delete', '--group', 'cg-active');
    assert.equal(busy.stdout.toString(), "\nError: Deletion of some consumer groups failed:\n* Group 'cg-active' could not be deleted due to: org.apache.kafka.common.errors.GroupNotEmptyException: The group is not empty.\n");
    assert.equal((await cg('--list')).stdout.toString(), 'cg-active\ncg-idle\n');
  });

  test('usage errors exit 1', async () => {
    const r = await cg('--describe');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^Option \[describe\] takes one of these options: \[all-groups\], \[group\]\n/);
    assert.match((await cg('--timeout', '100')).stderr, /^Command must include exactly one action/);
  });
});
