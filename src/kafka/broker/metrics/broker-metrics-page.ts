// The broker's /metrics page, with the names the Prometheus JMX exporter's Kafka rules give Kafka's MBeans
// (kafka_server_brokertopicmetrics_bytesin_total, kafka_network_requestmetrics_totaltimems, ...) and kafka_exporter's
// for consumer lag. Counters come from the hot paths' plain numbers; sizes, counts and lag are computed here.
import { Exposition, type FamilyWriter } from '../../../metrics/exposition.js';
import { writeProcessMetrics } from '../../../metrics/process-metrics.js';
import { apiName } from '../dispatcher.js';
import type { Partition } from '../replica/partition.js';
import type { BrokerTopicStats, TopicCounters } from './broker-topic-stats.js';
import type { LagRow } from './consumer-lag.js';
import type { RequestMetrics } from './request-metrics.js';

/** Kafka's Yammer histogram percentiles, as the JMX exporter labels them. */
const TIME_QUANTILES = [0.5, 0.75, 0.95, 0.98, 0.99, 0.999];

export interface BrokerMetricsView {
  brokerId: number;
  /** Absent when the broker runs without its replica manager (tests). */
  stats?: BrokerTopicStats;
  requests: RequestMetrics;
  connections: { open: ReadonlyMap<string, number>; created: ReadonlyMap<string, number> };
  partitions: Iterable<Partition>;
  activeController: boolean;
  /** On the active controller: every partition in the cluster, with whether it has a live leader. */
  clusterPartitions?: { total: number; offline: number; topics: number };
  lag: readonly LagRow[];
}

const TOPIC_METERS: readonly [suffix: string, help: string, read: (t: TopicCounters) => number][] = [
  ['bytesin', 'Bytes of records appended to leader logs by producers', (t) => t.bytesIn],
  ['bytesout', 'Bytes of records returned by fetches (consumers and followers)', (t) => t.bytesOut],
  ['messagesin', 'Records appended to leader logs by producers', (t) => t.messagesIn],
  ['replicationbytesout', 'Bytes of records returned to follower fetches', (t) => t.replicationBytesOut],
  ['totalproducerequests', 'Partition produce requests', (t) => t.totalProduceRequests],
  ['failedproducerequests', 'Partition produce requests that failed', (t) => t.failedProduceRequests],
  ['totalfetchrequests', 'Partition fetch requests', (t) => t.totalFetchRequests],
  ['failedfetchrequests', 'Partition fetch requests that failed', (t) => t.failedFetchRequests],
];

function topicMeters(page: Exposition, stats: BrokerTopicStats): void {
  const topics = [...stats.topics.keys()].sort();
  for (const [suffix, help, read] of TOPIC_METERS) {
    const f = page.family(`kafka_server_brokertopicmetrics_${suffix}_total`, 'counter', `${help} (BrokerTopicMetrics; without a topic label: all topics)`);
    f.sample(read(stats.all));
    for (const topic of topics) f.sample(read(stats.topics.get(topic)!), { topic });
  }
}

function requestMetrics(page: Exposition, requests: RequestMetrics): void {
  const entries = [...requests.entries()];
  const count = page.family('kafka_network_requestmetrics_requests_total', 'counter', 'Requests handled, by API (RequestMetrics RequestsPerSec)');
  for (const [key, s] of entries) count.sample(s.count, { request: apiName(key) });
  const errors = page.family('kafka_network_requestmetrics_failed_total', 'counter', 'Requests whose handler failed (error response or closed connection), by API');
  for (const [key, s] of entries) errors.sample(s.failed, { request: apiName(key) });
  const time = page.family('kafka_network_requestmetrics_totaltimems', 'summary', 'Milliseconds from a request decoded to its response ready, by API (RequestMetrics TotalTimeMs)');
  for (const [key, s] of entries) {
    const r = s.totalTimeMs;
    time.summary({ quantiles: r.quantiles(TIME_QUANTILES), count: r.count, sum: r.sum }, { request: apiName(key) });
  }
}

function perListener(f: FamilyWriter, values: ReadonlyMap<string, number>): void {
  for (const [listener, n] of [...values].sort(([a], [b]) => a.localeCompare(b))) f.sample(n, { listener });
}

function partitionMetrics(page: Exposition, partitions: readonly Partition[]): void {
  let leaders = 0;
  let underReplicated = 0;
  for (const p of partitions) {
    if (!p.isLeader) continue;
    leaders++;
    if (p.isr.length < p.replicas.length) underReplicated++;
  }
  page.gauge('kafka_server_replicamanager_partitioncount', 'Partitions hosted by this broker (ReplicaManager PartitionCount)', partitions.length);
  page.gauge('kafka_server_replicamanager_leadercount', 'Partitions led by this broker (ReplicaManager LeaderCount)', leaders);
  page.gauge('kafka_server_replicamanager_underreplicatedpartitions', 'Partitions led here whose ISR is smaller than their replica set', underReplicated);
  const sorted = [...partitions].sort((a, b) => a.tp.topic.localeCompare(b.tp.topic) || a.tp.partition - b.tp.partition);
  const labels = (p: Partition) => ({ topic: p.tp.topic, partition: String(p.tp.partition) });
  const size = page.family('kafka_log_log_size', 'gauge', 'Bytes of the partition\'s log segments on disk (Log Size)');
  for (const p of sorted) size.sample(p.log.sizeBytes, labels(p));
  const end = page.family('kafka_log_log_logendoffset', 'gauge', 'The partition\'s log end offset (Log LogEndOffset)');
  for (const p of sorted) end.sample(p.log.logEndOffset, labels(p));
  const start = page.family('kafka_log_log_logstartoffset', 'gauge', 'The partition\'s log start offset (Log LogStartOffset)');
  for (const p of sorted) start.sample(p.log.logStartOffset, labels(p));
  const under = page.family('kafka_cluster_partition_underreplicated', 'gauge', '1 when this broker leads the partition and its ISR is smaller than its replica set (Partition UnderReplicated)');
  for (const p of sorted) if (p.isLeader) under.sample(p.isr.length < p.replicas.length ? 1 : 0, labels(p));
}

function lagMetrics(page: Exposition, lag: readonly LagRow[]): void {
  const rows = [...lag].sort((a, b) => a.group.localeCompare(b.group) || a.topic.localeCompare(b.topic) || a.partition - b.partition);
  const labels = (r: LagRow) => ({ consumergroup: r.group, topic: r.topic, partition: String(r.partition) });
  const current = page.family('kafka_consumergroup_current_offset', 'gauge', 'Committed offset of a consumer group, by partition (groups this broker coordinates)');
  for (const r of rows) current.sample(r.offset, labels(r));
  const lagFamily = page.family('kafka_consumergroup_lag', 'gauge', 'Partition latest offset (high watermark) minus the group\'s committed offset');
  for (const r of rows) if (r.logEnd !== undefined) lagFamily.sample(r.logEnd - r.offset, labels(r));
}

export function renderBrokerMetrics(v: BrokerMetricsView): string {
  const page = new Exposition();
  if (v.stats) {
    topicMeters(page, v.stats);
    page.counter('kafka_server_replicamanager_isrshrinks_total', 'ISR shrinks of partitions led here, confirmed by the controller (ReplicaManager IsrShrinksPerSec)', v.stats.isrShrinks);
    page.counter('kafka_server_replicamanager_isrexpands_total', 'ISR expansions of partitions led here, confirmed by the controller (ReplicaManager IsrExpandsPerSec)', v.stats.isrExpands);
  }
  requestMetrics(page, v.requests);
  perListener(page.family('kafka_server_socket_server_metrics_connection_count', 'gauge', 'Open client connections, by listener'), v.connections.open);
  perListener(page.family('kafka_server_socket_server_metrics_connection_creation_total', 'counter', 'Connections accepted since start, by listener'), v.connections.created);
  partitionMetrics(page, [...v.partitions]);
  page.gauge('kafka_controller_kafkacontroller_activecontrollercount', '1 on the active controller, else 0', v.activeController ? 1 : 0);
  const cluster = v.clusterPartitions;
  page.gauge('kafka_controller_kafkacontroller_offlinepartitionscount', 'Partitions without a live leader (reported by the active controller; 0 elsewhere)', cluster?.offline ?? 0);
  page.gauge('kafka_controller_kafkacontroller_globalpartitioncount', 'Partitions in the cluster (reported by the active controller; 0 elsewhere)', cluster?.total ?? 0);
  page.gauge('kafka_controller_kafkacontroller_globaltopiccount', 'Topics in the cluster (reported by the active controller; 0 elsewhere)', cluster?.topics ?? 0);
  lagMetrics(page, v.lag);
  writeProcessMetrics(page);
  return page.text();
}
