// Apache ZooKeeper keeps a znode's children in a java.util.HashSet and returns them in its iteration order;
// clients (and zkCli's `ls`) show that order. We reproduce it: bucket index of String.hashCode() in a table that
// starts at 8 slots and doubles when more than 3/4 full, ties in insertion order.

export function javaStringHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}

function bucket(name: string, capacity: number): number {
  const h = javaStringHash(name);
  return (h ^ (h >>> 16)) & (capacity - 1);
}

/**
 * The table size a hash table reaches after holding `maxSize` elements at once: one made with HashSet(8) (a znode's
 * children) by default, or with `new HashMap<>()` / `new HashSet<>()` (16 slots at first use).
 */
export function javaHashCapacity(maxSize: number, initialCapacity = 8): number {
  let cap = initialCapacity;
  while (maxSize > cap * 0.75) cap *= 2;
  return cap;
}

/** `names` in insertion order (a JS Set's order) → the order Java's HashSet iterates them. */
export function javaHashSetOrder(names: Iterable<string>, capacity: number): string[] {
  const list = Array.isArray(names) ? (names as string[]) : [...names];
  const n = list.length;
  // By bucket, ties in insertion order: a counting sort when the table is not much larger than the set (the
  // usual case, and snapshots order every parent's children), a comparison sort for a sparse one.
  if (capacity > 4 * n + 64) {
    const items = list.map((name, i) => ({ name, b: bucket(name, capacity), i }));
    items.sort((x, y) => x.b - y.b || x.i - y.i);
    return items.map((x) => x.name);
  }
  const buckets = new Int32Array(n);
  const starts = new Int32Array(capacity + 1);
  for (let i = 0; i < n; i++) {
    const b = bucket(list[i]!, capacity);
    buckets[i] = b;
    starts[b + 1]++;
  }
  for (let b = 0; b < capacity; b++) starts[b + 1] += starts[b]!;
  const out = new Array<string>(n);
  for (let i = 0; i < n; i++) out[starts[buckets[i]!]!++] = list[i]!;
  return out;
}
