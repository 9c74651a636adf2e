// Behaviour compatibility through the command-line clients users type at: the same zkCli session (Apache's Java
// ZooKeeperMain) and the same C-client cli_mt session run against a fresh Apache ZooKeeper 3.8 and a fresh server of
// ours, and their outputs must be identical modulo times, session ids and (cli_mt) elapsed times.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { test } from 'node:test';
import {
  apacheZooKeeperAvailable,
  runZkCli,
  runZkCliScript,
  startApacheZooKeeper,
  type ApacheZkOptions,
  type ZkCliResult,
} from '../support/apache-zk.js';
import { startOurZooKeeper } from '../support/our-zk.js';
import { assertSameLines, splitZkCliEvents } from '../support/same-lines.js';
import { TRANSCRIPT_SCRIPT } from './zkcli-transcript-script.js';

/** A test that starts a JVM per step (zkCli, Apache ZooKeeper): a minute when idle, several on a busy machine. */
const JVM_TEST_TIMEOUT_MS = 300_000;

const apacheMissing = apacheZooKeeperAvailable();
if (apacheMissing) console.log(`skipping zkCli and cli_mt behaviour comparisons: ${apacheMissing}`);

const CLI_MT = '/usr/lib/zookeeper/bin/cli_mt';
function cliMtMissing(): string | null {
  try {
    accessSync(CLI_MT, constants.X_OK);
    return null;
  } catch {
    return `${CLI_MT} missing (Debian package zookeeper-bin)`;
  }
}
const climtMissing = apacheMissing ?? cliMtMissing();
if (climtMissing && !apacheMissing) console.log(`skipping the cli_mt behaviour comparison: ${climtMissing}`);

/** Starts Apache's server and ours side by side, runs `session` against each at the same time, stops both. */
async function onBoth<T>(session: (connectString: string) => Promise<T>, extraConfig: Record<string, string> = {}): Promise<{ apache: T; ours: T }> {
  const apacheOpts: ApacheZkOptions = { extraConfig };
  const [apache, ours] = await Promise.allSettled([startApacheZooKeeper(apacheOpts), startOurZooKeeper({ extraConfig })]);
  try {
    if (apache.status === 'rejected') throw apache.reason;
    if (ours.status === 'rejected') throw ours.reason;
    const [a, o] = await Promise.all([session(apache.value.connectString), session(ours.value.connectString)]);
    return { apache: a, ours: o };
  } finally {
    await Promise.all([apache.status === 'fulfilled' && apache.value.stop(), ours.status === 'fulfilled' && ours.value.stop()]);
  }
}

/** Session ids differ between any two runs: each distinct one becomes session#1, #2... in order of appearance. */
class SessionNames {
  private readonly names = new Map<string, string>();
  name(hex: string): string {
    const key = hex.replace(/^0x/, '').replace(/^0+/, '');
    let name = this.names.get(key);
    if (name === undefined) {
      name = `session#${this.names.size + 1}`;
      this.names.set(key, name);
    }
    return name;
  }
}

/** An ephemeralOwner that is a session id (server id in the top byte), not 0, a TTL (0xff..) or a container (0x80..). */
function isSessionId(hex: string): boolean {
  const value = BigInt(hex.startsWith('0x') ? hex : `0x${hex}`);
  const top = value >> 56n;
  return top >= 1n && top <= 0x7fn;
}

// ---------------------------------------------------------------------------------------------------------
// zkCli

interface ZkCliTranscript {
  code: number | null;
  /** stdout without the watch events, normalised. */
  stdout: string[];
  /** Watch and state events in the order zkCli printed them (its single event thread keeps their order). */
  events: string[];
  stderr: string[];
}

const DELETEALL_FAILED = 'Failed to delete some node(s) in the subtree!';

/**
 * zkCli prints each event as println("\nWATCHER::") then println("\n" + event) from its event thread, while the
 * main thread prints command output: where an event lands among the output lines is a race (an event is sent
 * before the reply of the write that fires it, but may be printed after the next commands' output), so events are
 * compared as their own sequence. Each println is atomic, so the blank line before a marker belongs to it.
 * Normalised: the `Connecting to host:port` line (ports differ), ctime/mtime (wall clock) and ephemeralOwner
 * session ids. zxids stay: both servers log the same transactions from a fresh start, so they must be equal.
 */
function normaliseZkCli(result: ZkCliResult): ZkCliTranscript {
  const sessions = new SessionNames();
  const { lines, events } = splitZkCliEvents(result.rawStdout);
  const stdout: string[] = [];
  for (const line of lines) {
    if (line.startsWith('Connecting to ')) continue;
    const time = /^(ctime|mtime) = /.exec(line);
    if (time) {
      stdout.push(`${time[1]} = <time>`);
      continue;
    }
    const owner = /^ephemeralOwner = (0x[0-9a-f]+)$/.exec(line);
    if (owner && isSessionId(owner[1]!)) {
      stdout.push(`ephemeralOwner = ${sessions.name(owner[1]!)}`);
      continue;
    }
    stdout.push(line);
  }
  // deleteall's failure line is a race inside zkCli: ZKUtil.deleteInBatch's multi callback releases the semaphore
  // the main thread waits on before it records the failure, so the line comes or not whatever the server answered.
  // What the server did shows in the `ls` that follows the failing deleteall.
  const stderr = result.stderr.split('\n').filter((line) => line !== DELETEALL_FAILED);
  if (stderr.at(-1) === '') stderr.pop();
  return { code: result.code, stdout, events, stderr };
}

test('zkCli: one scripted session gives the same output on Apache ZooKeeper and on ours', { skip: apacheMissing ?? false, timeout: JVM_TEST_TIMEOUT_MS }, async () => {
  const started = performance.now();
  const { apache, ours } = await onBoth((cs) => runZkCliScript(cs, TRANSCRIPT_SCRIPT, { timeoutMs: 60_000 }));
  const a = normaliseZkCli(apache);
  const o = normaliseZkCli(ours);
  console.log(
    `zkCli script: ${TRANSCRIPT_SCRIPT.length} commands, Apache ${a.stdout.length} stdout lines, ${a.stderr.length} stderr lines, ` +
      `${a.events.length} events, exit ${a.code}; ${((performance.now() - started) / 1000).toFixed(1)} s for both`,
  );
  // The script really ran to its end on Apache: the closing history lists itself.
  assert.ok(a.stdout.includes(`${TRANSCRIPT_SCRIPT.length - 2} - history`), a.stdout.slice(-5).join('\n'));
  assert.ok(a.stderr.includes('Node already exists: /a'), apache.stderr);
  assert.ok(a.stderr.includes('Insufficient permission : /acl1'), apache.stderr);
  assert.ok(a.events.includes('WatchedEvent state:SyncConnected type:NodeDeleted path:/prr/a/b'), a.events.join('\n'));

  assertSameLines(o.stdout, a.stdout, 'zkCli stdout');
  assertSameLines(o.stderr, a.stderr, 'zkCli stderr');
  assertSameLines(o.events, a.events, 'zkCli watch events');
  assert.equal(o.code, a.code, 'exit status');
});

/** One JVM per command, as `zkCli.sh -server cs cmd args` runs: exit status and both streams. */
const ONE_SHOTS: string[][] = [
  ['create', '/x', 'hello'],
  ['get', '/x'],
  ['create', '/x'],
  ['get', '/nope'],
  ['set', '-v', '5', '/x', 'y'],
  ['ls', '/'],
  ['stat', '/nope'],
  ['create', '-t', '1000', '/ttl'],
  ['delete', '/'],
  ['bogus'],
];

test('zkCli one-shot commands: same exit status and output on both', { skip: apacheMissing ?? false, timeout: JVM_TEST_TIMEOUT_MS }, async () => {
  const started = performance.now();
  // With TTL nodes disabled (Apache's default), `create -t` meets the server's Unimplemented error.
  const { apache, ours } = await onBoth(async (cs) => {
    const results: ZkCliResult[] = [];
    for (const args of ONE_SHOTS) results.push(await runZkCli(cs, args));
    return results;
  }, { extendedTypesEnabled: 'false' });
  console.log(`zkCli one-shots: ${ONE_SHOTS.length} per server, ${((performance.now() - started) / 1000).toFixed(1)} s; Apache exit codes ${apache.map((r) => r.code).join(',')}`);
  assert.deepEqual(apache.map((r) => r.code), [0, 0, 1, 1, 1, 0, 1, 1, 1, 127]);
  for (let i = 0; i < ONE_SHOTS.length; i++) {
    const what = `zkCli ${ONE_SHOTS[i]!.join(' ')}`;
    assert.equal(ours[i]!.code, apache[i]!.code, `${what}: exit status\nours stderr: ${ours[i]!.stderr}`);
    assertSameLines(normaliseZkCli(ours[i]!).stderr, normaliseZkCli(apache[i]!).stderr, `${what}: stderr`);
    // cleanZkCliOutput (runZkCli's stdout) drops the connection event that races with the command's output.
    assertSameLines(ours[i]!.stdout.split('\n'), apache[i]!.stdout.split('\n'), `${what}: stdout`);
  }
});

// ---------------------------------------------------------------------------------------------------------
// The C client's cli_mt

const CLI_MT_SCRIPT: string[] = [
  'create /c1',
  'create /c1/a',
  'create +e /eph',
  'create +s /seq',
  'create +es /eseq',
  'create +c /cont',
  'create +t=5000 /ttl',
  'create /c1',
  'create /nope/x',
  'create2 /c2',
  'get /c1',
  'set /c1 hello',
  'get /c1',
  'ls /',
  'ls2 /c1',
  'exists /c1',
  'exists /nope',
  'wexists /w',
  'create /w',
  'set /w changed',
  'sync /',
  'delete /c1',
  'delete /c1/a',
  'delete /c1',
  'delete /nope',
  'get /nope',
  'aget /c2',
  'acreate /c3',
  'als /',
  'create +e /c2/eph-child',
  'create +es /eseq/child',
  'config',
  'reconfig -add 5=127.0.0.1:2888:3888;2181',
  'addauth digest u:p',
  'myid',
  'quit',
];

const CLI_MT_QUIET_MS = 250;
const CLI_MT_SILENT_COMMAND_MS = 600;
/** Deadline for a command's completion: generous, since the machine may be busy. */
const CLI_MT_STEP_MAX_MS = 30_000;
/** Commands cli_mt answers without a completion ("<path>: rc = N"): synchronous ones and those that print nothing. */
const CLI_MT_NO_COMPLETION = /^(exists|wexists|addauth|myid|quit)\b/;
const CLI_MT_COMPLETION = /rc = -?\d+/g;

interface CliMtResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * cli_mt prints command echoes from its main thread and results from its completion thread, so each line is sent
 * only after the previous command's completion ("rc = N") came and the output has been quiet for a moment (the rest
 * of the completion): the transcript then follows the script's order, however slow the machine.
 */
async function runCliMt(connectString: string, lines: string[]): Promise<CliMtResult> {
  const child = spawn(CLI_MT, [connectString], { stdio: ['pipe', 'pipe', 'pipe'] });
  const closed = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  let stdout = '';
  let stderr = '';
  let lastOutputAt = performance.now();
  child.stdout.setEncoding('utf8').on('data', (s: string) => ((stdout += s), (lastOutputAt = performance.now())));
  child.stderr.setEncoding('utf8').on('data', (s: string) => ((stderr += s), (lastOutputAt = performance.now())));
  child.stdin.on('error', () => {});
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const waitFor = async (done: () => boolean) => {
    const deadline = performance.now() + CLI_MT_STEP_MAX_MS;
    while (!done() && performance.now() < deadline) await sleep(10);
  };
  try {
    await waitFor(() => stderr.includes('Got a new session id'));
    const completions = () => (stdout.match(CLI_MT_COMPLETION)?.length ?? 0) + (stderr.match(CLI_MT_COMPLETION)?.length ?? 0);
    for (const line of lines) {
      const before = stdout.length + stderr.length;
      const completionsBefore = completions();
      const sentAt = performance.now();
      child.stdin.write(line + '\n');
      if (!CLI_MT_NO_COMPLETION.test(line)) await waitFor(() => completions() > completionsBefore);
      // Some commands print nothing (exists on a node, addauth; myid's stdout is flushed at exit).
      await waitFor(() =>
        stdout.length + stderr.length > before
          ? performance.now() - lastOutputAt >= CLI_MT_QUIET_MS
          : performance.now() - sentAt >= CLI_MT_SILENT_COMMAND_MS,
      );
    }
    child.stdin.end();
    const timer = setTimeout(() => child.kill('SIGKILL'), CLI_MT_STEP_MAX_MS);
    const code = await closed;
    clearTimeout(timer);
    return { code, stdout, stderr };
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

const C_LOG_LINE = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}:\d+\(0x[0-9a-f]+\):ZOO_/;

/**
 * Normalised: the C library's log lines (timestamps, thread ids, ports), session ids, ctime/mtime and the
 * `time = N msec` lines (elapsed times).
 */
function normaliseCliMt(text: string, sessions: SessionNames): string[] {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    if (C_LOG_LINE.test(line)) continue;
    out.push(
      line
        .replace(/^(Got a new session id: 0x)([0-9a-f]+)$/, (_, p: string, id: string) => p + sessions.name(id))
        .replace(/^(session Id = )([0-9a-f]+)$/, (_, p: string, id: string) => p + sessions.name(id))
        .replace(/^(\s*ephemeralOwner = )([0-9a-f]+)$/, (all, p: string, id: string) => (isSessionId(id) ? p + sessions.name(id) : all))
        .replace(/^(\s*[cm]time ?= ?).*$/, '$1<time>')
        .replace(/^time = \d+ msec$/, 'time = <elapsed> msec'),
    );
  }
  if (out.at(-1) === '') out.pop();
  return out;
}

test('cli_mt (the C client): one scripted session gives the same output on both', { skip: climtMissing ?? false, timeout: JVM_TEST_TIMEOUT_MS }, async () => {
  const started = performance.now();
  const { apache, ours } = await onBoth((cs) => runCliMt(cs, CLI_MT_SCRIPT));
  const norm = (r: CliMtResult) => {
    const sessions = new SessionNames();
    return { stderr: normaliseCliMt(r.stderr, sessions), stdout: normaliseCliMt(r.stdout, sessions) };
  };
  const a = norm(apache);
  const o = norm(ours);
  console.log(
    `cli_mt script: ${CLI_MT_SCRIPT.length} commands, Apache ${a.stderr.length} stderr and ${a.stdout.length} stdout lines; ` +
      `${((performance.now() - started) / 1000).toFixed(1)} s for both`,
  );
  assert.equal(apache.code, 0, apache.stderr);
  assert.ok(a.stderr.includes('[/c1]: rc = -110'), apache.stderr);
  assert.ok(a.stderr.some((l) => l.startsWith('Watcher CREATED_EVENT')), apache.stderr);
  assertSameLines(o.stderr, a.stderr, 'cli_mt stderr');
  assertSameLines(o.stdout, a.stdout, 'cli_mt stdout');
  assert.equal(ours.code, apache.code, 'exit status');
});
