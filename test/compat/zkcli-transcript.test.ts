// Our zkcli against Apache's zkCli 3.8, command for command: one transcript covering every command (errors and
// watch events included) run (a) through Apache's zkCli against a fresh Apache ZooKeeper, (b) through our zkcli
// against another fresh Apache ZooKeeper, (c) through our zkcli against our server; (b) and (c) must equal (a)
// line by line once zxids, times and session ids are normalised. Then one-shot invocations (exit statuses and
// both streams), `--output json`, and the terminal mode (prompt, tab completion, history) through a pseudo-terminal.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { apacheZooKeeperAvailable, cleanZkCliOutput, runZkCli, runZkCliScript, startApacheZooKeeper, type ApacheZk } from '../support/apache-zk.js';
import { startOurZooKeeper, type OurZk } from '../support/our-zk.js';
import { assertSameLines, splitZkCliEvents } from '../support/same-lines.js';
import { CHROOT, CHROOT_SCRIPT, TRANSCRIPT_SCRIPT } from './zkcli-transcript-script.js';

/** A test that starts a JVM per step (zkCli, Apache ZooKeeper): a minute when idle, several on a busy machine. */
const JVM_TEST_TIMEOUT_MS = 300_000;

const RUN_JS = fileURLToPath(new URL('../../../bin/run.js', import.meta.url));
const OUR_CLI_TIMEOUT_MS = 30_000;

const apacheMissing = apacheZooKeeperAvailable();
if (apacheMissing) console.log(`skipping the comparisons with Apache's zkCli: ${apacheMissing}`);

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Our zkcli as a user runs it: the zkafka binary, stdin fed and closed. */
function runOurZkCli(args: string[], input = '', env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [RUN_JS, 'zkcli', ...args], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.stdin.on('error', () => {});
    child.stdin.end(input);
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`zkcli ${args.join(' ')}: no exit within ${OUR_CLI_TIMEOUT_MS} ms\nstdout:\n${stdout}\nstderr:\n${stderr}`));
    }, OUR_CLI_TIMEOUT_MS);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const scriptInput = (lines: string[]) => lines.map((l) => `${l}\n`).join('');

// ---------------------------------------------------------------------------------------------------------
// Normalisation: zxids, times and session ids differ between runs; nothing else may.

class SessionNames {
  private readonly names = new Map<string, string>();
  name(hex: string): string {
    let name = this.names.get(hex);
    if (name === undefined) this.names.set(hex, (name = `session#${this.names.size + 1}`));
    return name;
  }
}

interface Transcript {
  code: number | null;
  /** stdout without the watch events. */
  stdout: string[];
  /** Watch and connection events in the order printed. */
  events: string[];
  stderr: string[];
}

function normaliseLine(line: string, sessions: SessionNames): string {
  return line
    .replace(/^Connecting to \S+$/, 'Connecting to <server>')
    .replace(/^(ctime|mtime) = .*$/, '$1 = <time>')
    .replace(/^([cmp]Zxid) = 0x[0-9a-f]+$/, '$1 = <zxid>')
    .replace(/^ephemeralOwner = 0x([0-9a-f]{9,})$/, (_, id: string) => `ephemeralOwner = ${sessions.name(id)}`)
    // Apache's build and ours (3.8.0-<revision>, built on <date>): compared up to the version number.
    .replace(/^(ZooKeeper CLI version: 3\.8\.0)-.*$/, '$1-<build>');
}

/** Java stack frames after an uncaught exception's first line. */
const STACK_FRAME = /^(\tat |\t\.\.\. \d+ more$)/;

/**
 * zkCli prints events from its own thread (println("\n" + text)), so where an event lands among the command
 * output is a race in Apache's zkCli: events are compared as their own sequence, each with the blank line before it.
 */
function normalise(run: CliRun): Transcript {
  const sessions = new SessionNames();
  const { lines, events } = splitZkCliEvents(run.stdout);
  const stdout = lines.map((line) => normaliseLine(line, sessions));
  const stderr = run.stderr.split('\n').filter((l) => !STACK_FRAME.test(l));
  if (stderr.at(-1) === '') stderr.pop();
  return { code: run.code, stdout, events, stderr: stderr.map((l) => normaliseLine(l, sessions)) };
}

function assertSameTranscript(ours: Transcript, apache: Transcript, what: string): void {
  assertSameLines(ours.stdout, apache.stdout, `${what}: stdout`);
  assertSameLines(ours.stderr, apache.stderr, `${what}: stderr`);
  assertSameLines(ours.events, apache.events, `${what}: watch events`);
  assert.equal(ours.code, apache.code, `${what}: exit status`);
}

async function stopAll(servers: PromiseSettledResult<ApacheZk | OurZk>[]): Promise<void> {
  await Promise.all(servers.map((s) => (s.status === 'fulfilled' ? s.value.stop() : undefined)));
}

// ---------------------------------------------------------------------------------------------------------

test('zkcli transcript: Apache zkCli on Apache ZooKeeper = our zkcli on Apache ZooKeeper = our zkcli on our server', { skip: apacheMissing ?? false, timeout: JVM_TEST_TIMEOUT_MS }, async () => {
  const started = performance.now();
  const servers = await Promise.allSettled([startApacheZooKeeper(), startApacheZooKeeper(), startOurZooKeeper()]);
  try {
    const [apache1, apache2, ours] = servers.map((s) => {
      if (s.status === 'rejected') throw s.reason;
      return s.value;
    }) as [ApacheZk, ApacheZk, OurZk];
    const input = scriptInput(TRANSCRIPT_SCRIPT);
    const [a, b, c] = await Promise.all([
      runZkCliScript(apache1.connectString, TRANSCRIPT_SCRIPT, { timeoutMs: 60_000 }).then((r) => ({ code: r.code, stdout: r.rawStdout, stderr: r.stderr })),
      runOurZkCli(['-server', apache2.connectString], input),
      runOurZkCli(['-server', ours.connectString], input),
    ]);
    const apache = normalise(a);
    console.log(
      `zkcli transcript: ${TRANSCRIPT_SCRIPT.length} lines; Apache zkCli printed ${apache.stdout.length} stdout lines, ` +
        `${apache.stderr.length} stderr lines, ${apache.events.length} events, exit ${apache.code}; ` +
        `${((performance.now() - started) / 1000).toFixed(1)} s for all three`,
    );
    // The script really ran to its end on Apache: the closing history lists itself.
    assert.ok(apache.stdout.includes(`${TRANSCRIPT_SCRIPT.length - 2} - history`), apache.stdout.slice(-5).join('\n'));
    assert.ok(apache.stderr.includes('Node already exists: /a'));
    assert.ok(apache.events.includes('WatchedEvent state:SyncConnected type:NodeDeleted path:/prr/a/b'));
    assertSameTranscript(normalise(b), apache, 'our zkcli on Apache ZooKeeper');
    assertSameTranscript(normalise(c), apache, 'our zkcli on our server');

    // The same three ways under a chroot.
    const chrooted = (cs: string) => `${cs}${CHROOT}`;
    await Promise.all([apache1, apache2, ours].map((s) => runOurZkCli(['-server', s.connectString, 'create', CHROOT])));
    const chrootInput = scriptInput(CHROOT_SCRIPT);
    const [ca, cb, cc] = await Promise.all([
      runZkCliScript(chrooted(apache1.connectString), CHROOT_SCRIPT, { timeoutMs: 60_000 }).then((r) => ({ code: r.code, stdout: r.rawStdout, stderr: r.stderr })),
      runOurZkCli(['-server', chrooted(apache2.connectString)], chrootInput),
      runOurZkCli(['-server', chrooted(ours.connectString)], chrootInput),
    ]);
    const apacheChroot = normalise(ca);
    assert.ok(apacheChroot.stdout.includes(`${CHROOT_SCRIPT.length - 1} - history`), apacheChroot.stdout.slice(-3).join('\n'));
    assertSameTranscript(normalise(cb), apacheChroot, 'under a chroot, our zkcli on Apache ZooKeeper');
    assertSameTranscript(normalise(cc), apacheChroot, 'under a chroot, our zkcli on our server');
  } finally {
    await stopAll(servers);
  }
});

/** One process per invocation, as `zkCli.sh -server cs ...` (the server option placed by each case). */
const ONE_SHOTS: { args: (cs: string) => string[]; code: number }[] = [
  { args: (cs) => ['-server', cs, 'create', '/x', 'hello'], code: 0 },
  { args: (cs) => ['-server', cs, 'get', '/x'], code: 0 },
  { args: (cs) => ['-server', cs, 'create', '/x'], code: 1 },
  { args: (cs) => ['-server', cs, 'get', '-s', '/nope'], code: 1 },
  { args: (cs) => ['-server', cs, 'ls'], code: 1 },
  { args: (cs) => ['-server', cs, 'get', '-q', '/x'], code: 1 },
  { args: (cs) => ['-server', cs, 'bogus'], code: 127 },
  { args: (cs) => ['-server', cs, 'set', '-v', 'abc', '/x', 'y'], code: 1 },
  { args: (cs) => ['-server', cs, 'addWatch', 'x'], code: 1 },
  { args: (cs) => ['-server', cs, '-timeout', 'abc', 'get', '/x'], code: 1 },
  { args: (cs) => ['-server', cs, '-client-configuration', '/nonexistent/zk-client.cfg', 'get', '/x'], code: 2 },
  { args: (cs) => ['-server', cs, 'history'], code: 0 },
  { args: (cs) => ['-server', cs, 'redo', '1'], code: 1 },
  { args: (cs) => ['-server', cs, 'quit'], code: 0 },
  { args: (cs) => ['-r', '-server', cs, 'get', '/x', 'watch'], code: 0 },
  { args: () => ['-server', '127.0.0.1:1', 'get', '/x'], code: 1 },
];

test('zkcli one-shot invocations: the same exit status and output as Apache zkCli', { skip: apacheMissing ?? false, timeout: JVM_TEST_TIMEOUT_MS }, async () => {
  const started = performance.now();
  const apache = await startApacheZooKeeper();
  try {
    const cs = apache.connectString;
    // Apache's one-shots run one after the other (the order matters: /x is created first); ours after them.
    const apacheRuns: CliRun[] = [];
    for (const c of ONE_SHOTS) {
      const args = c.args(cs);
      const r = await runZkCli(args[0] === '-server' ? args[1]! : 'localhost:2181', args[0] === '-server' ? args.slice(2) : args);
      apacheRuns.push({ code: r.code, stdout: r.stdout, stderr: r.stderr });
    }
    await runOurZkCli(['-server', cs, 'delete', '/x']);
    const ourRuns: CliRun[] = [];
    for (const c of ONE_SHOTS) {
      const r = await runOurZkCli(c.args(cs));
      ourRuns.push({ code: r.code, stdout: cleanZkCliOutput(r.stdout), stderr: r.stderr });
    }
    console.log(
      `zkcli one-shots: ${ONE_SHOTS.length} invocations each; exit statuses ${apacheRuns.map((r) => r.code).join(',')}; ` +
        `${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
    ONE_SHOTS.forEach((c, i) => {
      const what = `zkcli ${c.args(cs).join(' ')}`;
      assert.equal(apacheRuns[i]!.code, c.code, `${what}: Apache's exit status\n${apacheRuns[i]!.stderr}`);
      assertSameTranscript(normalise(ourRuns[i]!), normalise(apacheRuns[i]!), what);
    });
  } finally {
    await apache.stop();
  }
});

test('zkcli --output json: one JSON document per read command, nothing else on stdout', { timeout: 180_000 }, async () => {
  const server = await startOurZooKeeper();
  try {
    const cs = server.connectString;
    const json = async (...args: string[]) => {
      const r = await runOurZkCli(['-server', cs, '--output', 'json', ...args]);
      assert.equal(r.code, 0, r.stderr);
      return JSON.parse(r.stdout) as Record<string, unknown>;
    };
    assert.equal((await runOurZkCli(['-server', cs, 'create', '/j', 'hello'])).code, 0);
    await runOurZkCli(['-server', cs, 'create', '/j/k']);
    const get = await json('get', '/j');
    assert.equal(get['data'], 'hello');
    assert.equal((get['stat'] as Record<string, unknown>)['dataLength'], 5);
    assert.deepEqual(await json('ls', '/j'), { path: '/j', children: ['k'] });
    assert.deepEqual(await json('ls', '-R', '/j'), { path: '/j', paths: ['/j', '/j/k'] });
    assert.equal(((await json('stat', '/j'))['stat'] as Record<string, unknown>)['numChildren'], 1);
    assert.deepEqual(await json('getAcl', '/j'), { path: '/j', acl: [{ scheme: 'world', id: 'anyone', perms: 'cdrwa' }] });
    assert.deepEqual(await json('getAllChildrenNumber', '/j'), { path: '/j', count: 1 });
    assert.deepEqual(await json('getEphemerals'), { prefix: '/', ephemerals: [] });
    assert.deepEqual(await json('whoami'), { clientInfo: [{ authScheme: 'ip', user: '127.0.0.1' }] });
    assert.deepEqual(await json('listquota', '/j'), { path: '/j', quota: null, stats: null });
    assert.equal(typeof (await json('config'))['config'], 'string');
    const bad = await runOurZkCli(['-server', cs, '--output', 'yaml', 'ls', '/']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--output/);
    const missing = await runOurZkCli(['-server', cs, '--output', 'json', 'get', '/nope']);
    assert.deepEqual([missing.code, missing.stdout, missing.stderr], [1, '', 'Node does not exist: /nope\n']);
  } finally {
    await server.stop();
  }
});

// ---------------------------------------------------------------------------------------------------------
// The terminal mode, through util-linux's `script` (a pseudo-terminal)

function scriptMissing(): string | null {
  try {
    accessSync('/usr/bin/script', constants.X_OK);
    return null;
  } catch {
    return '/usr/bin/script missing (Debian package bsdutils)';
  }
}

test('zkcli on a terminal: prompt, tab completion of commands and paths, history across runs', { skip: scriptMissing() ?? false, timeout: 180_000 }, async () => {
  const server = await startOurZooKeeper();
  const home = mkdtempSync(join(tmpdir(), 'zkafka-zkcli-home-'));
  const session = async (keys: (send: (text: string) => void, waitFor: (re: RegExp) => Promise<void>) => Promise<void>) => {
    const command = `${JSON.stringify(process.execPath)} ${JSON.stringify(RUN_JS)} zkcli -server ${server.connectString}`;
    const child = spawn('script', ['-qfec', command, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, HOME: home, TERM: 'xterm' } });
    let screen = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (screen += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (screen += s));
    const closed = new Promise<number | null>((resolve) => child.once('close', resolve));
    const waitFor = async (re: RegExp) => {
      const deadline = performance.now() + 10_000;
      while (!re.test(screen)) {
        if (performance.now() > deadline) throw new Error(`no ${re} on the terminal:\n${JSON.stringify(screen)}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    try {
      await keys((text) => child.stdin.write(text), waitFor);
      const code = await Promise.race([closed, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 10_000))]);
      assert.equal(code, 0, screen);
      return screen;
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  };
  try {
    await runOurZkCli(['-server', server.connectString, 'create', '/app', 'hello']);
    await runOurZkCli(['-server', server.connectString, 'create', '/app/config', 'c']);
    const first = await session(async (send, waitFor) => {
      await waitFor(/Welcome to ZooKeeper!\r\nJLine support is enabled/);
      await waitFor(/\[zk: 127\.0\.0\.1:\d+\(CONNECTED\) 0\] /);
      // Two commands start so: the first tab keeps the common prefix, a second one lists them. (Keys are sent
      // apart: readline takes a tab that arrives while a completion is running as a literal tab.)
      send('getA');
      send('\t');
      await new Promise((r) => setTimeout(r, 300));
      send('\t');
      await waitFor(/getAcl\s+getAllChildrenNumber/);
      send('\x15'); // Ctrl-U: clear the line
      send('ls /ap\t');
      await waitFor(/ls \/app/);
      send('/con\t');
      await waitFor(/ls \/app\/config/);
      send('\r');
      await waitFor(/\[\]\r\n/);
      await waitFor(/\(CONNECTED\) 1\] /);
      send('get /app\r');
      await waitFor(/hello\r\n/);
      await waitFor(/\(CONNECTED\) 2\] /);
      send('quit\r');
    });
    assert.match(first, /ls \/app\/config\r\r\n\[\]/);
    assert.deepEqual(readFileSync(join(home, '.zkafka_zkcli_history'), 'utf8').split('\n'), ['ls /app/config', 'get /app', 'quit', '']);
    // A new run finds the history: up arrow three times brings back `ls /app/config`.
    const second = await session(async (send, waitFor) => {
      await waitFor(/\(CONNECTED\) 0\] /);
      send('\x1b[A\x1b[A\x1b[A\r');
      await waitFor(/\(CONNECTED\) 1\] /);
      send('history\r');
      await waitFor(/1 - history/);
      send('\x04'); // Ctrl-D on an empty line leaves
    });
    assert.match(second, /0 - ls \/app\/config/);
  } finally {
    await server.stop();
    rmSync(home, { recursive: true, force: true });
  }
});
