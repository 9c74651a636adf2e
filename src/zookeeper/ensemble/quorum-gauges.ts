// The ensemble member's QuorumView: the gauges Apache's QuorumZooKeeperServer, FollowerZooKeeperServer and
// LeaderZooKeeperServer register, read from the quorum peer when asked.
import type { QuorumView } from '../server/four-letter-words/quorum-view.js';
import { ServerState } from '../quorum/wire/election-messages.js';
import { ZabLeader } from '../quorum/zab/leader.js';
import type { EnsembleMember } from './ensemble-member.js';

const PEER_STATES: Record<ServerState, string> = {
  [ServerState.LOOKING]: 'looking',
  [ServerState.FOLLOWING]: 'following',
  [ServerState.LEADING]: 'leading',
  [ServerState.OBSERVING]: 'observing',
};

export function ensembleQuorumView(member: EnsembleMember): QuorumView {
  return {
    peerState: () => {
      const state = PEER_STATES[member.peer.state];
      // Only a serving member answers mntr: its ZAB state is broadcast and it is not syncing.
      return member.server.serving && state !== 'looking' ? `${state} - broadcast` : state;
    },
    gauges: (): Record<string, number> => {
      const role = member.peer.role;
      if (role instanceof ZabLeader) {
        const counts = role.learnerCounts();
        const sizes = role.proposalSizes;
        return {
          quorum_size: member.peer.activeVerifier.voters.size,
          learners: counts.learners,
          synced_followers: counts.syncedFollowers,
          synced_non_voting_followers: counts.syncedNonVotingFollowers,
          synced_observers: counts.syncedObservers,
          pending_syncs: role.pendingSyncCount,
          leader_uptime: Date.now() - member.roleSinceMs,
          last_proposal_size: sizes.last,
          max_proposal_size: sizes.max,
          min_proposal_size: sizes.min,
        };
      }
      // Apache's follower adds synced_observers only as an observer master, which this one never is.
      return { quorum_size: member.peer.activeVerifier.voters.size };
    },
  };
}
