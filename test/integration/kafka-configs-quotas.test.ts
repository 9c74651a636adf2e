// kafka-configs for users and clients as a process against one of our brokers (a real process) on our ZooKeeper:
// quotas and SCRAM credentials through ZooKeeper (the znodes Kafka 2.8 writes, credentials checked against RFC 5802
// computed here) and through the broker's DescribeClientQuotas / AlterClientQuotas / DescribeUserScramCredentials /
// AlterUserScramCredentials, with Kafka 2.8's exact lines. kafkajs has no admin call for these APIs, so one request
// is also checked as raw bytes built and read here, without the project's codec.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac, pbkdf2Sync } from 'node:crypto';
import { BrokerProcesses } from '../support/kafka-broker-process.js';
import { startOurZooKeeper, type OurZk } from '../support/our-zk.js';
import { FrameSocket } from '../support/frame-socket.js';
import { runTool } from '../support/run-tool.js';
import { connectZooKeeper, type ZooKeeperClient } from '../../src/zookeeper/client/index.js';
import { ZK_DEPRECATION_WARNING, lastConfigChange, znodeText } from '../support/config-znodes.js';

let zk: OurZk;
let client: ZooKeeperClient;
const processes = new BrokerProcesses();
let bootstrap: string;
let port: number;

const configs = (...args: string[]) => runTool('kafka-configs', args);
const viaBroker = (...args: string[]) => configs('--bootstrap-server', bootstrap, ...args);
const viaZk = (...args: string[]) => configs('--zookeeper', zk.connectString, ...args);
const ZK_WARNING = ZK_DEPRECATION_WARNING;

const znode = (path: string) => znodeText(client, path);
const lastChange = () => lastConfigChange(client);

/** RFC 5802 from the stored salt and the password: the stored text must hold these keys. */
function expectCredential(stored: string, password: string, hash: 'sha256' | 'sha512', iterations: number): void {
  const m = /^salt=([A-Za-z0-9+/=]+),stored_key=([A-Za-z0-9+/=]+),server_key=([A-Za-z0-9+/=]+),iterations=(\d+)$/.exec(stored);
  assert.ok(m, stored);
  const salt = Buffer.from(m[1]!, 'base64');
  assert.match(salt.toString('ascii'), /^[0-9a-z]{1,26}$/, 'Kafka salts are a random 130-bit number in base 36');
  const salted = pbkdf2Sync(password, salt, iterations, hash === 'sha256' ? 32 : 64, hash);
  const clientKey = createHmac(hash, salted).update('Client Key').digest();
  assert.equal(m[2], createHash(hash).update(clientKey).digest('base64'));
  assert.equal(m[3], createHmac(hash, salted).update('Server Key').digest('base64'));
  assert.equal(Number(m[4]), iterations);
}

before(async () => {
  zk = await startOurZooKeeper();
  client = await connectZooKeeper(zk.connectString);
  const broker = processes.spawn(processes.workDir(), ['broker.id=1', `zookeeper.connect=${zk.connectString}`, 'offsets.topic.replication.factor=1']);
  port = (await broker.started).port;
  bootstrap = `127.0.0.1:${port}`;
});

after(async () => {
  await client?.close();
  await processes.cleanup();
  await zk?.stop();
});

test('quotas through ZooKeeper: users, a user\'s client and the default client, with change notifications', async () => {
  assert.deepEqual(await viaZk('--entity-type', 'users', '--entity-name', 'alice', '--alter', '--add-config', 'producer_byte_rate=1024,consumer_byte_rate=2048,request_percentage=200'), {
    code: 0,
    stdout: `${ZK_WARNING}Completed updating config for entity: user-principal 'alice'.\n`,
    stderr: '',
  });
  assert.equal(await znode('/config/users/alice'), '{"version":1,"config":{"request_percentage":"200","producer_byte_rate":"1024","consumer_byte_rate":"2048"}}');
  assert.equal(await lastChange(), '{"version":2,"entity_path":"users/alice"}');

  // clients named first: Kafka still keeps the user as the root.
  assert.deepEqual(await viaZk('--entity-type', 'clients', '--entity-name', 'app one', '--entity-type', 'users', '--entity-name', 'alice', '--alter', '--add-config', 'producer_byte_rate=512'), {
    code: 0,
    stdout: `${ZK_WARNING}Completed updating config for entity: user-principal 'alice', client-id 'app one'.\n`,
    stderr: '',
  });
  assert.equal(await znode('/config/users/alice/clients/app%20one'), '{"version":1,"config":{"producer_byte_rate":"512"}}');
  assert.equal(await lastChange(), '{"version":2,"entity_path":"users/alice/clients/app%20one"}');

  assert.deepEqual(await viaZk('--entity-type', 'clients', '--entity-default', '--alter', '--add-config', 'consumer_byte_rate=4096'), {
    code: 0,
    stdout: `${ZK_WARNING}Completed updating config for entity: default client-id.\n`,
    stderr: '',
  });
  assert.equal(await znode('/config/clients/<default>'), '{"version":1,"config":{"consumer_byte_rate":"4096"}}');
  assert.equal(await lastChange(), '{"version":2,"entity_path":"clients/<default>"}');

  assert.deepEqual(await viaZk('--entity-type', 'users', '--entity-name', 'alice', '--describe'), {
    code: 0,
    stdout: `${ZK_WARNING}Configs for user-principal 'alice' are request_percentage=200,producer_byte_rate=1024,consumer_byte_rate=2048\n`,
    stderr: '',
  });
  assert.deepEqual(await viaZk('--entity-type', 'users', '--entity-name', 'alice', '--entity-type', 'clients', '--describe'), {
    code: 0,
    stdout: `${ZK_WARNING}Configs for user-principal 'alice', client-id 'app one' are producer_byte_rate=512\n`,
    stderr: '',
  });
  assert.deepEqual(await viaZk('--entity-type', 'clients', '--describe'), { code: 0, stdout: `${ZK_WARNING}Configs for default client-id are consumer_byte_rate=4096\n`, stderr: '' });

  assert.deepEqual(await viaZk('--entity-type', 'users', '--entity-name', 'alice', '--alter', '--delete-config', 'request_percentage'), {
    code: 0,
    stdout: `${ZK_WARNING}Completed updating config for entity: user-principal 'alice'.\n`,
    stderr: '',
  });
  assert.equal(await znode('/config/users/alice'), '{"version":1,"config":{"producer_byte_rate":"1024","consumer_byte_rate":"2048"}}');
  assert.deepEqual(await viaZk('--entity-type', 'users', '--entity-name', 'alice', '--alter', '--delete-config', 'request_percentage'), {
    code: 1,
    stdout: ZK_WARNING,
    stderr: 'Invalid config(s): request_percentage\n',
  });
  assert.deepEqual(await viaZk('--entity-type', 'clients', '--entity-name', 'app', '--alter', '--add-config', 'segment.bytes=10'), {
    code: 1,
    stdout: ZK_WARNING,
    stderr: 'requirement failed: Unknown Dynamic Configuration: Set(segment.bytes).\n',
  });
  assert.deepEqual(await viaZk('--entity-type', 'users', '--entity-type', 'clients', '--entity-name', 'alice', '--alter', '--add-config', 'producer_byte_rate=1'), {
    code: 1,
    stdout: ZK_WARNING,
    stderr: '--entity-name or --entity-default must be specified with each --entity-type for --alter\n',
  });
});

test('SCRAM credentials through ZooKeeper are stored salted and hashed as Kafka stores them', async () => {
  const added = await viaZk('--entity-type', 'users', '--entity-name', 'carol', '--alter', '--add-config', 'SCRAM-SHA-256=[iterations=8192,password=carol-secret],SCRAM-SHA-512=[password=carol-secret]');
  assert.deepEqual(added, { code: 0, stdout: `${ZK_WARNING}Completed updating config for entity: user-principal 'carol'.\n`, stderr: '' });
  const stored = JSON.parse(await znode('/config/users/carol')) as { version: number; config: Record<string, string> };
  assert.deepEqual(Object.keys(stored.config), ['SCRAM-SHA-512', 'SCRAM-SHA-256']);
  expectCredential(stored.config['SCRAM-SHA-256']!, 'carol-secret', 'sha256', 8192);
  expectCredential(stored.config['SCRAM-SHA-512']!, 'carol-secret', 'sha512', 4096);
  assert.equal(await lastChange(), '{"version":2,"entity_path":"users/carol"}');

  const described = await viaZk('--entity-type', 'users', '--entity-name', 'carol', '--describe');
  assert.equal(described.stdout, `${ZK_WARNING}Configs for user-principal 'carol' are SCRAM-SHA-512=${stored.config['SCRAM-SHA-512']},SCRAM-SHA-256=${stored.config['SCRAM-SHA-256']}\n`);

  assert.deepEqual(await viaZk('--entity-type', 'users', '--entity-name', 'carol', '--alter', '--add-config', 'SCRAM-SHA-256=[iterations=1000,password=x]'), {
    code: 1,
    stdout: ZK_WARNING,
    stderr: 'Iterations 1000 is less than the minimum 4096 required for SCRAM_SHA_256\n',
  });
  assert.deepEqual(await viaZk('--entity-type', 'users', '--entity-name', 'carol', '--alter', '--add-config', 'SCRAM-SHA-256=[secret]'), {
    code: 1,
    stdout: ZK_WARNING,
    stderr: 'Invalid credential property SCRAM_SHA_256=secret\n',
  });
});

test('quotas through the broker: AlterClientQuotas and DescribeClientQuotas, stored where ZooKeeper mode stores them', async () => {
  assert.deepEqual(await viaBroker('--entity-type', 'users', '--entity-name', 'bob', '--alter', '--add-config', 'producer_byte_rate=1024,consumer_byte_rate=2048,request_percentage=200'), {
    code: 0,
    stdout: 'Completed updating config for user bob.\n',
    stderr: '',
  });
  assert.equal(await znode('/config/users/bob'), '{"version":1,"config":{"request_percentage":"200.0","producer_byte_rate":"1024","consumer_byte_rate":"2048"}}');
  assert.equal(await lastChange(), '{"version":2,"entity_path":"users/bob"}');
  assert.deepEqual(await viaBroker('--entity-type', 'users', '--entity-name', 'bob', '--describe'), {
    code: 0,
    stdout: "Quota configs for user-principal 'bob' are consumer_byte_rate=2048.0, request_percentage=200.0, producer_byte_rate=1024.0\n",
    stderr: '',
  });

  assert.deepEqual(await viaBroker('--entity-type', 'users', '--entity-name', 'bob', '--entity-type', 'clients', '--entity-name', 'app', '--alter', '--add-config', 'consumer_byte_rate=20000000'), {
    code: 0,
    stdout: 'Completed updating config for user bob.\n',
    stderr: '',
  });
  assert.equal(await znode('/config/users/bob/clients/app'), '{"version":1,"config":{"consumer_byte_rate":"20000000"}}');
  assert.deepEqual(await viaBroker('--entity-type', 'users', '--entity-name', 'bob', '--entity-type', 'clients', '--entity-name', 'app', '--describe'), {
    code: 0,
    stdout: "Quota configs for user-principal 'bob', client-id 'app' are consumer_byte_rate=2.0E7\n",
    stderr: '',
  });

  assert.deepEqual(await viaBroker('--entity-type', 'users', '--entity-default', '--alter', '--add-config', 'request_percentage=50.5'), {
    code: 0,
    stdout: 'Completed updating default config for users in the cluster.\n',
    stderr: '',
  });
  assert.equal(await znode('/config/users/<default>'), '{"version":1,"config":{"request_percentage":"50.5"}}');
  assert.deepEqual(await viaBroker('--entity-type', 'users', '--entity-default', '--describe'), {
    code: 0,
    stdout: "Quota configs for the default user-principal are request_percentage=50.5\n",
    stderr: '',
  });
  // Kafka's client-id describe reads what ZooKeeper mode wrote.
  assert.deepEqual(await viaBroker('--entity-type', 'clients', '--describe'), { code: 0, stdout: "Quota configs for the default client-id are consumer_byte_rate=4096.0\n", stderr: '' });

  assert.deepEqual(await viaBroker('--entity-type', 'users', '--entity-name', 'bob', '--alter', '--delete-config', 'request_percentage'), {
    code: 0,
    stdout: 'Completed updating config for user bob.\n',
    stderr: '',
  });
  assert.equal(await znode('/config/users/bob'), '{"version":1,"config":{"producer_byte_rate":"1024","consumer_byte_rate":"2048"}}');
  assert.deepEqual(await viaBroker('--entity-type', 'users', '--entity-name', 'bob', '--alter', '--delete-config', 'request_percentage'), {
    code: 1,
    stdout: '',
    stderr: 'Invalid config(s): request_percentage\n',
  });
  assert.deepEqual(await viaBroker('--entity-type', 'users', '--entity-name', 'bob', '--alter', '--add-config', 'producer_byte_rate=fast'), {
    code: 1,
    stdout: '',
    stderr: 'Cannot parse quota configuration value for producer_byte_rate: fast\n',
  });
  assert.deepEqual(await viaBroker('--entity-type', 'clients', '--entity-name', 'app', '--alter', '--add-config', 'SCRAM-SHA-256=[password=x]'), {
    code: 1,
    stdout: '',
    stderr: "Only quota configs can be added for 'clients' using --bootstrap-server. Unexpected config names: Set(SCRAM-SHA-256)\n",
  });
});

test('SCRAM credentials through the broker: AlterUserScramCredentials and DescribeUserScramCredentials', async () => {
  assert.deepEqual(await viaBroker('--entity-type', 'users', '--entity-name', 'bob', '--alter', '--add-config', 'SCRAM-SHA-256=[iterations=8192,password=bob-secret],SCRAM-SHA-512=[password=bob-secret]'), {
    code: 0,
    stdout: 'Completed updating config for user bob.\n',
    stderr: '',
  });
  const stored = (JSON.parse(await znode('/config/users/bob')) as { config: Record<string, string> }).config;
  expectCredential(stored['SCRAM-SHA-256']!, 'bob-secret', 'sha256', 8192);
  expectCredential(stored['SCRAM-SHA-512']!, 'bob-secret', 'sha512', 4096);
  assert.equal(stored.producer_byte_rate, '1024');
  assert.equal(await lastChange(), '{"version":2,"entity_path":"users/bob"}');

  assert.deepEqual(await viaBroker('--entity-type', 'users', '--entity-name', 'bob', '--describe'), {
    code: 0,
    stdout:
      "Quota configs for user-principal 'bob' are consumer_byte_rate=2048.0, producer_byte_rate=1024.0\n" +
      "SCRAM credential configs for user-principal 'bob' are SCRAM-SHA-256=iterations=8192, SCRAM-SHA-512=iterations=4096\n",
    stderr: '',
  });
  // Every user: quotas of users alone (strict filter), then every user with a credential, sorted.
  const all = await viaBroker('--entity-type', 'users', '--describe');
  assert.equal(all.code, 0);
  const lines = all.stdout.trimEnd().split('\n');
  assert.deepEqual(lines.filter((l) => l.startsWith('SCRAM')), [
    "SCRAM credential configs for user-principal 'bob' are SCRAM-SHA-256=iterations=8192, SCRAM-SHA-512=iterations=4096",
    "SCRAM credential configs for user-principal 'carol' are SCRAM-SHA-256=iterations=8192, SCRAM-SHA-512=iterations=4096",
  ]);
  assert.deepEqual(lines.filter((l) => l.startsWith('Quota')).sort(), [
    "Quota configs for the default user-principal are request_percentage=50.5",
    "Quota configs for user-principal 'alice' are consumer_byte_rate=2048.0, producer_byte_rate=1024.0",
    "Quota configs for user-principal 'bob' are consumer_byte_rate=2048.0, producer_byte_rate=1024.0",
  ]);

  assert.deepEqual(await viaBroker('--entity-type', 'users', '--entity-name', 'bob', '--alter', '--delete-config', 'SCRAM-SHA-512'), {
    code: 0,
    stdout: 'Completed updating config for user bob.\n',
    stderr: '',
  });
  assert.deepEqual(Object.keys((JSON.parse(await znode('/config/users/bob')) as { config: object }).config).sort(), ['SCRAM-SHA-256', 'consumer_byte_rate', 'producer_byte_rate']);
  assert.deepEqual(await viaBroker('--entity-type', 'users', '--entity-name', 'alice', '--describe'), {
    code: 0,
    stdout: "Quota configs for user-principal 'alice' are consumer_byte_rate=2048.0, producer_byte_rate=1024.0\n",
    stderr: '',
  });
  assert.deepEqual(await viaBroker('--entity-type', 'users', '--entity-name', 'bob', '--alter', '--add-config', 'SCRAM-SHA-256=[password=x],producer_byte_rate=1'), {
    code: 1,
    stdout: '',
    stderr: "Cannot alter both quota and SCRAM credential configs simultaneously for 'users' using --bootstrap-server.\n",
  });
  assert.deepEqual(await viaBroker('--entity-type', 'users', '--entity-default', '--alter', '--add-config', 'SCRAM-SHA-256=[password=x]'), {
    code: 1,
    stdout: '',
    stderr: 'The use of --entity-default or --user-defaults is not allowed with User SCRAM Credentials using --bootstrap-server.\n',
  });
  assert.deepEqual(await viaBroker('--entity-type', 'users', '--entity-name', 'bob', '--alter', '--add-config', 'SCRAM-SHA-512=[iterations=100,password=x]'), {
    code: 1,
    stdout: '',
    stderr: 'Iterations 100 is less than the minimum 4096 required for SCRAM-SHA-512\n',
  });
});

test('DescribeClientQuotas v0 on the wire, built and read without the project codec', async () => {
  const str = (s: string) => Buffer.concat([Buffer.from([s.length >> 8, s.length & 0xff]), Buffer.from(s, 'utf8')]);
  const clientId = str('raw-bytes');
  // components: [{entityType "user", matchType 0 (exact), match "bob"}], strict true
  const body = Buffer.concat([Buffer.from([0, 0, 0, 1]), str('user'), Buffer.from([0]), str('bob'), Buffer.from([1])]);
  const header = Buffer.from([0, 48, 0, 0, 0, 0, 0, 7]);
  const request = Buffer.concat([header, clientId, body]);
  const socket = await FrameSocket.open(port);
  try {
    const size = Buffer.alloc(4);
    size.writeInt32BE(request.length);
    socket.send(Buffer.concat([size, request]));
    assert.ok(await socket.waitForFrame(30_000));
    const frame = socket.take();
    let at = 4; // the frame's length prefix
    const int16 = () => ((at += 2), frame.readInt16BE(at - 2));
    const int32 = () => ((at += 4), frame.readInt32BE(at - 4));
    const string = () => {
      const n = int16();
      if (n < 0) return null;
      at += n;
      return frame.toString('utf8', at - n, at);
    };
    assert.equal(int32(), 7, 'correlation id');
    assert.equal(int32(), 0, 'throttle');
    assert.equal(int16(), 0, 'error code');
    assert.equal(string(), null, 'error message');
    assert.equal(int32(), 1, 'one entry');
    assert.equal(int32(), 1, 'one entity part');
    assert.deepEqual([string(), string()], ['user', 'bob']);
    const values: [string | null, number][] = [];
    for (let n = int32(); n > 0; n--) {
      const key = string();
      at += 8;
      values.push([key, frame.readDoubleBE(at - 8)]);
    }
    assert.deepEqual(values.sort(), [['consumer_byte_rate', 2048], ['producer_byte_rate', 1024]]);
    assert.equal(at, frame.length);
  } finally {
    socket.destroy();
  }
});
