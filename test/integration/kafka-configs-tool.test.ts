// kafka-configs as a process against one of our brokers (a real process) on our ZooKeeper: topic and broker configs
// described and altered through the admin API and through ZooKeeper, with Kafka 2.8's exact lines, exit codes and
// the /config znodes it writes.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { BrokerProcesses, waitFor } from '../support/kafka-broker-process.js';
import { startOurZooKeeper, type OurZk } from '../support/our-zk.js';
import { runShim, runTool } from '../support/run-tool.js';
import { connectZooKeeper, type ZooKeeperClient } from '../../src/zookeeper/client/index.js';
import { ZK_DEPRECATION_WARNING, lastConfigChange, znodeText } from '../support/config-znodes.js';

let zk: OurZk;
let client: ZooKeeperClient;
const processes = new BrokerProcesses();
let bootstrap: string;

const configs = (...args: string[]) => runTool('kafka-configs', args);
const viaBroker = (...args: string[]) => configs('--bootstrap-server', bootstrap, ...args);
const viaZk = (...args: string[]) => configs('--zookeeper', zk.connectString, ...args);
const ZK_WARNING = ZK_DEPRECATION_WARNING;

const znode = (path: string) => znodeText(client, path);
const lastChange = () => lastConfigChange(client);

before(async () => {
  zk = await startOurZooKeeper();
  client = await connectZooKeeper(zk.connectString);
  const broker = processes.spawn(processes.workDir(), ['broker.id=1', `zookeeper.connect=${zk.connectString}`, 'offsets.topic.replication.factor=1']);
  bootstrap = `127.0.0.1:${(await broker.started).port}`;
  const created = await runTool('kafka-topics', ['--bootstrap-server', bootstrap, '--create', '--topic', 'events', '--partitions', '1', '--replication-factor', '1']);
  assert.equal(created.stdout, 'Created topic events.\n');
});

after(async () => {
  await client?.close();
  await processes.cleanup();
  await zk?.stop();
});

test('topic configs through the admin API: add, describe with synonyms, delete', async () => {
  assert.deepEqual(await viaBroker('--entity-type', 'topics', '--entity-name', 'events', '--alter', '--add-config', 'max.message.bytes=2000,cleanup.policy=[compact,delete]'), {
    code: 0,
    stdout: 'Completed updating config for topic events.\n',
    stderr: '',
  });
  assert.equal(await znode('/config/topics/events'), '{"version":1,"config":{"cleanup.policy":"compact,delete","max.message.bytes":"2000"}}');
  const expected =
    'Dynamic configs for topic events are:\n' +
    '  cleanup.policy=compact,delete sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:cleanup.policy=compact,delete, DEFAULT_CONFIG:log.cleanup.policy=delete}\n' +
    '  max.message.bytes=2000 sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:max.message.bytes=2000, DEFAULT_CONFIG:message.max.bytes=1048588}\n';
  assert.deepEqual(await viaBroker('--entity-type', 'topics', '--entity-name', 'events', '--describe'), { code: 0, stdout: expected, stderr: '' });
  // The --topic shortcut, and the shim.
  assert.deepEqual(await runShim('kafka-configs.sh', ['--bootstrap-server', bootstrap, '--topic', 'events', '--describe']), { code: 0, stdout: expected, stderr: '' });
  const all = await viaBroker('--topic', 'events', '--describe', '--all');
  assert.ok(all.stdout.startsWith('All configs for topic events are:\n'));
  assert.match(all.stdout, /\n {2}min\.insync\.replicas=1 sensitive=false synonyms=\{DEFAULT_CONFIG:min\.insync\.replicas=1\}\n/);

  assert.deepEqual(await viaBroker('--topic', 'events', '--alter', '--delete-config', 'max.message.bytes,retention.ms'), { code: 1, stdout: '', stderr: 'Invalid config(s): retention.ms\n' });
  assert.deepEqual(await viaBroker('--topic', 'events', '--alter', '--delete-config', 'max.message.bytes'), { code: 0, stdout: 'Completed updating config for topic events.\n', stderr: '' });
  assert.equal(await znode('/config/topics/events'), '{"version":1,"config":{"cleanup.policy":"compact,delete"}}');
  assert.equal(await lastChange(), '{"version":2,"entity_path":"topics/events"}');

  const json = JSON.parse((await viaBroker('--topic', 'events', '--describe', '--output', 'json')).stdout) as unknown;
  assert.deepEqual(json, {
    entities: [
      {
        entityType: 'topics',
        entityName: 'events',
        configs: [
          {
            name: 'cleanup.policy',
            value: 'compact,delete',
            sensitive: false,
            source: 'DYNAMIC_TOPIC_CONFIG',
            synonyms: [
              { source: 'DYNAMIC_TOPIC_CONFIG', name: 'cleanup.policy', value: 'compact,delete' },
              { source: 'DEFAULT_CONFIG', name: 'log.cleanup.policy', value: 'delete' },
            ],
          },
        ],
      },
    ],
  });
  const table = await viaBroker('--topic', 'events', '--describe', '--output', 'table');
  assert.match(table.stdout, /│ topics events │ cleanup\.policy │ compact,delete │ DYNAMIC_TOPIC_CONFIG │/);
});

test('broker configs through the admin API: per broker and the cluster default', async () => {
  assert.deepEqual(await viaBroker('--entity-type', 'brokers', '--entity-name', '1', '--alter', '--add-config', 'log.cleaner.threads=2'), {
    code: 0,
    stdout: 'Completed updating config for broker 1.\n',
    stderr: '',
  });
  assert.deepEqual(await viaBroker('--broker', '1', '--describe'), {
    code: 0,
    stdout: 'Dynamic configs for broker 1 are:\n  log.cleaner.threads=2 sensitive=false synonyms={DYNAMIC_BROKER_CONFIG:log.cleaner.threads=2, DEFAULT_CONFIG:log.cleaner.threads=1}\n',
    stderr: '',
  });
  assert.equal(await znode('/config/brokers/1'), '{"version":1,"config":{"log.cleaner.threads":"2"}}');
  assert.deepEqual(await viaBroker('--entity-type', 'brokers', '--entity-default', '--alter', '--add-config', 'log.cleaner.backoff.ms=20000'), {
    code: 0,
    stdout: 'Completed updating default config for brokers in the cluster.\n',
    stderr: '',
  });
  assert.equal(await znode('/config/brokers/<default>'), '{"version":1,"config":{"log.cleaner.backoff.ms":"20000"}}');
  const described = await viaBroker('--entity-type', 'brokers', '--describe');
  assert.equal(
    described.stdout,
    'Dynamic configs for broker 1 are:\n  log.cleaner.threads=2 sensitive=false synonyms={DYNAMIC_BROKER_CONFIG:log.cleaner.threads=2, DEFAULT_CONFIG:log.cleaner.threads=1}\n' +
      'Default configs for brokers in the cluster are:\n  log.cleaner.backoff.ms=20000 sensitive=false synonyms={DYNAMIC_DEFAULT_BROKER_CONFIG:log.cleaner.backoff.ms=20000}\n',
  );
  assert.deepEqual(await viaBroker('--broker', '1', '--alter', '--delete-config', 'log.cleaner.threads'), { code: 0, stdout: 'Completed updating config for broker 1.\n', stderr: '' });
  assert.equal(await znode('/config/brokers/1'), '{"version":1,"config":{}}');
  assert.deepEqual(await viaBroker('--broker', '1', '--describe'), { code: 0, stdout: 'Dynamic configs for broker 1 are:\n', stderr: '' });
});

test('configs through ZooKeeper: topics, and brokers only while they are not running', async () => {
  assert.deepEqual(await viaZk('--entity-type', 'topics', '--entity-name', 'events', '--alter', '--add-config', 'retention.ms=60000'), {
    code: 0,
    stdout: `${ZK_WARNING}Completed updating config for entity: topic 'events'.\n`,
    stderr: '',
  });
  assert.equal(await znode('/config/topics/events'), '{"version":1,"config":{"cleanup.policy":"compact,delete","retention.ms":"60000"}}');
  assert.equal(await lastChange(), '{"version":2,"entity_path":"topics/events"}');
  assert.deepEqual(await viaZk('--entity-type', 'topics', '--entity-name', 'events', '--describe'), {
    code: 0,
    stdout: `${ZK_WARNING}Configs for topic 'events' are cleanup.policy=compact,delete,retention.ms=60000\n`,
    stderr: '',
  });
  // The broker reads the change notification and serves the new override.
  await waitFor('the broker to apply the ZooKeeper change', async () => ((await viaBroker('--topic', 'events', '--describe')).stdout.includes('retention.ms=60000') ? true : undefined));
  assert.deepEqual(await viaZk('--entity-type', 'topics', '--entity-name', 'events', '--alter', '--delete-config', 'nope'), { code: 1, stdout: ZK_WARNING, stderr: 'Invalid config(s): nope\n' });
  const missing = await viaZk('--entity-type', 'topics', '--entity-name', 'ghost', '--alter', '--add-config', 'retention.ms=1');
  assert.equal(missing.code, 1);
  assert.equal(missing.stderr, `Error while executing config command with args '--zookeeper ${zk.connectString} --entity-type topics --entity-name ghost --alter --add-config retention.ms=1'\norg.apache.kafka.common.errors.UnknownTopicOrPartitionException: Topic 'ghost' does not exist.\n`);

  assert.deepEqual(await viaZk('--entity-type', 'brokers', '--entity-name', '7', '--alter', '--add-config', 'log.cleaner.threads=4'), {
    code: 0,
    stdout: `${ZK_WARNING}Completed updating config for entity: brokers '7'.\n`,
    stderr: '',
  });
  assert.equal(await znode('/config/brokers/7'), '{"version":1,"config":{"log.cleaner.threads":"4"}}');
  assert.deepEqual(await viaZk('--entity-type', 'brokers', '--entity-name', '7', '--describe'), { code: 0, stdout: `${ZK_WARNING}Configs for brokers '7' are log.cleaner.threads=4\n`, stderr: '' });
  const running = await viaZk('--entity-type', 'brokers', '--entity-name', '1', '--alter', '--add-config', 'log.cleaner.threads=4');
  assert.deepEqual(running, {
    code: 1,
    stdout: ZK_WARNING,
    stderr:
      'requirement failed: --bootstrap-server option must be specified to update broker configs Set(log.cleaner.threads). when broker 1 is running. ' +
      'Broker configuration updates using ZooKeeper are supported for bootstrapping before brokers are started to enable encrypted password configs to be stored in ZooKeeper.\n',
  });
  assert.deepEqual(await viaZk('--entity-type', 'brokers', '--entity-name', '1', '--alter', '--add-config', 'leader.replication.throttled.rate=1000'), {
    code: 0,
    stdout: `${ZK_WARNING}Completed updating config for entity: brokers '1'.\n`,
    stderr: '',
  });
});

test('option and request errors end as Kafka 2.8 ends them', async () => {
  assert.deepEqual(await viaBroker('--describe'), { code: 1, stdout: '', stderr: 'At least one entity type must be specified\n' });
  assert.deepEqual(await configs('--describe', '--entity-type', 'topics'), { code: 1, stdout: '', stderr: 'One of the required --bootstrap-server or --zookeeper arguments must be specified\n' });
  assert.deepEqual(await viaBroker('--alter', '--entity-type', 'topics', '--add-config', 'a=b'), { code: 1, stdout: '', stderr: 'an entity name must be specified with --alter of topics\n' });
  assert.deepEqual(await viaBroker('--alter', '--topic', 'events'), { code: 1, stdout: '', stderr: 'At least one of --add-config, --add-config-file, or --delete-config must be specified with --alter\n' });
  assert.deepEqual(await viaBroker('--describe', '--entity-type', 'brokers', '--entity-name', 'one'), {
    code: 1,
    stdout: '',
    stderr: 'The entity name for brokers must be a valid integer broker id, but it is: one\n',
  });
  assert.deepEqual(await viaBroker('--describe', '--bogus'), { code: 1, stdout: '', stderr: 'bogus is not a recognized option\n' });
  assert.deepEqual(await viaBroker('--alter', '--topic', 'events', '--add-config', 'a=b=c'), {
    code: 1,
    stdout: '',
    stderr: 'requirement failed: Invalid entity config: all configs to be added must be in the format "key=val".\n',
  });
  const noAction = await viaBroker('--topic', 'events');
  assert.equal(noAction.code, 1);
  assert.match(noAction.stderr, /^Command must include exactly one action: --describe, --alter\nOption +Description +\n------ +----------- +\n/);
  const ghost = await viaBroker('--topic', 'ghost', '--describe');
  assert.equal(ghost.code, 1);
  assert.equal(ghost.stdout, 'Dynamic configs for topic ghost are:\n');
  assert.match(ghost.stderr, /^Error while executing config command with args '--bootstrap-server \S+ --topic ghost --describe'\njava\.util\.concurrent\.ExecutionException: org\.apache\.kafka\.common\.errors\.UnknownTopicOrPartitionException: /);
  assert.deepEqual(await configs('--version'), { code: 0, stdout: '2.8.2 (Commit:3146c6ff4a24)\n', stderr: '' });
  const help = await configs('--help');
  assert.equal(help.code, 1);
  assert.ok(help.stderr.startsWith('This tool helps to manipulate and describe entity config for a topic, client, user, broker or ip\nOption '));
});
