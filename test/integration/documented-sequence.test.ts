// The documented command sequence as a user would script it in bash, through the bin/*.sh shims: a ZooKeeper and
// three brokers as daemons, a replicated topic created through --zookeeper, described, fed lines from a file by
// console-producer and read back by console-consumer --from-beginning --max-messages, then everything stopped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isAlive } from '../../src/cli/daemon.js';
import { runBash } from '../support/bash.js';
import { freePort } from '../support/ports.js';

const HOME = fileURLToPath(new URL('../../../', import.meta.url));
const LINES = 2000;

const SCRIPT = String.raw`
set -euo pipefail
cd "$ZKAFKA_HOME"
bin/zookeeper-server-start.sh -daemon "$DIR/zoo.cfg" > /dev/null
for i in 1 2 3; do
  LOG_DIR="$DIR/logs-$i" bin/kafka-server-start.sh -daemon "$DIR/server-$i.properties" > /dev/null
done
until bin/zookeeper-shell.sh "$ZK" ls /brokers/ids 2>/dev/null | grep -qx '\[1, 2, 3\]'; do sleep 0.1; done

bin/kafka-topics.sh --create --zookeeper "$ZK" --replication-factor 3 --partitions 1 --topic my-topic
until bin/kafka-topics.sh --describe --bootstrap-server "$KAFKA" --topic my-topic 2> /dev/null | grep -q 'Isr: [123],[123],[123]$'; do sleep 0.1; done
bin/kafka-topics.sh --describe --zookeeper "$ZK" --topic my-topic > "$DIR/describe.txt"

seq 1 ${LINES} | sed 's/^/line-/' > "$DIR/lines.txt"
bin/kafka-console-producer.sh --broker-list "$KAFKA" --topic my-topic < "$DIR/lines.txt"
bin/kafka-console-consumer.sh --bootstrap-server "$KAFKA" --topic my-topic --from-beginning --max-messages ${LINES} > "$DIR/consumed.txt" 2> "$DIR/consumer.err"
diff "$DIR/lines.txt" "$DIR/consumed.txt"

for i in 1 2 3; do
  LOG_DIR="$DIR/logs-$i" bin/kafka-server-stop.sh "$DIR/server-$i.properties"
done
bin/zookeeper-server-stop.sh "$DIR/zoo.cfg"
`;

test('the documented sequence, scripted through the bin/*.sh shims', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'zkafka-documented-'));
  const pidFiles = [join(dir, 'zk', 'zookeeper_server.pid'), ...[1, 2, 3].map((i) => join(dir, `logs-${i}`, 'kafkaServer.pid'))];
  t.after(() => {
    // Whatever the script left running when it failed.
    for (const file of pidFiles) {
      const pid = existsSync(file) ? Number(readFileSync(file, 'utf8')) : NaN;
      if (Number.isInteger(pid) && isAlive(pid)) process.kill(pid, 'SIGKILL');
    }
    rmSync(dir, { recursive: true, force: true });
  });

  const zkPort = await freePort();
  writeFileSync(join(dir, 'zoo.cfg'), `tickTime=2000\ndataDir=${dir}/zk\nclientPort=${zkPort}\nclientPortAddress=127.0.0.1\n`);
  const brokerPorts: number[] = [];
  for (const id of [1, 2, 3]) {
    const port = await freePort();
    brokerPorts.push(port);
    writeFileSync(
      join(dir, `server-${id}.properties`),
      [
        `broker.id=${id}`,
        `listeners=PLAINTEXT://127.0.0.1:${port}`,
        `log.dirs=${dir}/kafka-logs-${id}`,
        `zookeeper.connect=127.0.0.1:${zkPort}`,
        'offsets.topic.replication.factor=1',
        'group.initial.rebalance.delay.ms=0',
        '',
      ].join('\n'),
    );
  }

  const run = await runBash(SCRIPT, 240_000, {
    env: { ZKAFKA_HOME: HOME, DIR: dir, ZK: `127.0.0.1:${zkPort}`, KAFKA: brokerPorts.map((p) => `127.0.0.1:${p}`).join(',') },
  });
  assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
  assert.equal(run.stdout, 'Created topic my-topic.\n');
  assert.equal(run.stderr, '');
  const describe = readFileSync(join(dir, 'describe.txt'), 'utf8');
  assert.match(describe, /^Topic: my-topic\tTopicId: [\w-]{22}\tPartitionCount: 1\tReplicationFactor: 3\tConfigs: \n\tTopic: my-topic\tPartition: 0\tLeader: ([123])\tReplicas: ([123]),([123]),([123])\tIsr: [123],[123],[123]\n$/);
  const [, leader, ...replicas] = /Leader: (\d)\tReplicas: (\d),(\d),(\d)/.exec(describe)!;
  assert.deepEqual([...replicas].sort(), ['1', '2', '3']);
  assert.equal(leader, replicas[0]);
  assert.equal(readFileSync(join(dir, 'consumer.err'), 'utf8'), `Processed a total of ${LINES} messages\n`);
  for (const file of pidFiles) assert.equal(existsSync(file), false, `${file} left behind: the process did not stop`);
});
