// Kafka's DelayedCreatePartitions / DelayedDeleteTopics without a purgatory: re-check a condition on the metadata
// cache after every update until it holds or the request's timeout passes.
import type { BrokerMetadata, MetadataTopic } from '../broker/broker-metadata.js';
import type { MetadataUpdates } from '../broker/broker-contracts.js';

/** Resolves true once `done()` holds, false when `timeoutMs` passes first (checked at once, then on each update). */
export function waitForMetadata(updates: MetadataUpdates, done: () => boolean, timeoutMs: number): Promise<boolean> {
  if (done()) return Promise.resolve(true);
  if (timeoutMs <= 0) return Promise.resolve(false);
  return new Promise((resolve) => {
    const finish = (result: boolean): void => {
      clearTimeout(timer);
      unsubscribe();
      resolve(result);
    };
    const timer = setTimeout(() => finish(done()), timeoutMs);
    const unsubscribe = updates.onUpdate(() => {
      if (done()) finish(true);
    });
  });
}

/** Every partition in [0, count) of `topic` known with a leader (what CreateTopics and CreatePartitions wait for). */
export function partitionsHaveLeaders(metadata: BrokerMetadata, topic: string, count: number): boolean {
  const t: MetadataTopic | undefined = metadata.topic(topic);
  if (t === undefined) return false;
  for (let p = 0; p < count; p++) {
    const partition = t.partitions.find((x) => x.partition === p);
    if (partition === undefined || partition.leaderId < 0) return false;
  }
  return true;
}
