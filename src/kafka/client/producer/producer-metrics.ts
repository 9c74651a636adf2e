// The producer's metrics in Kafka's "producer-metrics" group that this client measures the way the Java producer
// does: per Produce request the records sent (record-send-rate/total, records-per-request-avg), per batch its size
// and compression ratio, per answered request its latency, per batch given up or retried its records. Recorded
// once per request or batch, never per record. (Kafka's request-latency covers every request; here, Produce.)
import { ClientMetrics, type MetricReading, type Sensor } from '../metrics/client-metrics.js';
import type { ProducerBatch } from './producer-batch.js';

/** The v2 batch header in front of the (possibly compressed) records. */
const BATCH_HEADER_BYTES = 61;

export class ProducerMetrics {
  private readonly metrics: ClientMetrics;
  private readonly recordsPerRequest: Sensor;
  private readonly batchSize: Sensor;
  private readonly compressionRate: Sensor;
  private readonly requestLatency: Sensor;
  private readonly recordErrors: Sensor;
  private readonly recordRetries: Sensor;

  constructor(clientId: string) {
    this.metrics = new ClientMetrics('producer-metrics', clientId);
    this.recordsPerRequest = this.metrics.sensor({ 'record-send-rate': 'rate', 'record-send-total': 'total', 'records-per-request-avg': 'avg' });
    this.batchSize = this.metrics.sensor({ 'batch-size-avg': 'avg', 'batch-size-max': 'max' });
    this.compressionRate = this.metrics.sensor({ 'compression-rate-avg': 'avg' });
    this.requestLatency = this.metrics.sensor({ 'request-latency-avg': 'avg', 'request-latency-max': 'max' });
    this.recordErrors = this.metrics.sensor({ 'record-error-rate': 'rate', 'record-error-total': 'total' });
    this.recordRetries = this.metrics.sensor({ 'record-retry-rate': 'rate', 'record-retry-total': 'total' });
  }

  /** A Produce request leaves with these batches, sealed as `encoded`. */
  requestSent(batches: readonly ProducerBatch[], encoded: readonly Buffer[], compressed: boolean, nowMs: number): void {
    let records = 0;
    for (let i = 0; i < batches.length; i++) {
      const b = batches[i]!;
      const bytes = encoded[i]!.length;
      records += b.recordCount;
      this.batchSize.record(bytes, nowMs);
      this.compressionRate.record(compressed && b.sizeBytes > 0 ? (bytes - BATCH_HEADER_BYTES) / b.sizeBytes : 1, nowMs);
    }
    this.recordsPerRequest.record(records, nowMs);
  }

  responseReceived(latencyMs: number, nowMs: number): void {
    this.requestLatency.record(latencyMs, nowMs);
  }

  batchFailed(batch: ProducerBatch, nowMs: number): void {
    this.recordErrors.record(batch.recordCount, nowMs);
  }

  batchRetried(batch: ProducerBatch, nowMs: number): void {
    this.recordRetries.record(batch.recordCount, nowMs);
  }

  snapshot(nowMs = Date.now()): MetricReading[] {
    return this.metrics.snapshot(nowMs);
  }
}
