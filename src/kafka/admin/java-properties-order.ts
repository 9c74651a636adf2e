// The order in which Kafka (on Java 9+) writes config overrides into ZooKeeper JSON: it serializes a
// java.util.Properties, whose entries iterate in the order of its backing ConcurrentHashMap — by bucket of the
// spread String.hashCode in a table of 16 (doubling at 3/4 full, with ConcurrentHashMap's bin split), then by
// insertion within a bucket. Reproducing it makes /config/topics/<t> byte-identical to what Kafka writes.

/** java.lang.String.hashCode over UTF-16 code units, as a signed 32-bit int. */
export function javaStringHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}

/** ConcurrentHashMap.spread. */
const spread = (h: number): number => (h ^ (h >>> 16)) & 0x7fffffff;

interface Entry {
  hash: number;
  key: string;
  value: string;
}

/** ConcurrentHashMap.transfer for one bin: the tail run keeps its order, the nodes before it are prepended. */
function splitBin(bin: Entry[], n: number): [Entry[], Entry[]] {
  if (bin.length === 0) return [[], []];
  let lastRun = 0;
  let runBit = bin[0]!.hash & n;
  for (let i = 1; i < bin.length; i++) {
    const b = bin[i]!.hash & n;
    if (b !== runBit) {
      runBit = b;
      lastRun = i;
    }
  }
  const low: Entry[] = runBit === 0 ? bin.slice(lastRun) : [];
  const high: Entry[] = runBit !== 0 ? bin.slice(lastRun) : [];
  for (let i = 0; i < lastRun; i++) {
    const e = bin[i]!;
    if ((e.hash & n) === 0) low.unshift(e);
    else high.unshift(e);
  }
  return [low, high];
}

/** The entries as `new Properties()` + setProperty in the given order would iterate them. */
export function javaPropertiesOrder(entries: Iterable<readonly [string, string]>): Record<string, string> {
  let n = 16;
  let table: Entry[][] = Array.from({ length: n }, () => []);
  let count = 0;
  for (const [key, value] of entries) {
    const hash = spread(javaStringHash(key));
    const bin = table[hash & (n - 1)]!;
    const existing = bin.find((e) => e.key === key);
    if (existing) {
      existing.value = value;
      continue;
    }
    bin.push({ hash, key, value });
    count++;
    if (count >= n - (n >>> 2)) {
      const next: Entry[][] = Array.from({ length: 2 * n }, () => []);
      table.forEach((b, i) => {
        const [low, high] = splitBin(b, n);
        next[i] = low;
        next[i + n] = high;
      });
      table = next;
      n *= 2;
    }
  }
  const out: Record<string, string> = {};
  for (const bin of table) for (const e of bin) out[e.key] = e.value;
  return out;
}
