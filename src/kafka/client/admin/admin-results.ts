// Collecting per-item answers of admin requests: items whose error is retriable are sent again (after a metadata
// refresh and a backoff) while retries remain; the first item that finally failed is thrown as its typed error.
import { isRetriable } from '../errors/index.js';
import type { KafkaCluster } from '../cluster/kafka-cluster.js';
import { needsMetadataRefresh } from '../cluster/kafka-cluster.js';
import { backoffMs, sleep } from '../cluster/retry.js';

/** `attempt` answers for the items it was given: null for success, else the error. */
export async function retryItems<I>(
  cluster: KafkaCluster,
  items: readonly I[],
  attempt: (pending: I[]) => Promise<Map<I, Error | null>>,
): Promise<Map<I, Error | null>> {
  const results = new Map<I, Error | null>();
  let pending = [...items];
  for (let n = 0; pending.length > 0; n++) {
    let answers: Map<I, Error | null>;
    try {
      answers = await attempt(pending);
    } catch (err) {
      answers = new Map(pending.map((i) => [i, err as Error]));
    }
    for (const i of pending) results.set(i, answers.get(i) ?? null);
    const again = pending.filter((i) => isRetriable(results.get(i)));
    if (again.length === 0 || n >= cluster.retry.retries) break;
    if (again.some((i) => needsMetadataRefresh(results.get(i)))) await cluster.refreshMetadata([]).catch(() => {});
    await sleep(backoffMs(n, cluster.retry));
    pending = again;
  }
  return results;
}

export function throwFirst<I>(results: Map<I, Error | null>): void {
  for (const err of results.values()) if (err !== null) throw err;
}
