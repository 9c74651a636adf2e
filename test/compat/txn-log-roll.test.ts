// txnLogSizeLimitInKb rolls the txn log as Apache's FileTxnLog does: once a commit leaves the current file
// (preallocation included) longer than the limit, the next txn starts a new log.<zxid>. Every file must read in
// Apache's TxnLogToolkit, and a restart must recover the writes spread over all of them.
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { OpCode } from '../../src/zookeeper/jute/constants.js';
import { readLoggedTxns } from '../../src/zookeeper/storage/txn-log-reader.js';
import { RawZkClient, createBody } from '../faults/raw-client.js';
import { startServerProcess, tempDir, writeConfig, type ServerProcess } from '../faults/server-process.js';
import { logFiles } from '../faults/txn-log-file.js';
import { TXN_LOG_TOOLKIT, apacheZooKeeperAvailable, runJavaClass } from '../support/apache-zk.js';

const unavailable = apacheZooKeeperAvailable();
if (unavailable) console.log(`skipping the TxnLogToolkit check of rolled logs: ${unavailable}`);

const LIMIT_KB = 64;
const PREALLOC_KB = 16;
const WRITES = 400;

function valueOf(i: number): Buffer {
  return Buffer.from(`value ${i} `.padEnd(600, '#'));
}

async function expectWrites(port: number): Promise<void> {
  const client = await RawZkClient.connect(port);
  try {
    for (let i = 0; i < WRITES; i++) {
      const r = await client.request(OpCode.getData, { path: `/r/n${i}`, watch: false });
      assert.equal(r.header.err, 0, `/r/n${i} is missing`);
      assert.ok((r.body as { data: Buffer }).data.equals(valueOf(i)), `/r/n${i} has the wrong data`);
    }
  } finally {
    await client.closeSession();
  }
}

test('txnLogSizeLimitInKb: writes roll over several log files, each read by TxnLogToolkit, all recovered on restart', { timeout: 180_000 }, async (t) => {
  const dir = tempDir('zk-log-roll-');
  const servers: ServerProcess[] = [];
  t.after(async () => {
    for (const s of servers) await s.kill9();
    dir.remove();
  });
  const dataDir = join(dir.path, 'data');
  const configFile = writeConfig(dir.path, {
    dataDir, clientPort: 0, clientPortAddress: '127.0.0.1', txnLogSizeLimitInKb: LIMIT_KB, preAllocSize: PREALLOC_KB,
  });
  const server = await startServerProcess(configFile);
  servers.push(server);
  const client = await RawZkClient.connect(server.port);
  assert.equal((await client.request(OpCode.create, createBody('/r', null))).header.err, 0);
  for (let i = 0; i < WRITES; i++) assert.equal((await client.request(OpCode.create, createBody(`/r/n${i}`, valueOf(i)))).header.err, 0);
  await client.closeSession();
  assert.equal((await server.stop()).code, 0, server.stderr());

  const versionDir = join(dataDir, 'version-2');
  const files = logFiles(versionDir);
  const sizes = files.map((f) => statSync(f).size);
  t.diagnostic(`log files: ${files.map((f, i) => `${f.slice(f.lastIndexOf('/') + 1)} (${sizes[i]} bytes)`).join(', ')}`);
  assert.ok(files.length >= 4, `${files.length} log files for about ${(WRITES * 0.7).toFixed(0)} KB of txns`);
  // A file rolls at the first commit that leaves it past the limit, and it grows a preAllocSize step at a time.
  for (const size of sizes.slice(0, -1)) assert.ok(size > LIMIT_KB * 1024 && size <= (LIMIT_KB + PREALLOC_KB + 4) * 1024, `a rolled file of ${size} bytes`);
  const logged = [...readLoggedTxns(versionDir)].length;
  assert.ok(logged >= WRITES + 1, `${logged} txns logged`);

  if (!unavailable) {
    let total = 0;
    for (const file of files) {
      const dump = await runJavaClass(TXN_LOG_TOOLKIT, [file]);
      assert.equal(dump.code, 0, `TxnLogToolkit ${file}: ${dump.stderr}`);
      const eof = /EOF reached after (\d+) txns\./.exec(dump.stdout);
      assert.ok(eof, `TxnLogToolkit did not read ${file} to its end:\n${dump.stdout.slice(-500)}`);
      assert.doesNotMatch(dump.stdout + dump.stderr, /CRC|corrupt/i);
      total += Number(eof[1]);
    }
    assert.equal(total, logged, 'TxnLogToolkit reads every txn of every file');
  }

  const restarted = await startServerProcess(configFile);
  servers.push(restarted);
  await expectWrites(restarted.port);
  assert.equal((await restarted.stop()).code, 0, restarted.stderr());
});
