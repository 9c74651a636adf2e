// The /metrics page of Apache's PrometheusMetricsProvider for this server: every gauge, counter and summary of the
// registry `mntr` reads (same names, HELP = the name, as Apache registers them), summaries with the quantiles Apache
// configures (0.5 for the basic ones; 0.5, 0.9 and 0.99 for those mntr shows percentiles of), per-namespace summaries
// labelled `key`; with exportJvmInfo the process_* metrics of a Prometheus client instead of the JVM's.
import { Exposition } from '../../metrics/exposition.js';
import { writeProcessMetrics } from '../../metrics/process-metrics.js';
import { GAUGES } from './four-letter-words/metric-keys.js';
import { quorumView } from './four-letter-words/quorum-view.js';
import { gaugeValues } from './four-letter-words/server-gauges.js';
import type { Summary } from './four-letter-words/summary.js';
import type { ZooKeeperServer } from './zookeeper-server.js';

const BASIC_QUANTILES = [0.5];
const ADVANCED_QUANTILES = [0.5, 0.9, 0.99];

function summaryValue(s: Summary) {
  return { quantiles: s.quantiles(s.advanced ? ADVANCED_QUANTILES : BASIC_QUANTILES), count: s.count, sum: s.total };
}

export function renderZooKeeperMetrics(server: ZooKeeperServer, opts: { exportProcessInfo: boolean }): string {
  return zooKeeperMetricsPage(server, opts).text();
}

export function zooKeeperMetricsPage(server: ZooKeeperServer, opts: { exportProcessInfo: boolean }): Exposition {
  const page = new Exposition();
  const gauges = gaugeValues(server);
  for (const name of GAUGES) page.gauge(name, name, gauges[name]);
  for (const [name, value] of Object.entries(quorumView(server)?.gauges() ?? {})) page.gauge(name, name, value);
  for (const [name, value] of server.metrics.counterValues()) page.counter(name, name, value);
  server.metrics.visitSummaries({
    summary: (name, s) => page.summary(name, name, summaryValue(s)),
    summarySet: (name, byKey) => {
      const family = page.family(name, 'summary', name);
      for (const [key, s] of byKey) family.summary(summaryValue(s), { key });
    },
  });
  if (opts.exportProcessInfo) writeProcessMetrics(page);
  return page;
}
