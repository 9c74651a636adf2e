// Apache ZooKeeper 3.8 from Debian's packages, run from its jars, as the reference peer for compat tests
// and benchmarks. Facts measured on Debian 12 (zookeeper 3.8.0-11+deb12u2, OpenJDK 17, 2 cores):
// - Jars: /usr/share/java/zookeeper.jar (package libzookeeper-java). Its manifest Class-Path lists its
//   dependencies in /usr/share/java (zookeeper-jute, netty, jetty9, slf4j-api, commons-cli, jline, ...), so it
//   alone is a working classpath, but it names no slf4j binding: we add slf4j-log4j12.jar + log4j-1.2.jar
//   and point -Dlog4j.configuration at a file that logs to a file, which keeps stdout quiet.
//   /usr/share/java/jline.jar is named there but not installed, so zkCli runs without JLine.
// - zkCli one-shot (`ZooKeeperMain -server cs cmd args`, as zkCli.sh does): stdout gets "Connecting to cs",
//   the command's output and, racing with it, the SyncConnected "WATCHER::" block; `Created /x` and errors
//   (`Node does not exist: /x`) go to stderr. Exit 0 on success, 1 on a command error or connection loss,
//   127 for an unknown command (usage on stderr). It exits without closing its session (it expires later).
// - zkCli with no command reads commands from stdin: prints "Welcome to ZooKeeper!" and "JLine support is
//   disabled", no prompt, runs one line at a time, exits at EOF with the status of the last line. Only `quit`
//   closes the session first.
// - TxnLogToolkit <log.N> dumps one line per txn (dates in the JVM's zone) and ends with
//   "EOF reached after N txns."; no argument → usage, exit 1. SnapshotFormatter [-d|-json] <snapshot.N>
//   prints "ZNode Details (count=N):"; no argument → exit 2, missing file → exit 1.
// - A bind failure (port taken) logs java.net.BindException and exits 1 within ~1.4 s.
// - Spawn to first `imok`: 1.0-2.0 s; idle VmRSS 66-73 MiB; a zkCli one-shot ~0.8-1 s; SIGTERM to exit
//   ~0.35 s, exit code 143 (the JVM's shutdown hooks run, no "signal" reported).
import { sendFourLetterWord } from '../../src/cli/four-letter-word.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { freePort } from './ports.js';

const JAVA_DIR = '/usr/share/java';
const ZOOKEEPER_JAR = join(JAVA_DIR, 'zookeeper.jar');
const LOG_JARS = [join(JAVA_DIR, 'slf4j-log4j12.jar'), join(JAVA_DIR, 'log4j-1.2.jar')];
const CLASSPATH = [ZOOKEEPER_JAR, ...LOG_JARS].join(':');

/** super:test, as `DigestAuthenticationProvider.generateDigest("super:test")` gives it. */
export const SUPER_DIGEST = 'super:D/InIHSb7yEEbrWz8b9l71RjZJU=';
export const TXN_LOG_TOOLKIT = 'org.apache.zookeeper.server.persistence.TxnLogToolkit';
export const SNAPSHOT_FORMATTER = 'org.apache.zookeeper.server.SnapshotFormatter';

const START_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 5_000;
const PORT_ATTEMPTS = 5;
const CLI_TIMEOUT_MS = 30_000;
const POLL_INTERVAL_MS = 25;

export interface ApacheZkOptions {
  dataDir?: string;
  dataLogDir?: string;
  /** zoo.cfg keys; override the defaults written here. */
  extraConfig?: Record<string, string>;
  /** -D system properties; override the defaults passed here. */
  jvmProps?: Record<string, string>;
  /** Further JVM arguments (e.g. -Xmx512m), placed before the main class. */
  jvmArgs?: string[];
  startTimeoutMs?: number;
  /** Pause between `ruok` attempts while it starts (default 25 ms); a benchmark timing the start polls finer. */
  pollIntervalMs?: number;
}

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ApacheZk {
  port: number;
  host: string;
  connectString: string;
  dataDir: string;
  /** Holds zoo.cfg, log4j.properties and the server log; removed when this process exits. */
  workDir: string;
  logFile: string;
  pid: number;
  /** Process spawn to the first `imok`. */
  startMs: number;
  exited: Promise<ExitStatus>;
  rssBytes(): number;
  /** SIGTERM, then SIGKILL if it has not exited after 5 s. */
  stop(): Promise<void>;
  kill9(): Promise<void>;
}

export interface JavaResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface ZkCliResult extends JavaResult {
  /** stdout as printed; `stdout` has the connection noise removed (see cleanZkCliOutput). */
  rawStdout: string;
}

export interface JavaRunOptions {
  timeoutMs?: number;
  jvmProps?: Record<string, string>;
  jvmArgs?: string[];
  input?: string;
  cwd?: string;
}

// ---------------------------------------------------------------------------------------------------------
// Processes and temp dirs this module started: killed and removed when the test process ends, however it ends.

const liveChildren = new Set<ChildProcess>();
const tempDirs = new Set<string>();

function cleanUp(): void {
  for (const child of liveChildren) child.kill('SIGKILL');
  liveChildren.clear();
  if (process.env.ZKAFKA_KEEP_TMP) return;
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  tempDirs.clear();
}

process.once('exit', cleanUp);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    cleanUp();
    // Only re-raise when nobody else handles it, so the default action (exit) still happens.
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  });
}

function makeTempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.add(dir);
  return dir;
}

function trackExit(child: ChildProcess): Promise<ExitStatus> {
  liveChildren.add(child);
  return new Promise((resolveExit) => {
    child.once('exit', (code, signal) => {
      liveChildren.delete(child);
      resolveExit({ code, signal });
    });
    // A spawn failure emits 'error' and maybe no 'exit'.
    child.once('error', () => {
      liveChildren.delete(child);
      resolveExit({ code: null, signal: null });
    });
  });
}

// ---------------------------------------------------------------------------------------------------------

function javaBinary(): string {
  return process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function javaFound(): boolean {
  const java = javaBinary();
  if (java.includes('/')) return isExecutable(java);
  return (process.env.PATH ?? '').split(delimiter).some((dir) => dir !== '' && isExecutable(join(dir, java)));
}

/** null when Apache ZooKeeper can run here, else why not (for `t.skip`). */
export function apacheZooKeeperAvailable(): string | null {
  try {
    accessSync(ZOOKEEPER_JAR, constants.R_OK);
  } catch {
    return `Debian package zookeeper not installed (${ZOOKEEPER_JAR} missing)`;
  }
  for (const jar of LOG_JARS) {
    try {
      accessSync(jar, constants.R_OK);
    } catch {
      return `${jar} missing (Debian packages libslf4j-java, liblog4j1.2-java)`;
    }
  }
  if (!javaFound()) return `java not found (${javaBinary()}); Debian package default-jre not installed`;
  return null;
}

function log4jProperties(level: string): string {
  return [
    `log4j.rootLogger=${level}, FILE`,
    'log4j.appender.FILE=org.apache.log4j.FileAppender',
    'log4j.appender.FILE.File=${zookeeper.log.file}',
    'log4j.appender.FILE.layout=org.apache.log4j.PatternLayout',
    'log4j.appender.FILE.layout.ConversionPattern=%d{ISO8601} [myid:%X{myid}] - %-5p [%t:%C{1}@%L] - %m%n',
    '',
  ].join('\n');
}

function systemProps(props: Record<string, string>): string[] {
  return Object.entries(props).map(([key, value]) => `-D${key}=${value}`);
}

// ---------------------------------------------------------------------------------------------------------
// Four-letter words

/** Writes `word`, returns everything the server sends before it closes the connection. */
export function fourLetterWord(host: string, port: number, word: string, timeoutMs = 5_000): Promise<string> {
  return sendFourLetterWord(host, port, word, timeoutMs);
}

// ---------------------------------------------------------------------------------------------------------
// The server

interface Attempt {
  child: ChildProcess;
  exited: Promise<ExitStatus>;
  spawnedAt: number;
}

function spawnServer(configFile: string, workDir: string, logFile: string, opts: ApacheZkOptions): Attempt {
  const log4jFile = join(workDir, 'log4j.properties');
  writeFileSync(log4jFile, log4jProperties('INFO'));
  const props = {
    'log4j.configuration': `file:${log4jFile}`,
    'zookeeper.log.dir': workDir,
    'zookeeper.log.file': logFile,
    'znode.container.checkIntervalMs': '1000',
    'zookeeper.DigestAuthenticationProvider.superDigest': SUPER_DIGEST,
    ...opts.jvmProps,
  };
  const args = [
    ...systemProps(props),
    ...(opts.jvmArgs ?? []),
    '-cp',
    CLASSPATH,
    'org.apache.zookeeper.server.quorum.QuorumPeerMain',
    configFile,
  ];
  const spawnedAt = performance.now();
  const child = spawn(javaBinary(), args, { cwd: workDir, stdio: ['ignore', 'ignore', 'pipe'] });
  // Only the JVM itself writes to stderr (e.g. bad options); keep it for the error message.
  const stderr: string[] = [];
  child.stderr!.setEncoding('utf8').on('data', (s: string) => stderr.push(s));
  const exited = trackExit(child).then((status) => {
    if (stderr.length > 0) writeFileSync(join(workDir, 'jvm-stderr.txt'), stderr.join(''));
    return status;
  });
  return { child, exited, spawnedAt };
}

function writeZooCfg(file: string, port: number, dataDir: string, opts: ApacheZkOptions): void {
  const config: Record<string, string> = {
    tickTime: '2000',
    dataDir,
    ...(opts.dataLogDir ? { dataLogDir: opts.dataLogDir } : {}),
    clientPort: String(port),
    clientPortAddress: '127.0.0.1',
    '4lw.commands.whitelist': '*',
    'admin.enableServer': 'false',
    extendedTypesEnabled: 'true',
    ...opts.extraConfig,
  };
  writeFileSync(file, Object.entries(config).map(([key, value]) => `${key}=${value}\n`).join(''));
}

function readTail(file: string, maxChars = 4_000): string {
  try {
    const text = readFileSync(file, 'utf8');
    return text.slice(-maxChars);
  } catch {
    return '(no log)';
  }
}

type WaitOutcome = { kind: 'ready'; startMs: number } | { kind: 'exited'; status: ExitStatus } | { kind: 'timeout' };

/** Polls `ruok` until `imok`; then `conf` must show our dataDir, so a stranger on the same port is not taken for ours. */
async function waitReady(attempt: Attempt, port: number, dataDir: string, timeoutMs: number, pollIntervalMs: number): Promise<WaitOutcome> {
  let exitStatus: ExitStatus | null = null;
  void attempt.exited.then((status) => (exitStatus = status));
  const deadline = attempt.spawnedAt + timeoutMs;
  while (performance.now() < deadline) {
    if (exitStatus) return { kind: 'exited', status: exitStatus };
    const answer = await fourLetterWord('127.0.0.1', port, 'ruok', 1_000).catch(() => '');
    if (answer === 'imok') {
      const startMs = performance.now() - attempt.spawnedAt;
      const conf = await fourLetterWord('127.0.0.1', port, 'conf', 2_000).catch(() => '');
      if (exitStatus) return { kind: 'exited', status: exitStatus };
      if (conf.includes(`dataDir=${join(dataDir, 'version-2')}`)) return { kind: 'ready', startMs };
    }
    await new Promise((r) => setTimeout(r, pollIntervalMs));
  }
  return { kind: 'timeout' };
}

async function terminate(child: ChildProcess, exited: Promise<ExitStatus>, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), graceMs)));
  const first = await Promise.race([exited, timedOut]);
  clearTimeout(timer);
  if (first === 'timeout') {
    child.kill('SIGKILL');
    await exited;
  }
}

/**
 * Spawns Apache's QuorumPeerMain on a config the caller wrote (an ensemble member, myid in its dataDir); the
 * caller waits for whatever it needs. Logs to workDir/zookeeper.log; killed when the test process ends.
 */
export function spawnApacheQuorumPeer(configFile: string, workDir: string, jvmProps: Record<string, string> = {}): { pid: number; logFile: string; exited: Promise<ExitStatus>; kill9(): Promise<void>; stop(): Promise<void> } {
  const logFile = join(workDir, 'zookeeper.log');
  const attempt = spawnServer(configFile, workDir, logFile, { jvmProps });
  return {
    pid: attempt.child.pid ?? -1,
    logFile,
    exited: attempt.exited,
    async kill9() {
      if (attempt.child.exitCode === null && attempt.child.signalCode === null) attempt.child.kill('SIGKILL');
      await attempt.exited;
    },
    stop: () => terminate(attempt.child, attempt.exited, STOP_GRACE_MS),
  };
}

/** Starts a standalone Apache ZooKeeper on 127.0.0.1 and a free port; resolves once it answers `imok`. */
export async function startApacheZooKeeper(opts: ApacheZkOptions = {}): Promise<ApacheZk> {
  const unavailable = apacheZooKeeperAvailable();
  if (unavailable) throw new Error(unavailable);
  const workDir = makeTempDir('zkafka-apache-zk-');
  const dataDir = resolve(opts.dataDir ?? join(workDir, 'data'));
  mkdirSync(dataDir, { recursive: true });
  if (opts.dataLogDir) mkdirSync(opts.dataLogDir, { recursive: true });
  const configFile = join(workDir, 'zoo.cfg');
  const logFile = join(workDir, 'zookeeper.log');
  const timeoutMs = opts.startTimeoutMs ?? START_TIMEOUT_MS;

  for (let attemptNo = 1; attemptNo <= PORT_ATTEMPTS; attemptNo++) {
    const port = await freePort();
    writeZooCfg(configFile, port, dataDir, opts);
    rmSync(logFile, { force: true });
    const attempt = spawnServer(configFile, workDir, logFile, opts);
    const outcome = await waitReady(attempt, port, dataDir, timeoutMs, opts.pollIntervalMs ?? POLL_INTERVAL_MS);
    if (outcome.kind === 'ready') return handle(attempt, port, dataDir, workDir, logFile, outcome.startMs);
    if (outcome.kind === 'timeout') {
      await terminate(attempt.child, attempt.exited, STOP_GRACE_MS);
      throw new Error(`Apache ZooKeeper did not answer imok on port ${port} within ${timeoutMs} ms; log tail:\n${readTail(logFile)}`);
    }
    const log = readTail(logFile);
    if (/BindException|Address already in use/.test(log)) continue;
    const jvmStderr = readTail(join(workDir, 'jvm-stderr.txt'));
    throw new Error(
      `Apache ZooKeeper exited (code ${outcome.status.code}, signal ${outcome.status.signal}) before imok; ` +
        `log tail:\n${log}\njvm stderr:\n${jvmStderr}`,
    );
  }
  throw new Error(`Apache ZooKeeper: port taken on ${PORT_ATTEMPTS} attempts`);
}

function handle(attempt: Attempt, port: number, dataDir: string, workDir: string, logFile: string, startMs: number): ApacheZk {
  const { child, exited } = attempt;
  const pid = child.pid!;
  return {
    port,
    host: '127.0.0.1',
    connectString: `127.0.0.1:${port}`,
    dataDir,
    workDir,
    logFile,
    pid,
    startMs,
    exited,
    rssBytes(): number {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
      if (!match) throw new Error(`no VmRSS in /proc/${pid}/status`);
      return Number(match[1]) * 1024;
    },
    stop: () => terminate(child, exited, STOP_GRACE_MS),
    async kill9(): Promise<void> {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

// ---------------------------------------------------------------------------------------------------------
// Client-side JVMs: zkCli and the toolkits

let clientDir: string | null = null;

/** One log4j config and log file for every client JVM of this process. */
function clientLogging(): Record<string, string> {
  if (clientDir === null) {
    clientDir = makeTempDir('zkafka-apache-client-');
    writeFileSync(join(clientDir, 'log4j.properties'), log4jProperties('INFO'));
  }
  return {
    'log4j.configuration': `file:${join(clientDir, 'log4j.properties')}`,
    'zookeeper.log.dir': clientDir,
    'zookeeper.log.file': join(clientDir, 'client.log'),
  };
}

/** Runs `java -cp <zookeeper jars> mainClass args`; rejects (after SIGKILL) past `timeoutMs`. */
export function runJavaClass(mainClass: string, args: string[], opts: JavaRunOptions = {}): Promise<JavaResult> {
  const unavailable = apacheZooKeeperAvailable();
  if (unavailable) return Promise.reject(new Error(unavailable));
  const timeoutMs = opts.timeoutMs ?? CLI_TIMEOUT_MS;
  const jvmArgs = [
    ...systemProps({ ...clientLogging(), ...opts.jvmProps }),
    ...(opts.jvmArgs ?? []),
    '-cp',
    CLASSPATH,
    mainClass,
    ...args,
  ];
  const child = spawn(javaBinary(), jvmArgs, { cwd: opts.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
  void trackExit(child);
  const stdout: string[] = [];
  const stderr: string[] = [];
  child.stdout!.setEncoding('utf8').on('data', (s: string) => stdout.push(s));
  child.stderr!.setEncoding('utf8').on('data', (s: string) => stderr.push(s));
  child.stdin!.on('error', () => {}); // the JVM may exit before reading all of it
  child.stdin!.end(opts.input ?? '');
  return new Promise((resolveRun, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(
          `${mainClass} ${args.join(' ')}: no exit within ${timeoutMs} ms\nstdout:\n${stdout.join('')}\nstderr:\n${stderr.join('')}`,
        ),
      );
    }, timeoutMs);
    // 'close' comes after both 'exit' and the end of the output pipes.
    child.once('close', (code: number | null, signal: NodeJS.Signals | null) => {
      clearTimeout(timer);
      resolveRun({ code, signal, stdout: stdout.join(''), stderr: stderr.join('') });
    });
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

const ZKCLI_MAIN = 'org.apache.zookeeper.ZooKeeperMain';
const BANNER_LINE = /^(Connecting to \S+|Welcome to ZooKeeper!|JLine support is (?:enabled|disabled))$/;
const STATE_EVENT_LINE = /^WatchedEvent state:\w+ type:None path:\S*(?: zxid: -?\d+)?$/;
const PROMPT = /\[zk: [^\]]*\(\w+\) \d+\] /g;

/**
 * Removes what zkCli prints about its own connection: the banner lines, the "WATCHER::" markers and the
 * connection-state events (type:None), the blank line zkCli prints before each of those, and JLine prompts.
 * Node watch events stay, as their bare `WatchedEvent ...` line. The connection event races with the command's
 * output, so without this the output differs run to run.
 */
export function cleanZkCliOutput(stdout: string): string {
  const kept: string[] = [];
  let precededByBlank = false;
  // The start of a line the event thread's output cut in two (printed between the command's print calls).
  let cut: string | null = null;
  const lines = stdout.replace(PROMPT, '').split('\n');
  const last = lines.pop(); // '' when the output ends with a newline
  for (const line of lines) {
    if (BANNER_LINE.test(line)) continue;
    // zkCli prints each of these as println("\n" + text): the blank line before belongs to it, so a line other
    // than a blank one before WATCHER:: is the first part of a line the event cut.
    if (line === 'WATCHER::' || line.startsWith('WatchedEvent ')) {
      if (precededByBlank) kept.pop();
      else if (line === 'WATCHER::' && kept.length > 0 && cut === null) cut = kept.pop()!;
      precededByBlank = false;
      if (line === 'WATCHER::' || STATE_EVENT_LINE.test(line)) continue;
      kept.push(line);
      continue;
    }
    if (cut !== null && line !== '') {
      kept.push(cut + line);
      cut = null;
      precededByBlank = false;
      continue;
    }
    kept.push(line);
    precededByBlank = line === '';
  }
  if (cut !== null) kept.push(cut);
  const text = kept.join('\n') + (kept.length > 0 ? '\n' : '');
  return last ? text + last : text;
}

function toCliResult(result: JavaResult): ZkCliResult {
  return { ...result, rawStdout: result.stdout, stdout: cleanZkCliOutput(result.stdout) };
}

/** Apache zkCli in one-shot mode: `ZooKeeperMain -server <cs> <args...>`, as `zkCli.sh -server cs cmd args` runs it. */
export async function runZkCli(
  connectString: string,
  args: string[],
  opts: { timeoutMs?: number; jvmProps?: Record<string, string> } = {},
): Promise<ZkCliResult> {
  return toCliResult(await runJavaClass(ZKCLI_MAIN, ['-server', connectString, ...args], opts));
}

/** Several zkCli commands in one JVM, fed through stdin (one per line); zkCli exits at EOF with the last line's status. */
export async function runZkCliScript(
  connectString: string,
  lines: string[],
  opts: { timeoutMs?: number; jvmProps?: Record<string, string> } = {},
): Promise<ZkCliResult> {
  const input = lines.map((line) => line + '\n').join('');
  return toCliResult(await runJavaClass(ZKCLI_MAIN, ['-server', connectString], { ...opts, input }));
}
