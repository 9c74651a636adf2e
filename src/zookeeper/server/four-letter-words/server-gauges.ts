// The gauges Apache's ZooKeeperServer registers (ServerMetrics' rootContext.registerGauge), read from the running
// server when asked: by `mntr` and by the Prometheus page, so both report the same figures.
import { readdirSync, readFileSync } from 'node:fs';
import type { ZooKeeperServer } from '../zookeeper-server.js';
import type { GaugeName } from './metric-keys.js';
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

export function gaugeValues(server: ZooKeeperServer): Record<GaugeName, number> {
  const l = latency(server);
  const m = server.metrics;
  return {
    ephemerals_count: server.tree.ephemeralCount(),
    num_alive_connections: server.connections.size,
    avg_latency: l.avg,
    outstanding_requests: server.outstandingRequests,
    znode_count: server.tree.nodeCount,
    global_sessions: server.sessions.sessions.size - server.localSessions.size,
    // No TLS listener, so no connection is counted as a non-mTLS one.
    non_mtls_remote_conn_count: 0,
    last_client_response_size: m.lastResponseBytes,
    packets_sent: server.stats.packetsSent,
    packets_received: server.stats.packetsReceived,
    max_client_response_size: m.maxResponseBytes,
    // The server never drops connections to shed load.
    connection_drop_probability: 0,
    watch_count: watchCount(server.tree),
    auth_failed_count: m.authFailedCount,
    min_latency: l.min,
    max_file_descriptor_count: maxFileDescriptorCount(),
    approximate_data_size: server.tree.approximateDataSize,
    open_file_descriptor_count: openFileDescriptorCount(),
    // Sessions living on this server only (localSessionsEnabled, or read-only mode).
    local_sessions: server.localSessions.size,
    uptime: Date.now() - server.stats.startedMs,
    max_latency: l.max,
    outstanding_tls_handshake: 0,
    min_client_response_size: m.minResponseBytes,
    non_mtls_local_conn_count: 0,
  };
}

/** Gauges Apache prints as Java doubles (the rest are longs or ints). */
export const DOUBLE_GAUGES: ReadonlySet<GaugeName> = new Set(['avg_latency', 'connection_drop_probability']);
