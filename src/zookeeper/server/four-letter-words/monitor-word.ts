// mntr (MonitorCommand): "zk_<key>\t<value>" lines, version and state first, then every gauge, counter and
// summary in Apache's order. Whole numbers print as integers, the rest as Java doubles.
import { readdirSync, readFileSync } from 'node:fs';
import type { ZooKeeperServer } from '../zookeeper-server.js';
import type { FourLetterCall } from './context.js';
import { javaDouble } from './java-format.js';
import { GAUGES, type GaugeName } from './metric-keys.js';
import { latency } from './stats-words.js';
import { watchCount } from './watch-words.js';

/** Open descriptors of this process (Java counts /proc/self/fd too); -1 where that cannot be read, as Apache. */
function openFileDescriptorCount(): number {
  for (const dir of ['/proc/self/fd', '/dev/fd']) {
    try {
      return readdirSync(dir).length;
    } catch {
      // try the next
    }
  }
  return -1;
}

/** The soft RLIMIT_NOFILE (what Java's getMaxFileDescriptorCount returns); -1 where unknown. */
function maxFileDescriptorCount(): number {
  try {
    const m = /^Max open files\s+(\d+)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    return m ? Number(m[1]) : -1;
  } catch {
    return -1;
  }
}

function gauges(server: ZooKeeperServer): Record<GaugeName, string> {
  const l = latency(server);
  const m = server.metrics;
  return {
    ephemerals_count: String(server.tree.ephemeralCount()),
    num_alive_connections: String(server.connections.size),
    avg_latency: javaDouble(l.avg),
    outstanding_requests: String(server.outstandingRequests),
    znode_count: String(server.tree.nodeCount),
    global_sessions: String(server.sessions.sessions.size - server.localSessions.size),
    // No TLS listener, so no connection is counted as a non-mTLS one.
    non_mtls_remote_conn_count: '0',
    last_client_response_size: String(m.lastResponseBytes),
    packets_sent: String(server.stats.packetsSent),
    packets_received: String(server.stats.packetsReceived),
    max_client_response_size: String(m.maxResponseBytes),
    // The server never drops connections to shed load.
    connection_drop_probability: javaDouble(0),
    watch_count: String(watchCount(server.tree)),
    auth_failed_count: String(m.authFailedCount),
    min_latency: String(l.min),
    max_file_descriptor_count: String(maxFileDescriptorCount()),
    approximate_data_size: String(server.tree.approximateDataSize),
    open_file_descriptor_count: String(openFileDescriptorCount()),
    // Sessions living on this server only (localSessionsEnabled, or read-only mode).
    local_sessions: String(server.localSessions.size),
    uptime: String(Date.now() - server.stats.startedMs),
    max_latency: String(l.max),
    outstanding_tls_handshake: '0',
    min_client_response_size: String(m.minResponseBytes),
    non_mtls_local_conn_count: '0',
  };
}

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
  const g = gauges(server);
  for (const name of GAUGES) sink(name, g[name]);
  server.metrics.dumpCounters(sink);
  server.metrics.dumpSummaries(sink);
  for (const o of server.observers) o.monitorFigures?.(sink);
}
