// The Java client's default partitioning: an explicit partition wins; a key goes to toPositive(murmur2(key)) %
// partitions (all partitions, available or not, so a key's partition never moves while the count is unchanged);
// a record with no key sticks to one available partition until its batch is sent or full, then another is picked
// at random (the sticky partitioner of KIP-480), which fills batches instead of spreading single records.
import { murmur2, toPositive } from './murmur2.js';

export interface PartitionerInput {
  topic: string;
  key: Buffer | null;
  partitionCount: number;
  /** Partitions whose leader is known. */
  availablePartitions: readonly number[];
}

export interface Partitioner {
  partition(input: PartitionerInput): number;
  /** A new batch was started on `previous` for a record with no key: move the sticky partition elsewhere. */
  onNewBatch?(topic: string, availablePartitions: readonly number[], partitionCount: number, previous: number): void;
}

export function keyedPartition(key: Uint8Array, partitionCount: number): number {
  return toPositive(murmur2(key)) % partitionCount;
}

export class DefaultPartitioner implements Partitioner {
  private readonly sticky = new Map<string, number>();

  constructor(private readonly random: () => number = Math.random) {}

  partition({ topic, key, partitionCount, availablePartitions }: PartitionerInput): number {
    if (key !== null) return keyedPartition(key, partitionCount);
    const current = this.sticky.get(topic);
    if (current !== undefined && current < partitionCount) return current;
    return this.pick(topic, availablePartitions, partitionCount, -1);
  }

  onNewBatch(topic: string, availablePartitions: readonly number[], partitionCount: number, previous: number): void {
    if (this.sticky.get(topic) === previous) this.pick(topic, availablePartitions, partitionCount, previous);
  }

  private pick(topic: string, available: readonly number[], partitionCount: number, avoid: number): number {
    const pool = available.length > 0 ? available : Array.from({ length: partitionCount }, (_, i) => i);
    let next = pool[Math.floor(this.random() * pool.length)];
    if (next === avoid && pool.length > 1) {
      const others = pool.filter((p) => p !== avoid);
      next = others[Math.floor(this.random() * others.length)];
    }
    this.sticky.set(topic, next);
    return next;
  }
}
