// ZooKeeper servers for client tests, Apache's and ours behind one interface, each reached through a TCP proxy
// on a fixed port: a server can be killed and started again on the same data dir while clients keep the same
// address, the link can be partitioned or its replies held back, and the client's requests are recorded.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';
import { parseZooKeeperConfig } from '../../src/config/zookeeper-config.js';
import { ZooKeeperClient, type ZooKeeperClientOptions } from '../../src/zookeeper/client/client.js';
import { WatchedEvent } from '../../src/zookeeper/client/watched-event.js';
import { startZooKeeperServer, type RunningZooKeeperServer } from '../../src/zookeeper/server/start.js';
import { apacheZooKeeperAvailable, startApacheZooKeeper, type ApacheZk } from './apache-zk.js';
import { ourZooCfg } from './our-zk.js';

export interface RecordedRequest {
  connection: number;
  xid: number;
  opcode: number;
}

interface Pair {
  id: number;
  client: Socket;
  server: Socket | null;
  held: Buffer[];
}

/** Forwards 127.0.0.1:port to a backend port that can change, with faults on demand. */
export class TcpProxy {
  /** Every request frame clients sent (header only), in order. */
  readonly requests: RecordedRequest[] = [];
  /** Payload length of each ConnectRequest (44 without the readOnly byte, 45 with). */
  readonly connectLengths: number[] = [];
  private readonly pairs = new Set<Pair>();
  private nextId = 1;
  private partitioned = false;
  private holding = false;

  private constructor(
    private readonly server: Server,
    readonly port: number,
    private backendPort: number | null,
  ) {}

  static async start(backendPort: number | null): Promise<TcpProxy> {
    const server = createServer({ noDelay: true });
    const port = await new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: '127.0.0.1', port: 0 }, () => resolve((server.address() as { port: number }).port));
    });
    const proxy = new TcpProxy(server, port, backendPort);
    server.on('connection', (socket) => proxy.accept(socket));
    return proxy;
  }

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  setBackend(port: number | null): void {
    this.backendPort = port;
  }

  /** Drops every forwarded byte both ways and holds new connections silent, until healed (which closes them). */
  partition(on: boolean): void {
    this.partitioned = on;
    if (!on) this.dropAll();
  }

  /** Keeps server-to-client bytes back until released (they are then sent in order). */
  holdReplies(on: boolean): void {
    this.holding = on;
    if (on) return;
    for (const pair of this.pairs) {
      for (const chunk of pair.held.splice(0)) pair.client.write(chunk);
    }
  }

  dropAll(): void {
    for (const pair of this.pairs) this.drop(pair);
  }

  get connectionCount(): number {
    return this.pairs.size;
  }

  close(): Promise<void> {
    this.dropAll();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private drop(pair: Pair): void {
    this.pairs.delete(pair);
    pair.client.destroy();
    pair.server?.destroy();
  }

  private accept(client: Socket): void {
    const pair: Pair = { id: this.nextId++, client, server: null, held: [] };
    this.pairs.add(pair);
    client.on('error', () => this.drop(pair));
    client.on('close', () => this.drop(pair));
    if (this.partitioned) {
      client.on('data', () => {});
      return;
    }
    if (this.backendPort === null) {
      this.drop(pair);
      return;
    }
    const server = connect({ host: '127.0.0.1', port: this.backendPort, noDelay: true });
    pair.server = server;
    server.on('error', () => this.drop(pair));
    server.on('close', () => this.drop(pair));
    server.on('data', (chunk: Buffer) => {
      if (this.partitioned) return;
      if (this.holding) pair.held.push(chunk);
      else client.write(chunk);
    });
    const record = this.recorder(pair.id);
    client.on('data', (chunk: Buffer) => {
      if (this.partitioned) return;
      record(chunk);
      server.write(chunk);
    });
  }

  private recorder(connection: number): (chunk: Buffer) => void {
    let buf = Buffer.alloc(0);
    let first = true;
    return (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      while (buf.length >= 4) {
        const len = buf.readInt32BE(0);
        if (buf.length < 4 + len) break;
        if (first) this.connectLengths.push(len);
        else if (len >= 8) this.requests.push({ connection, xid: buf.readInt32BE(4), opcode: buf.readInt32BE(8) });
        first = false;
        buf = buf.subarray(4 + len);
      }
    };
  }
}

/** A server for client tests; clients use `connectString` (the proxy). */
export interface ZkTarget {
  name: string;
  connectString: string;
  /** The server itself, bypassing the proxy (for measurements). */
  readonly directConnectString: string;
  proxy: TcpProxy;
  /** Cuts every connection and ends the server without closing its sessions (Apache: SIGKILL). */
  kill(): Promise<void>;
  readonly running: boolean;
  /** Starts it again on the same data dir; the proxy then forwards to it. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** zoo.cfg keys both servers get; tickTime 500 makes the session timeout range 1000..10000 ms. */
export const CLIENT_TEST_CONFIG: Record<string, string> = { tickTime: '500' };

export function apacheUnavailable(): string | null {
  return apacheZooKeeperAvailable();
}

export async function startApacheTarget(extraConfig: Record<string, string> = {}): Promise<ZkTarget> {
  const dataDir = mkdtempSync(join(tmpdir(), 'zkafka-client-apache-'));
  const config = { ...CLIENT_TEST_CONFIG, ...extraConfig };
  let zk: ApacheZk | null = await startApacheZooKeeper({ dataDir, extraConfig: config });
  const proxy = await TcpProxy.start(zk.port);
  return {
    name: 'Apache ZooKeeper 3.8',
    connectString: proxy.address,
    proxy,
    get running() {
      return zk !== null;
    },
    get directConnectString() {
      return zk ? zk.connectString : proxy.address;
    },
    async kill() {
      proxy.setBackend(null);
      proxy.dropAll();
      await zk?.kill9();
      zk = null;
    },
    async restart() {
      zk = await startApacheZooKeeper({ dataDir, extraConfig: config });
      proxy.setBackend(zk.port);
    },
    async stop() {
      await proxy.close();
      await zk?.stop();
      zk = null;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

function clientTestZooCfg(dataDir: string, extraConfig: Record<string, string>): string {
  return ourZooCfg(dataDir, { ...CLIENT_TEST_CONFIG, ...extraConfig });
}

export async function startOurTarget(extraConfig: Record<string, string> = {}): Promise<ZkTarget> {
  const workDir = mkdtempSync(join(tmpdir(), 'zkafka-client-ours-'));
  const configFile = join(workDir, 'zoo.cfg');
  const text = clientTestZooCfg(join(workDir, 'data'), extraConfig);
  writeFileSync(configFile, text);
  const start = () => startZooKeeperServer(parseZooKeeperConfig(text, configFile), { log: () => {} });
  let running: RunningZooKeeperServer | null = await start();
  const proxy = await TcpProxy.start(running.address.port);
  return {
    name: 'zkafka ZooKeeper',
    connectString: proxy.address,
    proxy,
    get running() {
      return running !== null;
    },
    get directConnectString() {
      return running ? `127.0.0.1:${running.address.port}` : proxy.address;
    },
    async kill() {
      proxy.setBackend(null);
      proxy.dropAll();
      await running?.close();
      running = null;
    },
    async restart() {
      running = await start();
      proxy.setBackend(running.address.port);
    },
    async stop() {
      await proxy.close();
      await running?.close();
      running = null;
      rmSync(workDir, { recursive: true, force: true });
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// One suite of client behaviours run against both servers, with a transcript of normalized results per run that
// must come out the same.

export interface ClientSuite {
  /** Set once the suite's server is up. */
  readonly target: ZkTarget;
  /** Adds a result to this run's transcript (normalized: no zxids, times or session ids). */
  record(key: string, value: unknown): void;
  /** A connected client (closed after the test); `chroot` is appended to the connect string. */
  connect(opts?: ZooKeeperClientOptions & { chroot?: string; connectString?: string }): Promise<ZooKeeperClient>;
  /** A client that may still be connecting (closed after the test). */
  client(opts?: ZooKeeperClientOptions & { chroot?: string; connectString?: string }): ZooKeeperClient;
}

/** Test defaults: reconnect quickly. */
export const TEST_CLIENT_OPTIONS: ZooKeeperClientOptions = { sessionTimeoutMs: 6000, spinDelayMs: 100, reconnectJitterMs: 100 };

function isStat(v: Record<string, unknown>): boolean {
  return typeof v.czxid === 'bigint' && typeof v.mzxid === 'bigint' && 'numChildren' in v;
}

export function normalize(value: unknown): unknown {
  if (value === null || value === undefined) return value ?? null;
  if (Buffer.isBuffer(value)) return `bytes:${value.toString('utf8')}`;
  if (typeof value === 'bigint') return `${value}n`;
  if (value instanceof WatchedEvent) return value.toString();
  if (value instanceof Error) return { error: value.name, message: value.message };
  if (Array.isArray(value)) return value.map(normalize);
  if (typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if (isStat(o)) {
      return { version: o.version, cversion: o.cversion, aversion: o.aversion, dataLength: o.dataLength, numChildren: o.numChildren, ephemeral: o.ephemeralOwner !== 0n };
    }
    return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, normalize(v)]));
  }
  return value;
}

class SuiteState implements ClientSuite {
  targetOrNull: ZkTarget | null = null;
  readonly transcript = new Map<string, unknown>();
  private readonly clients = new Set<ZooKeeperClient>();

  get target(): ZkTarget {
    if (!this.targetOrNull) throw new Error('server not started');
    return this.targetOrNull;
  }

  record(key: string, value: unknown): void {
    if (this.transcript.has(key)) throw new Error(`transcript key ${key} recorded twice`);
    this.transcript.set(key, normalize(value));
  }

  client(opts: ZooKeeperClientOptions & { chroot?: string; connectString?: string } = {}): ZooKeeperClient {
    const { chroot, connectString, ...options } = opts;
    const client = new ZooKeeperClient((connectString ?? this.target.connectString) + (chroot ?? ''), { ...TEST_CLIENT_OPTIONS, ...options });
    this.clients.add(client);
    return client;
  }

  async connect(opts: ZooKeeperClientOptions & { chroot?: string; connectString?: string } = {}): Promise<ZooKeeperClient> {
    const client = this.client(opts);
    await client.waitForConnected(15_000);
    return client;
  }

  async closeClients(): Promise<void> {
    const all = [...this.clients];
    this.clients.clear();
    await Promise.all(all.map((c) => c.close()));
  }
}

export function describeAgainstBoth(title: string, define: (suite: ClientSuite) => void): void {
  const unavailable = apacheZooKeeperAvailable();
  if (unavailable) console.log(`${title}: skipping the run against Apache ZooKeeper: ${unavailable}`);
  const runs: [string, () => Promise<ZkTarget>, string | null][] = [
    ['Apache ZooKeeper 3.8', () => startApacheTarget(), unavailable],
    ['zkafka ZooKeeper', () => startOurTarget(), null],
  ];
  const transcripts: Map<string, unknown>[] = [];
  for (const [label, start, skip] of runs) {
    describe(`${title} against ${label}`, { skip: skip ?? false }, () => {
      const state = new SuiteState();
      transcripts.push(state.transcript);
      before(async () => {
        state.targetOrNull = await start();
      });
      afterEach(async () => {
        await state.closeClients();
        // A test that failed half way may leave the server down or the link cut.
        state.target.proxy.partition(false);
        state.target.proxy.holdReplies(false);
        if (!state.target.running) await state.target.restart();
      });
      after(async () => {
        await state.closeClients();
        await state.targetOrNull?.stop();
      });
      define(state);
    });
  }
  test(`${title}: Apache ZooKeeper and zkafka gave the same results`, { skip: unavailable ?? false }, () => {
    const [apache, ours] = transcripts.map((t) => Object.fromEntries(t));
    assert.ok(Object.keys(apache).length > 0, 'the Apache run recorded nothing');
    assert.deepEqual(ours, apache);
  });
}

/** Polls until `check` is true. */
export async function until(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The error a promise rejects with (fails if it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a rejection');
}
