// kill -9 in the middle of a write load: every write the server acknowledged must be there after a restart on
// the same dataDir, with its data and version; live sessions (and their ephemerals) must survive; zxids must
// never be handed out twice.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { join } from 'node:path';
import { Err, OpCode } from '../../src/zookeeper/jute/constants.js';
import type { Stat } from '../../src/zookeeper/jute/records.generated.js';
import { ConnectionClosedError, RawZkClient, createBody, type Reply } from './raw-client.js';
import { faultSeed, seededRandom, type Rng } from './seeded-random.js';
import { startServerProcess, tempDir, writeConfig, type ServerProcess } from './server-process.js';

const SESSIONS = 4;
const KILLS = 4;
/** Requests each load session keeps in flight. */
const WINDOW = 16;
const SESSION_TIMEOUT_MS = 30_000;
/**
 * Deadline for a restart to print its "listening on" line (0.35-0.5 s on an idle 2-core machine, a few seconds while it
 * is busy); well inside SESSION_TIMEOUT_MS, so a slow restart cannot expire the sessions under test.
 */
const RESTART_DEADLINE_MS = 20_000;
/** Deadline for the first acknowledged write of a round. */
const FIRST_ACK_DEADLINE_MS = 20_000;

/** Deterministic data for `path` at `version`, of a size between 0 and ~3 KiB, so any stored value can be checked. */
function dataFor(path: string, version: number): Buffer {
  let h = version * 2654435761;
  for (let i = 0; i < path.length; i++) h = (Math.imul(h, 31) + path.charCodeAt(i)) >>> 0;
  const head = `${path}|v${version}|`;
  return Buffer.from(head + 'x'.repeat(h % 3000));
}

interface Ledger {
  /** Highest version sent per path (0 = only the create). */
  sent: Map<string, number>;
  /** Highest version acknowledged per path. */
  acked: Map<string, number>;
  ackedZxidMax: bigint;
  ackedWrites: number;
}

/** One session's write load: create a node, then set it twice, WINDOW requests in flight, until the connection dies. */
async function runLoad(client: RawZkClient, prefix: string, ledger: Ledger, stop: { now: boolean }): Promise<void> {
  const inFlight = new Set<Promise<void>>();
  let n = 0;
  let failure: Error | null = null;
  const track = (path: string, version: number, p: Promise<Reply>) => {
    ledger.sent.set(path, Math.max(ledger.sent.get(path) ?? -1, version));
    const done = p.then(
      (reply) => {
        if (reply.header.err !== 0) {
          failure ??= new Error(`${path} v${version}: server answered err ${reply.header.err}`);
          return;
        }
        const acked = version === 0 ? 0 : (reply.body as { stat: Stat }).stat.version;
        if (acked !== version) failure ??= new Error(`${path}: expected version ${version} in the reply, got ${acked}`);
        ledger.acked.set(path, Math.max(ledger.acked.get(path) ?? -1, acked));
        ledger.ackedWrites++;
        if (reply.header.zxid > ledger.ackedZxidMax) ledger.ackedZxidMax = reply.header.zxid;
      },
      (err: Error) => {
        if (!(err instanceof ConnectionClosedError)) failure ??= err;
      },
    );
    inFlight.add(done);
    void done.then(() => inFlight.delete(done));
  };
  while (!stop.now && !client.closed && !failure) {
    const path = `${prefix}-${n++}`;
    track(path, 0, client.request(OpCode.create, createBody(path, dataFor(path, 0))));
    for (let v = 1; v <= 2; v++) track(path, v, client.request(OpCode.setData, { path, data: dataFor(path, v), version: v - 1 }));
    while (inFlight.size >= WINDOW && !client.closed) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  if (failure) throw failure;
}

/** Reads back every path the load touched and checks it against what was sent and acknowledged. */
async function verify(port: number, ledger: Ledger): Promise<{ checked: number; present: number; unackedPresent: number }> {
  const reader = await RawZkClient.connect(port);
  try {
    const paths = [...ledger.sent.keys()];
    const replies = await Promise.all(paths.map((path) => reader.request(OpCode.getData, { path, watch: false })));
    let present = 0;
    let unackedPresent = 0;
    for (let i = 0; i < paths.length; i++) {
      const path = paths[i]!;
      const reply = replies[i]!;
      const acked = ledger.acked.get(path);
      const sent = ledger.sent.get(path)!;
      if (reply.header.err === Err.NONODE) {
        assert.equal(acked, undefined, `${path}: acknowledged (version ${acked}) but missing after the restart`);
        continue;
      }
      assert.equal(reply.header.err, 0, `${path}: getData err ${reply.header.err}`);
      present++;
      const { data, stat } = reply.body as { data: Buffer; stat: Stat };
      if (acked === undefined) unackedPresent++;
      assert.ok(stat.version >= (acked ?? 0), `${path}: version ${stat.version} is older than the acknowledged ${acked}`);
      assert.ok(stat.version <= sent, `${path}: version ${stat.version} was never written (sent up to ${sent})`);
      assert.ok(data.equals(dataFor(path, stat.version)), `${path}: data does not match version ${stat.version}`);
      assert.ok(stat.mzxid <= reply.header.zxid, `${path}: mzxid 0x${stat.mzxid.toString(16)} after the server's last zxid`);
    }
    assert.ok(replies.every((r) => r.header.zxid >= ledger.ackedZxidMax), 'the server restarted behind an acknowledged zxid');
    return { checked: paths.length, present, unackedPresent };
  } finally {
    await reader.closeSession();
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

async function waitFor(check: () => boolean, what: string, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await delay(5);
  }
}

test('kill -9 during a write load loses no acknowledged write, keeps sessions and their ephemerals', { timeout: 180_000 }, async (t) => {
  const rng: Rng = seededRandom(faultSeed());
  t.diagnostic(`seed ${rng.seed} (replay with ZK_FAULT_SEED=${rng.seed})`);
  const dir = tempDir('zk-kill9-');
  let server: ServerProcess | null = null;
  const clients: RawZkClient[] = [];
  t.after(async () => {
    for (const c of clients) c.destroy();
    await server?.kill9();
    dir.remove();
  });

  const baseConfig = { dataDir: join(dir.path, 'data'), snapCount: 200, preAllocSize: 4096 };
  server = await startServerProcess(writeConfig(dir.path, { ...baseConfig, clientPort: 0 }));
  const port = server.port;
  const configFile = writeConfig(dir.path, { ...baseConfig, clientPort: port });

  const setup = await RawZkClient.connect(port);
  for (const p of ['/k', '/eph']) assert.equal((await setup.request(OpCode.create, createBody(p, null))).header.err, 0);
  await setup.closeSession();

  const sessions: Array<{ id: bigint; passwd: Buffer; client: RawZkClient; ephemeral: string }> = [];
  for (let i = 0; i < SESSIONS; i++) {
    const client = await RawZkClient.connect(port, { timeoutMs: SESSION_TIMEOUT_MS });
    clients.push(client);
    const ephemeral = `/eph/s${i}`;
    const r = await client.request(OpCode.create, createBody(ephemeral, Buffer.from(`owner ${i}`), 1));
    assert.equal(r.header.err, 0);
    sessions.push({ id: client.sessionId, passwd: client.passwd, client, ephemeral });
  }

  const ledger: Ledger = { sent: new Map(), acked: new Map(), ackedZxidMax: 0n, ackedWrites: 0 };
  const closedEphemerals: string[] = [];
  const figures: string[] = [];
  for (let round = 0; round < KILLS; round++) {
    // A session closed (acknowledged) before the crash must stay closed, its ephemeral gone.
    const shortLived = await RawZkClient.connect(port, { timeoutMs: SESSION_TIMEOUT_MS });
    const closedPath = `/eph/closed-${round}`;
    assert.equal((await shortLived.request(OpCode.create, createBody(closedPath, null, 1))).header.err, 0);
    await shortLived.closeSession();
    closedEphemerals.push(closedPath);

    const ackedBefore = ledger.ackedWrites;
    const stop = { now: false };
    const loads = sessions.map((s, i) => runLoad(s.client, `/k/r${round}-s${i}`, ledger, stop));
    // The kill lands a random time after the load is under way (its first write acknowledged), however slow the machine.
    await waitFor(() => ledger.ackedWrites > ackedBefore, `round ${round}: a first acknowledged write`, FIRST_ACK_DEADLINE_MS);
    const killAfterMs = rng.int(50, 900);
    await delay(killAfterMs);
    const killedAt = performance.now();
    const status = await server.kill9();
    assert.equal(status.signal, 'SIGKILL', `the server exited by itself before the kill: ${server.stderr()}`);
    stop.now = true;
    await Promise.all(loads);
    const ackedThisRound = ledger.ackedWrites - ackedBefore;

    server = await startServerProcess(configFile, RESTART_DEADLINE_MS);
    const downMs = performance.now() - killedAt;
    const recovered = /Recovered .*/.exec(server.stdout())?.[0] ?? '(no recovery line)';
    figures.push(
      `round ${round}: killed ${killAfterMs} ms after the first acknowledgement, with ${ackedThisRound} writes acknowledged; restart ${server.startupMs.toFixed(0)} ms ` +
        `(down ${downMs.toFixed(0)} ms); ${recovered}`,
    );

    const v = await verify(port, ledger);
    figures.push(`  verified ${v.checked} paths: ${v.present} present, ${v.unackedPresent} present though unacknowledged (cumulative)`);

    for (const s of sessions) {
      const client = await RawZkClient.connect(port, { sessionId: s.id, passwd: s.passwd, timeoutMs: SESSION_TIMEOUT_MS });
      clients.push(client);
      s.client = client;
      const r = await client.request(OpCode.exists, { path: s.ephemeral, watch: false });
      assert.equal(r.header.err, 0, `${s.ephemeral} of live session 0x${s.id.toString(16)} is gone after the restart`);
      assert.equal((r.body as { stat: Stat }).stat.ephemeralOwner, s.id);
    }
    const check = await RawZkClient.connect(port);
    for (const p of closedEphemerals) {
      assert.equal((await check.request(OpCode.exists, { path: p, watch: false })).header.err, Err.NONODE, `${p} of a closed session came back`);
    }
    // The next zxid continues after everything acknowledged (no zxid handed out twice).
    const probe = await check.request(OpCode.create, createBody(`/k/probe-${round}`, null));
    assert.equal(probe.header.err, 0);
    assert.ok(probe.header.zxid > ledger.ackedZxidMax, `new write got zxid 0x${probe.header.zxid.toString(16)}, not above 0x${ledger.ackedZxidMax.toString(16)}`);
    await check.closeSession();
  }
  for (const line of figures) t.diagnostic(line);
  t.diagnostic(`total: ${ledger.ackedWrites} writes acknowledged over ${KILLS} kills, ${ledger.sent.size} paths`);
  for (const s of sessions) s.client.destroy();
  const status = await server.stop();
  assert.equal(status.code, 0, `clean shutdown failed: ${server.stderr()}`);
});
