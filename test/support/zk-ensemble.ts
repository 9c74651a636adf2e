// A ZooKeeper ensemble of real processes on 127.0.0.1: our server (`zkafka zookeeper-server-start`) and/or
// Apache's QuorumPeerMain, each with its own dataDir/myid and free client, quorum and election ports.
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sendFourLetterWord } from '../../src/cli/four-letter-word.js';
import { NzkClient } from '../faults/nzk-client.js';
import { spawnApacheQuorumPeer } from './apache-zk.js';
import { freePort } from './ports.js';

const runJs = fileURLToPath(new URL('../../../bin/run.js', import.meta.url));

export type Impl = 'ours' | 'apache';

export interface MemberSpec {
  sid: number;
  impl: Impl;
  observer?: boolean;
}

export interface Member {
  readonly sid: number;
  readonly impl: Impl;
  readonly clientPort: number;
  readonly dataDir: string;
  readonly connectString: string;
  running: boolean;
  /** The exit code of the last run that ended (null while running, or when a signal ended it). */
  exitCode: number | null;
  start(): void;
  /** SIGSTOP / SIGCONT: the process stops answering without closing its connections. */
  signal(sig: 'SIGSTOP' | 'SIGCONT'): void;
  kill9(): Promise<void>;
  stop(): Promise<void>;
  /** Our server's stdout, or Apache's log file. */
  logText(): string;
}

const liveChildren = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of liveChildren) c.kill('SIGKILL');
});

/** Polls an async condition until it holds (bounded). */
export async function waitFor<T>(check: () => Promise<T | null | undefined | false>, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  let lastError: unknown = null;
  for (;;) {
    try {
      const v = await check();
      if (v) return v;
    } catch (err) {
      lastError = err;
    }
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? ` (last error: ${String(lastError)})` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The Mode line of `srvr`, or null when the server does not answer or is not serving. */
export async function modeOf(port: number): Promise<string | null> {
  const text = await sendFourLetterWord('127.0.0.1', port, 'srvr', 2_000).catch(() => '');
  return /^Mode: ([\w-]+)$/m.exec(text)?.[1] ?? null;
}

/** The Zxid line of `srvr` (the last applied txn), or null. */
export async function zxidOf(port: number): Promise<bigint | null> {
  const text = await sendFourLetterWord('127.0.0.1', port, 'srvr', 2_000).catch(() => '');
  const hex = /^Zxid: (0x[0-9a-f]+)$/m.exec(text)?.[1];
  return hex === undefined ? null : BigInt(hex);
}

/** A path's data as a fresh session on `m` reads it; null when the node does not exist. */
export async function dataOn(m: Member, path: string): Promise<string | null> {
  const c = await NzkClient.connect(m.connectString, 4000, 5000);
  try {
    return (await c.exists(path)) ? ((await c.getData(path)).data?.toString() ?? '') : null;
  } finally {
    c.close();
  }
}

/** A node's children on `m`, sorted. */
export async function childrenOn(m: Member, path: string): Promise<string[]> {
  const c = await NzkClient.connect(m.connectString, 4000, 5000);
  try {
    return (await c.getChildren(path)).sort();
  } finally {
    c.close();
  }
}

export class Ensemble {
  readonly members: Member[];

  private constructor(readonly workDir: string, members: Member[]) {
    this.members = members;
  }

  /** `extraConfig`: further zoo.cfg lines for every member; `apacheJvmProps`: -D properties of Apache members. */
  static async create(specs: readonly MemberSpec[], extraConfig = '', apacheJvmProps: Record<string, string> = {}, tickTimeMs = 500): Promise<Ensemble> {
    const workDir = mkdtempSync(join(tmpdir(), 'zkafka-ensemble-'));
    const ports = new Map<number, { client: number; quorum: number; election: number }>();
    for (const s of specs) ports.set(s.sid, { client: await freePort(), quorum: await freePort(), election: await freePort() });
    const serverLines = specs.map((s) => `server.${s.sid}=127.0.0.1:${ports.get(s.sid)!.quorum}:${ports.get(s.sid)!.election}${s.observer ? ':observer' : ''}`).join('\n');
    const members = specs.map((s) => {
      const dir = join(workDir, `zk${s.sid}`);
      const dataDir = join(dir, 'data');
      mkdirSync(dataDir, { recursive: true });
      writeFileSync(join(dataDir, 'myid'), `${s.sid}\n`);
      const configFile = join(dir, 'zoo.cfg');
      const clientPort = ports.get(s.sid)!.client;
      writeFileSync(
        configFile,
        `tickTime=${tickTimeMs}\ninitLimit=10\nsyncLimit=5\ndataDir=${dataDir}\nclientPort=${clientPort}\nclientPortAddress=127.0.0.1\n` +
          `4lw.commands.whitelist=*\nadmin.enableServer=false\n${serverLines}\n${extraConfig}`,
      );
      return s.impl === 'ours' ? ourMember(s.sid, dir, configFile, dataDir, clientPort) : apacheMember(s.sid, dir, configFile, dataDir, clientPort, apacheJvmProps);
    });
    return new Ensemble(workDir, members);
  }

  member(sid: number): Member {
    const m = this.members.find((x) => x.sid === sid);
    if (!m) throw new Error(`no member ${sid}`);
    return m;
  }

  get connectString(): string {
    return this.members.map((m) => m.connectString).join(',');
  }

  startAll(): void {
    for (const m of this.members) m.start();
  }

  /**
   * Waits until every running member serves, exactly one as leader; returns the leader. On a timeout the error
   * carries each member's last seen mode (or how it exited) and the end of its log.
   */
  async settled(timeoutMs = 30_000): Promise<Member> {
    const lastModes = new Map<Member, string | null>();
    try {
      return await waitFor(async () => {
        const running = this.members.filter((m) => m.running);
        const modes = await Promise.all(running.map((m) => modeOf(m.clientPort)));
        running.forEach((m, i) => lastModes.set(m, modes[i]!));
        if (modes.some((mode) => mode !== 'leader' && mode !== 'follower' && mode !== 'observer')) return null;
        const leaders = running.filter((_, i) => modes[i] === 'leader');
        return leaders.length === 1 ? leaders[0] : null;
      }, 'one leader and every running member serving', timeoutMs);
    } catch (err) {
      const state = (m: Member) => (m.running ? (lastModes.get(m) ?? 'not serving') : m.exitCode === null ? 'not running' : `exited with code ${m.exitCode}`);
      const states = this.members.map((m) => `server ${m.sid} (${state(m)}), the end of its log:\n${logTail(m.logText())}`);
      throw new Error(`${(err as Error).message}\n${states.join('\n')}`);
    }
  }

  /**
   * Waits until every running member has applied the same last zxid, so the next election is decided by sid
   * alone (the member with the most history would win it otherwise).
   */
  async caughtUp(timeoutMs = 30_000): Promise<void> {
    // Two samples a moment apart, alike: a client's closeSession sent just before is in both or in neither.
    const sample = async () => {
      const zxids = await Promise.all(this.members.filter((m) => m.running).map((m) => zxidOf(m.clientPort)));
      return zxids.every((z) => z !== null && z === zxids[0]) ? zxids[0]! : null;
    };
    await waitFor(async () => {
      const first = await sample();
      if (first === null) return false;
      await new Promise((r) => setTimeout(r, 300));
      return (await sample()) === first;
    }, 'every running member at the same zxid', timeoutMs);
  }

  async close(): Promise<void> {
    await Promise.all(this.members.map((m) => m.kill9()));
    if (!process.env.ZKAFKA_KEEP_TMP) rmSync(this.workDir, { recursive: true, force: true });
  }
}

/** A log's last lines, without the refused-session lines a polling test makes by the hundred. */
function logTail(log: string, lines = 25): string {
  const kept = log.split('\n').filter((line) => line !== '' && !line.startsWith('Refusing session request'));
  return kept.slice(-lines).map((line) => `  ${line}`).join('\n');
}

export function ourMember(sid: number, dir: string, configFile: string, dataDir: string, clientPort: number): Member {
  let child: ChildProcess | null = null;
  let exited: Promise<void> = Promise.resolve();
  let out = '';
  const member: Member = {
    sid,
    impl: 'ours',
    clientPort,
    dataDir,
    connectString: `127.0.0.1:${clientPort}`,
    running: false,
    exitCode: null,
    start() {
      out = '';
      member.exitCode = null;
      const c = spawn(process.execPath, [runJs, 'zookeeper-server-start', configFile], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
      child = c;
      liveChildren.add(c);
      member.running = true;
      // Kept in memory for assertions, and in the member's dir for a look after a failure (ZKAFKA_KEEP_TMP=1).
      const keep = (s: string) => {
        out += s;
        appendFileSync(join(dir, 'server.log'), s);
      };
      c.stdout!.setEncoding('utf8').on('data', keep);
      c.stderr!.setEncoding('utf8').on('data', keep);
      exited = new Promise((resolve) => c.once('exit', (code) => {
        liveChildren.delete(c);
        member.exitCode = code;
        member.running = false;
        resolve();
      }));
    },
    signal(sig) {
      if (child && member.running) child.kill(sig);
    },
    async kill9() {
      if (child && member.running) child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (child && member.running) child.kill('SIGTERM');
      await exited;
    },
    logText: () => out,
  };
  return member;
}

function apacheMember(sid: number, dir: string, configFile: string, dataDir: string, clientPort: number, jvmProps: Record<string, string>): Member {
  let peer: ReturnType<typeof spawnApacheQuorumPeer> | null = null;
  const member: Member = {
    sid,
    impl: 'apache',
    clientPort,
    dataDir,
    connectString: `127.0.0.1:${clientPort}`,
    running: false,
    exitCode: null,
    start() {
      const p = spawnApacheQuorumPeer(configFile, dir, jvmProps);
      peer = p;
      member.running = true;
      member.exitCode = null;
      void p.exited.then((status) => {
        member.running = false;
        member.exitCode = status.code;
      });
    },
    signal() {
      throw new Error('signal() is for our processes only');
    },
    async kill9() {
      await peer?.kill9();
    },
    async stop() {
      await peer?.stop();
    },
    logText: () => {
      try {
        return readFileSync(join(dir, 'zookeeper.log'), 'utf8');
      } catch {
        return '';
      }
    },
  };
  return member;
}
