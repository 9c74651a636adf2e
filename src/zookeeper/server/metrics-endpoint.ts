// Serves the ZooKeeper metrics page (metricsProvider.className = Apache's PrometheusMetricsProvider) on
// metricsProvider.httpHost:httpPort at /metrics, as Apache's provider does (its Jetty answers 404 elsewhere).
import type { ZooKeeperMetricsConfig } from '../../config/zookeeper-metrics-config.js';
import { startMetricsEndpoint, type MetricsEndpoint } from '../../metrics/http-endpoint.js';
import { renderZooKeeperMetrics } from './metrics-page.js';
import type { ZooKeeperServer } from './zookeeper-server.js';

/** `server` is read at every scrape: until the server has started the page is empty. */
export async function startZooKeeperMetricsEndpoint(config: ZooKeeperMetricsConfig, server: () => ZooKeeperServer | undefined, log: (line: string) => void): Promise<MetricsEndpoint> {
  const endpoint = await startMetricsEndpoint({
    host: config.httpHost,
    port: config.httpPort,
    render: () => {
      const s = server();
      return s ? renderZooKeeperMetrics(s, { exportProcessInfo: config.exportJvmInfo }) : '';
    },
  });
  log(`Started /metrics HTTP endpoint at host: ${config.httpHost}, port: ${endpoint.port}, exportJvmInfo: ${config.exportJvmInfo}`);
  return endpoint;
}
