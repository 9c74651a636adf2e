// ZAB's messages as the state machines see them. Each maps to one QuorumPacket (see quorum-packet.ts); a SNAP is
// followed on the stream by the snapshot body, which the adapter writes and reads (`snapshot` here is opaque).
import { PacketType } from './packet-types.js';

export interface Txn {
  zxid: bigint;
  /** TxnHeader + txn record (+ TxnDigest), exactly as logged and as carried by PROPOSAL/INFORM. */
  data: Buffer;
}

export interface SessionTouch {
  sessionId: bigint;
  timeoutMs: number;
}

export interface AuthId {
  scheme: string | null;
  id: string | null;
}

export type ZabMessage =
  | { type: PacketType.FOLLOWERINFO | PacketType.OBSERVERINFO; acceptedEpoch: number; sid: bigint; protocolVersion: number; configVersion: bigint }
  | { type: PacketType.LEADERINFO; newEpoch: number; protocolVersion: number }
  /** currentEpoch -1: the learner had already accepted this epoch (the ack does not count). */
  | { type: PacketType.ACKEPOCH; lastZxid: bigint; currentEpoch: number }
  | { type: PacketType.DIFF | PacketType.TRUNC; zxid: bigint }
  | { type: PacketType.SNAP; zxid: bigint; snapshot?: unknown }
  | { type: PacketType.PROPOSAL | PacketType.INFORM; txn: Txn }
  | { type: PacketType.COMMIT; zxid: bigint }
  | { type: PacketType.COMMITANDACTIVATE; zxid: bigint; designatedLeader: bigint }
  | { type: PacketType.INFORMANDACTIVATE; txn: Txn; designatedLeader: bigint }
  | { type: PacketType.NEWLEADER; zxid: bigint; config: Buffer }
  | { type: PacketType.ACK; zxid: bigint }
  | { type: PacketType.UPTODATE }
  /** Leader→learner: zxid = last proposed, no sessions. Learner→leader: echoes zxid with its touched sessions. */
  | { type: PacketType.PING; zxid: bigint; sessions: SessionTouch[] }
  | { type: PacketType.REQUEST; sessionId: bigint; cxid: number; opcode: number; body: Buffer; authinfo: AuthId[] | null }
  | { type: PacketType.REVALIDATE; sessionId: bigint; timeoutMs: number }
  | { type: PacketType.REVALIDATE; sessionId: bigint; valid: boolean }
  | { type: PacketType.SYNC };
