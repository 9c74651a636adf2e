// Kafka's RequestMetrics per API (RequestsPerSec, ErrorsPerSec's closed connections, TotalTimeMs): a count and a
// sample of the time from a request's decode to its response being ready, by API key. Recording is an array lookup,
// two additions and a reservoir slot.
import { Reservoir } from '../../../metrics/reservoir.js';

const SAMPLE_SIZE = 1024;

export class ApiRequestStats {
  count = 0;
  /** Requests whose handler threw (answered with the API's error response, or by closing the connection). */
  failed = 0;
  readonly totalTimeMs = new Reservoir(SAMPLE_SIZE);
}

export class RequestMetrics {
  private readonly byKey: (ApiRequestStats | undefined)[] = [];

  private stats(apiKey: number): ApiRequestStats {
    let s = this.byKey[apiKey];
    if (s === undefined) this.byKey[apiKey] = s = new ApiRequestStats();
    return s;
  }

  /** A request handled (or given up) after `elapsedMs`. */
  record(apiKey: number, elapsedMs: number): void {
    const s = this.stats(apiKey);
    s.count++;
    s.totalTimeMs.add(elapsedMs);
  }

  /** A request's handler threw: it was answered with an error response or its connection closed. */
  failed(apiKey: number): void {
    this.stats(apiKey).failed++;
  }

  /** The APIs that have had requests, by key. */
  *entries(): Iterable<[number, ApiRequestStats]> {
    for (let key = 0; key < this.byKey.length; key++) {
      const s = this.byKey[key];
      if (s !== undefined) yield [key, s];
    }
  }
}
