// npm run bench (or node dist/bench/zk/bench-client.js): our ZooKeeper client against node-zookeeper-client,
// a pipelined getData loop on the same server in the same run, taking turns, against Apache ZooKeeper 3.8 and
// against our server (each a separate process). Target: ours >= 1.0x the other client (not the bottleneck).
import { createRequire } from 'node:module';
import { connectZooKeeper, type ZooKeeperClient } from '../../src/zookeeper/client/index.js';
import { apacheUnavailable, startApacheServer } from './apache-server.js';
import { startOurServer } from './our-server.js';
import { killAllStartedServers, type BenchServer } from './server-process.js';

const REQUESTS = Number(process.env['ZK_BENCH_CLIENT_REQUESTS'] ?? 50_000);
const WINDOW = 100;
const ROUNDS = 3;
const DATA = Buffer.alloc(100, 7);
const TARGET_RATIO = 1.0;

interface NzkClient {
  connect(): void;
  close(): void;
  once(event: 'connected', listener: () => void): void;
  getData(path: string, cb: (err: Error | null, data?: Buffer) => void): void;
}
const nzk = createRequire(import.meta.url)('node-zookeeper-client') as {
  createClient(cs: string, opts: { sessionTimeout: number }): NzkClient;
};

/** Keeps WINDOW requests in flight until REQUESTS are done; resolves with ops/s. */
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

const checked = (data: Buffer | null | undefined) => (data?.length === DATA.length ? null : new Error('bad data'));

async function measure(server: BenchServer): Promise<{ ours: number; theirs: number }> {
  const cs = `${server.host}:${server.port}`;
  const client: ZooKeeperClient = await connectZooKeeper(cs, { sessionTimeoutMs: 10_000 });
  const other = nzk.createClient(cs, { sessionTimeout: 10_000 });
  await new Promise<void>((resolve) => {
    other.once('connected', resolve);
    other.connect();
  });
  try {
    await client.create('/bench-client', DATA).catch(() => undefined);
    const runOurs = () => pipelined((done) => client.getData('/bench-client').then((r) => done(checked(r.data)), done));
    const runTheirs = () => pipelined((done) => other.getData('/bench-client', (err, data) => done(err ?? checked(data))));
    // A warm-up round each (a JVM server speeds up as it compiles), then rounds in alternating order.
    await runOurs();
    await runTheirs();
    let ours = 0;
    let theirs = 0;
    for (let round = 0; round < ROUNDS; round++) {
      if (round % 2 === 0) {
        ours = Math.max(ours, await runOurs());
        theirs = Math.max(theirs, await runTheirs());
      } else {
        theirs = Math.max(theirs, await runTheirs());
        ours = Math.max(ours, await runOurs());
      }
    }
    return { ours, theirs };
  } finally {
    other.close();
    await client.close();
  }
}

async function main(): Promise<void> {
  const servers: [string, () => Promise<BenchServer>][] = [['zkafka', () => startOurServer()]];
  const skip = apacheUnavailable();
  if (skip) process.stdout.write(`Apache ZooKeeper skipped: ${skip}\n`);
  else servers.push(['Apache ZooKeeper 3.8', () => startApacheServer()]);
  process.stdout.write(`client getData throughput, ${REQUESTS} requests, ${WINDOW} in flight, after a warm-up, best of ${ROUNDS} alternating rounds\n`);
  process.stdout.write(`server                  ours ops/s   node-zookeeper-client ops/s   ratio   target >= ${TARGET_RATIO.toFixed(1)}x\n`);
  for (const [name, start] of servers) {
    const server = await start();
    try {
      const { ours, theirs } = await measure(server);
      const ratio = ours / theirs;
      process.stdout.write(
        `${name.padEnd(22)} ${ours.toFixed(0).padStart(11)}   ${theirs.toFixed(0).padStart(27)}   ${ratio.toFixed(2).padStart(5)}x  ${ratio >= TARGET_RATIO ? 'PASS' : 'FAIL'}\n`,
      );
    } finally {
      await server.stop();
    }
  }
}

try {
  await main();
} finally {
  await killAllStartedServers();
}
