// Four-letter words against the answers Apache ZooKeeper 3.8.0 gave in the recorded fixture: the same lines, keys,
// order, separators and number kinds (integer vs double), whatever the numbers, ids, dates and paths.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parseZooKeeperConfig } from '../../../src/config/zookeeper-config.js';
import { javaDate, javaDouble, javaHex } from '../../../src/zookeeper/server/four-letter-words/java-format.js';
import { nodeDigest, treeDigest } from '../../../src/zookeeper/server/four-letter-words/tree-digest.js';
import { startZooKeeperServer, type RunningZooKeeperServer } from '../../../src/zookeeper/server/start.js';
import { DataNode } from '../../../src/zookeeper/tree/data-node.js';
import { FIXTURES_DIR } from '../../support/fixtures-dir.js';

const FIXTURE = join(FIXTURES_DIR, 'fourletter.jsonl');
const NO_FIXTURE = existsSync(FIXTURE) ? false : `the recorded Apache answers are not available at ${FIXTURE}`;
/** Deadline for an answer or a connect: generous, since the machine may be busy. */
const TIMEOUT_MS = 15_000;

// ---- node-zookeeper-client (no type declarations) ----

type Cb<T> = (err: Error | null, value: T) => void;
interface NzkClient {
  connect(): void;
  close(): void;
  once(event: 'connected', listener: () => void): void;
  create(path: string, data: Buffer | null, mode: number, cb: Cb<string>): void;
  getData(path: string, watcher: () => void, cb: Cb<Buffer>): void;
  getChildren(path: string, watcher: () => void, cb: Cb<string[]>): void;
}
interface Nzk {
  createClient(connectString: string, options: { sessionTimeout: number; retries: number }): NzkClient;
  CreateMode: { PERSISTENT: number; EPHEMERAL: number };
}
const nzk = createRequire(import.meta.url)('node-zookeeper-client') as Nzk;

function call<T>(f: (cb: Cb<T>) => void): Promise<T> {
  return new Promise((resolve, reject) => f((err, value) => (err ? reject(err) : resolve(value))));
}

// ---- helpers ----

async function startServer(extraConfig = ''): Promise<{ zk: RunningZooKeeperServer; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'zkafka-4lw-'));
  const text = `tickTime=2000\ndataDir=${dir}\nclientPort=0\nclientPortAddress=127.0.0.1\n${extraConfig}`;
  const zk = await startZooKeeperServer(parseZooKeeperConfig(text, 'zoo.cfg'), { log: () => {} });
  return { zk, dir };
}

/** Sends `word` (plus `extra` bytes) on a fresh connection; resolves with everything before the server closes. */
function fourLetterWord(port: number, word: string, extra: Buffer = Buffer.alloc(0)): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no end of answer to ${word} within ${TIMEOUT_MS} ms`));
    }, TIMEOUT_MS);
    socket.once('connect', () => socket.write(Buffer.concat([Buffer.from(word, 'latin1'), extra])));
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
  });
}

/** The fixture's answers by word (request text on one raw connection, the whole answer on the same one). */
function fixtureAnswers(): Map<string, string> {
  const asked = new Map<number, string>();
  const answers = new Map<string, string>();
  for (const line of readFileSync(FIXTURE, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    const f = JSON.parse(line) as { dir: string; conn: number; hex: string; raw?: boolean };
    if (!f.raw) continue;
    const text = Buffer.from(f.hex, 'hex').toString('utf8');
    if (f.dir === 'c2s') asked.set(f.conn, text);
    else answers.set(asked.get(f.conn)!, text);
  }
  return answers;
}

// Values that are machine- or run-specific in both: blanked before digits are.
const VERSION = /3\.8\.0-\S+, built on \d{4}-\d\d-\d\d \d\d:\d\d [A-Z]+/g;
const DATE = /\b[A-Z][a-z]{2} [A-Z][a-z]{2} \d\d \d\d:\d\d:\d\d \S+ \d{4}\b/g;
const PATH_VALUED = new Set(['dataDir', 'dataLogDir']);

/**
 * An answer reduced to its format: version, dates and paths blanked, hex ids to 0x#, doubles to #.#, integers to #,
 * so integers and doubles stay apart. In `envi` only the keys and the
 * memory lines' "<n>MB" form remain (the values describe the runtime). In `dump` each expiry queue becomes its
 * header and sorted entries, since how its entries fall into time buckets depends on timing.
 */
function mask(word: string, text: string): string {
  let lines = text.split('\n').map((line) => {
    const eq = line.indexOf('=');
    if (eq > 0 && PATH_VALUED.has(line.slice(0, eq))) return `${line.slice(0, eq)}=<path>`;
    if (word === 'envi' && eq > 0) {
      const value = line.slice(eq + 1);
      return `${line.slice(0, eq)}=${/^\d+MB$/.test(value) ? '#MB' : '<value>'}`;
    }
    return line
      .replace(VERSION, '<version>')
      .replace(DATE, '<date>')
      .replace(/0x[0-9a-f]+/g, '0x#')
      // A double must look as Java prints it ("2.2", never "2.2000"); otherwise the mismatch stays visible.
      .replace(/\d+\.\d+(E-?\d+)?/g, (d) => (javaDouble(Number(d)) === d ? '#.#' : `<not a Java double: ${d}>`))
      .replace(/\d+/g, '#');
  });
  if (word === 'dump') {
    const out: string[] = [];
    let bucketEntries: string[] = [];
    const flush = () => {
      out.push(...bucketEntries.sort());
      bucketEntries = [];
    };
    for (const line of lines) {
      if (/^# expire at <date>:$/.test(line)) continue;
      if (line.startsWith('\t') && !/^\t\//.test(line)) bucketEntries.push(line);
      else {
        flush();
        out.push(line);
      }
    }
    flush();
    lines = out.map((l) => l.replace(/^(Session|Connections) Sets \(#\)\/\(#\):$/, '$1 Sets (#)/(#):'));
  }
  return lines.join('\n');
}

// ---- the server the fixture comparisons run against: one session with an ephemeral and watches on /f ----

describe('four-letter words in Apache 3.8 formats', () => {
  let zk: RunningZooKeeperServer;
  let dir: string;
  let client: NzkClient;
  let port: number;
  const answers = NO_FIXTURE ? new Map<string, string>() : fixtureAnswers();

  before(async () => {
    ({ zk, dir } = await startServer('4lw.commands.whitelist=*\n'));
    port = zk.address.port;
    client = nzk.createClient(`127.0.0.1:${port}`, { sessionTimeout: 10_000, retries: 0 });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('client did not connect')), TIMEOUT_MS);
      client.once('connected', () => {
        clearTimeout(timer);
        resolve();
      });
      client.connect();
    });
    await call<string>((cb) => client.create('/f', null, nzk.CreateMode.PERSISTENT, cb));
    await call<string>((cb) => client.create('/f/eph', null, nzk.CreateMode.EPHEMERAL, cb));
    await call<Buffer>((cb) => client.getData('/f', () => {}, cb));
    await call<string[]>((cb) => client.getChildren('/f', () => {}, cb));
  });

  after(async () => {
    client?.close();
    await zk?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('the words show this server and session', async () => {
    const stat = await fourLetterWord(port, 'stat');
    assert.match(stat, /^Zookeeper version: 3\.8\.0-zkafka, built on /);
    assert.match(stat, /\nClients:\n \/127\.0\.0\.1:\d+\[1\]\(queued=0,recved=\d+,sent=\d+\)\n \/127\.0\.0\.1:\d+\[0\]\(queued=0,recved=1,sent=0\)\n\n/);
    assert.match(stat, /\nMode: standalone\nNode count: 7\n$/);
    assert.match(await fourLetterWord(port, 'wchc'), /^0x[0-9a-f]+\n\t\/f\n\n$/);
    assert.match(await fourLetterWord(port, 'dump'), /\nSessions with Ephemerals \(1\):\n0x[0-9a-f]+:\n\t\/f\/eph\nConnections dump:\n/);
    const mntr = await fourLetterWord(port, 'mntr');
    assert.match(mntr, /\nzk_watch_count\t2\n/);
    assert.match(mntr, /\nzk_ephemerals_count\t1\n/);
    assert.match(mntr, /\nzk_min_f_write_per_namespace\t2\nzk_max_f_write_per_namespace\t6\n/);
    // createSession and two creates, each awaited: three group commits of one txn, one fsync each.
    assert.match(mntr, /\nzk_cnt_sync_processor_batch_size\t3\nzk_sum_sync_processor_batch_size\t3\n/);
    assert.match(mntr, /\nzk_cnt_fsynctime\t3\n/);
    const conf = await fourLetterWord(port, 'conf');
    assert.match(conf, new RegExp(`^clientPort=${port}\\nsecureClientPort=-1\\ndataDir=${dir}/version-2\\n`));
  });

  const WORDS = ['ruok', 'srvr', 'stat', 'mntr', 'conf', 'envi', 'cons', 'wchs', 'wchc', 'wchp', 'dump', 'isro', 'dirs', 'gtmk', 'hash', 'crst', 'srst'];
  for (const word of WORDS) {
    test(`${word} has the layout of Apache's answer`, { skip: NO_FIXTURE }, async () => {
      const expected = answers.get(word);
      assert.ok(expected !== undefined, `the fixture has an answer to ${word}`);
      const actual = await fourLetterWord(port, word);
      assert.equal(mask(word, actual), mask(word, expected), `${word} answer:\n${actual}`);
    });
  }

  test('stmk sets the trace mask gtmk reads back; a short mask closes without an answer', async () => {
    const mask = Buffer.alloc(8);
    mask.writeBigInt64BE(255n);
    assert.equal(await fourLetterWord(port, 'stmk', mask), '255');
    assert.equal(await fourLetterWord(port, 'gtmk'), '255');
    assert.equal(await fourLetterWord(port, 'stmk', Buffer.from([0, 0])), '');
    mask.writeBigInt64BE(306n);
    assert.equal(await fourLetterWord(port, 'stmk', mask), '306');
  });
});

describe('four-letter word whitelist', () => {
  test('a word left out of 4lw.commands.whitelist gets Apache\'s one-line refusal', async () => {
    const { zk, dir } = await startServer('4lw.commands.whitelist=ruok\n');
    try {
      const port = zk.address.port;
      assert.equal(await fourLetterWord(port, 'ruok'), 'imok');
      for (const word of ['stat', 'mntr', 'stmk', 'isro']) {
        assert.equal(await fourLetterWord(port, word), `${word} is not executed because it is not in the whitelist.\n`);
      }
      // srvr is always allowed: zkServer.sh status needs it.
      assert.match(await fourLetterWord(port, 'srvr'), /^Zookeeper version: /);
    } finally {
      await zk.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('hash', () => {
  test('every 128th zxid is listed with the digest of the tree at that point', async () => {
    const { zk, dir } = await startServer('4lw.commands.whitelist=*\n');
    const client = nzk.createClient(`127.0.0.1:${zk.address.port}`, { sessionTimeout: 10_000, retries: 0 });
    try {
      await new Promise<void>((resolve) => {
        client.once('connected', resolve);
        client.connect();
      });
      // The session takes zxid 1; 127 creates bring the tree to zxid 0x80.
      for (let i = 0; i < 127; i++) await call<string>((cb) => client.create(`/n${i}`, Buffer.from(`v${i}`), nzk.CreateMode.PERSISTENT, cb));
      assert.equal(zk.server.lastProcessedZxid, 0x80n);
      assert.equal(await fourLetterWord(zk.address.port, 'hash'), `80: ${treeDigest(zk.server.tree)}\n`);
    } finally {
      client.close();
      await zk.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('node digests equal Apache DigestCalculator values (computed with java.util.zip.CRC32)', () => {
    const node = (data: Buffer | null, czxid: bigint, mzxid: bigint, pzxid: bigint, ctime: bigint, mtime: bigint, version: number, cversion: number, aversion: number, owner: bigint) =>
      new DataNode(data, null, czxid, mzxid, ctime, mtime, version, cversion, aversion, owner, pzxid);
    assert.equal(nodeDigest('/', node(Buffer.alloc(0), 0n, 0n, 5n, 0n, 0n, 0, 3, 0, 0n)), 1467720806);
    assert.equal(nodeDigest('/zookeeper', node(Buffer.alloc(0), 0n, 0n, 0n, 0n, 0n, 0, 0, 0, 0n)), 1303661912);
    assert.equal(nodeDigest('/zookeeper/quota', node(null, 0n, 0n, 0n, 0n, 0n, 0, 0, 0, 0n)), 0);
    const owned = node(Buffer.from('hello'), 2n, 7n, 2n, 1795641302569n, 1795641309999n, 3, 0, 1, 0x1000012320f0001n);
    assert.equal(nodeDigest('/a/é', owned), 3189170763);
    assert.equal(nodeDigest('/c', node(null, 9n, 9n, 12n, 1n, 1n, 0, 2, -1, -0x8000000000000000n)), 1489230730);
  });
});

describe('Java value formats', () => {
  test('Double.toString, Long.toHexString and Date.toString', () => {
    assert.equal(javaDouble(0), '0.0');
    assert.equal(javaDouble(2.2), '2.2');
    assert.equal(javaDouble(5), '5.0');
    assert.equal(javaDouble(0.6667), '0.6667');
    assert.equal(javaDouble(0.0001), '1.0E-4');
    assert.equal(javaDouble(12345678), '1.2345678E7');
    assert.equal(javaHex(-1n), 'ffffffffffffffff');
    assert.equal(javaHex(0x100006415530000n), '100006415530000');
    assert.match(javaDate(Date.UTC(2026, 10, 5, 3, 4, 5)), /^[A-Z][a-z]{2} Nov 0[456] \d\d:\d\d:05 \S+ 2026$/);
  });
});
