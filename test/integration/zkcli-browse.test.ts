// `zkcli browse` in a real terminal: tmux runs zkcli in a pane, the test types keys and reads the screen, and
// checks the tree on the server after each step. The server runs in this process.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { connectZooKeeper, type ZooKeeperClient } from '../../src/zookeeper/client/index.js';
import { startOurZooKeeper, type OurZk } from '../support/our-zk.js';

const run = promisify(execFile);
const RUN_JS = fileURLToPath(new URL('../../../bin/run.js', import.meta.url));
const STEP_TIMEOUT_MS = 10_000;
const POLL_MS = 40;

async function tmuxMissing(): Promise<string | false> {
  try {
    await run('tmux', ['-V'], { timeout: 5000 });
    return false;
  } catch {
    return 'tmux is not installed: browse needs a real terminal to be driven';
  }
}

/** A tmux server of its own (its socket in a temp dir, no user config) with one pane running `command`. */
class TmuxPane {
  private readonly dir = mkdtempSync(join(tmpdir(), 'zkafka-browse-'));

  private tmux(...args: string[]): Promise<{ stdout: string }> {
    return run('tmux', ['-S', join(this.dir, 'tmux.sock'), '-f', '/dev/null', ...args], { timeout: 5000 });
  }

  async start(command: string, cols = 120, rows = 50): Promise<void> {
    await this.tmux('new-session', '-d', '-s', 'browse', '-x', String(cols), '-y', String(rows), command);
  }

  /** Keys by tmux name (Enter, Down, C-u) or single characters. */
  async keys(...keys: string[]): Promise<void> {
    await this.tmux('send-keys', '-t', 'browse', ...keys);
  }

  async type(text: string): Promise<void> {
    await this.tmux('send-keys', '-t', 'browse', '-l', text);
  }

  /** The scrollback and the screen, trailing blanks removed. */
  async screen(): Promise<string> {
    const { stdout } = await this.tmux('capture-pane', '-p', '-t', 'browse', '-S', '-1000');
    return stdout.replace(/\s+$/, '');
  }

  /** Waits until the screen matches; fails with the screen in the message. */
  async waitFor(pattern: RegExp, what: string): Promise<string> {
    const deadline = Date.now() + STEP_TIMEOUT_MS;
    let screen = '';
    while (Date.now() < deadline) {
      screen = await this.screen();
      if (pattern.test(screen)) return screen;
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
    assert.fail(`${what}: ${pattern} not on screen within ${STEP_TIMEOUT_MS} ms. Screen:\n${screen}`);
  }

  async stop(): Promise<void> {
    await this.tmux('kill-server').catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** The menu at `path` is the last thing on screen (its key help is the last line), after `since` if given. */
function menuAt(path: string, header: string, since?: string): RegExp {
  return new RegExp(`${since ? `${esc(since)}[\\s\\S]*` : ''}\\? ${esc(path)}  \\[${esc(header)}\\][^?]*navigate • ⏎ select$`);
}

describe('zkcli browse in a real terminal (tmux)', async () => {
  const missing = await tmuxMissing();
  let zk: OurZk;
  let client: ZooKeeperClient;
  const pane = new TmuxPane();

  before(async () => {
    zk = await startOurZooKeeper();
    client = await connectZooKeeper(zk.connectString, { waitForConnectedMs: 10_000 });
    await client.create('/app', 'hello');
    await client.create('/app/config', '{"retries":3}');
    await client.create('/app/workers', null);
    await client.create('/app/workers/w1', 'x');
  });

  after(async () => {
    await pane.stop();
    await client?.close();
    await zk?.stop();
  });

  test('descend, view, edit, create, delete, watch, go up, quit', { skip: missing, timeout: 90_000 }, async () => {
    await pane.start(`'${process.execPath}' '${RUN_JS}' zkcli -server ${zk.connectString} browse /; echo "[exit $?]"; sleep 600`);

    // Descend: / → /app → /app/config, picking children by typing the start of their names.
    await pane.waitFor(menuAt('/', '0 B, 2 children'), 'the root menu');
    let screen = await pane.screen();
    assert.match(screen, /❯ app\/ +5 B  2 children\n  zookeeper\/ +0 B  2 children\n/);
    await pane.keys('a', 'Enter');
    screen = await pane.waitFor(menuAt('/app', '5 B, 2 children'), 'the /app menu');
    assert.match(screen, /❯ \.\.\n  config +13 B  0 children\n  workers\/ +0 B  1 child\n/);
    await pane.keys('c', 'Enter');
    await pane.waitFor(menuAt('/app/config', '13 B, 0 children'), 'the /app/config menu');

    // View: JSON indented, then zkCli's stat block.
    await pane.keys('V', 'Enter');
    screen = await pane.waitFor(menuAt('/app/config', '13 B, 0 children', '── /app/config: 13 B, JSON ──'), 'the data view');
    assert.match(screen, /── \/app\/config: 13 B, JSON ──\n\{\n  "retries": 3\n\}\n\ncZxid = 0x[0-9a-f]+\nctime = .+\nmZxid = 0x[0-9a-f]+\n/);
    assert.match(screen, /\ndataVersion = 0\naclVersion = 0\nephemeralOwner = 0x0\ndataLength = 13\nnumChildren = 0\n/);

    // Edit: the current data is on the line to edit; replace it and save with the version read.
    await pane.keys('E', 'Enter');
    await pane.waitFor(/\? New data for \/app\/config: \{"retries":3\}$/, 'the edit line with the current data');
    await pane.keys('C-u');
    await pane.type('{"retries":4}');
    await pane.keys('Enter');
    await pane.waitFor(menuAt('/app/config', '13 B, 0 children', 'Saved /app/config: 13 B, dataVersion 1'), 'the save');
    assert.equal((await client.getData('/app/config')).data?.toString(), '{"retries":4}');

    // Go up, then create a child of /app ("cr": "c" alone would pick the child config).
    await pane.keys('.', 'Enter');
    await pane.waitFor(menuAt('/app', '5 B, 2 children', 'Saved /app/config'), 'back at /app');
    await pane.type('cr');
    await pane.keys('Enter');
    await pane.waitFor(/\? Name of the new child of \/app:$/, 'the name prompt');
    await pane.type('jobs');
    await pane.keys('Enter');
    await pane.waitFor(/\? Data \(empty for none\):$/, 'the data prompt');
    await pane.type('j1');
    await pane.keys('Enter');
    await pane.waitFor(/\? Mode:\n❯ persistent\n/, 'the mode menu');
    await pane.keys('Enter');
    screen = await pane.waitFor(menuAt('/app', '5 B, 3 children', 'Created /app/jobs'), 'the creation');
    assert.match(screen, /  config +13 B  0 children\n❯ jobs +2 B  0 children\n  workers\/ +0 B  1 child\n/);
    assert.equal((await client.getData('/app/jobs')).data?.toString(), 'j1');

    // Watch /app and everything below it; a change made elsewhere prints above the menu as it arrives.
    await pane.type('wa');
    await pane.keys('Enter');
    await pane.waitFor(/\? Watch \/app for:\n❯ Data changes, once/, 'the watch menu');
    await pane.keys('Down', 'Down', 'Down', 'Enter');
    await pane.waitFor(menuAt('/app', '5 B, 3 children, watched: persistent recursive', 'Watching /app (persistent recursive)'), 'the watch');
    await client.setData('/app/workers/w1', 'y');
    await pane.waitFor(
      menuAt('/app', '5 B, 3 children, watched: persistent recursive', 'WATCHER:: WatchedEvent state:SyncConnected type:NodeDataChanged path:/app/workers/w1'),
      'the event above the menu',
    );

    // Delete a leaf (y/N confirmation), then a node with children (recursive on request).
    await pane.keys('j', 'Enter');
    await pane.waitFor(menuAt('/app/jobs', '2 B, 0 children'), 'the /app/jobs menu');
    await pane.keys('D', 'Enter');
    await pane.waitFor(/\? Delete \/app\/jobs\? \(y\/N\)$/, 'the delete confirmation');
    await pane.keys('y', 'Enter');
    await pane.waitFor(menuAt('/app', '5 B, 2 children, watched: persistent recursive', 'Deleted /app/jobs'), 'the deletion');
    assert.equal(await client.exists('/app/jobs'), null);

    await pane.keys('w', 'Enter');
    await pane.waitFor(menuAt('/app/workers', '0 B, 1 child'), 'the /app/workers menu');
    await pane.keys('D', 'Enter');
    await pane.waitFor(/\? \/app\/workers has 1 child\. Delete it and everything below it\? \(y\/N\)$/, 'the recursive delete confirmation');
    await pane.keys('y', 'Enter');
    screen = await pane.waitFor(menuAt('/app', '5 B, 1 child, watched: persistent recursive', 'Deleted /app/workers'), 'the recursive deletion');
    assert.match(screen, /Deleted \/app\/workers\n(WATCHER:: .*\n)*WATCHER:: WatchedEvent state:SyncConnected type:NodeDeleted path:\/app\/workers\n/);
    assert.deepEqual(await client.getChildren('/app'), ['config']);

    // Quit: the one-shot zkcli ends with status 0.
    await pane.keys('q', 'Enter');
    await pane.waitFor(/\[exit 0\]$/, 'the exit');
  });

  test('inside the interactive shell: the shell gets its prompt and keys back', { skip: missing, timeout: 60_000 }, async () => {
    const shell = new TmuxPane();
    try {
      await shell.start(`'${process.execPath}' '${RUN_JS}' zkcli -server ${zk.connectString}; echo "[exit $?]"; sleep 600`);
      await shell.waitFor(/\[zk: [^\]]+\(CONNECTED\) 0\] $|\[zk: [^\]]+\) 0\]$/, 'the shell prompt');
      await shell.type('browse /app');
      await shell.keys('Enter');
      await shell.waitFor(menuAt('/app', '5 B, 1 child'), 'the /app menu');
      await shell.keys('c', 'Enter');
      await shell.waitFor(menuAt('/app/config', '13 B, 0 children'), 'the /app/config menu');
      // Ctrl-C leaves the browser, not the shell.
      await shell.keys('C-c');
      await shell.waitFor(/\) 1\]$/, 'the prompt after browse');
      await shell.type('ls /ap');
      await shell.keys('Tab');
      await shell.waitFor(/\) 1\] ls \/app$/, 'tab completion in the shell again');
      await shell.keys('Enter');
      const screen = await shell.waitFor(/\) 1\] ls \/app\n\[config\]\n\[zk: [^\n]+\) 2\]$/, 'ls in the shell');
      // The keys given to the browser did not reach the shell as commands.
      assert.doesNotMatch(screen, /Command not found/);
      await shell.type('quit');
      await shell.keys('Enter');
      await shell.waitFor(/\[exit 0\]$/, 'the shell exit');
    } finally {
      await shell.stop();
    }
  });

  test('a start node that does not exist: zkCli\'s error, status 1', { skip: missing, timeout: 30_000 }, async () => {
    const errorPane = new TmuxPane();
    try {
      await errorPane.start(`'${process.execPath}' '${RUN_JS}' zkcli -server ${zk.connectString} browse /missing; echo "[exit $?]"; sleep 600`);
      await errorPane.waitFor(/\nNode does not exist: \/missing\n\[exit 1\]$/, 'the error');
    } finally {
      await errorPane.stop();
    }
  });

  test('without a terminal: one line on stderr, status 1', { timeout: 30_000 }, async () => {
    const child = spawn(process.execPath, [RUN_JS, 'zkcli', '-server', zk.connectString, 'browse', '/app'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.stdin.end();
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    clearTimeout(timer);
    assert.equal(stderr, 'browse needs a terminal: stdin and stdout must be a TTY\n');
    assert.equal(code, 1);
  });
});
