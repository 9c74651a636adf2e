// The broker's metric counters and page: what the produce, fetch and dispatch paths add, the per-topic map bounded
// to hosted topics, and the page's names, labels and lag rows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BrokerTopicStats } from '../../../../src/kafka/broker/metrics/broker-topic-stats.js';
import { renderBrokerMetrics } from '../../../../src/kafka/broker/metrics/broker-metrics-page.js';
import { consumerLag } from '../../../../src/kafka/broker/metrics/consumer-lag.js';
import { RequestMetrics } from '../../../../src/kafka/broker/metrics/request-metrics.js';
import { parsePrometheusText } from '../../../support/prometheus-text.js';

test('appends and fetches count per topic and in all; failures on topics not hosted count only in all', () => {
  const stats = new BrokerTopicStats();
  stats.appended('t', 100, 4);
  stats.appended('t', 50, 1);
  stats.fetched('t', 70, false, false);
  stats.fetched('t', 30, false, true);
  stats.produceFailed('t');
  for (let i = 0; i < 1000; i++) {
    stats.produceFailed(`made-up-${i}`);
    stats.fetched(`made-up-${i}`, 0, true, false);
  }
  assert.deepEqual([...stats.topics.keys()], ['t']);
  const t = stats.topics.get('t')!;
  assert.deepEqual({ ...t }, {
    bytesIn: 150, messagesIn: 5, bytesOut: 100, replicationBytesOut: 30,
    totalProduceRequests: 3, failedProduceRequests: 1, totalFetchRequests: 2, failedFetchRequests: 0,
  });
  assert.equal(stats.all.totalProduceRequests, 1003);
  assert.equal(stats.all.failedFetchRequests, 1000);
  stats.removeTopic('t');
  assert.equal(stats.topics.size, 0);
});

test('the page: topic meters with and without the topic label, request summaries, lag rows', async () => {
  const stats = new BrokerTopicStats();
  stats.appended('orders', 1000, 10);
  stats.isrShrinks = 2;
  const requests = new RequestMetrics();
  for (const ms of [1, 2, 3, 4]) requests.record(0, ms);
  requests.failed(0);
  const lag = await consumerLag(
    [{ group: 'g', topic: 'orders', partition: 0, offset: 4 }, { group: 'g', topic: 'remote', partition: 1, offset: 7 }, { group: 'h', topic: 'gone', partition: 0, offset: 1 }],
    { local: (topic) => (topic === 'orders' ? 10 : undefined), remote: async (ps) => new Map(ps.filter((p) => p.topic === 'remote').map((p) => [`${p.topic}\u0000${p.partition}`, 9])) },
  );
  const text = renderBrokerMetrics({
    brokerId: 1, stats, requests, connections: { open: new Map([['PLAINTEXT', 3]]), created: new Map([['PLAINTEXT', 5]]) },
    partitions: [], activeController: true, clusterPartitions: { total: 4, offline: 1, topics: 2 }, lag,
  });
  const page = parsePrometheusText(text);
  assert.equal(page.value('kafka_server_brokertopicmetrics_bytesin_total'), 1000);
  assert.equal(page.value('kafka_server_brokertopicmetrics_bytesin_total', { topic: 'orders' }), 1000);
  assert.equal(page.value('kafka_server_brokertopicmetrics_messagesin_total', { topic: 'orders' }), 10);
  assert.equal(page.value('kafka_server_replicamanager_isrshrinks_total'), 2);
  assert.equal(page.value('kafka_network_requestmetrics_requests_total', { request: 'Produce' }), 4);
  assert.equal(page.value('kafka_network_requestmetrics_failed_total', { request: 'Produce' }), 1);
  assert.equal(page.value('kafka_network_requestmetrics_totaltimems_sum', { request: 'Produce' }), 10);
  assert.equal(page.value('kafka_network_requestmetrics_totaltimems', { request: 'Produce', quantile: '0.5' }), 2);
  assert.equal(page.value('kafka_server_socket_server_metrics_connection_count', { listener: 'PLAINTEXT' }), 3);
  assert.equal(page.value('kafka_controller_kafkacontroller_offlinepartitionscount'), 1);
  assert.equal(page.value('kafka_consumergroup_lag', { consumergroup: 'g', topic: 'orders', partition: '0' }), 6);
  assert.equal(page.value('kafka_consumergroup_lag', { consumergroup: 'g', topic: 'remote', partition: '1' }), 2);
  assert.equal(page.value('kafka_consumergroup_current_offset', { consumergroup: 'h', topic: 'gone', partition: '0' }), 1);
  assert.equal(page.value('kafka_consumergroup_lag', { consumergroup: 'h', topic: 'gone', partition: '0' }), undefined, 'no lag without a log end');
});
