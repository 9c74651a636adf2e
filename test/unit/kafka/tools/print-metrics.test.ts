// ToolsUtils.printMetrics' layout and Java's number texts, and the windowed stats behind the client metrics, at
// chosen instants (Kafka's two 30 s samples).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatMetrics, javaFixed3 } from '../../../../src/kafka/tools/print-metrics.js';
import { ClientMetrics } from '../../../../src/kafka/client/metrics/client-metrics.js';
import { javaDoubleToString } from '../../../../src/kafka/admin/java-double.js';

test("Java's %.3f: HALF_UP on the shortest decimal form, NaN and Infinity spelled out", () => {
  assert.deepEqual([1, 0, 1.0005, 2.0004999, 1234.5678, -0.25, 0.9995, NaN, Infinity].map(javaFixed3), ['1.000', '0.000', '1.001', '2.000', '1234.568', '-0.250', '1.000', 'NaN', 'Infinity']);
});

test("Java's Double.toString for quota values", () => {
  assert.deepEqual([1024, 200, 50.5, 2e7, 1.5e-4, 0.001, 12345678.9].map(javaDoubleToString), ['1024.0', '200.0', '50.5', '2.0E7', '1.5E-4', '0.001', '1.23456789E7']);
});

test('metrics are printed sorted by group:name:tags and padded to the longest name', () => {
  const m = new ClientMetrics('producer-metrics', 'producer-1');
  const send = m.sensor({ 'record-send-total': 'total', 'record-send-rate': 'rate' });
  m.sensor({ 'batch-size-avg': 'avg', 'batch-size-max': 'max' });
  send.record(10, 0);
  send.record(20, 10_000);
  assert.equal(
    formatMetrics(m.snapshot(10_000)),
    '\n' +
      'Metric Name                                                 Value\n' +
      'producer-metrics:batch-size-avg:{client-id=producer-1}    : NaN\n' +
      'producer-metrics:batch-size-max:{client-id=producer-1}    : NaN\n' +
      // 30 records over 10 s of a sample plus one whole 30 s window: Kafka's Rate.
      'producer-metrics:record-send-rate:{client-id=producer-1}  : 0.750\n' +
      'producer-metrics:record-send-total:{client-id=producer-1} : 30.000\n',
  );
});

test('windowed stats forget samples older than two windows; totals never do', () => {
  const m = new ClientMetrics('consumer-fetch-manager-metrics', 'c');
  const s = m.sensor({ 'fetch-latency-avg': 'avg', 'fetch-latency-max': 'max', 'fetch-rate': 'count-rate', 'fetch-total': 'count-total' });
  s.record(10, 0);
  s.record(30, 20_000);
  s.record(5, 40_000); // a second sample
  const at = (now: number) => Object.fromEntries(m.snapshot(now).map((r) => [r.metric.name, r.value]));
  assert.deepEqual(at(40_000), { 'fetch-latency-avg': 15, 'fetch-latency-max': 30, 'fetch-rate': 3 / 40, 'fetch-total': 3 });
  // At 65 s the first sample (begun at 0) is older than 60 s: only the 5 ms fetch is left, over the 25 s since its
  // sample began plus one whole window.
  assert.deepEqual(at(65_000), { 'fetch-latency-avg': 5, 'fetch-latency-max': 5, 'fetch-rate': 1 / 55, 'fetch-total': 3 });
});
