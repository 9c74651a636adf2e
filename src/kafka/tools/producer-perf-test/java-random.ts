// java.util.Random's generator (48-bit LCG), so a seeded run picks the same payload bytes and payload lines as
// Kafka's ProducerPerformance with `new Random(0)`.
const MULTIPLIER = 0x5deece66dn;
const MASK = (1n << 48n) - 1n;

export class JavaRandom {
  private seed: bigint;

  constructor(seed: number) {
    this.seed = (BigInt(seed) ^ MULTIPLIER) & MASK;
  }

  private next(bits: number): number {
    this.seed = (this.seed * MULTIPLIER + 0xbn) & MASK;
    return Number(BigInt.asIntN(32, this.seed >> BigInt(48 - bits)));
  }

  nextInt(bound: number): number {
    if ((bound & -bound) === bound) return Number((BigInt(bound) * BigInt(this.next(31))) >> 31n);
    for (;;) {
      const bits = this.next(31);
      const val = bits % bound;
      if (bits - val + (bound - 1) <= 0x7fffffff) return val;
    }
  }
}
