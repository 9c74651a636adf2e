// Kafka's RequestMetrics per API (RequestsPerSec, ErrorsPerSec's closed connections, TotalTimeMs): a count and a
// sample of the time from a request's decode to its response being ready, by API key. Recording is an array lookup,
// two additions and a reservoir slot.
import { Reservoir } from '../../../metrics/reservoir.js';

const SAMPLE_SIZE = 1024;

export class ApiRequestStats {
  count = 0;
  /** Requests whose handler failed (answered with an error response or by closing the connection). */
  failed = 0;
  readonly totalTimeMs = new Reservoir(SAMPLE_SIZE);
}

export class RequestMetrics {
  private readonly byKey: (ApiRequestStats | undefined)[] = [];

  record(apiKey: number, elapsedMs: number, failed: boolean): void {
    let s = this.byKey[apiKey];
    if (s === undefined) this.byKey[apiKey] = s = new ApiRequestStats();
    s.count++;
    if (failed) s.failed++;
    s.totalTimeMs.add(elapsedMs);
  }

  /** The APIs that have had requests, by key. */
  *entries(): Iterable<[number, ApiRequestStats]> {
    for (let key = 0; key < this.byKey.length; key++) {
      const s = this.byKey[key];
      if (s !== undefined) yield [key, s];
    }
  }
}
