// bin/zkafka, the installed binary: bin/run.js under Node started without NODE_EXTRA_CA_CERTS
// (src/cli/node-start-env.ts), from any directory and through a symbolic link, as npm links it; the bin/*.sh shims too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN_DIR, runCommand } from '../support/run-tool.js';

test('bin/zkafka runs bin/run.js without reading NODE_EXTRA_CA_CERTS, also through a link from elsewhere', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'zkafka-launcher-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const env = { ...process.env, NODE_EXTRA_CA_CERTS: join(dir, 'missing.pem') };
  const VERSION = /^zkafka\/\S+ \S+ node-v\S+\n$/;

  // Node itself reports the file it cannot load: what the launcher avoids.
  const direct = await runCommand(process.execPath, [join(BIN_DIR, 'run.js'), '--version'], { env, cwd: dir });
  assert.equal(direct.code, 0);
  assert.match(direct.stdout, VERSION);
  assert.match(direct.stderr, /Ignoring extra certs from .*missing\.pem/);

  symlinkSync(join(BIN_DIR, 'zkafka'), join(dir, 'zkafka'));
  for (const launcher of [join(BIN_DIR, 'zkafka'), join(dir, 'zkafka')]) {
    const r = await runCommand(launcher, ['--version'], { env, cwd: dir });
    assert.deepEqual(r, { code: 0, stdout: direct.stdout, stderr: '' }, launcher);
  }
  // A shim finds zkafka beside itself: started by path, through a link from elsewhere, and by bare name from its own
  // directory.
  const linkDir = join(dir, 'links'); // without a zkafka of its own
  mkdirSync(linkDir);
  symlinkSync(join(BIN_DIR, 'zookeeper-shell.sh'), join(linkDir, 'zookeeper-shell.sh'));
  const shims = [
    await runCommand(join(BIN_DIR, 'zookeeper-shell.sh'), [], { env, cwd: dir }),
    await runCommand(join(linkDir, 'zookeeper-shell.sh'), [], { env, cwd: dir }),
    await runCommand('bash', ['zookeeper-shell.sh'], { env, cwd: BIN_DIR }),
  ];
  for (const shim of shims) assert.match(shim.stderr, /^USAGE: zookeeper-shell [^\n]*\n$/);
});
