// The order in which Scala 2.13's mutable.HashSet / mutable.HashMap hand back their elements, for tools that print
// such a collection with mkString: the table (16 slots, doubled whenever an insertion would reach 3/4 full) is walked
// slot by slot, each slot's entries sorted by their improved hash, equal hashes in insertion order.

/** java.lang.String.hashCode over UTF-16 code units. */
export function javaStringHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}

/** org.apache.kafka.common.TopicPartition.hashCode. */
export function topicPartitionHash(topic: string, partition: number): number {
  return (Math.imul(31, (31 + partition) | 0) + javaStringHash(topic)) | 0;
}

export function scalaMutableHashOrder<T>(items: readonly T[], hashOf: (item: T) => number): T[] {
  let tableLength = 16;
  for (let size = 0; size < items.length; size++) if (size + 1 >= Math.floor(tableLength * 0.75)) tableLength *= 2;
  const entries = items.map((item, index) => {
    const h = hashOf(item);
    const improved = (h ^ (h >>> 16)) | 0;
    return { item, index, improved, slot: improved & (tableLength - 1) };
  });
  entries.sort((a, b) => a.slot - b.slot || a.improved - b.improved || a.index - b.index);
  return entries.map((e) => e.item);
}
