// Brokers as real processes: `bin/run.js kafka-server-start` with a server.properties written to a temp dir,
// started against a ZooKeeper connect string, waited for by their log lines, stopped by signal. Fixed ports are
// taken from freePort() so that a restarted broker comes back at the address clients already know.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './ports.js';

const RUN_JS = fileURLToPath(new URL('../../../bin/run.js', import.meta.url));
const STARTED = /INFO \[KafkaServer id=(\d+)\] started \(kafka\.server\.KafkaServer\)/;
const AWAITING = /Awaiting socket connections on ([^\s]+):(\d+)\. \(kafka\.network\.Acceptor\)/g;

export interface BrokerProcess {
  readonly id: number;
  readonly port: number;
  readonly configFile: string;
  readonly child: ChildProcess;
  /** Everything the process printed (stdout and stderr), across this run only. */
  output(): string;
  /** Resolves with the exit code (null after a signal). */
  readonly exited: Promise<number | null>;
}

export interface BrokerSpec {
  id: number;
  /** 0: a port picked now and kept across restarts. */
  port?: number;
  /** server.properties lines added after the defaults written here. */
  extra?: string[];
}

function waitForLine(child: ChildProcess, output: () => string, re: RegExp, timeoutMs: number, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const deadline = setTimeout(() => finish(new Error(`${what}: no line matching ${re} within ${timeoutMs} ms:\n${output()}`)), timeoutMs);
    const check = () => {
      if (re.test(output())) finish();
    };
    const onExit = (code: number | null) => finish(new Error(`${what} exited (${code}) before ${re}:\n${output()}`));
    const finish = (err?: Error) => {
      clearTimeout(deadline);
      child.stdout?.off('data', check);
      child.stderr?.off('data', check);
      child.off('exit', onExit);
      if (err) reject(err);
      else resolve();
    };
    child.stdout?.on('data', check);
    child.stderr?.on('data', check);
    child.on('exit', onExit);
    check();
  });
}

/** A set of broker processes sharing one ZooKeeper and one temp dir; `close()` kills whatever still runs. */
export class BrokerProcesses {
  readonly root = mkdtempSync(join(tmpdir(), 'zkafka-brokers-'));
  private readonly running = new Map<number, BrokerProcess>();
  private readonly ports = new Map<number, number>();

  constructor(private readonly zkConnect: string, private readonly common: string[] = []) {}

  get(id: number): BrokerProcess {
    const b = this.running.get(id);
    if (!b) throw new Error(`broker ${id} is not running`);
    return b;
  }

  all(): BrokerProcess[] {
    return [...this.running.values()].sort((a, b) => a.id - b.id);
  }

  bootstrap(): string[] {
    return [...this.ports.entries()].sort((a, b) => a[0] - b[0]).map(([, port]) => `127.0.0.1:${port}`);
  }

  /** Starts broker `spec.id` (again, at its earlier port and log dir, if it ran before) and waits for `started`. */
  async start(spec: BrokerSpec, timeoutMs = 30_000): Promise<BrokerProcess> {
    const port = this.ports.get(spec.id) ?? (spec.port || (await freePort()));
    this.ports.set(spec.id, port);
    const dir = join(this.root, `broker-${spec.id}`);
    mkdirSync(dir, { recursive: true });
    const configFile = join(dir, 'server.properties');
    writeFileSync(
      configFile,
      [
        `broker.id=${spec.id}`,
        `listeners=PLAINTEXT://127.0.0.1:${port}`,
        `log.dirs=${join(dir, 'kafka-logs')}`,
        `zookeeper.connect=${this.zkConnect}`,
        ...this.common,
        ...(spec.extra ?? []),
        '',
      ].join('\n'),
    );
    const child = spawn(process.execPath, [RUN_JS, 'kafka-server-start', configFile], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d));
    child.stderr!.on('data', (d: Buffer) => (out += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const broker: BrokerProcess = { id: spec.id, port, configFile, child, output: () => out, exited };
    this.running.set(spec.id, broker);
    await waitForLine(child, () => out, STARTED, timeoutMs, `broker ${spec.id}`);
    const bound = [...out.matchAll(AWAITING)].map((m) => Number(m[2]));
    if (!bound.includes(port)) throw new Error(`broker ${spec.id} did not bind ${port}:\n${out}`);
    return broker;
  }

  /** SIGTERM (a clean shutdown) or SIGKILL; resolves with the exit code once the process is gone. */
  async stop(id: number, signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 30_000): Promise<number | null> {
    const b = this.get(id);
    b.child.kill(signal);
    const timer = setTimeout(() => b.child.kill('SIGKILL'), timeoutMs);
    const code = await b.exited;
    clearTimeout(timer);
    this.running.delete(id);
    return code;
  }

  async close(): Promise<void> {
    for (const b of this.running.values()) b.child.kill('SIGKILL');
    await Promise.all([...this.running.values()].map((b) => b.exited));
    this.running.clear();
    rmSync(this.root, { recursive: true, force: true });
  }
}
