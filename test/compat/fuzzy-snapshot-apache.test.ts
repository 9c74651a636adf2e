// A snapshot our server takes while writes keep arriving is fuzzy (nodes changed after its zxid are in it), as
// Apache's are. Apache ZooKeeper 3.8 started on that data dir loads the snapshot, replays the log from its zxid
// and serves the same tree our server served, Stat for Stat.
import assert from 'node:assert/strict';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { OpCode } from '../../src/zookeeper/jute/constants.js';
import { loadSnapshotFile } from '../../src/zookeeper/storage/snapshot.js';
import { createBody, RawZkClient } from '../faults/raw-client.js';
import { startServerProcess, tempDir, writeConfig } from '../faults/server-process.js';
import { apacheZooKeeperAvailable, startApacheZooKeeper } from '../support/apache-zk.js';
import { dumpDifferences, dumpTree } from './znode-tree.js';

const unavailable = apacheZooKeeperAvailable();
if (unavailable) console.log(`skipping the fuzzy snapshot check with Apache ZooKeeper: ${unavailable}`);

const ROOT = '/fuzzy';
const WRITERS = 3;
const IN_FLIGHT = 64;
const BASE_NODES = 2000;
/** Rounds of mixed writes at most, until a snapshot taken during one is fuzzy. */
const MAX_ROUNDS = 12;
const WRITES_PER_ROUND = 3000;
const DATA = Buffer.alloc(100, 0x66);

/** Runs `count` requests from `make(i)` with IN_FLIGHT outstanding; every reply must be err 0. */
async function pipelined(client: RawZkClient, count: number, make: (i: number) => [number, unknown]): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < count) {
      const i = next++;
      const [type, body] = make(i);
      const r = await client.request(type, body);
      assert.equal(r.header.err, 0, `request ${i} (op ${type}): err ${r.header.err}`);
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, lane));
}

/** Snapshot files with a node created or changed after the snapshot's own zxid, oldest first. */
function fuzzySnapshots(v2: string): string[] {
  return readdirSync(v2)
    .filter((f) => f.startsWith('snapshot.'))
    .sort((a, b) => Number(BigInt(`0x${a.slice(9)}`) - BigInt(`0x${b.slice(9)}`)))
    .filter((f) => {
      const snap = loadSnapshotFile(join(v2, f));
      return snap.nodes.some((n) => n.stat.mzxid > snap.zxid || n.stat.pzxid > snap.zxid);
    });
}

test('Apache ZooKeeper 3.8 loads a snapshot our server took under write load and serves the same tree', { skip: unavailable ?? false, timeout: 120_000 }, async (t) => {
  const dir = tempDir('zk-fuzzy-snap-');
  const stops: Array<() => Promise<unknown>> = [];
  t.after(async () => {
    for (const stop of stops.reverse()) await stop().catch(() => {});
    dir.remove();
  });
  const dataDir = join(dir.path, 'data');
  const v2 = join(dataDir, 'version-2');
  // Snapshots every 500-1000 txns.
  const ours = await startServerProcess(writeConfig(dir.path, { dataDir, clientPort: 0, snapCount: 1000, preAllocSize: 1024 }));
  stops.push(() => ours.kill9());
  const writers = await Promise.all(Array.from({ length: WRITERS }, () => RawZkClient.connect(ours.port)));
  await pipelined(writers[0]!, 1, () => [OpCode.create, createBody(ROOT, null)]);
  await Promise.all(writers.map((w, s) => pipelined(w, 1, () => [OpCode.create, createBody(`${ROOT}/s${s}`, null)])));
  await Promise.all(writers.map((w, s) => pipelined(w, BASE_NODES, (i) => [OpCode.create, createBody(`${ROOT}/s${s}/n${i}`, DATA)])));

  // create m<i>, setData on a base node, delete m<i - 1>: the tree stays the same size while every txn changes it.
  let fuzzy: string[] = [];
  for (let round = 0; round < MAX_ROUNDS && fuzzy.length === 0; round++) {
    await Promise.all(writers.map((w, s) => pipelined(w, WRITES_PER_ROUND, (i) => {
      const k = round * WRITES_PER_ROUND + i;
      switch (k % 3) {
        case 0: return [OpCode.create, createBody(`${ROOT}/s${s}/m${k}`, DATA)];
        case 1: return [OpCode.setData, { path: `${ROOT}/s${s}/n${k % BASE_NODES}`, data: Buffer.from(`round ${round} write ${k}`), version: -1 }];
        default: return [OpCode.delete, { path: `${ROOT}/s${s}/m${k - 2}`, version: -1 }];
      }
    })));
    fuzzy = fuzzySnapshots(v2);
  }
  assert.ok(fuzzy.length > 0, `no snapshot taken during ${MAX_ROUNDS} rounds of writes has a node changed after its zxid`);
  await Promise.all(writers.map((w) => w.closeSession()));
  const reader = await RawZkClient.connect(ours.port);
  const expected = await dumpTree(reader);
  await reader.closeSession();
  assert.equal((await ours.stop()).code, 0, ours.stderr());

  // Later snapshots go, so Apache must start from the fuzzy one and replay the logs after it.
  const chosen = fuzzy[fuzzy.length - 1]!;
  const chosenZxid = BigInt(`0x${chosen.slice(9)}`);
  for (const f of readdirSync(v2)) if (f.startsWith('snapshot.') && BigInt(`0x${f.slice(9)}`) > chosenZxid) rmSync(join(v2, f));
  t.diagnostic(`Apache loads ${chosen} (${fuzzy.length} fuzzy snapshots) and replays the log after it; ${expected.size} nodes`);

  const apache = await startApacheZooKeeper({ dataDir });
  stops.push(() => apache.kill9());
  const apacheReader = await RawZkClient.connect(apache.port);
  const actual = await dumpTree(apacheReader);
  await apacheReader.closeSession();
  await apache.stop();
  const diffs = dumpDifferences(expected, actual);
  assert.deepEqual(diffs.slice(0, 20), [], `${diffs.length} differences`);
  assert.ok(expected.size > WRITERS * BASE_NODES, `only ${expected.size} nodes compared`);
});
