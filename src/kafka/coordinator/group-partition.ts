// Which __consumer_offsets partition holds a group: Kafka's Utils.abs(groupId.hashCode()) % partitions.

/** Java's String.hashCode over UTF-16 code units, in wrapping int32 arithmetic. */
export function javaStringHashCode(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}

/** Kafka's Utils.abs: Integer.MIN_VALUE maps to 0 rather than staying negative. */
export function kafkaAbs(n: number): number {
  return n === -2147483648 ? 0 : Math.abs(n);
}

export function partitionForGroup(groupId: string, offsetsTopicPartitions: number): number {
  if (!Number.isInteger(offsetsTopicPartitions) || offsetsTopicPartitions <= 0) {
    throw new RangeError(`offsets topic partition count must be a positive integer, got ${offsetsTopicPartitions}`);
  }
  return kafkaAbs(javaStringHashCode(groupId)) % offsetsTopicPartitions;
}
