// Read-only mode across implementations: Apache ZooKeeper 3.8 (-Dreadonlymode.enabled=true) cut off from its quorum
// serves our canBeReadOnly client, which moves to a read-write server by itself when the quorum returns; and Apache's
// zkCli -r reads from our server in read-only mode and is refused a write.
//
// Apache 3.8's read-only server refuses a global session's reconnection (only its own sessions come back) and, with
// local sessions disabled, answers a new session's ConnectRequest with a bare ReplyHeader (xid 0, NOTREADONLY):
// its read-only clients need localSessionsEnabled=true. Ours creates local sessions in read-only mode either way.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sendFourLetterWord } from '../../src/cli/four-letter-word.js';
import { Err } from '../../src/zookeeper/jute/constants.js';
import { ZooKeeperClient } from '../../src/zookeeper/client/index.js';
import { apacheZooKeeperAvailable, cleanZkCliOutput, runJavaClass } from '../support/apache-zk.js';
import { Ensemble, modeOf, waitFor, type Member } from '../support/zk-ensemble.js';

const isro = (m: Member) => sendFourLetterWord('127.0.0.1', m.clientPort, 'isro', 2000).catch(() => null);

async function expectReadOnly(m: Member): Promise<void> {
  try {
    await waitFor(async () => (await isro(m)) === 'ro', `server ${m.sid} (${m.impl}) in read-only mode`, 60_000);
  } catch (err) {
    throw new Error(`${(err as Error).message}\n--- the last lines of server ${m.sid}'s log:\n${m.logText().split('\n').slice(-40).join('\n')}`);
  }
}

test('read-only mode between Apache ZooKeeper 3.8 and our servers, both ways', async (t) => {
  const unavailable = apacheZooKeeperAvailable();
  if (unavailable) return t.skip(unavailable);
  // Apache takes the switch only as a JVM system property; ours also reads it from zoo.cfg.
  const ens = await Ensemble.create(
    [{ sid: 1, impl: 'apache' }, { sid: 2, impl: 'ours' }, { sid: 3, impl: 'ours' }],
    'readonlymode.enabled=true\nlocalSessionsEnabled=true\n',
    { 'readonlymode.enabled': 'true' },
  );
  t.after(() => ens.close());
  ens.startAll();
  await ens.settled(90_000);
  const setup = new ZooKeeperClient(ens.connectString, { sessionTimeoutMs: 6000 });
  await setup.waitForConnected();
  await setup.create('/shared', Buffer.from('before the partition'));
  await setup.close();
  await ens.caughtUp(60_000);
  const [apache, ours2, ours3] = [ens.member(1), ens.member(2), ens.member(3)];

  // Apache alone: read-only. Our client's session reconnects to it read-only; reads work, writes are refused.
  await ours2.kill9();
  await ours3.kill9();
  await expectReadOnly(apache);
  assert.equal(await modeOf(apache.clientPort), 'read-only');
  const states: string[] = [];
  const client = new ZooKeeperClient(ens.connectString, { sessionTimeoutMs: 6000, canBeReadOnly: true, spinDelayMs: 100 });
  t.after(() => client.close());
  client.on('state', (e) => states.push(e.state));
  await client.waitForConnected(30_000);
  assert.equal(client.state, 'CONNECTEDREADONLY');
  assert.deepEqual(client.currentServer, { host: '127.0.0.1', port: apache.clientPort });
  const readOnlySession = client.sessionId;
  assert.equal((await client.getData('/shared')).data?.toString(), 'before the partition');
  await assert.rejects(client.create('/refused'), (err: { code: number }) => err.code === Err.NOTREADONLY);

  // The quorum returns: the client finds a read-write server by itself (Apache's ro server dropped it meanwhile).
  ours2.start();
  ours3.start();
  await waitFor(async () => client.state === 'CONNECTED', 'our client connected read-write', 90_000);
  assert.deepEqual(states.filter((s) => s !== 'Disconnected'), ['ConnectedReadOnly', 'SyncConnected']);
  assert.notEqual(client.sessionId, readOnlySession);
  await client.create('/after', Buffer.from('rw'));
  await ens.settled(90_000);
  await ens.caughtUp(60_000);

  // Our server alone: read-only under Apache's zkCli -r.
  await apache.kill9();
  await ours3.kill9();
  await expectReadOnly(ours2);
  const r = await runJavaClass('org.apache.zookeeper.ZooKeeperMain', ['-r', '-server', ours2.connectString], {
    input: 'get /shared\nget /after\ncreate /from-cli data\nls /\n',
  });
  const out = cleanZkCliOutput(r.stdout);
  assert.match(out, /^before the partition$/m);
  assert.match(out, /^rw$/m);
  // zkCli prints a command's failure on stderr.
  assert.match(r.stderr, /^Not a read-only call: \/from-cli$/m);
  assert.match(out, /^\[after, shared, zookeeper\]$/m);
});
