// The client port is bound before the data dir is recovered: connections made meanwhile wait and are served once the
// server is up; a start that fails frees the port.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { sendFourLetterWord } from '../../../src/cli/four-letter-word.js';
import { parseZooKeeperConfig } from '../../../src/config/zookeeper-config.js';
import { bindClientPort } from '../../../src/zookeeper/server/client-port.js';
import { startZooKeeperServer } from '../../../src/zookeeper/server/start.js';

const WORD_TIMEOUT_MS = 15_000;

function configIn(dir: string, port = 0) {
  return parseZooKeeperConfig(`tickTime=2000\ndataDir=${dir}\nclientPort=${port}\nclientPortAddress=127.0.0.1\n4lw.commands.whitelist=*\n`, 'zoo.cfg');
}

function connected(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => resolve(socket));
    socket.once('error', reject);
  });
}

test('a four-letter word sent before the server is up is answered once it is', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'zkafka-client-port-'));
  const config = configIn(dir);
  const clientPort = await bindClientPort(config);
  try {
    // One that gives up while it waits is passed over.
    (await connected(clientPort.address.port)).destroy();
    const early = sendFourLetterWord('127.0.0.1', clientPort.address.port, 'ruok', WORD_TIMEOUT_MS);
    // The word's connection was accepted before the server starts.
    while ((await connectionCount(clientPort.listener)) < 1) await new Promise((r) => setTimeout(r, 10));
    const zk = await startZooKeeperServer(config, { log: () => {}, clientPort });
    try {
      assert.equal(await early, 'imok');
      assert.equal(zk.address.port, clientPort.address.port);
      assert.match(await sendFourLetterWord('127.0.0.1', zk.address.port, 'srvr', WORD_TIMEOUT_MS), /^Zookeeper version: 3\.8\.0-/);
    } finally {
      await zk.close();
    }
  } finally {
    clientPort.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

function connectionCount(listener: import('node:net').Server): Promise<number> {
  return new Promise((resolve, reject) => listener.getConnections((err, n) => (err ? reject(err) : resolve(n))));
}

test('a start that fails closes the port it was given', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'zkafka-client-port-'));
  try {
    // A data dir that is a file cannot be recovered.
    const file = join(dir, 'not-a-dir');
    writeFileSync(file, 'x');
    const config = configIn(file);
    const clientPort = await bindClientPort(config);
    await assert.rejects(startZooKeeperServer(config, { log: () => {}, clientPort }));
    assert.equal(clientPort.listener.listening, false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
