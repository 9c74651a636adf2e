// wchs, wchc and wchp against Apache ZooKeeper 3.8: the same sessions set, fire, remove and re-set the same watches
// on both servers, and after each step the three words must answer the same, byte for byte once session ids are
// named. Apache prints its data watch table from java.util.HashMap/HashSet (paths in hash-bucket order, tables that
// grow and never shrink) and keeps a connection whose watches all fired, with an empty set.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { AddWatchMode, Err, OpCode, WatcherType } from '../../src/zookeeper/jute/constants.js';
import { RawZkClient, createBody } from '../faults/raw-client.js';
import { apacheZooKeeperAvailable, fourLetterWord, startApacheZooKeeper, type ApacheZk } from '../support/apache-zk.js';
import { startOurZooKeeper, type OurZk } from '../support/our-zk.js';

const unavailable = apacheZooKeeperAvailable();
if (unavailable) console.log(`skipping the watch words against Apache ZooKeeper: ${unavailable}`);

const WORD_TIMEOUT_MS = 15_000;
/** Enough paths to grow the path table past 16 and 32 slots (HashMap doubles above 3/4 full). */
const MANY = 30;
const names = Array.from({ length: MANY }, (_, i) => `/w/${['node', 'x', 'watched', 'q'][i % 4]}${i * 7}`);

type Transcript = { step: string; word: string; answer: string }[];

async function ok(client: RawZkClient, op: number, body: unknown, expectedErr = 0): Promise<void> {
  const reply = await client.request(op, body);
  assert.equal(reply.header.err, expectedErr, `op ${op} ${JSON.stringify((body as { path?: string }).path)}`);
}

/**
 * wchc's blocks (a session line, then its paths) come in the order of Apache's HashMap of connection objects, which
 * hash by identity: the blocks are sorted; the paths inside each block keep their order.
 */
function sortedBlocks(answer: string): string {
  const blocks: string[] = [];
  for (const line of answer.split('\n')) {
    if (line.startsWith('\t')) blocks[blocks.length - 1] += `${line}\n`;
    else if (line !== '') blocks.push(`${line}\n`);
  }
  return blocks.sort().join('') + '\n';
}

/** Runs the script against a server at `port`; session ids in the answers are replaced by the session's name. */
async function runScript(host: string, port: number): Promise<Transcript> {
  const transcript: Transcript = [];
  const writer = await RawZkClient.connect(port);
  const a = await RawZkClient.connect(port);
  const b = await RawZkClient.connect(port);
  const childOnly = await RawZkClient.connect(port);
  const label = new Map([a, b, childOnly, writer].map((c, i) => [`0x${c.sessionId.toString(16)}`, ['A', 'B', 'C', 'W'][i]!]));
  const words = async (step: string) => {
    for (const word of ['wchs', 'wchc', 'wchp']) {
      let answer = (await fourLetterWord(host, port, word, WORD_TIMEOUT_MS)).replace(/0x[0-9a-f]+/g, (id) => label.get(id) ?? id);
      if (word === 'wchc') answer = sortedBlocks(answer);
      transcript.push({ step, word, answer });
    }
  };
  try {
    await ok(writer, OpCode.create, createBody('/w', null));
    for (const p of names) await ok(writer, OpCode.create, createBody(p, Buffer.from(p)));
    await words('no watches');

    // A few paths: the tables are at their first size.
    for (const p of names.slice(0, 5)) await ok(a, OpCode.exists, { path: p, watch: true });
    await ok(childOnly, OpCode.getChildren, { path: '/w', watch: true });
    await words('a few data watches, a child watch');

    for (const p of names.slice(5)) await ok(a, OpCode.getData, { path: p, watch: true });
    for (const p of names.slice(0, 3)) await ok(b, OpCode.exists, { path: `${p}-absent`, watch: true }, Err.NONODE);
    await words('many data watches of two sessions');

    for (const p of names) await ok(writer, OpCode.setData, { path: p, data: Buffer.from('changed'), version: -1 });
    await words('every watch of A fired');

    await ok(b, OpCode.removeWatches, { path: `${names[1]}-absent`, type: WatcherType.Data });
    await words('one watch of B removed');

    await b.closeSession();
    for (const p of [...names.slice(20, 24), names[2]!]) await ok(a, OpCode.exists, { path: p, watch: true });
    await ok(a, OpCode.addWatch, { path: '/w', mode: AddWatchMode.Persistent });
    await ok(a, OpCode.addWatch, { path: names[9]!, mode: AddWatchMode.PersistentRecursive });
    await words('B closed, A watching again, persistent and recursive watches');

    await ok(writer, OpCode.setData, { path: names[9]!, data: Buffer.from('again'), version: -1 });
    await ok(writer, OpCode.setData, { path: '/w', data: Buffer.from('again'), version: -1 });
    await words('persistent watches fired and stayed');
    return transcript;
  } finally {
    for (const c of [writer, a, b, childOnly]) c.destroy();
  }
}

let apache: ApacheZk | null = null;
let ours: OurZk | null = null;
let apacheRun: Transcript = [];
let ourRun: Transcript = [];

before(async () => {
  if (unavailable) return;
  apache = await startApacheZooKeeper();
  ours = await startOurZooKeeper();
  apacheRun = await runScript(apache.host, apache.port);
  ourRun = await runScript(ours.host, ours.port);
});

after(async () => {
  await apache?.stop();
  await ours?.stop();
});

// The script does what it is meant to on Apache, so the comparisons below are not vacuous.
test('on Apache: a connection whose watches all fired still counts; paths are not in insertion order', { skip: unavailable ?? false }, () => {
  const answer = (step: string, word: string) => apacheRun.find((r) => r.step === step && r.word === word)?.answer;
  assert.equal(answer('every watch of A fired', 'wchs'), '2 connections watching 3 paths\nTotal watches:3\n');
  assert.equal(answer('every watch of A fired', 'wchc'), 'A\nB\n\t/w/node0-absent\n\t/w/watched14-absent\n\t/w/x7-absent\n\n');
  const listed = (answer('many data watches of two sessions', 'wchp') ?? '').split('\n').filter((l) => l.startsWith('/'));
  assert.equal(listed.length, MANY + 3);
  assert.notDeepEqual(listed.slice(0, MANY), names);
  assert.equal(ourRun.length, apacheRun.length);
});

for (const word of ['wchs', 'wchc', 'wchp']) {
  test(`${word} answers as Apache's at every step`, { skip: unavailable ?? false }, () => {
    const pick = (run: Transcript) => run.filter((r) => r.word === word).map((r) => `--- ${r.step}\n${r.answer}`);
    assert.deepEqual(pick(ourRun), pick(apacheRun));
  });
}
