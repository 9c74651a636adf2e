// Throughput of a pipelined getData loop: our client against node-zookeeper-client, same server, same window,
// run alternately. Prints ops/s; fails only if ours is far behind.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, before, describe, test } from 'node:test';
import { connectZooKeeper, type ZooKeeperClient } from '../../src/zookeeper/client/index.js';
import { apacheUnavailable, startApacheTarget, startOurTarget, type ZkTarget } from '../support/client-servers.js';

const REQUESTS = 20_000;
const WINDOW = 100;
const ROUNDS = 3;
const DATA = Buffer.alloc(100, 7);

interface NzkClient {
  connect(): void;
  close(): void;
  once(event: 'connected', listener: () => void): void;
  getData(path: string, cb: (err: Error | null, data?: Buffer) => void): void;
}
const nzk = createRequire(import.meta.url)('node-zookeeper-client') as {
  createClient(cs: string, opts: { sessionTimeout: number }): NzkClient;
};

/** Keeps `WINDOW` requests in flight until `REQUESTS` are done; resolves with ops/s. */
function pipelined(issue: (done: (err: Error | null) => void) => void): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    let sent = 0;
    let done = 0;
    const onDone = (err: Error | null) => {
      if (err) return reject(err);
      if (++done === REQUESTS) return resolve((REQUESTS * 1000) / (performance.now() - started));
      if (sent < REQUESTS) next();
    };
    const next = () => {
      sent++;
      issue(onDone);
    };
    for (let i = 0; i < WINDOW; i++) next();
  });
}

function ours(client: ZooKeeperClient): Promise<number> {
  return pipelined((done) => {
    client.getData('/bench').then(
      (r) => done(r.data?.length === DATA.length ? null : new Error('bad data')),
      (err: Error) => done(err),
    );
  });
}

function theirs(client: NzkClient): Promise<number> {
  return pipelined((done) => client.getData('/bench', (err, data) => done(err ?? (data?.length === DATA.length ? null : new Error('bad data')))));
}

function measureAgainst(label: string, start: () => Promise<ZkTarget>, skip: string | null): void {
  describe(`getData throughput against ${label}`, { skip: skip ?? false }, () => {
    let target: ZkTarget;
    let client: ZooKeeperClient;
    let other: NzkClient;
    before(async () => {
      target = await start();
      client = await connectZooKeeper(target.directConnectString, { sessionTimeoutMs: 10_000 });
      await client.create('/bench', DATA);
      other = nzk.createClient(target.directConnectString, { sessionTimeout: 10_000 });
      await new Promise<void>((resolve) => {
        other.once('connected', resolve);
        other.connect();
      });
    });
    after(async () => {
      other?.close();
      await client?.close();
      await target?.stop();
    });

    test(`${REQUESTS} getData, ${WINDOW} in flight: ours vs node-zookeeper-client`, { timeout: 60_000 }, async () => {
      const oursOps: number[] = [];
      const theirsOps: number[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        oursOps.push(await ours(client));
        theirsOps.push(await theirs(other));
      }
      const best = (xs: number[]) => Math.max(...xs);
      const ratio = best(oursOps) / best(theirsOps);
      console.log(
        `getData throughput against ${label}: ours ${best(oursOps).toFixed(0)} ops/s, node-zookeeper-client ${best(theirsOps).toFixed(0)} ops/s ` +
          `(ratio ${ratio.toFixed(2)}; rounds ours ${oursOps.map((x) => x.toFixed(0)).join('/')}, theirs ${theirsOps.map((x) => x.toFixed(0)).join('/')})`,
      );
      assert.ok(ratio > 0.5, `our client at ${ratio.toFixed(2)}x node-zookeeper-client`);
    });
  });
}

const unavailable = apacheUnavailable();
if (unavailable) console.log(`skipping the throughput run against Apache ZooKeeper: ${unavailable}`);
measureAgainst('zkafka ZooKeeper (in this process)', () => startOurTarget(), null);
measureAgainst('Apache ZooKeeper 3.8', () => startApacheTarget(), unavailable);
