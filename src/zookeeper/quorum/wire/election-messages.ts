// Byte layouts of the election port (QuorumCnxManager / FastLeaderElection in Apache ZooKeeper 3.8).
// The connection handshake has no length prefix; every later message is `int length` + payload.

export const PROTOCOL_VERSION_V1 = -65536n;
/** Sent instead of V1 when multiAddress is enabled: the address field lists several `host:port` joined by `|`. */
export const PROTOCOL_VERSION_V2 = -65535n;
/** Longest election address field accepted in a handshake (QuorumCnxManager's maxBuffer). */
export const MAX_HANDSHAKE_ADDRESS_BYTES = 2048;
/** Longest length-prefixed election message accepted (QuorumCnxManager.PACKETMAXSIZE). */
export const MAX_ELECTION_MESSAGE_BYTES = 512 * 1024;
/** The notification format version written today. */
export const NOTIFICATION_VERSION = 2;

export enum ServerState {
  LOOKING = 0,
  FOLLOWING = 1,
  LEADING = 2,
  OBSERVING = 3,
}

export class ElectionWireError extends Error {
  readonly code = 'ZK_ELECTION_WIRE';
}

export interface InitialMessage {
  protocolVersion: bigint;
  sid: bigint;
  /** `host:port` entries; empty for the legacy form that sends only the sid. */
  electionAddresses: string[];
}

export function encodeInitialMessage(sid: bigint, electionAddresses: readonly string[], protocolVersion = PROTOCOL_VERSION_V1): Buffer {
  if (protocolVersion !== PROTOCOL_VERSION_V1 && protocolVersion !== PROTOCOL_VERSION_V2) throw new ElectionWireError(`unknown protocol version ${protocolVersion}`);
  const addrs = protocolVersion === PROTOCOL_VERSION_V1 ? electionAddresses.slice(0, 1) : electionAddresses;
  const addr = Buffer.from(addrs.join('|'), 'utf8');
  const out = Buffer.alloc(20 + addr.length);
  out.writeBigInt64BE(protocolVersion, 0);
  out.writeBigInt64BE(sid, 8);
  out.writeInt32BE(addr.length, 16);
  addr.copy(out, 20);
  return out;
}

/** The pre-3.5 handshake: just the initiator's sid. */
export function encodeLegacyInitialMessage(sid: bigint): Buffer {
  const out = Buffer.alloc(8);
  out.writeBigInt64BE(sid, 0);
  return out;
}

export type InitialMessageParse = { done: false } | { done: true; message: InitialMessage; bytesRead: number };

/**
 * Parses the handshake from the start of `buf` (bytes as they arrived; call again with more if not done).
 * A non-negative first long is the legacy form and is the sid itself. Throws on an unknown version, an address
 * length outside 1..2048 or an address that is not `host:port`, after which Apache closes the socket.
 */
export function parseInitialMessage(buf: Buffer): InitialMessageParse {
  if (buf.length < 8) return { done: false };
  const first = buf.readBigInt64BE(0);
  if (first >= 0n) return { done: true, message: { protocolVersion: first, sid: first, electionAddresses: [] }, bytesRead: 8 };
  if (first !== PROTOCOL_VERSION_V1 && first !== PROTOCOL_VERSION_V2) throw new ElectionWireError(`Got unrecognized protocol version ${first}`);
  if (buf.length < 20) return { done: false };
  const sid = buf.readBigInt64BE(8);
  const len = buf.readInt32BE(16);
  if (len <= 0 || len > MAX_HANDSHAKE_ADDRESS_BYTES) throw new ElectionWireError(`Unreasonable buffer length: ${len}`);
  if (buf.length < 20 + len) return { done: false };
  const text = buf.toString('utf8', 20, 20 + len);
  const electionAddresses = text.split('|');
  for (const a of electionAddresses) {
    const colon = a.lastIndexOf(':');
    const port = colon > 0 ? a.slice(colon + 1) : '';
    if (!/^\d{1,5}$/.test(port)) throw new ElectionWireError(`Badly formed address: ${a}`);
  }
  return { done: true, message: { protocolVersion: first, sid, electionAddresses }, bytesRead: 20 + len };
}

export interface Notification {
  state: ServerState;
  leader: bigint;
  zxid: bigint;
  electionEpoch: bigint;
  /** Absent in the 28-byte form: the receiver then takes the epoch of `zxid`. */
  peerEpoch: bigint;
  /** 0 for the 28- and 40-byte forms, 2 today. */
  version: number;
  /** The sender's quorum config text (`server.N=...\nversion=<hex>`); only in version > 1. */
  config: Buffer;
}

export function encodeNotification(n: Omit<Notification, 'version'> & { version?: number }): Buffer {
  const out = Buffer.alloc(44 + n.config.length);
  out.writeInt32BE(n.state, 0);
  out.writeBigInt64BE(n.leader, 4);
  out.writeBigInt64BE(n.zxid, 12);
  out.writeBigInt64BE(n.electionEpoch, 20);
  out.writeBigInt64BE(n.peerEpoch, 28);
  out.writeInt32BE(n.version ?? NOTIFICATION_VERSION, 36);
  out.writeInt32BE(n.config.length, 40);
  n.config.copy(out, 44);
  return out;
}

/**
 * Decodes one notification payload (the bytes after the length prefix), as FastLeaderElection's receiver does:
 * null for what it drops (shorter than 28 bytes, unknown state, bad config length). Exactly 28 bytes: no
 * peerEpoch (taken from the zxid); exactly 40: peerEpoch but the trailing int is not read as a version.
 */
export function decodeNotification(payload: Buffer): Notification | null {
  const size = payload.length;
  if (size < 28) return null;
  const state = payload.readInt32BE(0);
  if (state < ServerState.LOOKING || state > ServerState.OBSERVING) return null;
  const leader = payload.readBigInt64BE(4);
  const zxid = payload.readBigInt64BE(12);
  const electionEpoch = payload.readBigInt64BE(20);
  let peerEpoch = BigInt.asUintN(64, zxid) >> 32n;
  let version = 0;
  let config: Buffer = Buffer.alloc(0);
  if (size !== 28) {
    if (size < 36) return null;
    peerEpoch = payload.readBigInt64BE(28);
    if (size !== 40) {
      if (size < 40) return null;
      version = payload.readInt32BE(36);
    }
  }
  if (version > 1) {
    if (size < 44) return null;
    const len = payload.readInt32BE(40);
    if (len < 0 || len > size - 44) return null;
    config = Buffer.from(payload.subarray(44, 44 + len));
  }
  return { state, leader, zxid, electionEpoch, peerEpoch, version, config };
}

/** Frames an election message with its `int length` prefix. */
export function frameElectionMessage(payload: Buffer): Buffer {
  const out = Buffer.alloc(4 + payload.length);
  out.writeInt32BE(payload.length, 0);
  payload.copy(out, 4);
  return out;
}

export type FrameParse = { done: false } | { done: true; payload: Buffer; bytesRead: number };

/** Reads one length-prefixed election message; a length outside 1..512 KiB throws (Apache closes the connection). */
export function parseElectionFrame(buf: Buffer): FrameParse {
  if (buf.length < 4) return { done: false };
  const len = buf.readInt32BE(0);
  if (len <= 0 || len > MAX_ELECTION_MESSAGE_BYTES) throw new ElectionWireError(`Received packet with invalid packet: ${len}`);
  if (buf.length < 4 + len) return { done: false };
  return { done: true, payload: buf.subarray(4, 4 + len), bytesRead: 4 + len };
}
