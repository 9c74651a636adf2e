// mntr (MonitorCommand): "zk_<key>\t<value>" lines, version and state first, then every gauge, counter and
// summary in Apache's order. Whole numbers print as integers, the rest as Java doubles. With the Prometheus provider
// the metrics part is that provider's dump instead: each sample of its page as `name{label="value"}` and a double.
import { zooKeeperMetricsPage } from '../metrics-page.js';
import type { ZooKeeperServer } from '../zookeeper-server.js';
import type { FourLetterCall } from './context.js';
import { javaDouble } from './java-format.js';
import { GAUGES } from './metric-keys.js';
import { quorumView } from './quorum-view.js';
import { concurrentHashMapOrder } from './server-metrics.js';
import { DOUBLE_GAUGES, gaugeValues } from './server-gauges.js';

export function mntr(call: FourLetterCall): string {
  let out = '';
  monitorFigures(call.ctx.server, call.ctx.version, (key, value) => {
    out += `zk_${key}\t${value}\n`;
  });
  return out;
}

/** What mntr reports, key (without `zk_`) and value, in its order; the server's observers add theirs last. */
export function monitorFigures(server: ZooKeeperServer, version: string, sink: (key: string, value: string) => void): void {
  sink('version', version);
  sink('server_state', server.modeName);
  const quorum = quorumView(server);
  if (quorum) sink('peer_state', quorum.peerState());
  if (server.metrics.prometheus) {
    for (const [key, value] of zooKeeperMetricsPage(server, server.metrics.prometheus).samples) sink(key, javaDouble(Number(value)));
    for (const o of server.observers) o.monitorFigures?.(sink);
    return;
  }
  const g: Record<string, number> = { ...gaugeValues(server), ...quorum?.gauges() };
  // A role's gauges join the same hash map as the server's, which reorders them all.
  const order: readonly string[] = quorum ? concurrentHashMapOrder(Object.keys(g)) : GAUGES;
  for (const name of order) sink(name, DOUBLE_GAUGES.has(name as never) ? javaDouble(g[name]!) : String(g[name]));
  server.metrics.dumpCounters(sink);
  server.metrics.dumpSummaries(sink);
  for (const o of server.observers) o.monitorFigures?.(sink);
}
