// A metrics record: what `mntr` reports at one moment, keys as mntr prints them, whole and decimal numbers as
// JSON numbers and everything else (version, server_state) as text.
import { monitorFigures } from '../server/four-letter-words/monitor-word.js';
import type { ZooKeeperServer } from '../server/zookeeper-server.js';

export interface MetricsSnapshot {
  time: number;
  metrics: Record<string, number | string>;
}

const NUMBER = /^-?\d+(\.\d+)?$/;

export function takeMetricsSnapshot(server: ZooKeeperServer, version: string, now: number): MetricsSnapshot {
  const metrics: Record<string, number | string> = {};
  monitorFigures(server, version, (key, value) => {
    metrics[`zk_${key}`] = NUMBER.test(value) ? Number(value) : value;
  });
  return { time: now, metrics };
}

export function metricsJson(s: MetricsSnapshot, serverId: number): string {
  return JSON.stringify({ timestamp: new Date(s.time).toISOString(), serverId, metrics: s.metrics });
}
