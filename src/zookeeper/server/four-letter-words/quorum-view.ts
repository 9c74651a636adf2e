// What a member of an ensemble adds to `mntr` and the metrics page: peer_state (QuorumZooKeeperServer's
// dumpMonitorValues) and the gauges its role registers — quorum_size for every member; learners, synced_followers, pending_syncs, leader_uptime and the proposal sizes on the leader. Attached to
// the server by the ensemble; a standalone server has none.
import type { ZooKeeperServer } from '../zookeeper-server.js';

export interface QuorumView {
  /** QuorumPeer.getDetailedPeerState: "leading - broadcast", "following - broadcast", ... */
  peerState(): string;
  gauges(): Record<string, number>;
}

const views = new WeakMap<ZooKeeperServer, QuorumView>();

export function attachQuorumView(server: ZooKeeperServer, view: QuorumView): void {
  views.set(server, view);
}

export function quorumView(server: ZooKeeperServer): QuorumView | undefined {
  return views.get(server);
}
