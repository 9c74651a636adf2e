// Quorum packet type codes (Leader.java constants in Apache ZooKeeper 3.8).
export enum PacketType {
  REQUEST = 1,
  PROPOSAL = 2,
  ACK = 3,
  COMMIT = 4,
  PING = 5,
  REVALIDATE = 6,
  SYNC = 7,
  INFORM = 8,
  COMMITANDACTIVATE = 9,
  NEWLEADER = 10,
  FOLLOWERINFO = 11,
  UPTODATE = 12,
  DIFF = 13,
  TRUNC = 14,
  SNAP = 15,
  OBSERVERINFO = 16,
  LEADERINFO = 17,
  ACKEPOCH = 18,
  INFORMANDACTIVATE = 19,
}

/** The protocol version learners and leaders announce (Zab 1.0 with the LEADERINFO/ACKEPOCH exchange). */
export const ZAB_PROTOCOL_VERSION = 0x10000;
