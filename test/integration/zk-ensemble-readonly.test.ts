// Read-only mode with real processes: three of our servers with readonlymode.enabled, two killed; the survivor serves
// read-only clients (reads yes, writes NOTREADONLY, non-read-only clients refused, isro "ro", Mode: read-only) and a
// canBeReadOnly client moves back to a read-write server by itself once the quorum returns.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sendFourLetterWord } from '../../src/cli/four-letter-word.js';
import { codecOf } from '../../src/zookeeper/jute/codec.js';
import { Err } from '../../src/zookeeper/jute/constants.js';
import { JuteWriter } from '../../src/zookeeper/jute/writer.js';
import { ZooKeeperClient } from '../../src/zookeeper/client/index.js';
import { FrameSocket } from '../support/frame-socket.js';
import { cleanZkCliOutput } from '../support/apache-zk.js';
import { runTool } from '../support/run-tool.js';
import { Ensemble, modeOf, waitFor, type Member } from '../support/zk-ensemble.js';

const isro = (m: Member) => sendFourLetterWord('127.0.0.1', m.clientPort, 'isro', 2000).catch(() => null);

/** A ConnectRequest frame for a new session with the given readOnly byte. */
function connectFrame(readOnly: boolean): Buffer {
  const w = new JuteWriter(64);
  const mark = w.beginFrame();
  codecOf('ConnectRequest').write(w, { protocolVersion: 0, lastZxidSeen: 0n, timeOut: 6000, sessionId: 0n, passwd: Buffer.alloc(16), readOnly });
  w.endFrame(mark);
  return Buffer.from(w.buf.subarray(0, w.pos));
}

async function handshake(m: Member, readOnly: boolean): Promise<{ answered: boolean; readOnlyByte: number | null }> {
  const s = await FrameSocket.open(m.clientPort);
  try {
    s.send(connectFrame(readOnly));
    if (!(await s.waitForFrame(5000))) return { answered: false, readOnlyByte: null };
    const frame = s.take();
    // protocolVersion, timeOut, sessionId, passwd (4 + 16), readOnly
    return { answered: true, readOnlyByte: frame.length >= 37 ? frame[frame.length - 1]! : null };
  } finally {
    s.destroy();
  }
}

test('read-only mode: a member cut off from its quorum serves read-only clients until the quorum returns', async (t) => {
  const ens = await Ensemble.create([{ sid: 1, impl: 'ours' }, { sid: 2, impl: 'ours' }, { sid: 3, impl: 'ours' }], 'readonlymode.enabled=true\n');
  t.after(() => ens.close());
  ens.startAll();
  await ens.settled();
  for (const m of ens.members) assert.equal(await isro(m), 'rw');
  const setup = new ZooKeeperClient(ens.connectString, { sessionTimeoutMs: 6000 });
  await setup.waitForConnected();
  await setup.create('/ro', Buffer.from('kept'));
  await setup.close();
  await ens.caughtUp();

  const survivor = ens.member(1);
  await ens.member(2).kill9();
  await ens.member(3).kill9();
  await waitFor(async () => (await isro(survivor)) === 'ro', 'the survivor in read-only mode');
  assert.equal(await modeOf(survivor.clientPort), 'read-only');
  assert.match(survivor.logText(), /^Read-only server started$/m);

  const states: string[] = [];
  const client = new ZooKeeperClient(ens.connectString, { sessionTimeoutMs: 6000, canBeReadOnly: true, spinDelayMs: 100 });
  t.after(() => client.close());
  client.on('state', (e) => states.push(e.state));
  await client.waitForConnected();
  assert.equal(client.state, 'CONNECTEDREADONLY');
  const readOnlySession = client.sessionId;
  assert.equal((await client.getData('/ro')).data?.toString(), 'kept');
  await assert.rejects(client.create('/nope'), (err: { code: number }) => err.code === Err.NOTREADONLY);
  await assert.rejects(client.setData('/ro', Buffer.from('x')), (err: { code: number }) => err.code === Err.NOTREADONLY);
  await assert.rejects(client.sync('/ro'), (err: { code: number }) => err.code === Err.NOTREADONLY);
  // Reads still work after refused writes, on the same connection.
  assert.deepEqual((await client.getChildren('/')).sort(), ['ro', 'zookeeper']);
  const mntr = await sendFourLetterWord('127.0.0.1', survivor.clientPort, 'mntr', 2000);
  assert.match(mntr, /^zk_server_state\tread-only$/m);
  assert.match(mntr, /^zk_local_sessions\t1$/m);

  // A client that does not accept a read-only server is closed unanswered; one that does gets readOnly=true.
  assert.deepEqual(await handshake(survivor, false), { answered: false, readOnlyByte: null });
  assert.deepEqual(await handshake(survivor, true), { answered: true, readOnlyByte: 1 });
  // zkcli -r: reads, and a write refused as zkCli prints it.
  const cli = (...args: string[]) => runTool('zkcli', ['-r', '-waitforconnection', '-server', survivor.connectString, ...args]);
  const got = await cli('get', '/ro');
  assert.equal(got.code, 0, got.stderr);
  assert.match(got.stdout, /^WatchedEvent state:ConnectedReadOnly type:None path:null$/m);
  assert.equal(cleanZkCliOutput(got.stdout), 'kept\n');
  const refused = await cli('create', '/from-zkcli');
  assert.match(refused.stderr, /^Not a read-only call: \/from-zkcli$/m);

  // The quorum returns: the survivor rejoins (dropping its read-only clients) and the client finds a read-write server.
  ens.member(2).start();
  ens.member(3).start();
  await waitFor(async () => client.state === 'CONNECTED', 'the client connected read-write', 60_000);
  assert.notEqual(client.sessionId, readOnlySession, 'a read-only session is not carried to a read-write server');
  assert.deepEqual(states.filter((s) => s !== 'Disconnected'), ['ConnectedReadOnly', 'SyncConnected']);
  await client.create('/after', Buffer.from('rw'));
  assert.equal((await client.getData('/after')).data?.toString(), 'rw');
  await waitFor(async () => (await isro(survivor)) === 'rw', 'the survivor read-write again');
  assert.match(survivor.logText(), /^Read-only server stopped$/m);
});
