// Votes and their order, as FastLeaderElection.totalOrderPredicate and Vote.equals define them.
import { ServerState } from '../wire/election-messages.js';

export interface Vote {
  leader: bigint;
  zxid: bigint;
  electionEpoch: bigint;
  peerEpoch: bigint;
  /** The sender's state when it sent this vote (LOOKING for votes made inside an election round). */
  state: ServerState;
  /** Notification version the vote arrived with (0 for the old 28/40-byte forms). */
  version: number;
}

/**
 * True when the candidate (newLeader, newZxid, newEpoch) beats the current one: higher peer epoch, then higher
 * zxid, then higher sid. A candidate that cannot vote (an observer) never wins.
 */
export function totalOrderPredicate(
  newLeader: bigint, newZxid: bigint, newEpoch: bigint,
  curLeader: bigint, curZxid: bigint, curEpoch: bigint,
  isVoter: (sid: bigint) => boolean,
): boolean {
  if (!isVoter(newLeader)) return false;
  return newEpoch > curEpoch || (newEpoch === curEpoch && (newZxid > curZxid || (newZxid === curZxid && newLeader > curLeader)));
}

/**
 * Vote.equals: inside an election (either side LOOKING) everything but the state must match; between servers
 * out of election only the leader and its epoch must (or only the leader when one side is a pre-version peer).
 */
export function sameVote(a: Vote, b: Vote): boolean {
  if (a.state === ServerState.LOOKING || b.state === ServerState.LOOKING) {
    return a.leader === b.leader && a.zxid === b.zxid && a.electionEpoch === b.electionEpoch && a.peerEpoch === b.peerEpoch;
  }
  if ((a.version > 0) !== (b.version > 0)) return a.leader === b.leader;
  return a.leader === b.leader && a.peerEpoch === b.peerEpoch;
}
