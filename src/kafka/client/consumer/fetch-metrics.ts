// The consumer's metrics in Kafka's "consumer-fetch-manager-metrics" group that this client measures as the Java
// consumer does: per Fetch response its latency (fetch-latency-avg/max, fetch-rate/total), the bytes of the whole
// record batches it brought (fetch-size-avg/max, bytes-consumed-rate/total) and their records (records-per-
// request-avg, records-consumed-rate/total). Recorded once per response, never per record. (Kafka records the
// sizes when a response's records have all been polled; here, when they arrive.)
import { ClientMetrics, type MetricReading, type Sensor } from '../metrics/client-metrics.js';

/** Bytes of the complete record batches in a fetched record set (a trailing partial batch is not one). */
export function completeBatchBytes(records: Buffer | null): number {
  if (records === null) return 0;
  let at = 0;
  while (records.length - at >= 12) {
    const size = 12 + records.readInt32BE(at + 8);
    if (size < 12 || at + size > records.length) break;
    at += size;
  }
  return at;
}

export class FetchMetrics {
  private readonly metrics: ClientMetrics;
  private readonly latency: Sensor;
  private readonly bytes: Sensor;
  private readonly records: Sensor;

  constructor(clientId: string) {
    this.metrics = new ClientMetrics('consumer-fetch-manager-metrics', clientId);
    this.latency = this.metrics.sensor({ 'fetch-latency-avg': 'avg', 'fetch-latency-max': 'max', 'fetch-rate': 'count-rate', 'fetch-total': 'count-total' });
    this.bytes = this.metrics.sensor({ 'fetch-size-avg': 'avg', 'fetch-size-max': 'max', 'bytes-consumed-rate': 'rate', 'bytes-consumed-total': 'total' });
    this.records = this.metrics.sensor({ 'records-per-request-avg': 'avg', 'records-consumed-rate': 'rate', 'records-consumed-total': 'total' });
  }

  fetched(latencyMs: number, bytes: number, records: number, nowMs: number): void {
    this.latency.record(latencyMs, nowMs);
    this.bytes.record(bytes, nowMs);
    this.records.record(records, nowMs);
  }

  snapshot(nowMs = Date.now()): MetricReading[] {
    return this.metrics.snapshot(nowMs);
  }
}
