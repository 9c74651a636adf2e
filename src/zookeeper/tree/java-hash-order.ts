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

/** The table size a HashSet(8) reaches after holding `maxSize` elements at once. */
export function javaHashCapacity(maxSize: number): number {
  let cap = 8;
  while (maxSize > cap * 0.75) cap *= 2;
  return cap;
}

/** `names` in insertion order (a JS Set's order) → the order Java's HashSet iterates them. */
export function javaHashSetOrder(names: Iterable<string>, capacity: number): string[] {
  const items: { name: string; b: number; i: number }[] = [];
  let i = 0;
  for (const name of names) items.push({ name, b: bucket(name, capacity), i: i++ });
  items.sort((x, y) => x.b - y.b || x.i - y.i);
  return items.map((x) => x.name);
}
