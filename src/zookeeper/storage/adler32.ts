// Adler-32 (RFC 1950), as java.util.zip.Adler32 computes it: ZooKeeper checksums every log entry and every
// snapshot with it. `initial` continues a running checksum over several buffers.
const MOD = 65521;
// Largest n such that 255n(n+1)/2 + (n+1)(MOD-1) fits in 2^32-1, so sums may be reduced once per block.
const NMAX = 5552;

export function adler32(buf: Uint8Array, start = 0, end = buf.length, initial = 1): number {
  let a = initial & 0xffff;
  let b = (initial >>> 16) & 0xffff;
  let i = start;
  while (i < end) {
    const blockEnd = Math.min(end, i + NMAX);
    // Unrolled by 8: the hot loop of checksumming every txn and snapshot.
    for (; i + 8 <= blockEnd; i += 8) {
      a += buf[i]; b += a;
      a += buf[i + 1]; b += a;
      a += buf[i + 2]; b += a;
      a += buf[i + 3]; b += a;
      a += buf[i + 4]; b += a;
      a += buf[i + 5]; b += a;
      a += buf[i + 6]; b += a;
      a += buf[i + 7]; b += a;
    }
    for (; i < blockEnd; i++) {
      a += buf[i];
      b += a;
    }
    a %= MOD;
    b %= MOD;
  }
  return ((b << 16) | a) >>> 0;
}

/** A running Adler-32 over a sequence of buffers. */
export class Adler32 {
  value = 1;

  update(buf: Uint8Array, start = 0, end = buf.length): this {
    this.value = adler32(buf, start, end, this.value);
    return this;
  }
}
