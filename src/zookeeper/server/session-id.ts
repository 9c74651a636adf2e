// Session ids and passwords as Apache ZooKeeper derives them, so any server of an ensemble can check a password.

const MASK48 = (1n << 48n) - 1n;
const MULTIPLIER = 0x5deece66dn;

/** SessionTrackerImpl.initializeNextSessionId: ((now << 24) >>> 8) | (serverId << 56). */
export function initialSessionId(nowMs: number, serverId: number): bigint {
  const shifted = BigInt.asUintN(64, BigInt(nowMs) << 24n) >> 8n;
  return BigInt.asIntN(64, shifted | (BigInt(serverId) << 56n));
}

/** java.util.Random(seed).nextBytes(16) with seed = sessionId ^ 0xB3415C00 (ZooKeeperServer.generatePasswd). */
export function sessionPassword(sessionId: bigint): Buffer {
  let seed = (BigInt.asUintN(64, sessionId ^ 0xb3415c00n) ^ MULTIPLIER) & MASK48;
  const out = Buffer.alloc(16);
  for (let i = 0; i < 16; ) {
    seed = (seed * MULTIPLIER + 0xbn) & MASK48;
    let rnd = Number(BigInt.asIntN(32, seed >> 16n));
    for (let n = Math.min(16 - i, 4); n-- > 0; rnd >>= 8) out[i++] = rnd & 0xff;
  }
  return out;
}
