// The shared Prometheus text encoder: exact lines for each metric type, escaping of label values and HELP text,
// special values, one block per family; and the test parser reading it back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Exposition, escapeLabelValue, formatValue } from '../../../src/metrics/exposition.js';
import { Reservoir } from '../../../src/metrics/reservoir.js';
import { parsePrometheusText } from '../../support/prometheus-text.js';

test('counters, gauges and summaries are written as HELP, TYPE and sample lines', () => {
  const page = new Exposition();
  page.counter('requests_total', 'Requests handled', 42);
  page.gauge('temperature', 'Degrees', -3.5, { room: 'a' });
  page.summary('latency', 'Latency', { quantiles: [[0.5, 2], [0.99, 9]], count: 10, sum: 31 }, { api: 'Fetch' });
  const f = page.family('size', 'gauge', 'Size');
  f.sample(1, { topic: 't', partition: '0' }).sample(2, { topic: 't', partition: '1' });
  assert.equal(page.text(), [
    '# HELP requests_total Requests handled',
    '# TYPE requests_total counter',
    'requests_total 42',
    '# HELP temperature Degrees',
    '# TYPE temperature gauge',
    'temperature{room="a"} -3.5',
    '# HELP latency Latency',
    '# TYPE latency summary',
    'latency{api="Fetch",quantile="0.5"} 2',
    'latency{api="Fetch",quantile="0.99"} 9',
    'latency_sum{api="Fetch"} 31',
    'latency_count{api="Fetch"} 10',
    '# HELP size Size',
    '# TYPE size gauge',
    'size{topic="t",partition="0"} 1',
    'size{topic="t",partition="1"} 2',
    '',
  ].join('\n'));
});

test('label values escape backslash, quote and newline; HELP escapes backslash and newline', () => {
  assert.equal(escapeLabelValue('a\\b"c\nd'), 'a\\\\b\\"c\\nd');
  const page = new Exposition();
  page.gauge('g', 'line one\nback\\slash "quoted"', 1, { path: 'C:\\dir "x"\nnext' });
  const text = page.text();
  assert.equal(text.split('\n')[0], '# HELP g line one\\nback\\\\slash "quoted"');
  assert.equal(text.split('\n')[2], 'g{path="C:\\\\dir \\"x\\"\\nnext"} 1');
  const parsed = parsePrometheusText(text);
  assert.equal(parsed.families.get('g')!.help, 'line one\nback\\slash "quoted"');
  assert.equal(parsed.value('g', { path: 'C:\\dir "x"\nnext' }), 1);
});

test('special values use the spellings Prometheus parses', () => {
  assert.equal(formatValue(Number.NaN), 'NaN');
  assert.equal(formatValue(Number.POSITIVE_INFINITY), '+Inf');
  assert.equal(formatValue(Number.NEGATIVE_INFINITY), '-Inf');
  assert.equal(formatValue(12345678901234567890n), '12345678901234567890');
  assert.equal(formatValue(1e21), '1e+21');
  assert.equal(parsePrometheusText('# HELP x x\n# TYPE x gauge\nx 1e+21\n').value('x'), 1e21);
});

test('a family is written once, names and label names are checked', () => {
  const page = new Exposition();
  page.counter('a_total', 'a', 1);
  assert.throws(() => page.counter('a_total', 'a', 2), /written twice/);
  assert.throws(() => page.gauge('bad-name', 'x', 1), /invalid metric name/);
  assert.throws(() => page.gauge('ok', 'x', 1, { 'bad-label': 'v' }), /invalid label name/);
  assert.throws(() => page.family('s', 'summary', 's').sample(1), /is a summary/);
});

test('the parser refuses samples outside their family and samples before HELP/TYPE', () => {
  assert.throws(() => parsePrometheusText('x 1\n'), /undeclared family/);
  assert.throws(() => parsePrometheusText('# HELP x x\n# TYPE x gauge\n# HELP y y\n# TYPE y gauge\nx 1\n'), /outside its family/);
  assert.throws(() => parsePrometheusText('# HELP x x\n# TYPE x gauge\nx{a="b} 1\n'), /bad labels|not a sample/);
});

test('reservoir quantiles are nearest-rank over what was observed, NaN before anything was', () => {
  const r = new Reservoir(100);
  assert.ok(Number.isNaN(r.quantiles([0.5])[0]![1]));
  for (let i = 1; i <= 100; i++) r.add(i);
  assert.deepEqual(r.quantiles([0.5, 0.99, 1]), [[0.5, 50], [0.99, 99], [1, 100]]);
  assert.equal(r.count, 100);
  assert.equal(r.sum, 5050);
  for (let i = 0; i < 1000; i++) r.add(1000);
  assert.equal(r.count, 1100);
  assert.ok(r.quantiles([0.99])[0]![1] === 1000, 'after many 1000s the sample is mostly 1000s');
});
