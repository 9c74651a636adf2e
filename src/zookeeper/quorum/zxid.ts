// zxid layout: (epoch << 32) | counter. Counter 0 of an epoch marks NEWLEADER/LEADERINFO, never a real transaction.

export const COUNTER_MASK = 0xffffffffn;

export function makeZxid(epoch: number, counter: number | bigint): bigint {
  return (BigInt(epoch) << 32n) | (BigInt(counter) & COUNTER_MASK);
}

export function epochOf(zxid: bigint): number {
  return Number(BigInt.asUintN(64, zxid) >> 32n);
}

export function counterOf(zxid: bigint): number {
  return Number(zxid & COUNTER_MASK);
}

export function zxidHex(zxid: bigint): string {
  return `0x${BigInt.asUintN(64, zxid).toString(16)}`;
}
