// A client may half-close its side right after the four letters (our own four-letter-word client does; so can
// `nc`): Apache still answers. Words whose code loads on first use must too. This file runs in its own process, so
// every word here is the first use of its module.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { sendFourLetterWord } from '../../../src/cli/four-letter-word.js';
import { parseZooKeeperConfig } from '../../../src/config/zookeeper-config.js';
import { startZooKeeperServer, type RunningZooKeeperServer } from '../../../src/zookeeper/server/start.js';

const WORD_TIMEOUT_MS = 15_000;
let zk: RunningZooKeeperServer;
let dir: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'zkafka-4lw-half-close-'));
  const text = `tickTime=2000\ndataDir=${dir}\nclientPort=0\nclientPortAddress=127.0.0.1\n4lw.commands.whitelist=*\n`;
  zk = await startZooKeeperServer(parseZooKeeperConfig(text, 'zoo.cfg'), { log: () => {} });
});

after(async () => {
  await zk?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const FIRST_LINES: Record<string, RegExp> = {
  mntr: /^zk_version\t3\.8\.0-/,
  conf: /^clientPort=\d+\n/,
  envi: /^Environment:\n/,
  dirs: /^datadir_size: \d+\n/,
  dump: /^SessionTracker dump:\n/,
  wchs: /^0 connections watching 0 paths\n/,
  wchc: /^\n$/,
  wchp: /^\n$/,
};

for (const [word, start] of Object.entries(FIRST_LINES)) {
  test(`${word} is answered to a client that half-closed after sending it`, async () => {
    assert.match(await sendFourLetterWord('127.0.0.1', zk.address.port, word, WORD_TIMEOUT_MS), start);
  });
}
