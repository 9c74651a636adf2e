// QuorumPacket { int type; long zxid; buffer data; vector<Id> authinfo } through the jute codec, and the data
// layouts of each packet type as Apache 3.8's Leader/Learner/LearnerHandler write them. Quorum packets are written
// back to back with no length prefix: decodeQuorumPacket reports how many bytes one packet took.
import { codecOf, encode } from '../../jute/codec.js';
import { JuteReader } from '../../jute/reader.js';
import { MarshallingError } from '../../jute/errors.js';
import type { QuorumPacket } from '../../jute/records.generated.js';
import { PacketType } from './packet-types.js';
import type { SessionTouch, ZabMessage } from './zab-messages.js';

export type { QuorumPacket };

export function encodeQuorumPacket(p: QuorumPacket): Buffer {
  return encode('QuorumPacket', p);
}

export type QuorumPacketParse = { done: false } | { done: true; packet: QuorumPacket; bytesRead: number };

/** Parses one packet from the start of `buf`; `done: false` when more bytes are needed. */
export function decodeQuorumPacket(buf: Buffer, maxDataBytes?: number): QuorumPacketParse {
  const r = new JuteReader(buf, 0, buf.length, maxDataBytes);
  try {
    const packet = codecOf('QuorumPacket').read(r);
    return { done: true, packet, bytesRead: r.pos };
  } catch (err) {
    if (err instanceof MarshallingError && /truncated/.test(err.message)) return { done: false };
    throw err;
  }
}

const int32 = (v: number) => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(v, 0);
  return b;
};
const int64 = (v: bigint) => {
  const b = Buffer.alloc(8);
  b.writeBigInt64BE(v, 0);
  return b;
};

function packet(type: PacketType, zxid: bigint, data: Buffer | null = null, authinfo: QuorumPacket['authinfo'] = null): QuorumPacket {
  return { type, zxid, data, authinfo };
}

function encodeSessions(sessions: readonly SessionTouch[]): Buffer {
  const b = Buffer.alloc(sessions.length * 12);
  sessions.forEach((s, i) => {
    b.writeBigInt64BE(s.sessionId, i * 12);
    b.writeInt32BE(s.timeoutMs, i * 12 + 8);
  });
  return b;
}

/** The QuorumPacket that carries `m`. A SNAP's snapshot body is not part of it (the adapter streams it after). */
export function toQuorumPacket(m: ZabMessage): QuorumPacket {
  switch (m.type) {
    case PacketType.FOLLOWERINFO:
    case PacketType.OBSERVERINFO:
      return packet(m.type, BigInt(m.acceptedEpoch) << 32n, encode('LearnerInfo', { serverid: m.sid, protocolVersion: m.protocolVersion, configVersion: m.configVersion }));
    case PacketType.LEADERINFO:
      return packet(m.type, BigInt(m.newEpoch) << 32n, int32(m.protocolVersion));
    case PacketType.ACKEPOCH:
      return packet(m.type, m.lastZxid, int32(m.currentEpoch));
    case PacketType.DIFF:
    case PacketType.TRUNC:
    case PacketType.SNAP:
    case PacketType.COMMIT:
    case PacketType.ACK:
      return packet(m.type, m.zxid);
    case PacketType.PROPOSAL:
    case PacketType.INFORM:
      return packet(m.type, m.txn.zxid, m.txn.data);
    case PacketType.COMMITANDACTIVATE:
      return packet(m.type, m.zxid, int64(m.designatedLeader));
    case PacketType.INFORMANDACTIVATE:
      return packet(m.type, m.txn.zxid, Buffer.concat([int64(m.designatedLeader), m.txn.data]));
    case PacketType.NEWLEADER:
      return packet(m.type, m.zxid, m.config);
    case PacketType.UPTODATE:
      return packet(m.type, -1n);
    case PacketType.PING:
      return packet(m.type, m.zxid, m.sessions.length === 0 ? null : encodeSessions(m.sessions));
    case PacketType.REQUEST: {
      const head = Buffer.alloc(16);
      head.writeBigInt64BE(m.sessionId, 0);
      head.writeInt32BE(m.cxid, 8);
      head.writeInt32BE(m.opcode, 12);
      return packet(m.type, -1n, Buffer.concat([head, m.body]), m.authinfo);
    }
    case PacketType.REVALIDATE: {
      if ('valid' in m) return packet(m.type, -1n, Buffer.concat([int64(m.sessionId), Buffer.from([m.valid ? 1 : 0])]));
      return packet(m.type, -1n, Buffer.concat([int64(m.sessionId), int32(m.timeoutMs)]));
    }
    case PacketType.SYNC:
      return packet(m.type, 0n);
  }
}

export class QuorumPacketError extends Error {
  readonly code = 'ZK_QUORUM_PACKET';
}

function need(data: Buffer | null, min: number, what: string): Buffer {
  if (data == null || data.length < min) throw new QuorumPacketError(`${what}: data has ${data?.length ?? 'no'} bytes, need ${min}`);
  return data;
}

/**
 * Reads `p` as a ZAB message. `fromLeader` picks the direction of the two packets whose layout differs by it
 * (REVALIDATE). Throws QuorumPacketError on an unknown type or a data field too short for its layout.
 */
export function fromQuorumPacket(p: QuorumPacket, fromLeader: boolean): ZabMessage {
  const { zxid, data } = p;
  switch (p.type as PacketType) {
    case PacketType.FOLLOWERINFO:
    case PacketType.OBSERVERINFO: {
      const d = need(data, 8, 'LearnerInfo');
      const acceptedEpoch = Number(BigInt.asUintN(64, zxid) >> 32n);
      const type = p.type as PacketType.FOLLOWERINFO;
      // Learners before 3.5 sent only their sid; LearnerHandler reads the full record when 20 bytes are there.
      if (d.length < 20) return { type, acceptedEpoch, sid: d.readBigInt64BE(0), protocolVersion: 0, configVersion: 0n };
      const li = codecOf('LearnerInfo').read(new JuteReader(d));
      return { type, acceptedEpoch, sid: li.serverid, protocolVersion: li.protocolVersion, configVersion: li.configVersion };
    }
    case PacketType.LEADERINFO:
      return { type: PacketType.LEADERINFO, newEpoch: Number(BigInt.asUintN(64, zxid) >> 32n), protocolVersion: need(data, 4, 'LEADERINFO').readInt32BE(0) };
    case PacketType.ACKEPOCH:
      return { type: PacketType.ACKEPOCH, lastZxid: zxid, currentEpoch: need(data, 4, 'ACKEPOCH').readInt32BE(0) };
    case PacketType.DIFF:
    case PacketType.TRUNC:
    case PacketType.COMMIT:
    case PacketType.ACK:
      return { type: p.type as PacketType.DIFF, zxid };
    case PacketType.SNAP:
      return { type: PacketType.SNAP, zxid };
    case PacketType.PROPOSAL:
    case PacketType.INFORM:
      return { type: p.type as PacketType.PROPOSAL, txn: { zxid, data: data ?? Buffer.alloc(0) } };
    case PacketType.COMMITANDACTIVATE:
      return { type: PacketType.COMMITANDACTIVATE, zxid, designatedLeader: need(data, 8, 'COMMITANDACTIVATE').readBigInt64BE(0) };
    case PacketType.INFORMANDACTIVATE: {
      const d = need(data, 8, 'INFORMANDACTIVATE');
      return { type: PacketType.INFORMANDACTIVATE, designatedLeader: d.readBigInt64BE(0), txn: { zxid, data: d.subarray(8) } };
    }
    case PacketType.NEWLEADER:
      return { type: PacketType.NEWLEADER, zxid, config: data ?? Buffer.alloc(0) };
    case PacketType.UPTODATE:
      return { type: PacketType.UPTODATE };
    case PacketType.PING: {
      const sessions: SessionTouch[] = [];
      const d = data ?? Buffer.alloc(0);
      if (d.length % 12 !== 0) throw new QuorumPacketError(`PING: session table of ${d.length} bytes is not a multiple of 12`);
      for (let at = 0; at < d.length; at += 12) sessions.push({ sessionId: d.readBigInt64BE(at), timeoutMs: d.readInt32BE(at + 8) });
      return { type: PacketType.PING, zxid, sessions };
    }
    case PacketType.REQUEST: {
      const d = need(data, 16, 'REQUEST');
      return { type: PacketType.REQUEST, sessionId: d.readBigInt64BE(0), cxid: d.readInt32BE(8), opcode: d.readInt32BE(12), body: d.subarray(16), authinfo: p.authinfo };
    }
    case PacketType.REVALIDATE: {
      if (fromLeader) {
        const d = need(data, 9, 'REVALIDATE');
        return { type: PacketType.REVALIDATE, sessionId: d.readBigInt64BE(0), valid: d[8] !== 0 };
      }
      const d = need(data, 12, 'REVALIDATE');
      return { type: PacketType.REVALIDATE, sessionId: d.readBigInt64BE(0), timeoutMs: d.readInt32BE(8) };
    }
    case PacketType.SYNC:
      return { type: PacketType.SYNC };
    default:
      throw new QuorumPacketError(`unknown quorum packet type ${p.type}`);
  }
}

