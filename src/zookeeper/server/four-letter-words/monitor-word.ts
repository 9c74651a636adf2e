// mntr (MonitorCommand): "zk_<key>\t<value>" lines, version and state first, then every gauge, counter and
// summary in Apache's order. Whole numbers print as integers, the rest as Java doubles.
import type { FourLetterCall } from './context.js';
import { javaDouble } from './java-format.js';
import { GAUGES } from './metric-keys.js';
import { quorumView } from './quorum-view.js';
import { concurrentHashMapOrder } from './server-metrics.js';
import { DOUBLE_GAUGES, gaugeValues } from './server-gauges.js';

export function mntr(call: FourLetterCall): string {
  let out = '';
  const sink = (key: string, value: string) => {
    out += `zk_${key}\t${value}\n`;
  };
  sink('version', call.ctx.version);
  sink('server_state', call.ctx.server.modeName);
  const quorum = quorumView(call.ctx.server);
  if (quorum) sink('peer_state', quorum.peerState());
  const g: Record<string, number> = { ...gaugeValues(call.ctx.server), ...quorum?.gauges() };
  // A role's gauges join the same hash map as the server's, which reorders them all.
  const order: readonly string[] = quorum ? concurrentHashMapOrder(Object.keys(g)) : GAUGES;
  for (const name of order) sink(name, DOUBLE_GAUGES.has(name as never) ? javaDouble(g[name]!) : String(g[name]));
  call.ctx.server.metrics.dumpCounters(sink);
  call.ctx.server.metrics.dumpSummaries(sink);
  return out;
}
