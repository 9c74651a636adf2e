// A damaged end of the last txn log file (what a crash mid-write leaves) is cut off at start-up: the server
// starts with every earlier write and takes new ones. Damage with valid entries after it is corruption: the
// server must refuse to start, with one line naming the file, and leave the file as it was.
import assert from 'node:assert/strict';
import { readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Err, OpCode } from '../../src/zookeeper/jute/constants.js';
import type { Stat } from '../../src/zookeeper/jute/records.generated.js';
import { RawZkClient, createBody } from './raw-client.js';
import { lastLogFile, type LogEntryLayout } from './txn-log-file.js';
import { runServerToExit, startServerProcess, tempDir, writeConfig } from './server-process.js';

const WRITES = 30;

function valueOf(i: number): Buffer {
  return Buffer.from(`value ${i} `.padEnd(20 + ((i * 37) % 300), '#'));
}

interface Seeded {
  configFile: string;
  versionDir: string;
}

/** Starts a server on a fresh dataDir, creates /t/n0../t/n{WRITES-1} one by one, and stops it (sessions left open). */
async function seedDataDir(dir: string): Promise<Seeded> {
  const dataDir = join(dir, 'data');
  const first = await startServerProcess(writeConfig(dir, { dataDir, clientPort: 0 }));
  try {
    const client = await RawZkClient.connect(first.port);
    assert.equal((await client.request(OpCode.create, createBody('/t', null))).header.err, 0);
    for (let i = 0; i < WRITES; i++) {
      assert.equal((await client.request(OpCode.create, createBody(`/t/n${i}`, valueOf(i)))).header.err, 0);
    }
    client.destroy();
  } finally {
    const status = await first.stop();
    assert.equal(status.code, 0, first.stderr());
  }
  return { configFile: writeConfig(dir, { dataDir, clientPort: 0 }), versionDir: join(dataDir, 'version-2') };
}

/** Checks /t/n0..n{present-1} with their values and that the later ones are absent. */
async function expectWrites(port: number, present: number, extra: string[] = []): Promise<void> {
  const client = await RawZkClient.connect(port);
  try {
    for (let i = 0; i < WRITES; i++) {
      const r = await client.request(OpCode.getData, { path: `/t/n${i}`, watch: false });
      if (i < present) {
        assert.equal(r.header.err, 0, `/t/n${i} is missing`);
        assert.ok((r.body as { data: Buffer }).data.equals(valueOf(i)), `/t/n${i} has the wrong data`);
      } else {
        assert.equal(r.header.err, Err.NONODE, `/t/n${i} survived although its log entry was damaged`);
      }
    }
    for (const path of extra) assert.equal((await client.request(OpCode.exists, { path, watch: false })).header.err, 0, `${path} is missing`);
  } finally {
    await client.closeSession();
  }
}

function lastCreate(entries: LogEntryLayout[]): LogEntryLayout {
  const last = entries[entries.length - 1]!;
  assert.equal(last.type, OpCode.create, 'the last log entry should be the last create');
  return last;
}

const tailDamage: Array<{ name: string; present: number; damage(file: string, buf: Buffer, last: LogEntryLayout): void }> = [
  {
    name: 'the file cut in the middle of the last entry',
    present: WRITES - 1,
    damage: (file, _buf, last) => truncateSync(file, last.txnOffset + Math.floor(last.length / 2)),
  },
  {
    name: 'the file cut inside the last entry header',
    present: WRITES - 1,
    damage: (file, _buf, last) => truncateSync(file, last.offset + 6),
  },
  {
    name: 'the second half of the last entry zeroed',
    present: WRITES - 1,
    damage: (file, buf, last) => {
      buf.fill(0, last.txnOffset + Math.floor(last.length / 2), last.end);
      writeFileSync(file, buf);
    },
  },
  {
    name: "bytes flipped in the last entry's payload",
    present: WRITES - 1,
    damage: (file, buf, last) => {
      for (let i = 5; i < 8; i++) buf[last.end - 1 - i]! ^= 0xff;
      writeFileSync(file, buf);
    },
  },
  {
    name: 'a partial entry header written after the last entry',
    present: WRITES,
    damage: (file, buf, last) => {
      Buffer.from([0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde]).copy(buf, last.end);
      writeFileSync(file, buf);
    },
  },
];

for (const c of tailDamage) {
  test(`torn tail, ${c.name}: the server starts, keeps earlier writes, takes new ones`, { timeout: 30_000 }, async (t) => {
    const dir = tempDir('zk-torn-');
    const servers: Array<{ kill9(): Promise<unknown> }> = [];
    t.after(async () => {
      for (const s of servers) await s.kill9();
      dir.remove();
    });
    const { configFile, versionDir } = await seedDataDir(dir.path);
    const { file, buf, entries } = lastLogFile(versionDir);
    c.damage(file, buf, lastCreate(entries));

    const restarted = await startServerProcess(configFile);
    servers.push(restarted);
    await expectWrites(restarted.port, c.present);
    const writer = await RawZkClient.connect(restarted.port);
    const after = await writer.request(OpCode.create, createBody('/t/after', Buffer.from('after the repair')));
    assert.equal(after.header.err, 0);
    const setAgain = await writer.request(OpCode.setData, { path: '/t/n0', data: valueOf(0), version: 0 });
    assert.equal((setAgain.body as { stat: Stat }).stat.version, 1);
    await writer.closeSession();
    assert.equal((await restarted.stop()).code, 0);
    t.diagnostic(/Recovered .*/.exec(restarted.stdout())?.[0] ?? '');
    t.diagnostic(/Truncated .*/.exec(restarted.stdout())?.[0] ?? '(no truncation line)');

    // The repaired log and the new writes read back cleanly on the next start.
    const again = await startServerProcess(configFile);
    servers.push(again);
    await expectWrites(again.port, c.present, ['/t/after']);
    assert.equal((await again.stop()).code, 0);
  });
}

const middleDamage: Array<{ name: string; damage(buf: Buffer, e: LogEntryLayout): void }> = [
  {
    name: "bytes flipped in a middle entry's payload (checksum mismatch)",
    damage: (buf, e) => {
      for (let i = 3; i < 6; i++) buf[e.end - 1 - i]! ^= 0xff;
    },
  },
  {
    name: "a middle entry's length field garbled",
    damage: (buf, e) => buf.writeInt32BE(0x7ffffff0, e.offset + 8),
  },
  {
    name: 'a middle entry zeroed whole',
    damage: (buf, e) => buf.fill(0, e.offset, e.end),
  },
];

for (const c of middleDamage) {
  test(`corruption, ${c.name}: the server refuses to start with one line naming the file`, { timeout: 30_000 }, async (t) => {
    const dir = tempDir('zk-corrupt-');
    t.after(() => dir.remove());
    const { configFile, versionDir } = await seedDataDir(dir.path);
    const { file, buf, entries } = lastLogFile(versionDir);
    const victim = entries[Math.floor(entries.length / 2)]!;
    c.damage(buf, victim);
    writeFileSync(file, buf);

    const result = await runServerToExit(configFile);
    t.diagnostic(`exit ${result.code ?? result.signal}; stderr: ${result.stderr.trim()}`);
    assert.equal(result.started, false, `the server started on a corrupt log:\n${result.stdout}`);
    assert.equal(result.timedOut, false, 'the server neither started nor exited');
    assert.doesNotMatch(result.stdout, /listening on/);
    assert.notEqual(result.code, 0);
    const lines = result.stderr.trim().split('\n');
    assert.equal(lines.length, 1, `expected one line on stderr, got:\n${result.stderr}`);
    assert.ok(lines[0]!.includes(file), `the error does not name ${file}: ${lines[0]}`);
    assert.ok(readFileSync(file).equals(buf), 'the server changed the corrupt log file');
  });
}
