// Replays the client side of a recorded ZooKeeper exchange against a fresh server of ours and compares every
// server frame with the recorded one, modulo session ids, passwords and times.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseZooKeeperConfig } from '../../src/config/zookeeper-config.js';
import { codecOf } from '../../src/zookeeper/jute/codec.js';
import { OpCode, Xid } from '../../src/zookeeper/jute/constants.js';
import { JuteReader } from '../../src/zookeeper/jute/reader.js';
import { decodeServerFrame, encodeClientFrame } from '../../src/zookeeper/jute/protocol-frames.js';
import type { ConnectRequest } from '../../src/zookeeper/jute/records.generated.js';
import { startZooKeeperServer, type RunningZooKeeperServer } from '../../src/zookeeper/server/start.js';
import { sessionPassword } from '../../src/zookeeper/server/session-id.js';
import type { ZooKeeperServer } from '../../src/zookeeper/server/zookeeper-server.js';
import { FrameSocket } from './frame-socket.js';
import { fourLetterStructureDiffs } from './four-letter-structure.js';
import { HiddenClient } from './hidden-client.js';

export interface FixtureLine {
  dir: 'c2s' | 's2c';
  conn: number;
  seq: number;
  hex: string;
  raw?: boolean;
  note: string;
}

/** What a script can do between recorded frames. */
export interface ReplayHooks {
  port: number;
  server: ZooKeeperServer;
  /** Opens (or returns the already open) hidden session `name`. */
  open(name: string, timeoutMs?: number): Promise<HiddenClient>;
  note(text: string): void;
}

export interface ReplayScript {
  /** extendedTypesEnabled for this recording's server. */
  extendedTypes?: boolean;
  /** Steps run on hidden sessions before the frame with this seq: sessions the recording shows only the effects of. */
  before?: Record<number, (h: ReplayHooks) => Promise<void>>;
  /** Why parts of the recording cannot be replayed as recorded (printed with the report). */
  caveats?: string[];
}

export interface FrameCheck {
  seq: number;
  conn: number;
  ok: boolean;
  detail?: string;
}

export interface ReplayReport {
  file: string;
  frames: FrameCheck[];
  closes: FrameCheck[];
  notes: string[];
  serverLog: string[];
}

export const SUPER_DIGEST = 'super:D/InIHSb7yEEbrWz8b9l71RjZJU=';
const WRITE_OPS = new Set<number>([
  OpCode.create, OpCode.delete, OpCode.setData, OpCode.setACL, OpCode.check, OpCode.multi, OpCode.create2, OpCode.reconfig,
  OpCode.createContainer, OpCode.deleteContainer, OpCode.createTTL, OpCode.createSession, OpCode.closeSession,
]);
/** Longest wait for something the server does on its own (session expiry, container/TTL reaper). */
const SELF_ADVANCE_WAIT_MS = 14000;
/** Deadline for a frame (or a close) the server owes now: generous, since the machine may be busy. */
const FRAME_WAIT_MS = 15_000;
const SILENCE_MS = 300;

import { FIXTURES_DIR } from './fixtures-dir.js';

export { FIXTURES_DIR };

export function loadFixture(file: string): FixtureLine[] {
  return readFileSync(path.join(FIXTURES_DIR, file), 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as FixtureLine);
}

export function replayConfigText(dataDir: string, extendedTypes: boolean): string {
  return [
    'tickTime=2000',
    `dataDir=${dataDir}`,
    'clientPort=0',
    'clientPortAddress=127.0.0.1',
    `extendedTypesEnabled=${extendedTypes}`,
    '4lw.commands.whitelist=*',
    'maxClientCnxns=0',
    'readonlymode.enabled=true',
    'admin.enableServer=false',
    `DigestAuthenticationProvider.superDigest=${SUPER_DIGEST}`,
    'znode.container.checkIntervalMs=1000',
    '',
  ].join('\n');
}

/** Session ids of a fresh server are base + n with a base whose low 16 bits are zero, on Apache and on ours. */
function relSession(id: bigint): string {
  return id === 0n ? '0' : `session#${id & 0xffffn}`;
}

function isZero(buf: Buffer | null | undefined): boolean {
  return !buf || buf.every((b) => b === 0);
}

/** Decoded frame with the values that legitimately differ replaced by stable tokens. */
function normalise(value: unknown): unknown {
  if (typeof value === 'bigint') return `0x${value.toString(16)}`;
  if (Buffer.isBuffer(value)) return value.toString('hex');
  if (Array.isArray(value)) return value.map(normalise);
  if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(o)) out[k] = normalise(v);
    if ('czxid' in o && 'ctime' in o) {
      out.ctime = '<time>';
      out.mtime = '<time>';
      out.ephemeralOwner = relSession(o.ephemeralOwner as bigint);
    }
    return out;
  }
  return value;
}

interface ConnState {
  sock: FrameSocket | null;
  first: boolean;
  gotFirst: boolean;
  /** Opcodes of sent requests by xid, oldest first (xids may repeat). */
  ops: Map<number, number[]>;
  raw: boolean;
  word?: string;
}

function describe(text: string): string {
  return text.length > 600 ? `${text.slice(0, 600)}…` : text;
}

export class FixtureReplay {
  private readonly conns = new Map<number, ConnState>();
  private readonly hidden = new Map<string, HiddenClient>();
  private readonly passwords = new Map<bigint, Buffer>();
  private ourSessionBase: bigint | null = null;
  private readonly report: ReplayReport;
  private running!: RunningZooKeeperServer;

  constructor(readonly file: string, private readonly lines: FixtureLine[], private readonly script: ReplayScript) {
    this.report = { file, frames: [], closes: [], notes: [...(script.caveats ?? [])], serverLog: [] };
  }

  private get server(): ZooKeeperServer {
    return this.running.server;
  }

  async run(): Promise<ReplayReport> {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'zk-replay-'));
    const config = parseZooKeeperConfig(replayConfigText(dataDir, this.script.extendedTypes ?? true), `${dataDir}/zoo.cfg`);
    this.running = await startZooKeeperServer(config, { log: (line) => this.report.serverLog.push(line) });
    try {
      for (let i = 0; i < this.lines.length; i++) {
        const line = this.lines[i]!;
        const step = this.script.before?.[line.seq];
        if (step) await step(this.hooks());
        if (line.dir === 'c2s') await this.clientFrame(i, line);
        else await this.serverFrame(line);
      }
      await this.checkNothingExtra();
    } finally {
      for (const c of this.conns.values()) c.sock?.destroy();
      for (const h of this.hidden.values()) h.destroy();
      await this.running.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
    return this.report;
  }

  private hooks(): ReplayHooks {
    return {
      port: this.running.address.port,
      server: this.server,
      open: async (name, timeoutMs = 10000) => {
        let h = this.hidden.get(name);
        if (!h) {
          h = await HiddenClient.open(this.running.address.port, timeoutMs);
          this.hidden.set(name, h);
          this.learnSession(h.sessionId, h.password);
        }
        return h;
      },
      note: (text) => this.report.notes.push(text),
    };
  }

  private learnSession(id: bigint, password: Buffer | null): void {
    if (id === 0n) return;
    this.ourSessionBase ??= id & ~0xffffn;
    if (password && !isZero(password)) this.passwords.set(id, password);
  }

  private conn(n: number): ConnState {
    let c = this.conns.get(n);
    if (!c) this.conns.set(n, (c = { sock: null, first: true, gotFirst: false, ops: new Map(), raw: false }));
    return c;
  }

  // ---- client frames ----

  private async clientFrame(index: number, line: FixtureLine): Promise<void> {
    const c = this.conn(line.conn);
    let bytes: Buffer = Buffer.from(line.hex, 'hex');
    if (c.first) {
      c.sock = await FrameSocket.open(this.running.address.port);
      c.raw = line.raw === true;
      if (c.raw) c.word = bytes.toString('latin1', 0, 4);
      else bytes = this.rewriteConnect(bytes);
    } else if (bytes.length >= 12) {
      const header = codecOf('RequestHeader').read(new JuteReader(bytes, 4));
      const queue = c.ops.get(header.xid) ?? [];
      queue.push(header.type);
      c.ops.set(header.xid, queue);
      await this.waitForZxid(index, line, header.xid, header.type);
    }
    c.first = false;
    c.sock!.send(bytes);
    await this.afterFrame(line, c, this.lines.slice(index + 1).some((l) => l.conn === line.conn && l.dir === 's2c'));
  }

  /** Resumes use the ids and passwords our server handed out; an all-zero (wrong) password stays wrong. */
  private rewriteConnect(bytes: Buffer): Buffer {
    const req: ConnectRequest = codecOf('ConnectRequest').read(new JuteReader(bytes, 4));
    if (req.sessionId === 0n) return bytes;
    if (this.ourSessionBase === null) throw new Error('a session is resumed before any was created');
    const ours = this.ourSessionBase | (req.sessionId & 0xffffn);
    const passwd = isZero(req.passwd) ? req.passwd : (this.passwords.get(ours) ?? sessionPassword(ours));
    return encodeClientFrame({ kind: 'connect', req: { ...req, sessionId: ours, passwd } });
  }

  /**
   * The recorded reply tells which zxid the server had reached: a read answers with the last applied zxid, a write
   * with its own. When our server is behind and could catch up by itself (expiring sessions, reaping containers
   * and TTL nodes), wait for it rather than race it.
   */
  private async waitForZxid(index: number, line: FixtureLine, xid: number, type: number): Promise<void> {
    if (type === OpCode.auth || type === OpCode.sasl) return;
    const replyXid = type === OpCode.ping ? Xid.Ping : xid;
    const reply = this.lines.slice(index + 1).find((l) => l.conn === line.conn && l.dir === 's2c' && Buffer.from(l.hex, 'hex').readInt32BE(4) === replyXid);
    if (!reply) return;
    const zxid = Buffer.from(reply.hex, 'hex').readBigInt64BE(8);
    if (zxid <= 0n) return;
    const target = WRITE_OPS.has(type) ? zxid - 1n : zxid;
    if (this.server.lastProcessedZxid >= target || !this.mayAdvanceOnItsOwn()) return;
    const started = Date.now();
    while (this.server.lastProcessedZxid < target && Date.now() - started < SELF_ADVANCE_WAIT_MS) {
      await new Promise((r) => setTimeout(r, 10));
    }
    const waited = Date.now() - started;
    this.report.notes.push(`seq ${line.seq}: waited ${waited} ms for the server to reach zxid 0x${target.toString(16)} on its own (now 0x${this.server.lastProcessedZxid.toString(16)})`);
  }

  private mayAdvanceOnItsOwn(): boolean {
    const tree = this.server.tree;
    if (tree.containers.size > 0 || tree.ttls.size > 0) return true;
    const live = new Set<bigint>();
    for (const c of this.server.connections) if (c.session) live.add(c.session.id);
    for (const s of this.server.sessions.sessions.values()) if (!s.closing && !live.has(s.id)) return true;
    return false;
  }

  /** What the note says happened to the connection after this frame. */
  private async afterFrame(line: FixtureLine, c: ConnState, replyExpected: boolean): Promise<void> {
    const note = line.note;
    const sock = c.sock!;
    if (/no reply came/.test(note) && !replyExpected) {
      const got = await sock.waitForFrame(SILENCE_MS);
      const detail = got ? 'a reply came where Apache sent none' : sock.closed || sock.closedByPeer ? 'the server closed the connection; Apache kept it open' : undefined;
      this.report.closes.push({ seq: line.seq, conn: line.conn, ok: detail === undefined, detail });
    }
    if (/the server closed the connection/.test(note)) {
      const closed = await sock.waitForClose(FRAME_WAIT_MS);
      this.report.closes.push({ seq: line.seq, conn: line.conn, ok: closed, detail: closed ? undefined : 'the server kept the connection open' });
    } else if (/the client closed the connection/.test(note)) {
      sock.end();
      await this.waitForServerToDrop();
    } else if (/the connection was cut here/.test(note)) {
      sock.destroy();
      await this.waitForServerToDrop();
    }
  }

  private async waitForServerToDrop(): Promise<void> {
    const open = () => [...this.server.connections].filter((c) => !c.closed).length;
    const before = open();
    const started = Date.now();
    while (open() >= before && Date.now() - started < 1000) await new Promise((r) => setTimeout(r, 5));
  }

  // ---- server frames ----

  private opcodeOf(c: ConnState, xid: number): number | undefined {
    return c.ops.get(xid)?.[0];
  }

  private decode(c: ConnState, frame: Buffer, first: boolean): unknown {
    const decoded = decodeServerFrame(frame.subarray(4), first, (xid) => this.opcodeOf(c, xid));
    if (decoded.kind === 'connect') {
      const r = decoded.resp;
      return { connect: { ...r, sessionId: relSession(r.sessionId), passwd: isZero(r.passwd) ? 'zero' : 'set' }, length: frame.length };
    }
    return { reply: normalise(decoded), length: frame.length };
  }

  private normalised(c: ConnState, frame: Buffer, first: boolean): string {
    try {
      return JSON.stringify(this.decode(c, frame, first));
    } catch (err) {
      return JSON.stringify({ undecodable: frame.toString('hex'), error: (err as Error).message });
    }
  }

  private async serverFrame(line: FixtureLine): Promise<void> {
    const c = this.conn(line.conn);
    const sock = c.sock;
    if (!sock) throw new Error(`seq ${line.seq}: reply on connection ${line.conn} before any request`);
    if (c.raw) return this.fourLetterAnswer(line, c, sock);
    const first = !c.gotFirst;
    c.gotFirst = true;
    const expectedBytes = Buffer.from(line.hex, 'hex');
    const expected = this.normalised(c, expectedBytes, first);
    const timeoutMs = this.mayAdvanceOnItsOwn() ? SELF_ADVANCE_WAIT_MS : FRAME_WAIT_MS;
    if (!(await sock.waitForFrame(timeoutMs))) {
      const why = sock.closed ? 'the server closed the connection instead' : `nothing within ${timeoutMs} ms`;
      this.report.frames.push({ seq: line.seq, conn: line.conn, ok: false, detail: `expected ${describe(expected)}; ${why}` });
      return;
    }
    const candidates = sock.queued.map((f) => this.normalised(c, f, first));
    const at = candidates.indexOf(expected);
    if (at === 0) {
      this.report.frames.push({ seq: line.seq, conn: line.conn, ok: true });
    } else if (at > 0) {
      this.report.frames.push({ seq: line.seq, conn: line.conn, ok: false, detail: `came after ${at} other frame(s): ${candidates.slice(0, at).map(describe).join(' | ')}` });
    } else {
      this.report.frames.push({ seq: line.seq, conn: line.conn, ok: false, detail: `expected ${describe(expected)}\n        got ${describe(candidates[0]!)}` });
    }
    const taken = sock.take(Math.max(at, 0));
    this.settleXid(c, taken);
    if (first) {
      const resp = codecOf('ConnectResponse').read(new JuteReader(taken, 4));
      this.learnSession(resp.sessionId, resp.passwd);
    }
    await this.afterFrame(line, c, false);
  }

  private settleXid(c: ConnState, frame: Buffer): void {
    if (frame.length < 8) return;
    const xid = frame.readInt32BE(4);
    if (xid === Xid.Notification) return;
    const queue = c.ops.get(xid);
    if (queue && queue.length > 1) queue.shift();
  }

  private async fourLetterAnswer(line: FixtureLine, c: ConnState, sock: FrameSocket): Promise<void> {
    const closed = await sock.waitForClose(FRAME_WAIT_MS);
    const expected = Buffer.from(line.hex, 'hex').toString('latin1');
    const diffs = fourLetterStructureDiffs(c.word ?? '', expected, sock.rawText());
    if (!closed) diffs.push('the server kept the connection open');
    this.report.frames.push({ seq: line.seq, conn: line.conn, ok: diffs.length === 0, detail: diffs.length ? `'${c.word}': ${diffs.join('; ')}` : undefined });
  }

  private async checkNothingExtra(): Promise<void> {
    await new Promise((r) => setTimeout(r, 50));
    for (const [n, c] of this.conns) {
      if (!c.sock || c.raw) continue;
      for (const f of c.sock.queued) {
        this.report.frames.push({ seq: 0, conn: n, ok: false, detail: `unexpected extra frame ${this.normalised(c, f, false)}` });
      }
    }
  }
}

export function summarise(report: ReplayReport): { matched: number; total: number; text: string } {
  const recorded = report.frames.filter((f) => f.seq > 0);
  const matched = recorded.filter((f) => f.ok).length;
  const lines = [`${report.file}: ${matched}/${recorded.length} server frames match`];
  const closes = report.closes;
  if (closes.length > 0) lines[0] += `, ${closes.filter((c) => c.ok).length}/${closes.length} connection-end checks hold`;
  for (const note of report.notes) lines.push(`  note: ${note}`);
  for (const f of [...report.frames, ...closes]) if (!f.ok) lines.push(`  DIFF seq ${f.seq} conn ${f.conn}: ${f.detail}`);
  return { matched, total: recorded.length, text: lines.join('\n') };
}
