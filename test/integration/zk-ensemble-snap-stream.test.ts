// A leader streaming a large SNAP to a new follower keeps serving its own clients meanwhile (the body is encoded
// a slice at a time as the follower's socket drains), and the follower ends with the leader's tree: the writes the
// leader applied during the stream reach it as proposals queued behind the snapshot.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sendFourLetterWord } from '../../src/cli/four-letter-word.js';
import { NzkClient, longOf } from '../faults/nzk-client.js';
import { Ensemble, childrenOn, modeOf, waitFor } from '../support/zk-ensemble.js';

const NODES = 60;
const NODE_BYTES = 800_000;
const STREAMED = /^SNAP to learner (\d+) streamed: (\d+) bytes of the tree at 0x([0-9a-f]+); the leader applied up to 0x([0-9a-f]+) meanwhile$/m;

/** `hash`: the tree digest after every 128th zxid, as zxid → digest. */
async function digests(port: number): Promise<Map<string, string>> {
  const text = await sendFourLetterWord('127.0.0.1', port, 'hash', 5_000);
  return new Map(text.trim().split('\n').filter(Boolean).map((l) => l.split(': ') as [string, string]));
}

test('a leader streams a large SNAP while it keeps serving a client, and the follower ends with the same tree', async (t) => {
  // tickTime 2000: initLimit (10 ticks) bounds the whole sync of a ~50 MB tree on a busy machine.
  const ens = await Ensemble.create([{ sid: 1, impl: 'ours' }, { sid: 2, impl: 'ours' }, { sid: 3, impl: 'ours' }], 'commitLogCount=5\n', {}, 2000);
  t.after(() => ens.close());
  ens.member(1).start();
  ens.member(2).start();
  const leader = await ens.settled(60_000);
  const joiner = ens.member(3);
  const writer = await NzkClient.connect(leader.connectString, 30_000);
  t.after(() => writer.close());
  for (let b = 0; b < NODES; b += 6) {
    await Promise.all(Array.from({ length: Math.min(6, NODES - b) }, (_, k) => writer.create(`/big${b + k}`, Buffer.alloc(NODE_BYTES, b + k))));
  }
  await writer.create('/probe', Buffer.from('0'));

  // One write at a time on the leader for as long as the new member takes to sync.
  let stop = false;
  const served: bigint[] = [];
  const writing = (async () => {
    for (let i = 1; !stop; i++) served.push(longOf((await writer.setData('/probe', Buffer.from(String(i)))).mzxid));
  })();
  joiner.start();
  await waitFor(async () => (await modeOf(joiner.clientPort)) === 'follower', 'the new member following', 120_000);
  const m = await waitFor(async () => STREAMED.exec(leader.logText()), 'the leader reporting the streamed SNAP', 30_000);
  stop = true;
  await writing;

  assert.equal(m[1], '3');
  assert.ok(Number(m[2]) > NODES * NODE_BYTES, `the body carries every node's data (${m[2]} bytes)`);
  assert.match(joiner.logText(), /^Sync SNAP 0x[0-9a-f]+ from leader \d+$/m);
  const snapZxid = BigInt(`0x${m[3]}`);
  const endZxid = BigInt(`0x${m[4]}`);
  const during = served.filter((z) => z > snapZxid && z <= endZxid);
  t.diagnostic(`SNAP of ${m[2]} bytes at 0x${snapZxid.toString(16)}; ${during.length} of ${served.length} writes applied by the leader while it streamed`);
  assert.ok(during.length > 0, `writes answered while the SNAP was streamed: ${during.length} (snapshot at 0x${snapZxid.toString(16)}, stream ended at 0x${endZxid.toString(16)}, ${served.length} writes in all)`);

  // Enough further writes for a digest entry (every 128th zxid) after the sync on every member.
  for (let b = 0; b < 300; b += 30) await Promise.all(Array.from({ length: 30 }, (_, k) => writer.setData('/probe', Buffer.from(`after ${b + k}`))));
  await ens.caughtUp(60_000);
  const onLeader = await digests(leader.clientPort);
  const onJoiner = await digests(joiner.clientPort);
  assert.ok(onJoiner.size > 0, 'the new member has digests of the zxids it applied after the snapshot');
  for (const [zxid, digest] of onJoiner) assert.equal(digest, onLeader.get(zxid), `tree digest at ${zxid}`);
  assert.deepEqual(await childrenOn(joiner, '/'), await childrenOn(leader, '/'));
  const c = await NzkClient.connect(joiner.connectString, 30_000);
  try {
    const { data, stat } = await c.getData(`/big${NODES - 1}`);
    assert.ok(data?.equals(Buffer.alloc(NODE_BYTES, NODES - 1)));
    assert.equal(stat.version, 0);
  } finally {
    c.close();
  }
});
