// Who votes and what a quorum is. Only simple majority over the voting members is implemented; Apache's
// hierarchical (group/weight) verifier is not.

export type LearnerType = 'participant' | 'observer';

export interface QuorumMember {
  sid: bigint;
  type: LearnerType;
}

export class MajorityQuorumVerifier {
  readonly voters: ReadonlySet<bigint>;
  readonly observers: ReadonlySet<bigint>;

  /** The config's version (the zxid of the reconfig that made it; 0 for a hand-written config). */
  constructor(members: readonly QuorumMember[], readonly version = 0n) {
    const voters = new Set<bigint>();
    const observers = new Set<bigint>();
    for (const m of members) {
      if (voters.has(m.sid) || observers.has(m.sid)) throw new Error(`server id ${m.sid} is listed twice`);
      (m.type === 'participant' ? voters : observers).add(m.sid);
    }
    if (voters.size === 0) throw new Error('a quorum needs at least one participant');
    this.voters = voters;
    this.observers = observers;
  }

  isVoter(sid: bigint): boolean {
    return this.voters.has(sid);
  }

  /** All servers, voters first, each in ascending sid order. */
  allMembers(): bigint[] {
    const asc = (a: bigint, b: bigint) => (a < b ? -1 : a > b ? 1 : 0);
    return [...[...this.voters].sort(asc), ...[...this.observers].sort(asc)];
  }

  /** True when the voters among `sids` are a strict majority of all voters (non-voters are ignored). */
  containsQuorum(sids: Iterable<bigint>): boolean {
    let n = 0;
    for (const sid of sids instanceof Set ? sids : new Set(sids)) if (this.voters.has(sid)) n++;
    return n * 2 > this.voters.size;
  }
}
