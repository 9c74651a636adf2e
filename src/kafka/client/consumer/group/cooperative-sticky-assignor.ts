// The "cooperative-sticky" protocol, as a leader runs it: members keep the partitions they report owning
// (ownedPartitions, subscription v1+) as far as balance allows, the rest go to the least-loaded eligible member,
// and a partition that must move from a member still in the group is left unassigned this round: its owner gives
// it up and rejoins, and the next round hands it over (KIP-429's two phases). Members of ours revoke everything
// before they join, so they report owning nothing and never hold a partition another member was given.
import { compareMembers, type GroupMemberSubscription, type PartitionAssignor } from './assignors.js';
import type { Assignment } from './consumer-protocol.js';

type Key = string;
const keyOf = (topic: string, partition: number): Key => `${topic}\u0000${partition}`;
const split = (k: Key) => {
  const i = k.lastIndexOf('\u0000');
  return { topic: k.slice(0, i), partition: Number(k.slice(i + 1)) };
};

export class CooperativeStickyAssignor implements PartitionAssignor {
  readonly name = 'cooperative-sticky';

  assign(members: readonly GroupMemberSubscription[], partitionsPerTopic: ReadonlyMap<string, number>): Map<string, Assignment> {
    const ordered = [...members].sort(compareMembers);
    const eligible = (m: GroupMemberSubscription, k: Key) => {
      const { topic, partition } = split(k);
      return m.subscription.topics.includes(topic) && partition < (partitionsPerTopic.get(topic) ?? 0);
    };
    const all: Key[] = [];
    for (const topic of [...partitionsPerTopic.keys()].sort()) for (let p = 0; p < partitionsPerTopic.get(topic)!; p++) all.push(keyOf(topic, p));
    // Who owns what now (the first valid claim wins).
    const previousOwner = new Map<Key, string>();
    const current = new Map<string, Set<Key>>(ordered.map((m) => [m.memberId, new Set()]));
    for (const m of ordered) {
      for (const t of m.subscription.ownedPartitions) {
        for (const p of t.partitions) {
          const k = keyOf(t.topic, p);
          if (previousOwner.has(k) || !eligible(m, k)) continue;
          previousOwner.set(k, m.memberId);
          current.get(m.memberId)!.add(k);
        }
      }
    }
    const byId = new Map(ordered.map((m) => [m.memberId, m]));
    const load = (id: string) => current.get(id)!.size;
    // Free partitions to the least-loaded eligible member.
    for (const k of all) {
      if (previousOwner.has(k)) continue;
      let best: GroupMemberSubscription | undefined;
      for (const m of ordered) if (eligible(m, k) && (best === undefined || load(m.memberId) < load(best.memberId))) best = m;
      if (best !== undefined) current.get(best.memberId)!.add(k);
    }
    // Even out: move partitions from the most to the least loaded member while that narrows the gap.
    for (let moves = 0; moves < all.length * Math.max(1, ordered.length); moves++) {
      let moved = false;
      const byLoad = [...ordered].sort((a, b) => load(b.memberId) - load(a.memberId) || compareMembers(a, b));
      outer: for (const from of byLoad) {
        for (const to of [...byLoad].reverse()) {
          if (load(from.memberId) - load(to.memberId) <= 1) continue;
          for (const k of [...current.get(from.memberId)!].sort()) {
            if (!eligible(to, k)) continue;
            current.get(from.memberId)!.delete(k);
            current.get(to.memberId)!.add(k);
            moved = true;
            break outer;
          }
        }
      }
      if (!moved) break;
    }
    const out = new Map<string, Assignment>();
    for (const m of ordered) {
      const byTopic = new Map<string, number[]>();
      for (const k of [...current.get(m.memberId)!].sort()) {
        const owner = previousOwner.get(k);
        // Still someone else's: it moves in the next round, once its owner has revoked it.
        if (owner !== undefined && owner !== m.memberId && byId.has(owner)) continue;
        const { topic, partition } = split(k);
        byTopic.set(topic, [...(byTopic.get(topic) ?? []), partition]);
      }
      out.set(m.memberId, { partitions: [...byTopic].map(([topic, partitions]) => ({ topic, partitions: partitions.sort((a, b) => a - b) })), userData: null });
    }
    return out;
  }
}
