// Every frame recorded between real clients and Apache ZooKeeper 3.8.0 decodes and re-encodes to the same bytes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { MarshallingError, OpCode } from '../../../src/zookeeper/jute/index.js';
import { FIXTURES_DIR } from '../../support/fixtures-dir.js';
import {
  decodeClientFrame,
  decodeServerFrame,
  encodeClientFrame,
  encodeServerFrame,
  MULTI_OPS,
  replyOpcode,
  REQUEST_RECORD,
  RESPONSE_RECORD,
  type ClientFrame,
} from '../../../src/zookeeper/jute/protocol-frames.js';

interface FixtureLine {
  dir: 'c2s' | 's2c';
  conn: number;
  seq: number;
  hex: string;
  raw?: boolean;
  note: string;
}

/** Frames each file must yield: round-tripped per direction, and (errors.jsonl only) rejected as malformed. */
const EXPECTED: Record<string, { c2s: number; s2c: number; malformed: number; raw: number }> = {
  'acl.jsonl': { c2s: 26, s2c: 26, malformed: 0, raw: 0 },
  'auth.jsonl': { c2s: 53, s2c: 53, malformed: 0, raw: 0 },
  'children.jsonl': { c2s: 35, s2c: 39, malformed: 0, raw: 0 },
  'connect-variants.jsonl': { c2s: 34, s2c: 33, malformed: 0, raw: 0 },
  'create-c.jsonl': { c2s: 15, s2c: 16, malformed: 0, raw: 0 },
  'create-java.jsonl': { c2s: 17, s2c: 19, malformed: 0, raw: 0 },
  'create-ttl-disabled.jsonl': { c2s: 6, s2c: 6, malformed: 0, raw: 0 },
  'create.jsonl': { c2s: 21, s2c: 21, malformed: 0, raw: 0 },
  'data.jsonl': { c2s: 33, s2c: 37, malformed: 0, raw: 0 },
  'delete.jsonl': { c2s: 22, s2c: 22, malformed: 0, raw: 0 },
  'errors.jsonl': { c2s: 41, s2c: 47, malformed: 8, raw: 0 },
  'fourletter.jsonl': { c2s: 0, s2c: 0, malformed: 0, raw: 34 },
  'multi.jsonl': { c2s: 20, s2c: 20, malformed: 0, raw: 0 },
  'persistent-watches.jsonl': { c2s: 39, s2c: 50, malformed: 0, raw: 0 },
  'reconnect-c.jsonl': { c2s: 9, s2c: 11, malformed: 0, raw: 0 },
  'reconnect-kazoo.jsonl': { c2s: 8, s2c: 8, malformed: 0, raw: 0 },
  'reconnect-node.jsonl': { c2s: 12, s2c: 14, malformed: 0, raw: 0 },
  'reconnect-setwatches2.jsonl': { c2s: 13, s2c: 17, malformed: 0, raw: 0 },
  'reconnect.jsonl': { c2s: 13, s2c: 17, malformed: 0, raw: 0 },
  'session-info.jsonl': { c2s: 18, s2c: 18, malformed: 0, raw: 0 },
  'session.jsonl': { c2s: 21, s2c: 21, malformed: 0, raw: 0 },
  'watches.jsonl': { c2s: 52, s2c: 73, malformed: 0, raw: 0 },
};

/** errors.jsonl frames that are not valid jute for their opcode (truncated bodies, bad multi ops, short frame). */
const MALFORMED_SEQS = [17, 19, 21, 27, 31, 33, 66, 74];
/** Wording by which a note says a frame was built broken on purpose. */
const MALFORMED_NOTE = /malformed|too short|no length prefix/;

const fixturesDir = FIXTURES_DIR;
const skipReason = existsSync(fixturesDir) ? undefined : `fixtures not found at ${fixturesDir}`;
if (skipReason) console.log(`golden-frames: skipped, ${skipReason}`);

/** The body record a fixture note names (`... + CreateRequest{...}`), if any. */
function noteRecord(note: string): string | undefined {
  return /\+ ([A-Za-z0-9]+)[{ ]/.exec(note)?.[1];
}

function expectedRequestRecord(opcode: number): string | undefined {
  if (opcode === OpCode.multi) return 'MultiRequest';
  if (opcode === OpCode.multiRead) return 'MultiReadRequest';
  return REQUEST_RECORD[opcode] ?? undefined;
}

function expectedResponseRecord(opcode: number): string | undefined {
  if (MULTI_OPS[opcode]) return 'MultiResponse';
  return RESPONSE_RECORD[opcode] ?? undefined;
}

interface ConnState {
  sawConnectRequest: boolean;
  sawConnectResponse: boolean;
  /** Outstanding request opcodes per xid, oldest first (xids may repeat). */
  pending: Map<number, number[]>;
}

interface FileResult {
  c2s: number;
  s2c: number;
  malformed: number[];
  raw: number;
}

function checkFile(file: string): FileResult {
  const lines = readFileSync(path.join(fixturesDir, file), 'utf8').split('\n').filter((l) => l.trim() !== '');
  const frames = lines.map((l) => JSON.parse(l) as FixtureLine).sort((a, b) => a.seq - b.seq);
  const conns = new Map<number, ConnState>();
  const result: FileResult = { c2s: 0, s2c: 0, malformed: [], raw: 0 };
  const replyErrOf = (f: FixtureLine, xid: number): number | undefined => {
    const reply = frames.find((g) => g.seq > f.seq && g.conn === f.conn && g.dir === 's2c' && g.hex.length >= 40 &&
      Buffer.from(g.hex, 'hex').readInt32BE(4) === xid);
    return reply ? Buffer.from(reply.hex, 'hex').readInt32BE(16) : undefined;
  };

  for (const f of frames) {
    const where = `${file} seq ${f.seq} (${f.note.slice(0, 100)})`;
    if (f.raw) {
      result.raw++;
      continue;
    }
    let conn = conns.get(f.conn);
    if (!conn) conns.set(f.conn, (conn = { sawConnectRequest: false, sawConnectResponse: false, pending: new Map() }));
    const bytes = Buffer.from(f.hex, 'hex');
    assert.equal(bytes.readInt32BE(0), bytes.length - 4, `length prefix of ${where}`);
    const payload = bytes.subarray(4);

    if (f.dir === 'c2s') {
      const first = !conn.sawConnectRequest;
      conn.sawConnectRequest = true;
      let frame: ClientFrame;
      try {
        frame = decodeClientFrame(payload, first);
      } catch (err) {
        assert.ok(err instanceof MarshallingError, `${where}: expected MarshallingError, got ${String(err)}`);
        const xid = payload.length >= 8 ? payload.readInt32BE(0) : undefined;
        const flagged = MALFORMED_NOTE.test(f.note) || (xid !== undefined && replyErrOf(f, xid) === -5);
        assert.ok(flagged, `${where}: failed to decode but neither the note nor the server reply says it is malformed`);
        if (xid !== undefined) track(conn, xid, payload.readInt32BE(4));
        result.malformed.push(f.seq);
        continue;
      }
      assert.deepEqual(encodeClientFrame(frame), bytes, `re-encoded ${where}`);
      if (frame.kind === 'request') {
        track(conn, frame.header.xid, frame.header.type);
        const named = noteRecord(f.note);
        assert.equal(named, expectedRequestRecord(frame.header.type), `body record of ${where}`);
      }
      result.c2s++;
    } else {
      const first = !conn.sawConnectResponse;
      conn.sawConnectResponse = true;
      const opcodeOf = (xid: number) => conn.pending.get(xid)?.[0];
      const frame = decodeServerFrame(payload, first, opcodeOf);
      let opcode: number | undefined;
      if (frame.kind === 'reply') {
        opcode = replyOpcode(frame.header.xid, opcodeOf);
        conn.pending.get(frame.header.xid)?.shift();
        const named = noteRecord(f.note);
        const expected = frame.header.err === 0 && opcode !== undefined ? expectedResponseRecord(opcode) : undefined;
        assert.equal(named, expected, `body record of ${where}`);
      }
      assert.deepEqual(encodeServerFrame(frame, opcode), bytes, `re-encoded ${where}`);
      result.s2c++;
    }
  }
  return result;
}

function track(conn: ConnState, xid: number, opcode: number): void {
  const queue = conn.pending.get(xid);
  if (queue) queue.push(opcode);
  else conn.pending.set(xid, [opcode]);
}

test('golden frames: every recorded frame decodes and re-encodes byte for byte', { skip: skipReason }, async (t) => {
  const files = readdirSync(fixturesDir).filter((f) => f.endsWith('.jsonl')).sort();
  assert.deepEqual(files, Object.keys(EXPECTED).sort(), 'fixture files and the expected counts table disagree');
  const summary: string[] = [];
  let total = 0;
  for (const file of files) {
    await t.test(file, () => {
      const r = checkFile(file);
      const want = EXPECTED[file]!;
      assert.equal(r.c2s, want.c2s, `${file}: client frames round-tripped`);
      assert.equal(r.s2c, want.s2c, `${file}: server frames round-tripped`);
      assert.equal(r.raw, want.raw, `${file}: raw four-letter-word frames skipped`);
      assert.deepEqual(r.malformed, file === 'errors.jsonl' ? MALFORMED_SEQS : [], `${file}: frames rejected as malformed`);
      total += r.c2s + r.s2c;
      summary.push(`${file}: ${r.c2s + r.s2c} frames identical (${r.c2s} c2s, ${r.s2c} s2c)` +
        (r.malformed.length ? `, ${r.malformed.length} malformed rejected (seq ${r.malformed.join(',')})` : '') +
        (r.raw ? `, ${r.raw} raw 4lw skipped` : ''));
    });
  }
  summary.push(`total: ${total} frames re-encoded identically`);
  for (const line of summary) t.diagnostic(line);
  console.log(summary.join('\n'));
});
