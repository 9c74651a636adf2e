// metricsProvider.* in zoo.cfg (ZooKeeper 3.6+): the Prometheus provider serves /metrics over HTTP on httpHost:httpPort
// (Apache's defaults 0.0.0.0:7000); the default provider serves nothing beyond mntr. Other metricsProvider.* keys
// (numWorkerThreads, maxQueueSize, workerShutdownTimeoutMs, ...) tune Apache's Java worker threads and are accepted.
import type { PropertyReader } from './property-reader.js';

export const PROMETHEUS_METRICS_PROVIDER = 'org.apache.zookeeper.metrics.prometheus.PrometheusMetricsProvider';
const BUILT_IN_PROVIDERS = ['org.apache.zookeeper.metrics.impl.DefaultMetricsProvider', 'org.apache.zookeeper.metrics.impl.NullMetricsProvider'];

export interface ZooKeeperMetricsConfig {
  httpHost: string;
  httpPort: number;
  /** Apache adds the JVM's metrics; here the process_* metrics of this process. */
  exportJvmInfo: boolean;
}

export const ZOOKEEPER_METRICS_DEFAULTS = { httpHost: '0.0.0.0', httpPort: 7000, exportJvmInfo: true } as const;

/** The Prometheus endpoint's settings, or undefined when no provider serving HTTP is configured. */
export function parseZooKeeperMetrics(r: PropertyReader): ZooKeeperMetricsConfig | undefined {
  const className = r.raw('metricsProvider.className');
  if (className === undefined || BUILT_IN_PROVIDERS.includes(className)) return undefined;
  if (className !== PROMETHEUS_METRICS_PROVIDER) {
    throw r.fail('metricsProvider.className', `${PROMETHEUS_METRICS_PROVIDER} or ${BUILT_IN_PROVIDERS.join(' or ')}`);
  }
  return {
    httpHost: r.nonEmpty('metricsProvider.httpHost', 'a host name or address') ?? ZOOKEEPER_METRICS_DEFAULTS.httpHost,
    httpPort: r.int('metricsProvider.httpPort', { min: 0, max: 65535, expected: 'a port number (0-65535)' }) ?? ZOOKEEPER_METRICS_DEFAULTS.httpPort,
    exportJvmInfo: r.bool('metricsProvider.exportJvmInfo') ?? ZOOKEEPER_METRICS_DEFAULTS.exportJvmInfo,
  };
}
