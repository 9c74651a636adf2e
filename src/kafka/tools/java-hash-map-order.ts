// The iteration order of a java.util.HashMap<String, _> built with `new HashMap<>(initialCapacity)` and filled in
// the given order: by bucket of the spread String.hashCode in a power-of-two table (doubling once more than 3/4
// full, each bucket splitting in order), then by insertion within a bucket. Kafka's tools print some results in
// this order (the admin client's per-topic result maps), so reproducing it keeps their output byte-identical.
import { javaStringHash } from '../admin/java-properties-order.js';

const MAXIMUM_CAPACITY = 1 << 30;

/** HashMap.tableSizeFor. */
function tableSizeFor(cap: number): number {
  let n = 1;
  while (n < cap && n < MAXIMUM_CAPACITY) n *= 2;
  return n;
}

/** Keys (distinct) in the order the map iterates them. Bins never become trees below 8 keys per bin, ignored here. */
export function javaHashMapOrder(keys: readonly string[], initialCapacity = 16): string[] {
  return javaHashMapOrderBy(keys, javaStringHash, initialCapacity);
}

/** The same for keys of any type, given their Java hashCode (keys compare by identity). */
export function javaHashMapOrderBy<K>(keys: readonly K[], hashCode: (key: K) => number, initialCapacity = 16): K[] {
  let capacity = tableSizeFor(Math.max(initialCapacity, 1));
  let threshold = Math.floor(capacity * 0.75);
  let table: { hash: number; key: K }[][] = Array.from({ length: capacity }, () => []);
  let size = 0;
  for (const key of keys) {
    const h = hashCode(key);
    const hash = (h ^ (h >>> 16)) | 0;
    const bin = table[hash & (capacity - 1)]!;
    if (bin.some((e) => e.key === key)) continue;
    bin.push({ hash, key });
    if (++size > threshold) {
      const next: { hash: number; key: K }[][] = Array.from({ length: capacity * 2 }, () => []);
      table.forEach((b, i) => {
        for (const e of b) next[(e.hash & capacity) === 0 ? i : i + capacity]!.push(e);
      });
      table = next;
      capacity *= 2;
      threshold = Math.floor(capacity * 0.75);
    }
  }
  return table.flatMap((b) => b.map((e) => e.key));
}
